from django.urls import path

from studyapp.teams import views

urlpatterns = [
    path("", views.team_list, name="team_list"),
    path("join/<str:token>/", views.team_join, name="team_join"),
    path("<id:team_id>/", views.team_detail, name="team_detail"),
    path("<id:team_id>/sharing/", views.sharing_update, name="team_sharing"),
    path("<id:team_id>/leave/", views.team_leave, name="team_leave"),
    path("<id:team_id>/dashboard/", views.team_dashboard, name="team_dashboard"),
    path("<id:team_id>/dashboard.csv", views.team_dashboard_csv, name="team_dashboard_csv"),
    path("<id:team_id>/manage/", views.team_manage, name="team_manage"),
    path("<id:team_id>/invites/", views.invite_create, name="team_invite_create"),
    path("<id:team_id>/invites/<id:invite_id>/revoke/", views.invite_revoke, name="team_invite_revoke"),
    path("<id:team_id>/assignments/", views.assignment_create, name="team_assignment_create"),
    path(
        "<id:team_id>/assignments/<id:assignment_id>/delete/",
        views.assignment_delete,
        name="team_assignment_delete",
    ),
    path("<id:team_id>/assignments/<id:assignment_id>/study/", views.assignment_study, name="team_assignment_study"),
    path("<id:team_id>/mocks/", views.mock_assignment_create, name="team_mock_create"),
    path("<id:team_id>/mocks/<id:mock_id>/delete/", views.mock_assignment_delete, name="team_mock_delete"),
    path("<id:team_id>/members/<id:membership_id>/remove/", views.member_remove, name="team_member_remove"),
    path("<id:team_id>/lead/", views.lead_transfer, name="team_lead_transfer"),
    path("<id:team_id>/close/", views.team_close, name="team_close"),
]
