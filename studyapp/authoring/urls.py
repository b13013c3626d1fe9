from django.urls import path

from studyapp.authoring import (
    analysis_views,
    blueprint_views,
    export_views,
    repair_views,
    report_views,
    upload_views,
    version_views,
    views,
)

urlpatterns = [
    # Instructors
    path("author/", views.dashboard, name="authoring_dashboard"),
    path("author/new/", views.note_new, name="authoring_new"),
    path("author/new/save/", views.note_create, name="authoring_create"),
    path("author/new/preview/", views.preview_new, name="authoring_preview_new"),
    path("author/notes/<str:note_id>/", views.editor, name="authoring_editor"),
    path("author/notes/<str:note_id>/preview/", views.preview, name="authoring_preview"),
    path("author/notes/<str:note_id>/save/", views.save, name="authoring_save"),
    path("author/notes/<str:note_id>/publish/", views.publish, name="authoring_publish"),
    path("author/notes/<str:note_id>/retire/", views.retire, name="authoring_retire"),
    path("author/notes/<str:note_id>/versions/", version_views.versions, name="authoring_versions"),
    path("author/notes/<str:note_id>/diff/", version_views.diff, name="authoring_diff"),
    path("author/notes/<str:note_id>/versions/<id:number>/revert/", version_views.revert, name="authoring_revert"),
    path("author/notes/<str:note_id>/repair/", repair_views.repair, name="authoring_repair"),
    path("author/notes/<str:note_id>/export.md", export_views.note_md, name="authoring_export_md"),
    path("author/upload/", upload_views.upload, name="authoring_upload"),
    path("author/uploads/<id:job_id>/", upload_views.job, name="authoring_upload_job"),
    path("author/reports/", report_views.queue, name="authoring_reports"),
    path("author/reports/<id:report_id>/resolve/", report_views.resolve, name="authoring_report_resolve"),
    path("author/blueprints/", blueprint_views.blueprint_list, name="authoring_blueprints"),
    path("author/blueprints/new/", blueprint_views.blueprint_new, name="authoring_blueprint_new"),
    path("author/blueprints/<id:blueprint_id>/", blueprint_views.blueprint_edit, name="authoring_blueprint_edit"),
    path("author/analysis/", analysis_views.analysis, name="authoring_analysis"),
    path("author/export/notes.zip", export_views.notes_zip, name="authoring_export_zip"),
    path("author/export/cards.apkg", export_views.apkg, name="authoring_export_apkg"),
    path("author/export/cards.csv", export_views.csv, name="authoring_export_csv"),
    # Learners
    path("reports/card/<id:card_id>/", report_views.report_card, name="report_card"),
    path("reports/mine/", report_views.mine, name="reports_mine"),
    path("reports/news/", report_views.news, name="reports_news"),
    path("reports/news/seen/", report_views.news_seen, name="reports_news_seen"),
]
