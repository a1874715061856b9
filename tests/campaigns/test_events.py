"""Issue 15, part 1: events with RSVPs from members and the public, a capacity with a waiting
list that moves up, check-in at the door (twice refused), walk-ins, cancellation notices,
reminders, and the report from the ground feeding the action's report-back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from iskra.campaigns import ground, services
from iskra.campaigns.models import Event, EventReport, Rsvp
from iskra.core.errors import DomainError, NotFound, PermissionDenied
from iskra.decisions.models import Report
from tests.campaigns.conftest import branch_action, members, started
from tests.conftest import World, fresh

Status = Rsvp.Status


def test_a_full_event_keeps_a_waiting_list_that_moves_up(
    world: World, picket: Event, django_capture_on_commit_callbacks: Any
) -> None:
    a, b, c = members(world, 3)
    with django_capture_on_commit_callbacks(execute=True):
        ra = services.rsvp_member(actor=a, event=picket)
        rb = services.rsvp_member(actor=b, event=picket)
        rc = services.rsvp_member(actor=c, event=picket)
    assert [ra.status, rb.status, rc.status] == [Status.GOING, Status.GOING, Status.WAITING]
    assert services.places_left(picket) == 0
    assert "waiting list" in mail.outbox[-1].body
    # Saying so twice changes nothing.
    assert services.rsvp_member(actor=a, event=picket).pk == ra.pk
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(rsvp=rb, actor=b)
    assert Rsvp.objects.get(pk=rc.pk).status == Status.GOING
    assert [m.to for m in mail.outbox] == [[c.email]]
    assert mail.outbox[0].subject == "A place for you: Picket at the depot"
    # More places: nobody is waiting; fewer: nobody loses theirs.
    services.set_capacity(actor=fresh(world.secretary), event=picket, capacity=1)
    assert services.going_count(picket) == 2


def test_the_public_rsvps_with_consent_and_once_per_address(world: World, picket: Event) -> None:
    with pytest.raises(DomainError, match="Tick the box"):
        services.rsvp_public(event=picket, name="Pat", email="pat@example.net", consent=False)
    with pytest.raises(DomainError, match="valid email"):
        services.rsvp_public(
            event=picket, name="Pat", email="pat@example.net\nBcc: x@y.z", consent=True
        )
    with pytest.raises(DomainError, match="one line"):
        services.rsvp_public(event=picket, name="Pat\r\nBcc: x", email="p@x.org", consent=True)
    first = services.rsvp_public(event=picket, name="Pat", email="Pat@Example.net", consent=True)
    again = services.rsvp_public(event=picket, name="Pat", email="pat@example.net", consent=True)
    assert first.pk == again.pk and Rsvp.objects.count() == 1
    # No place is taken until the address's owner confirms from the email.
    assert first.status == Status.PENDING and services.places_left(picket) == 2
    assert services.confirm_public(rsvp=first).status == Status.GOING
    assert services.places_left(picket) == 1
    picket.is_public = False
    picket.save()
    with pytest.raises(NotFound):
        services.rsvp_public(event=picket, name="Al", email="al@example.net", consent=True)


def test_check_in_at_the_door_twice_is_refused_and_walk_ins_come_in(
    world: World, picket: Event
) -> None:
    (a,) = members(world, 1)
    rsvp = services.rsvp_member(actor=a, event=picket)
    secretary = fresh(world.secretary)
    done = ground.check_in(actor=secretary, rsvp=rsvp)
    assert done.checked_in_at is not None
    with pytest.raises(DomainError, match=r"already checked in .* by Sam Secretary"):
        ground.check_in(actor=secretary, rsvp=rsvp)
    with pytest.raises(PermissionDenied):
        ground.check_in(actor=fresh(world.other_secretary), rsvp=rsvp)
    with pytest.raises(DomainError, match="checked in at the door"):
        services.withdraw(rsvp=rsvp)
    walk = ground.add_walk_in(actor=secretary, event=picket, name="Dee", email="dee@x.org")
    assert walk.walk_in and walk.checked_in_at and walk.email == ""  # no consent: no address
    assert picket.rsvps.filter(checked_in_at__isnull=False).count() == 2


def test_the_report_feeds_the_actions_report_back_and_a_second_corrects_it(
    world: World, picket: Event
) -> None:
    action = branch_action(world, measure="leaflets")
    Event.objects.filter(pk=picket.pk).update(action=action)
    secretary = fresh(world.secretary)
    with pytest.raises(DomainError, match="once it has started"):
        ground.report_event(actor=secretary, event=Event.objects.get(pk=picket.pk), attendance=5)
    event = started(picket)
    with pytest.raises(DomainError, match="amount of money"):
        ground.report_event(actor=secretary, event=event, attendance=5, money="1e3")
    first = ground.report_event(
        actor=secretary, event=event, attendance=12, leaflets=300, money="25.50", account="Good."
    )
    assert first.action_report is not None and first.action_report.figure == 300
    second = ground.report_event(actor=secretary, event=event, attendance=14, leaflets=320)
    assert EventReport.objects.count() == 1
    counted = Report.objects.filter(action=action, correction__isnull=True)
    assert [r.figure for r in counted] == [320]
    assert second.action_report.corrects_id == first.action_report.pk  # type: ignore[union-attr]


def test_calling_it_off_tells_everyone_and_stops_rsvps(
    world: World, picket: Event, django_capture_on_commit_callbacks: Any
) -> None:
    (a,) = members(world, 1)
    services.rsvp_member(actor=a, event=picket)
    services.confirm_public(
        rsvp=services.rsvp_public(event=picket, name="Pat", email="pat@example.net", consent=True)
    )
    services.rsvp_public(event=picket, name="Unconfirmed", email="u@example.net", consent=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(actor=fresh(world.secretary), event=picket, reason="Strike won")
    assert sorted(m.to[0] for m in mail.outbox) == [a.email, "pat@example.net"]
    assert all("Strike won" in m.body for m in mail.outbox)
    with pytest.raises(DomainError, match="called off"):
        services.rsvp_public(event=picket, name="Al", email="al@example.net", consent=True)


def test_reminders_go_once_a_day_before(
    world: World, picket: Event, django_capture_on_commit_callbacks: Any
) -> None:
    (a,) = members(world, 1)
    services.rsvp_member(actor=a, event=picket)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=timezone.now() - timedelta(hours=2)) == 0  # too early
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    assert [m.subject for m in mail.outbox] == ["Coming up: Picket at the depot"]


def test_bad_events_are_refused_with_nothing_written(world: World) -> None:
    start = timezone.now() + timedelta(days=3)
    good = {
        "actor": fresh(world.secretary),
        "unit": world.branch_a,
        "kind": "stall",
        "title": "Stall",
        "place": "Market",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
    }
    for change, message in (
        ({"ends_at": start}, "ends after it starts"),
        ({"starts_at": start.replace(year=2999), "ends_at": start.replace(year=2999)}, "two years"),
        ({"capacity": 0}, "number of places"),
        ({"title": " "}, "title"),
        ({"kind": "party"}, "kind"),
    ):
        with pytest.raises(DomainError, match=message):
            services.create_event(**{**good, **change})  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        services.create_event(**{**good, "actor": fresh(world.other_secretary)})  # type: ignore[arg-type]
    assert not Event.objects.exists()


def test_the_pages_a_member_the_public_and_the_organiser_see(world: World, picket: Event) -> None:
    anon = Client()
    page = anon.get(f"/events/{picket.pk}/").content.decode()
    assert "Picket at the depot" in page and "Your email address" in page
    refused = anon.post(
        f"/events/{picket.pk}/rsvp/public/",
        {"name": "Pat", "email": "pat@example.net"},
        follow=True,
    ).content.decode()
    assert "Tick the box" in refused and 'value="Pat"' in refused
    anon.post(
        f"/events/{picket.pk}/rsvp/public/",
        {"name": "Pat", "email": "pat@example.net", "consent": "on"},
    )
    pat = Rsvp.objects.get(email="pat@example.net")
    own = anon.get(f"/events/rsvp/{pat.token}/").content.decode()
    assert "Yes, I am coming" in own and "Show this code" not in own
    anon.post(f"/events/rsvp/{pat.token}/", {"do": "confirm"})
    own = anon.get(f"/events/rsvp/{pat.token}/").content.decode()
    assert "Show this code at the door" in own and "data:image/svg+xml" in own
    pat.refresh_from_db()
    assert pat.status == Status.GOING and pat.token != pat.door_code
    ics = anon.get(f"/events/{picket.pk}.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"Picket at the depot" in ics.content
    member = Client()
    member.force_login(world.member)
    member.post(f"/events/{picket.pk}/rsvp/")
    assert "You are on the list" in member.get(f"/events/{picket.pk}/").content.decode()
    assert member.get(f"/events/{picket.pk}/door/").status_code == 404
    organiser = Client()
    organiser.force_login(world.secretary)
    door = organiser.get(f"/events/{picket.pk}/door/?q=pat").content.decode()
    assert "Pat" in door and "Mo Member" not in door
    row = organiser.post(f"/events/{picket.pk}/check-in/{pat.pk}/", HTTP_HX_REQUEST="true")
    assert "<strong>in</strong>" in row.content.decode()
    twice = organiser.post(f"/events/{picket.pk}/check-in/{pat.pk}/", HTTP_HX_REQUEST="true")
    assert "already checked in" in twice.content.decode()
    scanned = organiser.get(f"/events/{picket.pk}/door/{pat.door_code}/").content.decode()
    assert "Already checked in" in scanned
    # The RSVP's own key does not open the door page, nor the door code the RSVP's page.
    assert organiser.get(f"/events/{picket.pk}/door/{pat.token}/").status_code == 404
    assert anon.get(f"/events/rsvp/{pat.door_code}/").status_code == 404
    # A members-only event is not found by the public.
    Event.objects.filter(pk=picket.pk).update(is_public=False)
    assert anon.get(f"/events/{picket.pk}/").status_code == 404
    assert anon.get(f"/events/{picket.pk}.ics").status_code == 404


def test_a_persons_rsvps_are_in_their_export_and_go_with_erasure(
    world: World, picket: Event
) -> None:
    import json

    from iskra.members import services as members_services
    from iskra.members.models import Membership
    from iskra.members.models import Status as MemberStatus
    from iskra.privacy.selectors import personal_data
    from iskra.privacy.services import erase_former_member

    services.rsvp_member(actor=fresh(world.member), event=picket)
    exported = personal_data(world.member)["records"]
    assert [r["event_id"] for r in exported["campaigns.rsvp (user)"]] == [picket.pk]
    assert "token" not in exported["campaigns.rsvp (user)"][0]
    members_services.change_status(
        actor=fresh(world.secretary),
        membership=Membership.objects.get(user=world.member),
        to_status=MemberStatus.RESIGNED,
        reason="moved",
    )
    erase_former_member(actor=fresh(world.secretary), user=world.member, reason="email of 2 Dec")
    rows = json.dumps(list(Rsvp.objects.values()), default=str)
    assert "member@example.org" not in rows and "Mo Member" not in rows
    assert services.going_count(picket) == 1


def test_a_change_of_time_is_told_and_more_places_move_the_list_up(
    world: World, picket: Event, django_capture_on_commit_callbacks: Any
) -> None:
    a, b, c = members(world, 3)
    for person in (a, b, c):
        services.rsvp_member(actor=person, event=picket)
    mail.outbox.clear()
    later = picket.starts_at + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_event(
            actor=fresh(world.secretary),
            event=picket,
            kind=picket.kind,
            title=picket.title,
            place=picket.place,
            starts_at=later,
            ends_at=later + timedelta(hours=2),
            capacity=3,
            is_public=True,
        )
    subjects = sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox)
    assert subjects == [(a.email, "Changed"), (b.email, "Changed"), (c.email, "A place for you")]
    assert services.places_left(Event.objects.get(pk=picket.pk)) == 0
    client = Client()
    client.force_login(world.secretary)
    page = client.get(f"/events/{picket.pk}/edit/").content.decode()
    assert 'value="Picket at the depot"' in page
    assert client.get(f"/events/{picket.pk}/edit/", follow=True).status_code == 200
    other = Client()
    other.force_login(world.other_secretary)
    assert other.get(f"/events/{picket.pk}/edit/").status_code == 404
