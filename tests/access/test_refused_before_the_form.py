"""A person without the right to an action is refused (403) before their form is read.

Found from outside: a member POSTing to a ballot's "extend" got the form's errors ("enter a
closing time"), not 403 — the right was checked only inside the service, after the form. Each
page's POST below is tried, with an empty form, by someone who may see the object but not act
on it; then by someone who may, who gets the form's errors (typed text kept), not 403.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from iskra.accounts.models import User
from iskra.ballots import services as ballots
from iskra.ballots.models import Ballot
from iskra.meetings import services as meetings
from iskra.members.models import Membership
from tests.ballots.test_views import draft, opened, porters  # noqa: F401 (fixtures)
from tests.conftest import World, fresh

# (address, who may not, who may) — each a function of the world and the objects.
Case = Callable[[World, Ballot, int, int, int], tuple[str, User, User]]


def _cases() -> dict[str, Case]:
    return {
        "ballot question": lambda w, b, c, m, ms: (
            f"/ballots/{b.pk}/question/",
            w.other_secretary,  # the draft's scrutineer: sees it, does not set it
            w.secretary,
        ),
        "ballot extend": lambda w, b, c, m, ms: (f"/ballots/{b.pk}/extend/", w.member, w.secretary),
        "decide a challenge": lambda w, b, c, m, ms: (
            f"/challenges/{c}/decide/",
            w.secretary,
            w.other_secretary,
        ),
        "mark someone present": lambda w, b, c, m, ms: (
            f"/meetings/{m}/mark/",
            w.committee_member,
            w.officer,
        ),
        "add an agenda item": lambda w, b, c, m, ms: (
            f"/meetings/{m}/agenda/",
            w.committee_member,
            w.officer,
        ),
        "put a circulated motion on the agenda": lambda w, b, c, m, ms: (
            f"/meetings/{m}/agenda/circulated/",
            w.committee_member,
            w.officer,
        ),
        "change a member's status": lambda w, b, c, m, ms: (
            f"/members/{ms}/status/",
            w.member,
            w.secretary,
        ),
        "hold a probation": lambda w, b, c, m, ms: (
            f"/members/{ms}/probation/",
            w.member,
            w.secretary,
        ),
        "open a case": lambda w, b, c, m, ms: (f"/members/{ms}/complaint/", w.member, w.secretary),
    }


@pytest.mark.parametrize("case", list(_cases()))
def test_refused_before_the_form_then_the_form_for_those_who_may(
    world: World,
    opened: Ballot,  # noqa: F811 (the fixture imported above)
    case: str,
) -> None:
    from django.urls import resolve

    ballot = Ballot.objects.get(pk=opened.pk)
    if case == "ballot question":
        ballot = ballots.create_ballot(
            actor=fresh(world.secretary),
            unit=world.branch_a,
            title="A draft",
            preset=opened.preset,
            opens_at=opened.opens_at,
            closes_at=opened.closes_at,
            question="Another question?",
            sealed=False,
        )
        ballots.appoint_scrutineer(
            actor=fresh(world.secretary), ballot=ballot, scrutineer=fresh(world.other_secretary)
        )
    challenge = ballots.raise_challenge(
        actor=fresh(world.member), ballot=opened, reason="I work at the hospital too."
    )
    meeting = meetings.schedule_meeting(
        actor=fresh(world.officer),
        body=world.national_committee,
        title="Committee",
        starts_at=opened.closes_at,
    )
    membership = Membership.objects.get(user=world.member)
    path, refused, allowed = _cases()[case](world, ballot, challenge.pk, meeting.pk, membership.pk)
    resolve(path)  # the address exists
    client = Client()
    client.force_login(refused)
    response = client.post(path, {})
    assert response.status_code == 403, (case, response.status_code)
    client = Client()
    client.force_login(allowed)
    response = client.post(path, {"reason": "typed text"}, follow=True)
    assert response.status_code == 200, (case, response.status_code)
