"""Recall in the demo: a petition under way to recall North District's delegate to the
National Council, started by the demo member five days ago, with the delegate's reply."""

from __future__ import annotations

from datetime import timedelta

from iskra.accounts.models import User
from iskra.organisation.models import SeatHolding


def seed_demo_delegates() -> None:
    """The National Conference counts its delegates from the register: one per five members
    of a branch, rounded, at least one, at most four (the demo's branches are small); its
    officers have made the seats."""
    from iskra.organisation.models import Body
    from iskra.organisation.services import update_standing_orders
    from iskra.representation.entitlement import make_delegate_seats

    admin = User.objects.get(email="admin@example.org")
    conference = Body.objects.get(name="National Conference")
    conference = update_standing_orders(
        actor=admin,
        body=conference,
        changes={"entitlement_rule": "proportional", "entitlement_step": 5, "entitlement_max": 4},
    )
    make_delegate_seats(actor=admin, body=conference)


def seed_demo_recall() -> None:
    from iskra.representation import services
    from iskra.representation.models import RecallPetition

    holding = SeatHolding.objects.current().get(seat__title="Delegate of North District")
    member = User.objects.get(email="member@example.org")
    petition = services.start_petition(
        actor=member,
        holding=holding,
        reason=(
            "Our delegate voted for the national leadership's budget at the last Council, "
            "although every North District branch had instructed the delegates to vote "
            "against the cuts to the branch organising fund. A delegate carries the "
            "district's mandate, not their own."
        ),
    )
    # Two more members of the district have signed; the secretary has not (the demo's
    # secretary can sign it).
    signers = (
        User.objects.filter(
            membership__unit__path__startswith=holding.seat.constituency_unit.path,  # type: ignore[union-attr]
            membership__status="member",
        )
        .exclude(pk__in=[member.pk, holding.holder_id])
        .exclude(email__in=["secretary@example.org", "scrutineer@example.org"])
        .order_by("pk")
    )
    for signer in signers[:2]:
        services.sign(actor=signer, petition=petition)
    services.reply(
        actor=holding.holder,
        petition=petition,
        text=(
            "The budget vote was on the whole budget, not the fund alone; I spoke and voted "
            "for the amendment restoring the fund, which fell. I will report back to every "
            "branch meeting this month."
        ),
    )
    # Started five days ago: its dates are those it would have had.
    # The delegate replied the day after it started.
    days = timedelta(days=5)
    petition.refresh_from_db(fields=["replied_at"])
    RecallPetition.objects.filter(pk=petition.pk).update(
        started_at=petition.started_at - days,
        closes_on=petition.closes_on - days,
        replied_at=petition.replied_at - days + timedelta(days=1),  # type: ignore[operator]
    )


def seed_demo_requisition() -> None:
    """Members of Riverside Branch are requisitioning a special branch meeting about the
    hospital closure; it needs a third of the branch (the demo member may sign it)."""
    from iskra.organisation.models import Body
    from iskra.organisation.services import update_standing_orders
    from iskra.representation import requisitions
    from iskra.representation.models import Requisition

    admin = User.objects.get(email="admin@example.org")
    body = update_standing_orders(
        actor=admin,
        body=Body.objects.get(name="Riverside Branch Meeting"),
        changes={"requisition_threshold_percent": 34},
    )
    riverside = (
        User.objects.filter(membership__unit=body.unit, membership__status="member")
        .exclude(pk__in=SeatHolding.objects.current().values("holder_id"))
        .exclude(
            email__in=["member@example.org", "secretary@example.org", "scrutineer@example.org"]
        )
        .order_by("pk")
    )
    starter, signer = riverside[0], riverside[1]
    requisition = requisitions.start_requisition(
        actor=starter,
        body=body,
        agenda=(
            "The hospital closure: the branch's campaign and the strike ballot\n"
            "Report of the branch committee on the campaign fund"
        ),
        reason=(
            "The trust announced the closure of Riverside Hospital's A&E last week. The branch "
            "committee has put it off to the next ordinary meeting in six weeks: the members "
            "need to decide our response now."
        ),
        place="Riverside Community Centre, main hall",
    )
    requisitions.sign(actor=signer, requisition=requisition)
    days = timedelta(days=3)
    requisition.refresh_from_db()
    Requisition.objects.filter(pk=requisition.pk).update(
        started_at=requisition.started_at - days, closes_on=requisition.closes_on - days
    )
