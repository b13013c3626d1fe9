from django.urls import path

from studyapp.study import cram_views, offline_views, stats_views, views, welcome_views

urlpatterns = [
    path("study/", views.study, name="study"),
    path("study/welcome/", welcome_views.welcome, name="study_welcome"),
    path("study/card/", views.study_card, name="study_card"),
    path("study/grade/<id:state_id>/", views.grade, name="study_grade"),
    path("study/answer/<id:state_id>/", views.answer, name="study_answer"),
    path("study/undo/", views.undo, name="study_undo"),
    path("study/bury/<id:state_id>/", views.bury, name="study_bury"),
    path("study/suspend/<id:state_id>/", views.suspend, name="study_suspend"),
    path("study/scope/", views.choose_scope, name="study_scope"),
    path("study/hidden/", views.hidden, name="study_hidden"),
    path("study/unsuspend/<id:state_id>/", views.unsuspend, name="study_unsuspend"),
    path("study/unbury/<id:state_id>/", views.unbury, name="study_unbury"),
    path("study/cram/", cram_views.cram, name="study_cram"),
    path("study/cram/<id:card_id>/", cram_views.cram_answer_view, name="study_cram_answer"),
    path("study/offline/bundle/", offline_views.offline_bundle_view, name="study_offline_bundle"),
    path("study/offline/sync/", offline_views.offline_sync_view, name="study_offline_sync"),
    path("stats/", stats_views.stats, name="stats"),
    path("stats/tasks/", stats_views.task_coverage, name="stats_tasks"),
]
