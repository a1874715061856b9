"""Distribution and sales: recording sales (members their own, officers anyone's), money as
Decimal and never negative, the league table against targets, bundles, contacts only with
consent, subscriptions with their reminders, and a sale reported back on a decision's action."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from iskra.accounts.services import issue_token
from iskra.core.errors import DomainError, PermissionDenied
from iskra.decisions.models import Action, Decision, Report
from iskra.motions.models import MotionStatus
from iskra.press import sales
from iskra.press import services as press
from iskra.press.models import Contact, PaperSubscription, Sale
from tests.motions.helpers import motion_at
from tests.press.conftest import Paper


def _sale(paper: Paper, actor: object, **kw: object) -> Sale:
    w = paper.world
    fields: dict[str, object] = {
        "actor": actor,
        "publication": paper.publication,
        "unit": w.branch_a,
        "seller": actor,
        "pitch": "Market",
        "sold_on": timezone.localdate(),
        "copies": 10,
        "money": "10.00",
        "fighting_fund": "2.50",
    }
    fields.update(kw)
    return sales.record_sale(**fields)  # type: ignore[arg-type]


def test_members_record_their_own_sales_and_officers_anyones(paper: Paper) -> None:
    w = paper.world
    sale = _sale(paper, w.member)
    assert (sale.money, sale.fighting_fund) == (Decimal("10.00"), Decimal("2.50"))
    officer_sale = _sale(paper, w.secretary, seller=w.member, copies=5)
    assert officer_sale.seller_id == w.member.pk and officer_sale.recorded_by_id == w.secretary.pk
    with pytest.raises(PermissionDenied):
        _sale(paper, w.member, seller=w.secretary)
    with pytest.raises(PermissionDenied):
        _sale(paper, w.other_secretary)  # Branch B's secretary, for Branch A
    with pytest.raises(DomainError, match="not a member of Branch A"):
        _sale(paper, w.secretary, seller=w.other_secretary)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"money": "-5"}, "cannot be negative"),
        ({"fighting_fund": "1.005"}, "whole pence"),
        ({"money": "abc"}, "amount of money"),
        ({"money": "NaN"}, "amount of money"),
        ({"copies": -1}, "cannot be negative"),
        ({"copies": 0, "money": "0", "fighting_fund": "0"}, "Record copies sold"),
        ({"pitch": " "}, "pitch"),
        ({"sold_on": date(2099, 1, 1)}, "future"),
    ],
)
def test_bad_sales_are_refused_with_nothing_written(
    paper: Paper, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        _sale(paper, paper.world.member, **fields)
    assert not Sale.objects.exists()


def test_the_database_refuses_negative_money_whatever_the_code(paper: Paper) -> None:
    sale = _sale(paper, paper.world.member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sale.objects.filter(pk=sale.pk).update(money=Decimal("-1"))


def test_the_league_table_ranks_units_against_their_targets(paper: Paper) -> None:
    w = paper.world
    sales.set_target(actor=paper.editor, publication=paper.publication, unit=w.branch_a, copies=20)
    sales.set_target(actor=paper.editor, publication=paper.publication, unit=w.branch_b, copies=10)
    with pytest.raises(PermissionDenied):
        sales.set_target(
            actor=w.secretary, publication=paper.publication, unit=w.branch_a, copies=5
        )
    _sale(paper, w.member, copies=10)
    _sale(paper, w.other_secretary, unit=w.branch_b, copies=9, money="9")
    rows = sales.league(paper.publication, None)
    assert [(r.unit.name, r.copies, r.percent) for r in rows] == [
        ("Branch B", 9, 90),
        ("Branch A", 10, 50),
    ]


def test_a_sale_reports_back_on_the_action_that_counts_papers(paper: Paper) -> None:
    w = paper.world
    motion = motion_at(w, MotionStatus.IN_DISCUSSION, body=w.branch_committee)
    decision = Decision.objects.create(
        number="RB-1",
        motion=motion,
        body=w.branch_committee,
        title="Sell the paper",
        scope=w.branch_a,
        scope_path=w.branch_a.path,
        effective_on=timezone.localdate(),
        dissent_until=timezone.localdate(),
        created_at=timezone.now(),
    )
    action = Action.objects.create(
        decision=decision,
        title="Sell 100 papers",
        due_on=timezone.localdate() + timedelta(days=30),
        target=100,
        measure="papers",
        unit=w.branch_a,
        unit_path=w.branch_a.path,
        created_by=w.secretary,
        created_at=timezone.now(),
    )
    assert sales.sale_actions(w.branch_a) == [action]
    sale = _sale(paper, w.secretary, copies=12, action=action)
    report = Report.objects.get(action=action)
    assert sale.report_id == report.pk and report.figure == 12
    assert "sold at Market" in report.text
    # A member who may not report on the action: refused, and the sale is not kept either.
    with pytest.raises(PermissionDenied):
        _sale(paper, w.member, copies=3, action=action)
    assert Sale.objects.count() == 1


def test_contacts_only_with_consent_and_the_join_page_sent(
    paper: Paper, django_capture_on_commit_callbacks: object
) -> None:
    w = paper.world
    with pytest.raises(DomainError, match="consent"):
        sales.add_contact(
            actor=w.member, unit=w.branch_a, name="Jo", email="jo@x.org", consent=False
        )
    with pytest.raises(DomainError, match="email address or a phone"):
        sales.add_contact(actor=w.member, unit=w.branch_a, name="Jo", consent=True)
    contact = sales.add_contact(
        actor=w.member, unit=w.branch_a, name="Jo", email="Jo@X.org", consent=True
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(consent=False)
    with pytest.raises(PermissionDenied):
        sales.invite_contact(actor=w.member, contact=contact)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        sales.invite_contact(actor=w.secretary, contact=contact)
    assert mail.outbox[0].to == ["jo@x.org"] and "/join/" in mail.outbox[0].body


def test_subscriptions_are_reminded_once_before_they_end(
    paper: Paper, django_capture_on_commit_callbacks: object
) -> None:
    w = paper.world
    with pytest.raises(DomainError, match="address to post"):
        sales.add_subscription(
            actor=w.secretary,
            publication=paper.publication,
            unit=w.branch_a,
            kind="print",
            name="Pat",
            email="pat@x.org",
            months=12,
        )
    sub = sales.add_subscription(
        actor=w.secretary,
        publication=paper.publication,
        unit=w.branch_a,
        kind="digital",
        name="Pat",
        email="pat@x.org",
        months=1,
        starts_on=date(2026, 11, 20),
    )
    assert sub.ends_on == date(2026, 12, 20)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert sales.remind_due_subscriptions(today=date(2026, 12, 1)) == 0
        assert sales.remind_due_subscriptions(today=date(2026, 12, 10)) == 1
        assert sales.remind_due_subscriptions(today=date(2026, 12, 11)) == 0
    assert [m.to for m in mail.outbox] == [["pat@x.org"]]
    assert PaperSubscription.objects.get().reminded_at is not None


def test_the_branch_page_on_a_phone_records_a_sale_and_keeps_a_bad_one(paper: Paper) -> None:
    w = paper.world
    edition = press.create_edition(
        actor=paper.editor, publication=paper.publication, number=1, on=date(2026, 12, 1)
    )
    client = Client()
    client.force_login(w.member)
    url = f"/press/the-spark/sales/{w.branch_a.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url + "record/",
        {
            "pitch": "Gate",
            "sold_on": "2026-12-01",
            "copies": "3",
            "money": "-3",
            "fighting_fund": "0",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "An amount cannot be negative" in page and 'value="Gate"' in page
    assert not Sale.objects.exists()
    client.post(
        url + "record/",
        {
            "pitch": "Gate",
            "sold_on": "2026-12-01",
            "copies": "3",
            "money": "3",
            "fighting_fund": "1",
        },
    )
    assert Sale.objects.get().copies == 3
    # Another branch's page is not theirs; the contacts are the officers'.
    assert client.get(f"/press/the-spark/sales/{w.branch_b.pk}/").status_code == 404
    assert "Jo" not in client.get(url).content.decode()
    officer = Client()
    officer.force_login(w.secretary)
    officer.post(url + f"bundles/{edition.pk}/", {f"e{edition.pk}-copies_wanted": "30"})
    assert edition.bundles.get().copies_wanted == 30
    member_bundle = client.post(
        url + f"bundles/{edition.pk}/", {f"e{edition.pk}-copies_wanted": "5"}
    )
    assert member_bundle.status_code == 403


def test_the_api_records_a_sale_with_money_as_decimal_strings(paper: Paper) -> None:
    _token, raw = issue_token(user=paper.world.member, name="t")
    url = f"/api/v1/publications/{paper.publication.pk}/sales"
    body = {
        "unit_id": paper.world.branch_a.pk,
        "pitch": "Market",
        "sold_on": "2026-12-01",
        "copies": 4,
        "money": "4.00",
    }
    response = Client().post(
        url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 201 and response.json()["money"] == "4.00"
    response = Client().post(
        url,
        json.dumps({**body, "money": "-1"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422 and "money" in response.json()["detail"]
    assert Sale.objects.count() == 1
