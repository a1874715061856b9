"""The cycle under way: motions and amendments, positions, meetings and votes, decisions and actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from iskra.accounts.models import User
from iskra.demo.seed.common import _votes
from iskra.members.models import Status
from iskra.organisation.models import Body, SeatHolding, Unit


def seed_demo_cycle(*, admin: User) -> None:
    """A realistic discussion period: motions in every state, branch positions, a meeting
    that decided a motion by roll call with a dissent, and actions being carried out."""
    from iskra.decisions import services as decisions
    from iskra.meetings import services as meetings
    from iskra.meetings.models import Vote
    from iskra.motions import services as motions
    from iskra.motions.models import Amendment, Position

    def person(email: str) -> User:
        return User.objects.get(email=email)

    nc = Body.objects.get(name="National Committee")
    branch = {
        u.name.removesuffix(" Branch"): u for u in Unit.objects.filter(kind__holds_members=True)
    }
    member, secretary, officer = (
        person("member@example.org"),
        person("secretary@example.org"),
        person("officer@example.org"),
    )
    riverside = list(
        User.objects.filter(
            membership__unit=branch["Riverside"], membership__status=Status.MEMBER
        ).exclude(pk__in=[member.pk, secretary.pk])
    )
    secretaries = {
        key: SeatHolding.objects.current().get(seat__title=f"{key} Branch Secretary").holder
        for key in ("Hillside", "Docklands", "Old Town")
    }
    today = timezone.localdate()

    # 1. Decided: carried at last month's National Committee by roll call, with a dissent.
    old = motions.create_motion(
        actor=officer,
        body=nc,
        title="A winter leafleting drive on energy bills",
        text="The organisation will run a leafleting drive on energy bills in every district this winter, "
        "with a target of **1,000 leaflets** per district, and report back at the next meeting.",
        by_body=True,
        authority=f"National Committee, {_ago(HELD_DAYS_AGO + 56):%B} meeting",
    )
    motions.submit_motion(actor=officer, motion=old)
    motions.admit_motion(actor=officer, motion=old)
    motions.open_discussion(actor=officer, motion=old, deadline=today + timedelta(days=1))
    motions.record_position(
        actor=fresh(secretary),
        motion=old,
        unit=branch["Riverside"],
        stance=Position.Stance.SUPPORT,
        votes_for=_votes(branch["Riverside"], 0.8),
        votes_against=_votes(branch["Riverside"], 0.1),
        mandate=Position.Mandate.INSTRUCTED,
        mandate_note="Vote for.",
    )
    motions.record_position(
        actor=fresh(secretaries["Docklands"]),
        motion=old,
        unit=branch["Docklands"],
        stance=Position.Stance.OPPOSE,
        votes_for=_votes(branch["Docklands"], 0.3),
        votes_against=_votes(branch["Docklands"], 0.6),
        mandate=Position.Mandate.FREE,
    )
    # Held in the union hall twelve days ago and recorded afterwards by the secretary (the
    # dates of the motion's path to it are set after the decision, by ``_held_days_ago``).
    held = timezone.now() - timedelta(days=HELD_DAYS_AGO)
    meeting = meetings.record_meeting(
        actor=officer,
        body=nc,
        title=f"{timezone.localtime(held):%B} meeting",
        starts_at=timezone.now() - timedelta(hours=3),
        location="Union hall, Riverside",
        motions=[old],
    )
    committee = list(meetings.body_members(nc))
    meetings.mark_present(actor=officer, meeting=meeting, users=committee)
    vote = meetings.open_vote(
        actor=officer, meeting=meeting, motion=old, method=Vote.Method.ROLL_CALL
    )
    dissenter = next(p for p in committee if p.pk != officer.pk)
    for someone in committee:
        meetings.cast_named_vote(
            actor=someone, vote=vote, choice="against" if someone == dissenter else "for"
        )
    meetings.close_vote(actor=officer, vote=vote)
    meetings.close_meeting(actor=officer, meeting=meeting)
    old.refresh_from_db()
    decision = old.decision
    decisions.add_dissent(
        actor=dissenter,
        decision=decision,
        text="Leaflets alone will not move anyone; we should have put the effort into door-knocking.",
    )
    decisions.add_dissent(
        actor=fresh(secretaries["Docklands"]),
        decision=decision,
        unit=branch["Docklands"],
        text="Docklands branch voted 9 to 4 against: our members are already stretched by the depot dispute.",
    )
    _held_days_ago(old, meeting)
    due = today + timedelta(days=21)
    for district in Unit.objects.filter(kind__name="District"):
        parent = decisions.create_action(
            actor=officer,
            decision=decision,
            title=f"Energy-bills leaflets in {district.name}",
            due_on=due,
            target=1000,
            measure="leaflets",
            unit=district,
        )
        for b in district.children.filter(kind__holds_members=True):
            decisions.create_action(
                actor=officer,
                decision=decision,
                title=f"Energy-bills leaflets: {b.name}",
                due_on=due - timedelta(days=7),
                target=500,
                measure="leaflets",
                unit=b,
                parent=parent,
            )
    from iskra.decisions.models import Action

    riverside_action = Action.objects.get(decision=decision, unit=branch["Riverside"])
    pledge = decisions.commit_to_action(
        actor=fresh(member),
        action=riverside_action,
        description="I'll leaflet the Riverside estate on Saturday, 2 hours",
        amount=200,
    )
    decisions.report_back(
        actor=fresh(member),
        action=riverside_action,
        figure=220,
        text="Done, 220 through doors; good response on Elm Road.",
        commitment=pledge,
    )
    # One task given to the member by name: it waits on their home page ("Your action").
    decisions.create_action(
        actor=officer,
        decision=decision,
        title="Return the unused energy-bills leaflets to the district office",
        due_on=today + timedelta(days=10),
        assignee=fresh(member),
    )
    for helper in riverside[:3]:
        decisions.commit_to_action(
            actor=fresh(helper),
            action=riverside_action,
            description="Sunday morning, market stall",
            amount=60,
        )
    decisions.report_back(
        actor=fresh(secretaries["Hillside"]),
        action=Action.objects.get(decision=decision, unit=branch["Hillside"]),
        figure=310,
        text="Three sessions at the school gates.",
    )

    # 2. In discussion: a member's motion with an amendment from Riverside and positions.
    live = motions.create_motion(
        actor=fresh(member),
        body=nc,
        title="Defend Riverside Library",
        text="This organisation opposes the closure of Riverside Library and will campaign, with library "
        "workers and users, to keep it open every day.\n\nWe call on every branch to organise a public "
        "meeting on the closures before the council's budget vote.",
        supporting_statement="The library is the only free, warm public space on the estate. The council plans to close it four days a week.",
    )
    for supporter in riverside[:5]:
        motions.support_motion(actor=fresh(supporter), motion=live)
    motions.submit_motion(actor=fresh(member), motion=live)
    motions.admit_motion(actor=officer, motion=live)
    motions.open_discussion(actor=officer, motion=live, deadline=today + timedelta(days=18))
    motions.table_amendment(
        actor=fresh(secretary),
        motion=live,
        kind=Amendment.Kind.REPLACE,
        passage="every day",
        new_text="seven days a week, with its current staff",
        explanation="Opening hours without staff would be a closure by another name.",
        proposing_unit=branch["Riverside"],
    )
    # Riverside has tabled its amendment but not yet taken its position: its next branch
    # meeting (below) debates the motion and the amendment, and its votes record the position.
    motions.record_position(
        actor=fresh(secretaries["Hillside"]),
        motion=live,
        unit=branch["Hillside"],
        stance=Position.Stance.SUPPORT,
        votes_for=_votes(branch["Hillside"], 0.7),
        votes_against=_votes(branch["Hillside"], 0.2),
        mandate=Position.Mandate.FREE,
    )
    first = motions.post_to_discussion(
        actor=fresh(member),
        motion=live,
        text="I use the library every week with my kids. Closing it four days a week is closing it.",
    )
    motions.post_to_discussion(
        actor=fresh(riverside[0]),
        motion=live,
        text="Agreed — and the staff are with us. Their union branch has already voted to resist the cuts.",
        parent=first,
    )
    motions.post_to_discussion(
        actor=fresh(secretaries["Docklands"]),
        motion=live,
        text="Docklands will discuss this on the 12th. Is there a model leaflet for the public meeting?",
    )

    # 3. Gathering support (a draft), 4. awaiting admission, 5. ruled out of order.
    draft = motions.create_motion(
        actor=fresh(riverside[1]),
        body=nc,
        title="A rent-strike fund",
        text="The organisation will set up a hardship fund for tenants taking part in rent strikes.",
    )
    for supporter in riverside[2:5]:
        motions.support_motion(actor=fresh(supporter), motion=draft)
    waiting = motions.create_motion(
        actor=fresh(secretary),
        body=nc,
        title="Affiliate to the city trades council",
        text="The organisation will affiliate to the city trades council.",
        proposing_unit=branch["Riverside"],
        authority=f"Riverside branch meeting, {_ago(31):%-d %B}",
    )
    motions.submit_motion(actor=fresh(secretary), motion=waiting)
    out = motions.create_motion(
        actor=fresh(secretaries["Old Town"]),
        body=nc,
        title="Change the name of the organisation",
        text="The organisation will change its name.",
        proposing_unit=branch["Old Town"],
        authority=f"Old Town branch meeting, {_ago(36):%-d %B}",
    )
    motions.submit_motion(actor=fresh(secretaries["Old Town"]), motion=out)
    motions.rule_out_of_order(
        actor=officer,
        motion=out,
        reason="A change of name is a constitutional matter for conference, not the National Committee.",
    )

    # An upcoming branch meeting with the live motion to debate.
    riverside_meeting = Body.objects.get(name="Riverside Branch Meeting")
    meetings.schedule_meeting(
        actor=fresh(secretary),
        body=riverside_meeting,
        title=f"{timezone.localtime(timezone.now() + timedelta(days=9)):%B} branch meeting",
        starts_at=timezone.now() + timedelta(days=9),
        location="Riverside Library, community room",
        notice="We will debate the library motion and our amendment, and plan the leafleting.",
        # The national motion circulated to the branch, with its amendment: the meeting's votes
        # on them will record Riverside's position (linked to this meeting).
        motions=[live],
    )
    motions.create_bulletin(
        actor=officer,
        body=nc,
        title="Discussion bulletin: winter 2026",
        opens_on=today,
        closes_on=today + timedelta(days=14),
    )


HELD_DAYS_AGO = 12


def _ago(days: int) -> Any:
    """The date ``days`` ago, for the dates written into the demo's texts."""
    return timezone.localdate() - timedelta(days=days)


def _held_days_ago(motion: Any, meeting: Any) -> None:
    """Give the decided motion's story the dates it would have had: moved four weeks before the
    meeting, discussed by the branches until the day before it, decided at it (twelve days
    ago, so dissent is still open for two days of the body's fourteen), dissent recorded the
    day after. The services stamp everything "now"; the audit log keeps those times, which say
    when the secretary recorded the meeting, as a meeting recorded afterwards does."""
    from iskra.decisions.models import Decision, Dissent
    from iskra.meetings.models import Attendance, Ballot, Meeting, Vote
    from iskra.motions.models import (
        Circulation,
        Motion,
        MotionStatus,
        MotionStatusChange,
        Position,
    )

    held = timezone.now() - timedelta(days=HELD_DAYS_AGO)
    moved = held - timedelta(days=28)
    Motion.objects.filter(pk=motion.pk).update(
        created_at=moved,
        submitted_at=moved + timedelta(hours=1),
        admitted_at=moved + timedelta(days=1),
        discussion_deadline=(held - timedelta(days=1)).date(),
        decided_at=held + timedelta(hours=1),
    )
    when: dict[str, Any] = {
        MotionStatus.DRAFT: moved,
        MotionStatus.SUBMITTED: moved + timedelta(hours=1),
        MotionStatus.ADMITTED: moved + timedelta(days=1),
        MotionStatus.IN_DISCUSSION: moved + timedelta(days=1, minutes=5),
    }
    for change in MotionStatusChange.objects.filter(motion=motion):
        at = when.get(change.to_status, held + timedelta(hours=1))
        MotionStatusChange.objects.filter(pk=change.pk).update(at=at)
    Circulation.objects.filter(motion=motion).update(
        circulated_at=moved + timedelta(days=1), deadline=(held - timedelta(days=1)).date()
    )
    Position.objects.filter(motion=motion).update(recorded_at=held - timedelta(days=5))
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=held,
        opened_at=held,
        closed_at=held + timedelta(hours=2),
    )
    Attendance.objects.filter(meeting=meeting).update(at=held + timedelta(minutes=5))
    Vote.objects.filter(meeting=meeting).update(
        opened_at=held + timedelta(minutes=50), counted_at=held + timedelta(hours=1)
    )
    Ballot.objects.filter(vote__meeting=meeting).update(at=held + timedelta(minutes=55))
    decision = Decision.objects.get(motion=motion)
    Decision.objects.filter(pk=decision.pk).update(
        created_at=held + timedelta(hours=1),
        effective_on=held.date(),
        dissent_until=(held + timedelta(days=motion.body.dissent_days)).date(),
    )
    Dissent.objects.filter(decision=decision).update(created_at=held + timedelta(days=1))


def fresh(user: User) -> User:
    """The same person with no cached rights (rights are cached per request/object)."""
    return User.objects.get(pk=user.pk)
