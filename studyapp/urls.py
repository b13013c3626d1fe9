from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from studyapp.notes import views as note_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="note_list", permanent=False)),
    path("notes/", note_views.note_list, name="note_list"),
    path("notes/<str:note_id>/", note_views.note_detail, name="note_detail"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
