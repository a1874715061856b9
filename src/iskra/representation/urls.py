from django.urls import path

from iskra.representation import (
    views,
    views_byelections,
    views_elections,
    views_no_confidence,
    views_requisitions,
    views_reserved,
)

app_name = "representation"

urlpatterns = [
    path("holdings/<int:holding_id>/", views.holder_record, name="record"),
    path("holdings/<int:holding_id>/recall/", views.start, name="start"),
    path("recall/", views.petitions, name="list"),
    path("representatives/", views.representatives, name="representatives"),
    path("bodies/<int:body_id>/delegates/", views.delegates, name="delegates"),
    path("bodies/<int:body_id>/reserved-places/", views_reserved.places, name="reserved"),
    path("seats/<int:seat_id>/election/", views_elections.record, name="election"),
    path(
        "by-elections/<int:by_election_id>/",
        views_byelections.by_election,
        name="by_election",
    ),
    path(
        "nominations/<int:nomination_id>/accept/",
        views_byelections.accept,
        name="nomination_accept",
    ),
    path(
        "nominations/<int:nomination_id>/withdraw/",
        views_byelections.withdraw,
        name="nomination_withdraw",
    ),
    path("reserved-places/<int:place_id>/remove/", views_reserved.remove, name="reserved_remove"),
    path("reserved-places/<int:place_id>/claim/", views_reserved.claim, name="reserved_claim"),
    path("recall/<int:petition_id>/", views.petition_detail, name="petition"),
    path("recall/<int:petition_id>/sign/", views.sign, name="sign"),
    path("recall/<int:petition_id>/withdraw/", views.withdraw, name="withdraw"),
    path("recall/<int:petition_id>/reply/", views.reply, name="reply"),
    path("bodies/<int:body_id>/requisition/", views_requisitions.start, name="requisition_start"),
    path("requisitions/", views_requisitions.requisitions, name="requisitions"),
    path("requisitions/<int:requisition_id>/", views_requisitions.detail, name="requisition"),
    path(
        "requisitions/<int:requisition_id>/sign/",
        views_requisitions.sign,
        name="requisition_sign",
    ),
    path(
        "requisitions/<int:requisition_id>/withdraw/",
        views_requisitions.withdraw,
        name="requisition_withdraw",
    ),
    path(
        "requisitions/<int:requisition_id>/units/",
        views_requisitions.support,
        name="requisition_units",
    ),
    path(
        "requisitions/<int:requisition_id>/call/",
        views_requisitions.call,
        name="requisition_call",
    ),
    path(
        "holdings/<int:holding_id>/no-confidence/",
        views_no_confidence.in_holder,
        name="no_confidence_holder",
    ),
    path(
        "bodies/<int:body_id>/no-confidence/",
        views_no_confidence.in_committee,
        name="no_confidence_committee",
    ),
]
