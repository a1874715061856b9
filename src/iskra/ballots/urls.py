from django.urls import path

from iskra.ballots import views, views_sealed

app_name = "ballots"

urlpatterns = [
    path("ballots/", views.ballot_list, name="list"),
    path("units/<int:unit_id>/ballots/new/", views.ballot_new, name="new"),
    path("ballots/<int:ballot_id>/", views.ballot_detail, name="detail"),
    path("ballots/<int:ballot_id>/vote/", views.vote, name="vote"),
    path("ballots/<int:ballot_id>/v/<str:token>/", views.vote_by_link, name="vote_by_link"),
    path("ballots/<int:ballot_id>/result/", views.result, name="result"),
    path("ballots/<int:ballot_id>/board/", views.board, name="board"),
    path("ballots/<int:ballot_id>/roll/", views.roll, name="roll"),
    path("ballots/<int:ballot_id>/report/", views.report, name="report"),
    path("ballots/<int:ballot_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("ballots/<int:ballot_id>/export.json", views.export_json, name="export"),
    path("ballots/<int:ballot_id>/sealed/", views_sealed.setup, name="sealed_setup"),
    path("ballots/<int:ballot_id>/trustee/", views_sealed.trustee, name="sealed_trustee"),
    path(
        "ballots/<int:ballot_id>/trustee/round.json", views_sealed.round_json, name="sealed_round"
    ),
    path(
        "ballots/<int:ballot_id>/credentials/",
        views_sealed.credentials,
        name="sealed_credentials",
    ),
    path("ballots/<int:ballot_id>/credentials/roll.txt", views_sealed.roll_txt, name="sealed_roll"),
    path("ballots/<int:ballot_id>/record.json", views_sealed.record_json, name="sealed_record"),
    path(
        "ballots/<int:ballot_id>/election.json", views_sealed.election_json, name="sealed_election"
    ),
    path("ballots/<int:ballot_id>/audit/", views_sealed.audit, name="sealed_audit"),
    path("ballots/<int:ballot_id>/<slug:verb>/", views.ballot_action, name="action"),
    path("challenges/<int:challenge_id>/decide/", views.challenge_decide, name="challenge_decide"),
]
