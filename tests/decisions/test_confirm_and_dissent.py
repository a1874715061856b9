"""A decision's officers are asked before publishing or marking it completed; the decision's
page says who may record a dissent and until when, tells those who may not why, and keeps a
refused statement (issue 11, points 5 and 8)."""

from __future__ import annotations

from django.test import Client

from iskra.decisions.models import Decision, Dissent
from tests.conftest import World, fresh
from tests.motions.helpers import decided


def test_publishing_and_completing_ask_first(client: Client, nc: World) -> None:
    decision = decided(nc)
    client.force_login(fresh(nc.officer))
    asked = client.post(f"/decisions/{decision.pk}/publish/")
    assert asked.status_code == 200
    assert "is shown to everyone, signed in or not" in asked.content.decode()
    decision.refresh_from_db()
    assert decision.is_public is False
    client.post(f"/decisions/{decision.pk}/publish/", {"confirm": "yes"})
    decision.refresh_from_db()
    assert decision.is_public is True
    # Completing: the page says it cannot be undone, and nothing changes before the yes.
    page = client.get(f"/decisions/{decision.pk}/complete/").content.decode()
    assert "is marked completed" in page and "cannot be undone" in page
    decision.refresh_from_db()
    assert decision.status == Decision.Status.IN_FORCE
    done = client.post(f"/decisions/{decision.pk}/complete/", {"confirm": "yes"}, follow=True)
    assert "The decision is marked completed." in done.content.decode()
    decision.refresh_from_db()
    assert decision.status == Decision.Status.COMPLETED
    # A member is not asked: they may not do it at all.
    client.force_login(fresh(nc.member))
    assert client.get(f"/decisions/{decision.pk}/complete/").status_code == 403


def test_dissent_says_who_may_and_why_not(client: Client, nc: World) -> None:
    decision = decided(nc)
    client.force_login(fresh(nc.member))  # not present at the show of hands
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "Who may record a dissent:" in page
    assert decision.dissent_until.strftime("%-d %B %Y") in page
    assert "You cannot record a dissent here." in page
    assert "You were not recorded present at the meeting that voted on it." in page
    assert f'action="/decisions/{decision.pk}/dissent/"' not in page
    client.force_login(fresh(nc.committee_member))  # present
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "Record your dissent" in page and "You cannot record a dissent here." not in page


def test_a_refused_dissent_keeps_what_was_typed(client: Client, nc: World) -> None:
    decision = decided(nc)
    client.force_login(fresh(nc.committee_member))
    client.post(f"/decisions/{decision.pk}/dissent/", {"text": "First statement"})
    assert Dissent.objects.count() == 1
    # A second one is refused by the service: the text comes back in the form.
    refused = client.post(
        f"/decisions/{decision.pk}/dissent/", {"text": "A second, carefully typed"}, follow=True
    )
    html = refused.content.decode()
    assert "A second, carefully typed" in html
    assert Dissent.objects.count() == 1
