"""The paper and the newsletter in a person's data rights (issue 9 point 15 over issue 14's
records): the export holds their subscriptions, letters and the branch's records naming their
address; erasing a former member leaves no copy of their address, name or unpublished letter in
the newsletter's or the paper's tables."""

from __future__ import annotations

import json

from django.test import Client

from iskra.members import services as members
from iskra.members.models import Membership, Status
from iskra.newsletter import subscriptions
from iskra.newsletter.models import MailingList, Subscriber
from iskra.press import letters, sales
from iskra.press.models import Article, Contact, PaperSubscription, Revision
from iskra.privacy.services import REMOVED, erase_former_member
from tests.conftest import fresh
from tests.press.conftest import Paper

EMAIL = "member@example.org"
LETTER = "My landlord raised the rent twice this year"


def _records(paper: Paper) -> tuple[MailingList, MailingList]:
    world = paper.world
    daily = subscriptions.create_list(
        actor=paper.editor, publication=paper.publication, name="Daily", frequency="daily"
    )
    weekly = subscriptions.create_list(
        actor=paper.editor, publication=paper.publication, name="Weekly", frequency="weekly"
    )
    subscriptions.set_member_subscription(actor=fresh(world.member), mailing_list=daily, on=True)
    subscriptions.subscribe_public(mailing_list=weekly, email=EMAIL.upper())
    letters.send_in(
        actor=fresh(world.member),
        publication=paper.publication,
        kind="letter",
        title="Rents",
        body=LETTER,
    )
    sales.add_contact(
        actor=fresh(world.secretary),
        unit=world.branch_a,
        name="Mo Member",
        consent=True,
        email=EMAIL,
        note="met at the stall",
    )
    sales.add_subscription(
        actor=fresh(world.secretary),
        publication=paper.publication,
        unit=world.branch_a,
        kind="print",
        name="Mo Member",
        email=EMAIL,
        months=12,
        address="1 High Street",
    )
    return daily, weekly


def test_the_export_holds_the_papers_records_of_the_person(paper: Paper) -> None:
    daily, weekly = _records(paper)
    client = Client()
    client.force_login(paper.world.member)
    records = json.loads(client.get("/my-data.json").content)["records"]
    assert [r["mailing_list_id"] for r in records["newsletter.subscriber (user)"]] == [daily.pk]
    assert [r["mailing_list_id"] for r in records["newsletter.subscriber (email)"]] == [weekly.pk]
    assert [r["body"] for r in records["press.article (author)"]] == [LETTER]
    assert [r["address"] for r in records["press.papersubscription (email)"]] == ["1 High Street"]
    assert [r["note"] for r in records["press.contact (email)"]] == ["met at the stall"]


def test_erasure_reaches_the_newsletter_and_the_papers_records(paper: Paper) -> None:
    world = paper.world
    _records(paper)
    members.change_status(
        actor=fresh(world.secretary),
        membership=Membership.objects.get(user=world.member),
        to_status=Status.RESIGNED,
        reason="moved away",
    )
    erase_former_member(actor=fresh(world.secretary), user=world.member, reason="email of 2 Dec")
    stored = json.dumps(
        [
            list(Subscriber.objects.values()),
            list(Article.objects.values()),
            list(Revision.objects.values()),
            list(Contact.objects.values()),
            list(PaperSubscription.objects.values()),
        ],
        default=str,
    )
    for personal in (EMAIL, "Mo Member", LETTER, "1 High Street", "met at the stall", "Rents"):
        assert personal not in stored, personal
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"unsubscribed"}
    assert Article.objects.get(author=world.member).body == REMOVED
    # The branch's records keep their dates and counts.
    assert PaperSubscription.objects.count() == Contact.objects.count() == 1
