"""The paper in the demo: *The Spark*, published by the national organisation, with Eda Editor
(editor@example.org) as its editor, a sub-editor and two writers; number 41 published a week ago
with its lead story, number 42 in preparation (approved, edited and submitted articles), a
writer's draft, and one article scheduled for tomorrow morning."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from iskra.accounts.models import User
from iskra.organisation.models import SeatHolding, Unit

STORIES = [
    (
        "News",
        "Porters win back their break: a month of unity pays off",
        "Riverside Hospital porters forced management to restore the paid break it cut in "
        "October, after every shift signed the branch's letter.",
        "When management at Riverside Hospital cut the porters' paid break in October, the branch "
        "decided to answer together.\n\nEvery shift signed the letter. Every porter wore the "
        "badge. On the fourth week, management gave way.\n\n## What made the difference\n\nThe "
        "branch meeting took the decision by a clear majority, and the minority argued for a "
        "slower approach, but once it was decided everyone acted on it. *Freedom of discussion, "
        "unity in action* is not a slogan: it is how we won.\n\n“We argued it out and then we "
        "all did it,” said one porter on the night shift.",
        True,
    ),
    (
        "Housing",
        "Tenants' union stops three evictions in Docklands",
        "Neighbours turned out at dawn; the bailiffs left without a key.",
        "Three families in Docklands are still in their homes this week after the tenants' union "
        "turned out at dawn.\n\nThe branch's phone tree reached forty members in an hour.",
        False,
    ),
    (
        "Workplaces",
        "Call centre workers vote to ballot over targets",
        "The Old Town branch will put the question to every member in the workplace.",
        "Old Town call centre workers have voted at their workplace meeting to ask for a ballot "
        "over the new call targets.\n\nThe district committee meets next week.",
        False,
    ),
    (
        "Theory",
        "Why we decide by majority, and then act as one",
        "Democratic centralism explained for new members.",
        "Every member is free to argue their view inside the organisation. Once a decision is "
        "taken by majority, it binds us all — and the minority's dissent is on the record.\n\n"
        "This is what makes an organisation stronger than the sum of its members.",
        False,
    ),
]


def seed_demo_press(*, person: Any, member: Any) -> None:
    from iskra.press import services as press
    from iskra.press.models import Article, Edition, Role

    now = timezone.now()
    officer = User.objects.get(email="officer@example.org")
    national = Unit.objects.get(parent__isnull=True)
    riverside = Unit.objects.get(name="Riverside Branch")
    editor = person("editor@example.org", "Eda Editor", pronouns="she/her")
    member(editor, riverside, days_ago=1500)
    writers = list(
        User.objects.filter(membership__status="member", membership__unit__parent__isnull=False)
        .exclude(email__in=["member@example.org", "secretary@example.org"])
        .exclude(pk__in=SeatHolding.objects.values("holder_id"))
        .order_by("pk")[10:13]
    )
    sub_editor, writer, writer2 = writers

    paper = press.create_publication(
        actor=officer,
        unit=national,
        name="The Spark",
        tagline="Freedom of discussion, unity in action",
        print_format="tabloid",
    )
    for who, kind in (
        (editor, Role.Kind.EDITOR),
        (sub_editor, Role.Kind.SUB_EDITOR),
        (writer, Role.Kind.WRITER),
        (writer2, Role.Kind.WRITER),
    ):
        press.set_role(actor=officer, publication=paper, user=who, kind=kind)
    sections = {
        name: press.add_section(actor=editor, publication=paper, name=name)
        for name in ("News", "Workplaces", "Housing", "Theory", "Letters")
    }
    today = timezone.localdate()
    last = press.create_edition(
        actor=editor, publication=paper, number=41, on=today - timedelta(days=7), pages=16
    )
    nxt = press.create_edition(
        actor=editor, publication=paper, number=42, on=today + timedelta(days=7)
    )

    def carry(article: Any, *, to: str) -> Any:
        path = ["submit", "edited", "approve"]
        for step in path[: ["submitted", "edited", "approved"].index(to) + 1]:
            actor = {"submit": article.author, "edited": sub_editor, "approve": editor}[step]
            article = press.take_step(actor=actor, article=article, step=step)
        return article

    for n, (section, title, standfirst, body, lead) in enumerate(STORIES):
        article = press.write_article(
            actor=writer if n % 2 == 0 else writer2,
            publication=paper,
            title=title,
            standfirst=standfirst,
            body=body,
            section=sections[section],
        )
        article = carry(article, to="approved")
        press.place_in_edition(actor=editor, article=article, edition=last, is_lead=lead)
    press.publish_edition(actor=editor, edition=last)
    # Published on its date, a week ago (the demo is seeded today).
    out = timezone.make_aware(datetime.combine(last.date, time(9, 0)))
    Edition.objects.filter(pk=last.pk).update(published_at=out)
    Article.objects.filter(edition=last).update(published_at=out, updated_at=out)

    # Number 42, in preparation.
    front = press.write_article(
        actor=writer,
        publication=paper,
        title="Strike ballot: every vote counts",
        standfirst="The ballot opens on Monday. Here is how to make sure yours is counted.",
        body="Every member in the workplace gets a ballot. The law sets a turnout threshold, so "
        "every vote counts twice: once for the result, once for the turnout.",
        section=sections["Workplaces"],
    )
    front = carry(front, to="approved")
    press.place_in_edition(actor=editor, article=front, edition=nxt, is_lead=True)
    edited = press.write_article(
        actor=writer2,
        publication=paper,
        title="A new branch in Hillside",
        body="Twelve members met in the school hall on Thursday and founded the branch.",
        section=sections["News"],
    )
    edited = carry(edited, to="edited")
    press.place_in_edition(actor=editor, article=edited, edition=nxt)
    press.save_text(
        actor=sub_editor,
        article=edited,
        title="Twelve found a new branch in Hillside",
        body="Twelve members met in the school hall on Thursday and founded the Hillside branch.",
        section=sections["News"],
        note="Sharper headline; name the branch",
    )
    press.release_lock(actor=sub_editor, article=edited)
    submitted = press.write_article(
        actor=writer,
        publication=paper,
        title="Letter: the bus depot needs a union rep",
        body="I drive the 42. Nobody at the depot knows who our rep is. Can the district help?",
        section=sections["Letters"],
        byline="A Docklands driver",
    )
    press.take_step(actor=writer, article=submitted, step="submit")
    press.comment(
        actor=editor,
        article=submitted,
        body="Good letter. Can we check with the district before we print it?",
    )
    press.write_article(
        actor=writer2,
        publication=paper,
        title="Notes from the picket line (draft)",
        body="Six o'clock, cold, and forty of us. More to follow.",
    )
    scheduled = press.write_article(
        actor=writer,
        publication=paper,
        title="Conference agenda published",
        standfirst="The motions, the amendments and the timetable.",
        body="The standing orders committee has published the agenda for conference.",
        section=sections["News"],
    )
    scheduled = carry(scheduled, to="approved")
    tomorrow = timezone.localtime(now + timedelta(days=1)).replace(
        hour=7, minute=0, second=0, microsecond=0
    )
    press.take_step(actor=editor, article=scheduled, step="schedule", at=tomorrow)

    seed_demo_newsletter(
        paper=paper, editor=editor, articles=list(Article.objects.filter(edition=last))
    )
    seed_demo_sales(paper=paper, editor=editor, last=last, nxt=nxt)

    from iskra.press.leaflets import save_leaflet

    save_leaflet(
        actor=editor,
        publication=paper,
        title="Save Riverside Library",
        front="The council wants to close **Riverside Library** in March.\n\n"
        "It is the only free place to study, print and get online in the ward.",
        back="## Come to the public meeting\n\nThursday, 7 pm, Riverside Community Hall.\n\n"
        "Riverside branch is organising library users, staff and neighbours to stop the cut.",
        qr_label="Join us and fight the cut",
    )


def seed_demo_newsletter(*, paper: Any, editor: User, articles: list[Any]) -> None:
    """The Spark daily: members and a few of the public subscribed (one address bouncing, one
    waiting to confirm), yesterday's send delivered, today's a draft."""
    from iskra.newsletter import sending, subscriptions
    from iskra.newsletter.models import Delivery, Send, Subscriber

    daily = subscriptions.create_list(
        actor=editor,
        publication=paper,
        name="The Spark daily",
        frequency="daily",
        description="The day's news from the paper, every weekday morning.",
    )
    subscriptions.create_list(
        actor=editor,
        publication=paper,
        name="Save Riverside Library",
        frequency="campaign",
        description="News of the campaign against the library's closure.",
    )
    for who in User.objects.filter(email__in=["member@example.org", "secretary@example.org"]):
        subscriptions.set_member_subscription(actor=who, mailing_list=daily, on=True)
    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                mailing_list=daily,
                email=f"reader{n}@example.net",
                status=Subscriber.Status.ACTIVE,
                created_at=now - timedelta(days=30 + n),
                confirmed_at=now - timedelta(days=30 + n),
            )
            for n in range(12)
        ]
        + [
            Subscriber(
                mailing_list=daily,
                email="newreader@example.net",
                status=Subscriber.Status.PENDING,
                created_at=now,
            ),
            Subscriber(
                mailing_list=daily,
                email="gone@example.net",
                status=Subscriber.Status.BOUNCED,
                bounce_score=5,
                created_at=now - timedelta(days=90),
            ),
        ]
    )
    yesterday = sending.write_send(
        actor=editor,
        mailing_list=daily,
        subject="The Spark daily: porters win back their break",
        intro="Good morning. A win at Riverside Hospital, and three evictions stopped.",
        articles=articles[:3],
    )
    html, text = sending.render(yesterday)
    active = list(daily.subscribers.filter(status=Subscriber.Status.ACTIVE))
    Delivery.objects.bulk_create(
        [
            Delivery(
                send=yesterday,
                subscriber=s,
                status=Delivery.Status.SENT,
                sent_at=now - timedelta(days=1),
            )
            for s in active
        ]
    )
    Send.objects.filter(pk=yesterday.pk).update(
        html=html,
        text=text,
        status=Send.Status.SENT,
        created_at=now - timedelta(days=1, hours=1),
        queued_at=now - timedelta(days=1),
        finished_at=now - timedelta(days=1),
    )
    sending.write_send(
        actor=editor,
        mailing_list=daily,
        subject="The Spark daily: the strike ballot opens",
        intro="The ballot opens on Monday: here is how to make sure your vote counts.",
        articles=articles[3:],
    )


def seed_demo_sales(*, paper: Any, editor: User, last: Any, nxt: Any) -> None:
    """Every branch has a target; Riverside and Docklands sold number 41 at their pitches, with
    the fighting fund; Riverside's bundle for 42 is ordered; a contact met at the market waits
    for Riverside's follow-up; a reader's digital subscription runs out next week."""
    from decimal import Decimal

    from iskra.press import sales

    secretary = User.objects.get(email="secretary@example.org")
    member = User.objects.get(email="member@example.org")
    branches = {u.name: u for u in Unit.objects.filter(name__endswith="Branch")}
    for name, target in (
        ("Riverside Branch", 40),
        ("Hillside Branch", 25),
        ("Docklands Branch", 30),
        ("Old Town Branch", 20),
    ):
        sales.set_target(actor=editor, publication=paper, unit=branches[name], copies=target)
    day = last.date
    riverside = branches["Riverside Branch"]
    market = sales.record_sale(
        actor=secretary,
        publication=paper,
        unit=riverside,
        seller=secretary,
        pitch="Riverside market",
        sold_on=day,
        copies=14,
        money=Decimal("14.00"),
        fighting_fund=Decimal("6.50"),
        edition=last,
    )
    sales.record_sale(
        actor=member,
        publication=paper,
        unit=riverside,
        seller=member,
        pitch="Riverside Hospital gate",
        sold_on=day + timedelta(days=1),
        copies=9,
        money=Decimal("9.00"),
        fighting_fund=Decimal("3.00"),
        edition=last,
    )
    docklands = branches["Docklands Branch"]
    docklands_officer = User.objects.get(
        pk=SeatHolding.objects.current()
        .filter(seat__title="Docklands Branch Secretary")
        .values_list("holder_id", flat=True)[0]
    )
    sales.record_sale(
        actor=docklands_officer,
        publication=paper,
        unit=docklands,
        seller=docklands_officer,
        pitch="Docklands bus depot",
        sold_on=day,
        copies=21,
        money=Decimal("21.00"),
        fighting_fund=Decimal("12.00"),
        edition=last,
    )
    sales.set_bundle(actor=secretary, edition=last, unit=riverside, wanted=40, delivered=40)
    sales.set_bundle(actor=secretary, edition=nxt, unit=riverside, wanted=45)
    sales.add_contact(
        actor=secretary,
        unit=riverside,
        name="Jo Reader",
        email="jo.reader@example.net",
        note="Library user; wants to help the campaign",
        consent=True,
        sale=market,
    )
    sales.add_subscription(
        actor=secretary,
        publication=paper,
        unit=riverside,
        kind="digital",
        name="Pat Subscriber",
        email="pat@example.net",
        months=12,
        starts_on=timezone.localdate() - timedelta(days=358),
    )
