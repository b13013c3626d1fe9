from django.urls import path

from studyapp.accounts import instructor_views, views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("signup/", views.signup, name="signup"),
    path("settings/", views.account_settings, name="account_settings"),
    path("password/", views.password_change, name="password_change"),
    path("data/download.json", views.data_download_json, name="data_download_json"),
    path("data/download-csv.zip", views.data_download_csv, name="data_download_csv"),
    path("delete/", views.delete_account, name="account_delete"),
    path("deleted/", views.account_deleted, name="account_deleted"),
    path("language/", views.language_switch, name="language_switch"),
    path("instructors/", instructor_views.instructor_list, name="instructor_list"),
    path("instructors/add/", instructor_views.instructor_add_view, name="instructor_add"),
    path("instructors/<id:user_id>/remove/", instructor_views.instructor_remove_view, name="instructor_remove"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/done/", views.password_reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("reset/done/", views.password_reset_complete, name="password_reset_complete"),
]
