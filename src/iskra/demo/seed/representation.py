"""Representation in the demo: the National Council's card vote on the budget ten days ago,
where North District's delegate abstained against the district's instructed mandate and South
District's delegation split its card; a petition under way to recall that delegate, started by
the demo member five days ago, with the delegate's reply; the National Conference's delegate
entitlement; a requisition of a special Riverside branch meeting."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

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
    # Where a branch sends two delegates or more, at least one is a woman.
    from iskra.representation.reserved import add_reserved_place

    add_reserved_place(actor=admin, body=conference, label="women", at_least=1, from_delegates=2)


def seed_demo_council() -> None:
    """The National Council of district delegates met ten days ago and took the budget by card
    vote: each delegate's card is the district's membership. North District had instructed its
    delegate to oppose; the delegate abstained (a departure, flagged to the district, with a
    report-back waiting for its next meeting). South District's delegation split its card."""
    from iskra.meetings import services as meetings
    from iskra.meetings.models import Meeting, Vote
    from iskra.motions import services as motions
    from iskra.motions.models import Motion, Position
    from iskra.organisation.models import Body, Unit

    officer = User.objects.get(email="officer@example.org")
    admin = User.objects.get(email="admin@example.org")
    council = Body.objects.get(name="National Council")
    north = Unit.objects.get(name="North District")
    south = Unit.objects.get(name="South District")
    held = timezone.now() - timedelta(days=10)
    motion = motions.create_motion(
        actor=officer,
        body=council,
        title="The national budget for 2027",
        text="The Council adopts the national budget for 2027 as presented by the National "
        "Treasurer, including the reduction of the branch organising fund by a third.",
        by_body=True,
        authority="National Committee, budget meeting",
    )
    motions.submit_motion(actor=officer, motion=motion)
    motions.admit_motion(actor=officer, motion=motion)
    motions.open_discussion(
        actor=officer, motion=motion, deadline=timezone.localdate() + timedelta(days=1)
    )
    motions.record_position(
        actor=admin,
        motion=motion,
        unit=north,
        stance=Position.Stance.OPPOSE,
        mandate=Position.Mandate.INSTRUCTED,
        mandate_note="Oppose the cut to the branch organising fund.",
    )
    meeting = meetings.record_meeting(
        actor=officer,
        body=council,
        title=f"{timezone.localtime(held):%B} Council",
        starts_at=timezone.now() - timedelta(hours=2),
        location="Union hall, Riverside",
        motions=[Motion.objects.get(pk=motion.pk)],
    )
    Meeting.objects.filter(pk=meeting.pk).update(card_vote_snapshot_on=held.date())
    meeting.refresh_from_db()
    delegates = {
        h.seat.represents_unit_id: h.holder
        for h in SeatHolding.objects.current()
        .filter(seat__body=council, seat__represents_unit__isnull=False)
        .select_related("seat", "holder")
    }
    meetings.mark_present(actor=officer, meeting=meeting, users=list(delegates.values()))
    vote = meetings.open_vote(
        actor=officer, meeting=meeting, motion=motion, method=Vote.Method.CARD
    )
    meetings.cast_named_vote(actor=delegates[north.pk], vote=vote, choice="abstain")
    from iskra.meetings.services.common import card_weight

    card, _ = card_weight(meeting, delegates[south.pk])
    against = (card * Decimal("0.7")).quantize(Decimal("1"))
    meetings.cast_named_vote(
        actor=delegates[south.pk],
        vote=vote,
        choice="split",
        split=(card - against, against, 0),
    )
    meetings.close_vote(actor=officer, vote=vote)
    meetings.close_meeting(actor=officer, meeting=meeting)
    # Held ten days ago: the meeting's and the vote's dates are those it had.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=held, opened_at=held, closed_at=held + timedelta(hours=2)
    )
    Vote.objects.filter(pk=vote.pk).update(
        opened_at=held + timedelta(hours=1), counted_at=held + timedelta(hours=1)
    )
    from iskra.meetings.models import Ballot
    from iskra.representation.models import MandateDeparture

    Ballot.objects.filter(vote=vote).update(at=held + timedelta(hours=1))
    MandateDeparture.objects.filter(vote=vote).update(at=held + timedelta(hours=1))
    from iskra.meetings.models import Attendance
    from iskra.meetings.services.minutes import generate_minutes

    Attendance.objects.filter(meeting=meeting).update(at=held)
    # The minutes were written when it was recorded: again, with the day it was held.
    Meeting.objects.filter(pk=meeting.pk).update(
        minutes=generate_minutes(Meeting.objects.get(pk=meeting.pk))
    )


def seed_demo_recall() -> None:
    from iskra.representation import services
    from iskra.representation.models import RecallPetition

    holding = SeatHolding.objects.current().get(seat__title="Delegate of North District")
    member = User.objects.get(email="member@example.org")
    petition = services.start_petition(
        actor=member,
        holding=holding,
        reason=(
            "Our delegate abstained on the national leadership's budget at the last Council, "
            "although North District had instructed its delegate to vote against the cut to "
            "the branch organising fund. A delegate carries the district's mandate, not "
            "their own."
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
            "The budget vote was on the whole budget, not the fund alone, and abstaining kept "
            "the district's card out of it: the budget fell. I will report back to the "
            "district's next meeting and every branch meeting this month."
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


def seed_demo_proxies() -> None:
    """Riverside's branch meetings allow proxies; a member who works nights has named the demo
    member their proxy for the coming branch meeting (the member sees "Proxies you hold")."""
    from iskra.meetings import services as meetings
    from iskra.meetings.models import Meeting
    from iskra.organisation.models import Body
    from iskra.organisation.services import update_standing_orders

    admin = User.objects.get(email="admin@example.org")
    body = update_standing_orders(
        actor=admin,
        body=Body.objects.get(name="Riverside Branch Meeting"),
        changes={"proxies_allowed": True},
    )
    meeting = Meeting.objects.filter(body=body, status=Meeting.Status.SCHEDULED).earliest(
        "starts_at"
    )
    night_worker = (
        User.objects.filter(membership__unit=body.unit, membership__status="member")
        .exclude(pk__in=SeatHolding.objects.current().values("holder_id"))
        .exclude(
            email__in=["member@example.org", "secretary@example.org", "scrutineer@example.org"]
        )
        .order_by("-pk")
        .first()
    )
    assert night_worker is not None
    meetings.appoint_proxy(
        actor=night_worker,
        meeting=meeting,
        holder=User.objects.get(email="member@example.org"),
    )
