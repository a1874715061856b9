"""The demo's campaign and events: Riverside's energy-bills campaign, carrying out the national
decision's action; a public leafleting session with RSVPs (the demo member among them), a
members-only training that is full with a waiting list, and last week's picket with its
report from the ground (reported back on the action)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone


def _at(day: datetime, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day.date(), time(hour, 0)))


def seed_demo_campaigns() -> None:
    from iskra.accounts.models import User
    from iskra.campaigns import ground, services, shifts
    from iskra.campaigns.models import Event
    from iskra.decisions.models import Action
    from iskra.members.models import Status
    from iskra.organisation.models import Unit

    riverside = Unit.objects.get(name="Riverside Branch")
    secretary = User.objects.get(email="secretary@example.org")
    member = User.objects.get(email="member@example.org")
    action = Action.objects.get(unit=riverside)
    campaign = services.create_campaign(
        actor=secretary,
        unit=riverside,
        name="Energy bills: we won't pay for their crisis",
        summary="The national committee decided to campaign against the energy-bill rises. "
        "Riverside leaflets every estate in the ward and holds a stall each Saturday.",
        is_public=True,
        actions=[action],
    )
    now = timezone.now()
    saturday = now + timedelta(days=(5 - now.weekday()) % 7 or 7)
    stall = services.create_event(
        actor=secretary,
        unit=riverside,
        kind=Event.Kind.STALL,
        title="Energy bills stall and leafleting, Riverside market",
        place="Riverside market, by the clock tower",
        starts_at=_at(saturday, 10),
        ends_at=_at(saturday, 13),
        description="Bring comfortable shoes. Leaflets, the petition and the paper are provided.",
        capacity=12,
        is_public=True,
        campaign=campaign,
        action=action,
    )
    others = list(
        User.objects.filter(membership__unit=riverside, membership__status=Status.MEMBER).exclude(
            pk__in=[member.pk, secretary.pk]
        )[:5]
    )
    for person in [member, *others]:
        services.rsvp_member(actor=person, event=stall)
    services.confirm_public(
        rsvp=services.rsvp_public(
            event=stall, name="Alex Rivera", email="alex.rivera@example.net", consent=True
        )
    )
    steward = shifts.add_shift(
        actor=secretary,
        event=stall,
        title="Stall and petition",
        starts_at=stall.starts_at,
        ends_at=stall.ends_at,
        needed=2,
    )
    shifts.add_shift(
        actor=secretary,
        event=stall,
        title="Leafleting the estate, 10 to 11:30",
        starts_at=stall.starts_at,
        ends_at=stall.starts_at + timedelta(minutes=90),
        needed=4,
    )
    shifts.sign_up(actor=others[0], shift=steward)
    training = services.create_event(
        actor=secretary,
        unit=riverside,
        kind=Event.Kind.TRAINING,
        title="Organiser training: running a stall",
        place="Riverside Community Centre, room 2",
        starts_at=_at(saturday + timedelta(days=3), 18),
        ends_at=_at(saturday + timedelta(days=3), 20),
        capacity=3,
        campaign=campaign,
    )
    for person in others[:4]:
        services.rsvp_member(actor=person, event=training)  # the fourth waits
    picket = services.create_event(
        actor=secretary,
        unit=riverside,
        kind=Event.Kind.PICKET,
        title="Picket at Riverside Hospital",
        place="Riverside Hospital, main gate",
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        is_public=True,
        campaign=campaign,
    )
    for person in others[:3]:
        rsvp = services.rsvp_member(actor=person, event=picket)
        ground.check_in(actor=secretary, rsvp=rsvp)
    # Last week, as if the clock had moved on: the picket happened and was reported.
    Event.objects.filter(pk=picket.pk).update(
        starts_at=now - timedelta(days=6, hours=2), ends_at=now - timedelta(days=6)
    )
    picket.refresh_from_db()
    ground.report_event(
        actor=secretary,
        event=picket,
        attendance=18,
        leaflets=150,
        papers_sold=9,
        contacts=4,
        money="23.40",
        account="Eighteen on the gate at shift change; porters and cleaners stopped to talk.",
    )
