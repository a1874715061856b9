"""The notification centre (issue 11, point 11): the page, the header's count and the API."""

from __future__ import annotations

from django.test import Client

from iskra.core import notifications
from iskra.core.errors import NotFound
from iskra.core.models import Notification
from tests.conftest import World, fresh


def _notify(world: World, title: str, url: str = "/motions/") -> Notification:
    notifications.notify(users=[world.member], kind="test", title=title, url=url)
    return Notification.objects.filter(user=world.member, title=title).get()


def test_mark_read_is_only_for_ones_own(world: World) -> None:
    mine = _notify(world, "Motion circulated")
    assert notifications.unread_count(world.member) == 1
    try:
        notifications.mark_read(user=fresh(world.secretary), notification_id=mine.pk)
    except NotFound:
        pass
    else:  # pragma: no cover - the assertion below says what went wrong
        raise AssertionError("someone else marked my notification read")
    assert notifications.unread_count(world.member) == 1
    notifications.mark_read(user=world.member, notification_id=mine.pk)
    assert notifications.unread_count(world.member) == 0
    _notify(world, "Two")
    _notify(world, "Three")
    assert notifications.mark_all_read(user=world.member) == 2
    assert notifications.mark_all_read(user=world.member) == 0


def test_page_lists_opens_and_marks_read(world: World) -> None:
    client = Client()
    client.force_login(world.member)
    first = _notify(world, "Meeting called: Branch A Committee", "/meetings/")
    _notify(world, "Ballot open: strike", "/ballots/")
    page = client.get("/notifications/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Meeting called: Branch A Committee" in text
    assert '<span class="count">2</span>' in text  # the header's unread count
    # Opening one marks it read and goes to the thing.
    opened = client.get(f"/notifications/{first.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/meetings/"
    assert notifications.unread_count(world.member) == 1
    unread = client.get("/notifications/?show=unread").content.decode()
    assert "Meeting called" not in unread and "Ballot open" in unread
    done = client.post("/notifications/read-all/", {"show": "unread"}, follow=True)
    assert b"1 notification marked read." in done.content
    assert b"No unread notifications." in done.content
    assert notifications.unread_count(world.member) == 0


def test_page_refuses_others_and_outside_links(world: World) -> None:
    theirs = Notification.objects.create(
        user=world.secretary, kind="t", title="Theirs", url="/", created_at=first_time()
    )
    odd = Notification.objects.create(
        user=world.member,
        kind="t",
        title="Odd",
        url="https://evil.example/",
        created_at=first_time(),
    )
    client = Client()
    client.force_login(world.member)
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/notifications/{odd.pk}/")["Location"] == "/notifications/"
    read = client.post(f"/notifications/{odd.pk}/read/", {"page": "1"})
    assert read["Location"] == "/notifications/?page=1"
    assert Notification.objects.get(pk=odd.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def first_time() -> object:
    from django.utils import timezone

    return timezone.now()


def test_api_lists_and_marks_read(world: World) -> None:
    client = Client()
    client.force_login(world.member)
    one = _notify(world, "One", "/motions/1/")
    _notify(world, "Two")
    listed = client.get("/api/v1/notifications").json()
    assert listed["count"] == 2
    assert {n["title"] for n in listed["items"]} == {"One", "Two"}
    read = client.post(f"/api/v1/notifications/{one.pk}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 1
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 1}
    other = Client()
    other.force_login(world.secretary)
    missing = other.post(f"/api/v1/notifications/{one.pk}/read")
    assert missing.status_code == 404 and "detail" in missing.json()
    assert other.get("/api/v1/notifications").json()["count"] == 0
    assert Client().get("/api/v1/notifications").status_code == 401


def test_emails_to_a_member_also_reach_the_centre_once(world: World) -> None:
    """A decision on an application is emailed directly; the centre lists it too, and the
    worker's digest does not email it a second time."""
    from django.core import mail

    from iskra.core.notifications import send_due_notification_emails
    from iskra.members import services as members
    from iskra.members.models import Application, Status
    from tests.conftest import make_member

    applicant = make_member("new@example.org", "Nia New", world.branch_a, Status.APPLICANT)
    from django.utils import timezone

    now = timezone.now()
    application = Application.objects.create(
        membership=applicant.membership,
        unit=world.branch_a,
        agreed_to_aims_at=now,
        submitted_at=now,
    )
    members.decide_application(actor=fresh(world.secretary), application=application, admit=True)
    row = Notification.objects.get(user=applicant, kind="membership.application_decided")
    assert row.title == "Your application to Branch A: admitted"
    assert row.url == "/membership/"
    mail.outbox.clear()
    send_due_notification_emails()
    assert not [m for m in mail.outbox if m.to == ["new@example.org"]]
