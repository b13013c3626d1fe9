from django.urls import path

from studyapp.exams import report_views, views

app_name = "exams"

urlpatterns = [
    path("", views.exam_list, name="list"),
    path("start/<id:blueprint_id>/", views.exam_start, name="start"),
    path("attempts/<id:attempt_id>/", views.exam_attempt, name="attempt"),
    path("attempts/<id:attempt_id>/answer/", views.exam_answer, name="answer"),
    path("attempts/<id:attempt_id>/flag/", views.exam_flag, name="flag"),
    path("attempts/<id:attempt_id>/move/", views.exam_move, name="move"),
    path("attempts/<id:attempt_id>/submit/", views.exam_submit, name="submit"),
    path("attempts/<id:attempt_id>/report/", report_views.exam_report, name="report"),
]
