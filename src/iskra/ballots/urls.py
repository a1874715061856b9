from django.urls import path

from iskra.ballots import (
    views,
    views_confirm,
    views_motion,
    views_proxies,
    views_sealed,
    views_voting,
)

app_name = "ballots"

urlpatterns = [
    path("ballots/", views.ballot_list, name="list"),
    path("units/<int:unit_id>/ballots/new/", views.ballot_new, name="new"),
    path("ballots/<int:ballot_id>/", views.ballot_detail, name="detail"),
    path("ballots/<int:ballot_id>/vote/", views_voting.vote, name="vote"),
    path(
        "ballots/<int:ballot_id>/vote/proxy/<int:member_id>/",
        views_voting.vote_as_proxy,
        name="vote_as_proxy",
    ),
    path("ballots/<int:ballot_id>/proxy/", views_proxies.ballot_proxy, name="proxy"),
    path(
        "ballots/<int:ballot_id>/proxy/withdraw/",
        views_proxies.withdraw,
        name="proxy_withdraw",
    ),
    path(
        "ballots/<int:ballot_id>/proxy/decline/<int:member_id>/",
        views_proxies.decline,
        name="proxy_decline",
    ),
    path("ballots/<int:ballot_id>/v/<str:token>/", views_voting.vote_by_link, name="vote_by_link"),
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
    # One view per verb (the addresses are those of the single view with a verb before).
    path("ballots/<int:ballot_id>/question/", views.ballot_question, name="question"),
    path("ballots/<int:ballot_id>/scrutineer/", views.ballot_scrutineer, name="scrutineer"),
    path("ballots/<int:ballot_id>/open/", views_confirm.ballot_open, name="open"),
    path("ballots/<int:ballot_id>/extend/", views.ballot_extend, name="extend"),
    path("ballots/<int:ballot_id>/remind/", views.ballot_remind, name="remind"),
    path("ballots/<int:ballot_id>/challenge/", views.ballot_challenge, name="challenge"),
    path("ballots/<int:ballot_id>/sign/", views_confirm.ballot_sign, name="sign"),
    path("ballots/<int:ballot_id>/audit/", views_sealed.audit, name="sealed_audit"),
    path("challenges/<int:challenge_id>/decide/", views.challenge_decide, name="challenge_decide"),
]

# Putting a motion to a ballot is a ballots page served in the motions' namespace
# (motions:to_ballot), so iskra.urls puts these with the motions' own pages.
motion_pages = [
    path("motions/<int:motion_id>/ballot/", views_motion.motion_to_ballot, name="to_ballot"),
]
