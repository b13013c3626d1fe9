from django.contrib import admin
from django.urls import include, path

import studyapp.converters  # noqa: F401 - registers <id:...> before the apps' URLs are read
from studyapp.notes import search_views
from studyapp.notes import views as note_views
from studyapp.study import views as study_views

urlpatterns = [
    path("", study_views.home, name="home"),
    path("notes/", note_views.note_list, name="note_list"),
    path("notes/<str:note_id>/", note_views.note_detail, name="note_detail"),
    path("search/", search_views.search, name="search"),
    path("accounts/", include("studyapp.accounts.urls")),
    path("", include("studyapp.study.urls")),
    path("exams/", include("studyapp.exams.urls")),
    path("", include("studyapp.authoring.urls")),
    path("teams/", include("studyapp.teams.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "studyapp.errors.bad_request"
handler403 = "studyapp.errors.permission_denied"
handler404 = "studyapp.errors.page_not_found"
