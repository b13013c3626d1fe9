from django.urls import path

from studyapp.accounts import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("signup/", views.signup, name="signup"),
    path("settings/", views.account_settings, name="account_settings"),
    path("password/", views.password_change, name="password_change"),
    path("language/", views.language_switch, name="language_switch"),
]
