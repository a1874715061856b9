from django.urls import path

from iskra.members import views

app_name = "members"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("membership/", views.my_membership, name="mine"),
    path("membership/transfer/", views.transfer_request, name="transfer_request"),
    path(
        "membership/transfer/<int:transfer_id>/cancel/",
        views.transfer_cancel,
        name="transfer_cancel",
    ),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:transfer_id>/", views.transfer_decide, name="transfer_decide"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path("members/", views.directory, name="directory"),
    path("members/<int:membership_id>/", views.member_record, name="record"),
    path("members/<int:membership_id>/status/", views.member_status, name="status"),
    path("members/<int:membership_id>/probation/", views.member_probation, name="probation"),
    path("members/<int:membership_id>/invite/", views.member_invite, name="invite"),
    path("members/<int:membership_id>/complaint/", views.case_open, name="case_open"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("units/<int:unit_id>/members/", views.branch_members, name="branch_members"),
]
