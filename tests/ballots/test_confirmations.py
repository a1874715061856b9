"""Nothing irreversible by accident (issue 11, points 5 and 6): opening a ballot and signing
the report ask first, saying what will happen; voting shows the choices before casting, asks
before a blank ballot, and shows what was cast on the voter's own screen only."""

from __future__ import annotations

from typing import Any

from django.core import mail

from iskra.ballots import services
from iskra.ballots.models import Ballot, CastBallot
from tests.ballots.test_views import (  # the ballot pages' fixtures
    HOSPITAL,
    client_for,
    close,
    draft,
    links_in_outbox,
    opened,
    porters,
)
from tests.conftest import World, fresh

__all__ = ["draft", "opened", "porters"]  # fixtures used by name


def test_opening_asks_first_with_the_roll_size(
    world: World, draft: Ballot, porters: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.appoint_scrutineer(
        actor=fresh(world.secretary), ballot=draft, scrutineer=fresh(world.other_secretary)
    )
    secretary = client_for(fresh(world.secretary))
    # The draft's page shows who would be on the roll now.
    page = secretary.get(f"/ballots/{draft.pk}/").content.decode()
    assert "3 members would be entitled to vote if it opened now" in page
    # GET, and the page's button (a POST without confirm=yes), show what will happen.
    for response in (
        secretary.get(f"/ballots/{draft.pk}/open/"),
        secretary.post(f"/ballots/{draft.pk}/open/"),
    ):
        text = response.content.decode()
        assert response.status_code == 200
        assert "3 voters will get credentials" in text and 'name="confirm" value="yes"' in text
    draft.refresh_from_db()
    assert draft.state == Ballot.State.DRAFT and not mail.outbox
    # Someone who may not open it is refused before being asked.
    assert (
        client_for(fresh(world.other_secretary)).get(f"/ballots/{draft.pk}/open/").status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = secretary.post(f"/ballots/{draft.pk}/open/", {"confirm": "yes"}, follow=True)
    assert "credentials are being emailed to 3 voters" in done.content.decode()
    draft.refresh_from_db()
    assert draft.state == Ballot.State.OPEN and len(links_in_outbox()) == 3


def test_opening_with_problems_says_them_and_offers_no_yes(world: World, draft: Ballot) -> None:
    response = client_for(fresh(world.secretary)).get(f"/ballots/{draft.pk}/open/")
    text = response.content.decode()
    assert "No scrutineer has been appointed." in text
    assert 'name="confirm"' not in text


def test_signing_the_report_shows_the_attestation(world: World, opened: Ballot) -> None:
    close(opened)
    scrutineer = client_for(fresh(world.other_secretary))
    asked = scrutineer.post(f"/ballots/{opened.pk}/sign/")
    text = asked.content.decode()
    assert asked.status_code == 200 and "I, Oscar Other, scrutineer of this ballot, attest" in text
    opened.refresh_from_db()
    assert opened.report_signed_at is None
    scrutineer.post(f"/ballots/{opened.pk}/sign/", {"confirm": "yes"})
    opened.refresh_from_db()
    assert opened.report_signed_by_id == world.other_secretary.pk


def test_voting_reviews_the_choices_then_casts_and_shows_what_was_cast(
    world: World, porters: Any, opened: Ballot
) -> None:
    q = opened.questions.get()
    voter = client_for(fresh(porters[0]))
    url = f"/ballots/{opened.pk}/vote/"
    review = voter.post(url, {f"q{q.pk}": "0"})
    text = review.content.decode()
    assert review.status_code == 200 and "Check your vote before casting it" in text
    assert "Yes" in text and f'name="q{q.pk}" value="0"' in text
    assert review["Cache-Control"] == "no-store"
    assert not CastBallot.objects.exists()
    # "Change my choices" goes back to the paper as it was filled.
    again = voter.post(url, {f"q{q.pk}": "0", "change": "yes"}).content.decode()
    assert f'id="q{q.pk}-0" value="0" checked' in again
    assert not CastBallot.objects.exists()
    voted = voter.post(url, {f"q{q.pk}": "0", "cast": "yes"})
    text = voted.content.decode()
    assert "Your vote is cast" in text and "What you cast" in text
    assert voted["Cache-Control"] == "no-store"
    assert CastBallot.objects.get().content == {str(q.pk): 0}
    # What was cast is on the screen, never in the email (which has the tracker only).
    assert "What you cast" not in mail.outbox[-1].body


def test_casting_nothing_asks_for_a_blank_ballot(
    world: World, porters: Any, opened: Ballot
) -> None:
    q = opened.questions.get()
    voter = client_for(fresh(porters[1]))
    url = f"/ballots/{opened.pk}/vote/"
    asked = voter.post(url, {}).content.decode()
    assert "Cast a blank ballot?" in asked and 'name="blank_ballot" value="yes"' in asked
    # A "cast" without the blank ballot's own yes still only asks.
    assert "Cast a blank ballot?" in voter.post(url, {"cast": "yes"}).content.decode()
    assert not CastBallot.objects.exists()
    done = voter.post(url, {"cast": "yes", "blank_ballot": "yes"}).content.decode()
    assert "Your vote is cast" in done and "Blank (no answer)" in done
    assert CastBallot.objects.get().content == {str(q.pk): "blank"}


def test_the_workplace_is_picked_from_those_members_recorded(world: World, porters: Any) -> None:
    page = client_for(fresh(world.secretary)).get(f"/units/{world.branch_a.pk}/ballots/new/")
    text = page.content.decode()
    assert f'<option value="{HOSPITAL}">{HOSPITAL} (3 members)</option>' in text
