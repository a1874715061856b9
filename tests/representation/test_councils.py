"""Councils of delegates with card votes: each delegate's card is the membership of the unit
they represent; a delegation may split its card in one action; the split is checked against an
instructed mandate like any vote."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from iskra.core.errors import DomainError
from iskra.meetings import services as meetings
from iskra.meetings.models import Ballot, Vote
from iskra.motions.models import MotionStatus, Position
from iskra.organisation.models import Body
from iskra.representation.models import MandateDeparture
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import motion_at, sitting
from tests.representation.test_mandates import _instructed


def _card_vote(world: World, body: Body, motion: object) -> Vote:
    s = sitting(world, [motion], body=body)  # type: ignore[list-item]
    return meetings.open_vote(
        actor=fresh(world.officer),
        meeting=s.meeting,
        motion=motion,
        method="card",  # type: ignore[arg-type]
    )


def test_a_delegation_splits_its_card_and_the_count_adds_the_parts(
    world: World, conference: Body
) -> None:
    for i in range(8):
        make_member(f"a{i}@example.org", f"A {i}", world.branch_a)
    motion = motion_at(world, MotionStatus.IN_DISCUSSION, body=conference)
    vote = _card_vote(world, conference, motion)
    delegate = fresh(world.member)
    # Branch A has ten members: the card is 10.
    with pytest.raises(DomainError, match="Your card is 10: the parts add up to 9"):
        meetings.cast_named_vote(actor=delegate, vote=vote, choice="split", split=(6, 3, 0))
    with pytest.raises(DomainError, match="negative"):
        meetings.cast_named_vote(actor=delegate, vote=vote, choice="split", split=(11, -1, 0))
    with pytest.raises(DomainError, match="Say how much"):
        meetings.cast_named_vote(actor=delegate, vote=vote, choice="split")
    assert not Ballot.objects.exists()
    ballot = meetings.cast_named_vote(actor=delegate, vote=vote, choice="split", split=(7, 3, 0))
    assert ballot.weight == Decimal(10) and ballot.split_words == "7 for, 3 against"
    counted = meetings.close_vote(actor=fresh(world.officer), vote=vote)
    assert (counted.votes_for, counted.votes_against, counted.abstentions) == (7, 3, 0)
    assert counted.carried is True
    # The meeting's page and the minutes name the split.
    client = Client()
    client.force_login(fresh(world.secretary))
    page = client.get(f"/meetings/{vote.meeting_id}/")
    assert b"split card (7 for, 3 against)" in page.content


def test_only_a_card_is_split(world: World, conference: Body) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION, body=conference)
    s = sitting(world, [motion], body=conference)
    vote = meetings.open_vote(
        actor=fresh(world.officer), meeting=s.meeting, motion=motion, method="roll_call"
    )
    with pytest.raises(DomainError, match="roll call"):
        meetings.cast_named_vote(
            actor=fresh(world.member), vote=vote, choice="split", split=(1, 0, 0)
        )
    with pytest.raises(DomainError, match="only when you split"):
        meetings.cast_named_vote(
            actor=fresh(world.member), vote=vote, choice="for", split=(1, 0, 0)
        )


def test_a_split_against_an_instructed_mandate_is_a_departure(
    world: World, conference: Body
) -> None:
    motion = _instructed(world, conference, Position.Stance.OPPOSE)
    vote = _card_vote(world, conference, motion)
    meetings.cast_named_vote(actor=fresh(world.member), vote=vote, choice="split", split=(1, 1, 0))
    meetings.close_vote(actor=fresh(world.officer), vote=vote)
    departure = MandateDeparture.objects.get()
    assert departure.cast == "split" and departure.cast_words == "split the card"


def test_a_split_wholly_on_the_mandated_side_follows_it(world: World, conference: Body) -> None:
    motion = _instructed(world, conference, Position.Stance.OPPOSE)
    vote = _card_vote(world, conference, motion)
    meetings.cast_named_vote(actor=fresh(world.member), vote=vote, choice="split", split=(0, 2, 0))
    meetings.close_vote(actor=fresh(world.officer), vote=vote)
    assert not MandateDeparture.objects.exists()


def test_the_page_and_the_api_split_a_card(world: World, conference: Body) -> None:
    from tests.api.test_api import is_error
    from tests.api.test_cycle_api import Api

    motion = motion_at(world, MotionStatus.IN_DISCUSSION, body=conference)
    vote = _card_vote(world, conference, motion)
    client = Client()
    client.force_login(fresh(world.member))
    page = client.get(f"/meetings/{vote.meeting_id}/")
    assert b"Split my card" in page.content
    refused = client.post(
        f"/votes/{vote.pk}/split/",
        {"votes_for": "5", "votes_against": "0", "abstentions": "0"},
        follow=True,
    )
    assert b"Your card is 2" in refused.content and b'value="5"' in refused.content
    api = Api(world.member)
    is_error(api.post(f"/votes/{vote.pk}/ballots", {"choice": "split", "split_for": -1}), 422)
    is_error(
        api.post(
            f"/votes/{vote.pk}/ballots", {"choice": "split", "split_for": 1, "split_against": 0}
        ),
        400,
    )
    made = api.post(
        f"/votes/{vote.pk}/ballots",
        {"choice": "split", "split_for": 1.5, "split_against": 0.5, "split_abstain": 0},
    )
    assert made.status_code == 201, made.content
    assert made.json()["split"] == {"for": 1.5, "against": 0.5, "abstain": 0.0}


def test_the_cards_of_a_council_are_public_and_a_district_counts_its_branches(
    world: World,
) -> None:
    import datetime as dt

    from django.utils import timezone

    from iskra.meetings.services import card_weights
    from iskra.organisation import services as org
    from iskra.organisation.models import Seat
    from tests.api.test_cycle_api import Api

    council = org.create_body(
        actor=world.admin, unit=world.national, kind=Body.Kind.COUNCIL, name="Council"
    )
    seat = org.create_seat(
        actor=world.admin, body=council, role=Seat.Role.DELEGATE, title="Delegate of the North"
    )
    Seat.objects.filter(pk=seat.pk).update(represents_unit=world.district)
    org.appoint_to_seat(actor=world.admin, seat=seat, holder=world.officer)
    newcomer = make_member("late@example.org", "Late Comer", world.branch_b)
    from iskra.members.models import Membership, MembershipEvent

    # The newcomer joined today: on yesterday's register they do not count.
    MembershipEvent.objects.filter(membership__user=newcomer).update(at=timezone.now())
    Membership.objects.filter(user=newcomer).update(status_changed_at=timezone.now())
    today = card_weights(council, timezone.localdate())
    yesterday = card_weights(council, timezone.localdate() - dt.timedelta(days=1))
    # Branch A: member, secretary; Branch B: other secretary, officer, committee member, late.
    assert [(c.unit_name, c.holder_name, c.weight) for c in today] == [
        ("North District", "Olu Officer", 6)
    ]
    assert yesterday[0].weight == 5
    s = sitting(world, [], body=council)
    client = Client()
    client.force_login(fresh(world.member))
    page = client.get(f"/meetings/{s.meeting.pk}/")
    assert b"Cards" in page.content and b"North District" in page.content
    cards = Api(world.member).get(f"/meetings/{s.meeting.pk}/cards").json()
    assert [(c["unit_name"], c["weight"]) for c in cards] == [("North District", 6)]


def test_a_units_card_is_shared_among_its_delegates(world: World) -> None:
    from django.utils import timezone

    from iskra.meetings.services import card_weights
    from iskra.organisation import services as org
    from iskra.organisation.models import Seat

    council = org.create_body(
        actor=world.admin, unit=world.national, kind=Body.Kind.COUNCIL, name="Council"
    )
    for n, holder in enumerate([world.officer, world.committee_member]):
        seat = org.create_seat(
            actor=world.admin, body=council, role=Seat.Role.DELEGATE, title=f"North {n}"
        )
        Seat.objects.filter(pk=seat.pk).update(represents_unit=world.district)
        org.appoint_to_seat(actor=world.admin, seat=seat, holder=holder)
    cards = card_weights(council, timezone.localdate())
    # The district's 5 members, cast once by its two delegates: 2.5 each.
    assert [(c.weight, c.unit_members, c.unit_delegates) for c in cards] == [
        (Decimal("2.50"), 5, 2),
        (Decimal("2.50"), 5, 2),
    ]
    s = sitting(world, [], body=council)
    motion = motion_at(world, MotionStatus.IN_DISCUSSION, body=council)
    from iskra.meetings.models import AgendaItem

    AgendaItem.objects.create(
        meeting=s.meeting, position=1, kind="motion", title="m", motion=motion
    )
    vote = meetings.open_vote(
        actor=fresh(world.officer), meeting=s.meeting, motion=motion, method="card"
    )
    assert meetings.cast_named_vote(
        actor=fresh(world.officer), vote=vote, choice="for"
    ).weight == Decimal("2.50")


def test_one_card_per_delegate_seat_even_if_its_holder_changes_during_the_vote(
    world: World, conference: Body
) -> None:
    from iskra.organisation import services as org
    from iskra.organisation.models import SeatHolding

    motion = motion_at(world, MotionStatus.IN_DISCUSSION, body=conference)
    vote = _card_vote(world, conference, motion)
    with pytest.raises(DomainError, match="hundredths"):
        meetings.cast_named_vote(
            actor=fresh(world.member), vote=vote, choice="split", split=("0.333", "1.667", 0)
        )
    meetings.cast_named_vote(actor=fresh(world.member), vote=vote, choice="split", split=(1, 1, 0))
    # The seat changes hands while the vote is open; the new holder signs in.
    holding = SeatHolding.objects.current().get(holder=world.member, seat__body=conference)
    org.end_holding(actor=world.admin, holding=holding, reason="Resigned")
    other = make_member("a9@example.org", "A Nine", world.branch_a)
    org.appoint_to_seat(actor=world.admin, seat=holding.seat, holder=other)
    meetings.mark_attendance(actor=fresh(world.officer), meeting=vote.meeting, user=other)
    with pytest.raises(DomainError, match="card of Branch A has already been cast"):
        meetings.cast_named_vote(actor=fresh(other), vote=vote, choice="against")
    # The cards of a meeting held before the change name who held the seat then.
    import datetime as dt

    from django.utils import timezone

    from iskra.meetings.services import card_weights

    today = timezone.localdate()
    before = card_weights(conference, today, held_on=today - dt.timedelta(days=1))
    assert [c.holder_name for c in before] == ["Mo Member"]
    assert [c.holder_name for c in card_weights(conference, today)] == ["A Nine"]
