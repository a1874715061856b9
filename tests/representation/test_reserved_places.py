"""Issue 13, part 1: reserved places among a unit's delegates, described as data ("where a unit
sends at least 2 delegates, at least 1 of them is a woman") and checked when delegates are
elected — services, pages and API."""

from __future__ import annotations

import pytest
from django.test import Client

from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.organisation import services as org
from iskra.organisation.models import Body, Seat, SeatHolding
from iskra.privacy.selectors import personal_data
from iskra.representation import reserved
from iskra.representation.entitlement import make_delegate_seats
from iskra.representation.models import ReservedPlace, ReservedPlaceClaim
from tests.api.test_cycle_api import Api
from tests.conftest import World, fresh, make_member


@pytest.fixture
def conference(world: World) -> Body:
    """A conference with three delegate seats for Branch B (six members there) and one for
    Branch A."""
    body = org.create_body(
        actor=world.admin, unit=world.national, kind=Body.Kind.CONFERENCE, name="Conference"
    )
    for i in range(3):
        make_member(f"b{i}@example.org", f"Branch B Member {i}", world.branch_b)
    org.update_standing_orders(
        actor=world.admin,
        body=body,
        changes={"entitlement_rule": "steps", "entitlement_first": 2, "entitlement_step": 2},
    )
    make_delegate_seats(actor=fresh(world.officer), body=body)
    return Body.objects.get(pk=body.pk)


def _b_seats(w: World, body: Body) -> list[Seat]:
    return list(Seat.objects.filter(body=body, represents_unit=w.branch_b).order_by("pk"))


def _people(w: World) -> list:  # type: ignore[type-arg]
    from iskra.accounts.models import User

    return list(User.objects.filter(email__startswith="b").order_by("email"))


def test_a_delegation_keeps_room_for_its_reserved_places(world: World, conference: Body) -> None:
    place = reserved.add_reserved_place(
        actor=fresh(world.officer), body=conference, label="women", at_least=2, from_delegates=3
    )
    assert AuditEntry.objects.filter(action="reserved_place.add").exists()
    b0, b1, b2 = _people(world)
    s0, s1, s2 = _b_seats(world, conference)
    reserved.set_claim(actor=fresh(b1), place=place, counts=True)
    # The first seat: two vacant seats remain for the two reserved places.
    org.appoint_to_seat(actor=fresh(world.officer), seat=s0, holder=b0)
    # The second: b0 does not count, b2 would not either, one vacant seat cannot make two.
    with pytest.raises(DomainError, match="At least 2 of the 3 delegates of Branch B"):
        org.appoint_to_seat(actor=fresh(world.officer), seat=s1, holder=b2)
    assert not SeatHolding.objects.filter(seat=s1).exists()
    # b1 counts: one counts, one seat left for the second place.
    org.appoint_to_seat(actor=fresh(world.officer), seat=s1, holder=b1)
    with pytest.raises(DomainError, match="a reserved place"):
        org.appoint_to_seat(actor=fresh(world.officer), seat=s2, holder=b2)
    reserved.set_claim(actor=fresh(b2), place=place, counts=True)
    org.appoint_to_seat(actor=fresh(world.officer), seat=s2, holder=b2)
    rows = reserved.delegations(conference)
    assert [(r.unit_name, r.counting, r.vacant, r.met) for r in rows] == [("Branch B", 2, 0, True)]
    # Replacing a delegate who counts by one who does not is refused too.
    b3 = make_member("b3@example.org", "Branch B Member 3", world.branch_b)
    with pytest.raises(DomainError, match="At least 2"):
        org.appoint_to_seat(actor=fresh(world.officer), seat=s1, holder=b3)
    # One delegate, one seat: b1 cannot also take a second seat of the same delegation.
    org.end_holding(
        actor=fresh(world.officer), holding=SeatHolding.objects.get(seat=s2), reason="x"
    )
    with pytest.raises(DomainError, match="in the same delegation: one delegate, one seat"):
        org.appoint_to_seat(actor=fresh(world.officer), seat=s2, holder=b1)
    org.appoint_to_seat(actor=fresh(world.officer), seat=s2, holder=b2)
    # Branch A sends one delegate: the rule (from 3) does not apply to it.
    seat_a = Seat.objects.get(body=conference, represents_unit=world.branch_a)
    org.appoint_to_seat(actor=fresh(world.officer), seat=seat_a, holder=world.member)
    # A delegate who takes back their statement leaves the delegation short: shown, not undone.
    reserved.set_claim(actor=fresh(b2), place=place, counts=False)
    (row,) = reserved.delegations(conference)
    assert (row.counting, row.short) == (1, True)


def test_rules_are_checked_and_only_officers_set_them(world: World, conference: Body) -> None:
    with pytest.raises(PermissionDenied):
        reserved.add_reserved_place(
            actor=fresh(world.secretary),
            body=conference,
            label="women",
            at_least=1,
            from_delegates=2,
        )
    with pytest.raises(DomainError, match="cannot be more"):
        reserved.add_reserved_place(
            actor=fresh(world.officer),
            body=conference,
            label="women",
            at_least=3,
            from_delegates=2,
        )
    with pytest.raises(DomainError, match="Say who"):
        reserved.add_reserved_place(
            actor=fresh(world.officer), body=conference, label="  ", at_least=1, from_delegates=2
        )
    with pytest.raises(DomainError, match="conferences and councils"):
        reserved.add_reserved_place(
            actor=fresh(world.officer),
            body=world.national_committee,
            label="women",
            at_least=1,
            from_delegates=2,
        )
    reserved.add_reserved_place(
        actor=fresh(world.officer), body=conference, label="women", at_least=1, from_delegates=2
    )
    with pytest.raises(DomainError, match="already reserves places for Women"):
        reserved.add_reserved_place(
            actor=fresh(world.officer),
            body=conference,
            label="Women ",
            at_least=1,
            from_delegates=2,
        )
    with pytest.raises(DomainError, match="already reserves places for women"):
        reserved.add_reserved_place(
            actor=fresh(world.officer),
            body=conference,
            label="women",
            at_least=1,
            from_delegates=2,
        )
    # Look-alikes are the same rule: full-width letters, an invisible character, other cases.
    for lookalike in ["\uff37\uff2f\uff2d\uff25\uff2e", "women\u200b", "\u202ewomen", "WOMEN"]:
        with pytest.raises(DomainError, match="already reserves places"):
            reserved.add_reserved_place(
                actor=fresh(world.officer),
                body=conference,
                label=lookalike,
                at_least=1,
                from_delegates=2,
            )
    young = reserved.add_reserved_place(
        actor=fresh(world.officer),
        body=conference,
        label="\u0001young  members",
        at_least=1,
        from_delegates=2,
    )
    assert young.label == "young members"  # control characters and doubled spaces go
    assert ReservedPlace.objects.count() == 2


def test_a_claim_is_the_members_own_and_the_log_does_not_name_them(
    world: World, conference: Body
) -> None:
    place = reserved.add_reserved_place(
        actor=fresh(world.officer), body=conference, label="women", at_least=1, from_delegates=2
    )
    with pytest.raises(PermissionDenied):
        reserved.set_claim(actor=fresh(world.outsider), place=place, counts=True)
    reserved.set_claim(actor=fresh(world.member), place=place, counts=True)
    reserved.set_claim(actor=fresh(world.member), place=place, counts=True)  # said twice: once
    assert ReservedPlaceClaim.objects.filter(member=world.member).count() == 1
    entries = AuditEntry.objects.filter(action="reserved_place.claim")
    assert entries.count() == 1 and entries.get().actor_id is None
    assert str(world.member.pk) not in str(entries.get().data)
    export = personal_data(fresh(world.member))
    claims = export["records"]["representation.reservedplaceclaim (member)"]
    assert claims[0]["place_id"] == place.pk


# Pages


def test_pages_set_the_rule_and_members_say_they_count(
    client: Client, world: World, conference: Body
) -> None:
    client.force_login(world.officer)
    url = f"/bodies/{conference.pk}/reserved-places/"
    bad = client.post(url, {"label": "women", "at_least": "3", "from_delegates": "2"})
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "cannot be more" in page and 'value="women"' in page
    done = client.post(url, {"label": "women", "at_least": "1", "from_delegates": "2"})
    assert done.status_code == 302
    place = ReservedPlace.objects.get()
    listing = client.get(url).content.decode()
    assert "Places reserved for <strong>women</strong>: at least 1" in listing
    assert "Branch B" in listing and "a vacant seat is reserved" in listing

    client.force_login(world.member)
    assert (
        client.post(url, {"label": "x", "at_least": "1", "from_delegates": "2"}).status_code == 403
    )
    mine = client.get("/representatives/").content.decode()
    assert "I count for the places reserved for women" in mine
    client.post(f"/reserved-places/{place.pk}/claim/", {"counts": "1"})
    assert ReservedPlaceClaim.objects.filter(member=world.member, place=place).exists()
    assert "You count for it." in client.get("/representatives/").content.decode()
    bad_claim = client.post(f"/reserved-places/{place.pk}/claim/", {"counts": "maybe"})
    assert bad_claim.status_code == 302
    assert ReservedPlaceClaim.objects.filter(member=world.member).exists()
    client.post(f"/reserved-places/{place.pk}/claim/", {"counts": "0"})
    assert not ReservedPlaceClaim.objects.filter(member=world.member).exists()

    client.force_login(world.officer)
    assert client.get(f"/reserved-places/{place.pk}/remove/").status_code == 200
    client.post(f"/reserved-places/{place.pk}/remove/", {"confirm": "yes"})
    assert not ReservedPlace.objects.exists()


def test_an_outsider_finds_nothing(client: Client, world: World, conference: Body) -> None:
    place = reserved.add_reserved_place(
        actor=fresh(world.officer), body=conference, label="women", at_least=1, from_delegates=2
    )
    client.force_login(world.outsider)
    assert client.get(f"/bodies/{conference.pk}/reserved-places/").status_code == 404
    assert client.post(f"/reserved-places/{place.pk}/claim/", {"counts": "1"}).status_code == 404
    assert Api(world.outsider).get(f"/bodies/{conference.pk}/reserved-places").status_code == 404


# API


def test_reserved_places_through_the_api(world: World, conference: Body) -> None:
    api = Api(world.officer)
    bad = api.post(
        f"/bodies/{conference.pk}/reserved-places",
        {"label": "women", "at_least": 3, "from_delegates": 2},
    )
    assert bad.status_code == 400 and "cannot be more" in bad.json()["detail"]
    assert (
        api.post(
            f"/bodies/{conference.pk}/reserved-places",
            {"label": "women", "at_least": 0, "from_delegates": 2},
        ).status_code
        == 422
    )
    made = api.post(
        f"/bodies/{conference.pk}/reserved-places",
        {"label": "women", "at_least": 1, "from_delegates": 2},
    )
    assert made.status_code == 201
    body = made.json()
    assert [d["unit_name"] for d in body["delegations"]] == ["Branch B"]
    member = Api(world.member)
    denied = member.post(
        f"/bodies/{conference.pk}/reserved-places",
        {"label": "young", "at_least": 1, "from_delegates": 2},
    )
    assert denied.status_code == 403
    claimed = member.put(f"/reserved-places/{body['id']}/claim", {"counts": True})
    assert claimed.status_code == 200 and claimed.json()["counts"] is True
    listed = member.get(f"/bodies/{conference.pk}/reserved-places").json()
    assert listed[0]["you_count"] is True
    assert (
        Api(world.officer).get(f"/bodies/{conference.pk}/reserved-places").json()[0]["you_count"]
        is False
    )
    assert member.delete(f"/reserved-places/{body['id']}").status_code == 403
    assert api.delete(f"/reserved-places/{body['id']}").status_code == 204
    assert api.delete(f"/reserved-places/{body['id']}").status_code == 404
