"""Every page of the cycle renders for the people who use it, after a full cycle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iskra.decisions import services as decisions
from iskra.meetings import services as meetings
from iskra.motions import services
from iskra.motions.models import Amendment, Position
from tests.conftest import World, fresh
from tests.motions.test_cycle import committee  # noqa: F401 - fixture


@pytest.fixture
def decided(committee: World) -> dict[str, object]:  # noqa: F811
    w = committee
    body = w.national_committee
    body.supporters_required = 0
    body.save()
    motion = services.create_motion(
        actor=fresh(w.member),
        body=body,
        title="Defend the library",
        text="Keep the library open every day.",
    )
    services.submit_motion(actor=fresh(w.member), motion=motion)
    services.admit_motion(actor=fresh(w.officer), motion=motion)
    services.open_discussion(actor=fresh(w.officer), motion=motion)
    amendment = services.table_amendment(
        actor=fresh(w.secretary),
        motion=motion,
        kind=Amendment.Kind.REPLACE,
        passage="every day",
        new_text="seven days a week",
    )
    services.record_position(
        actor=fresh(w.secretary), motion=motion, unit=w.branch_a, stance=Position.Stance.SUPPORT
    )
    services.post_to_discussion(actor=fresh(w.member), motion=motion, text="Yes!")
    meeting = meetings.schedule_meeting(
        actor=fresh(w.officer),
        body=body,
        title="Meeting",
        starts_at=timezone.now() + timedelta(hours=1),
        motions=[motion],
    )
    meetings.open_meeting(actor=fresh(w.officer), meeting=meeting, reason="opened at once (test)")
    for person in meetings.body_members(body):
        meetings.sign_in(actor=person, meeting=meeting)
    meetings.take_show_of_hands(
        actor=fresh(w.officer),
        meeting=meeting,
        motion=motion,
        amendment=amendment,
        votes_for=3,
        votes_against=1,
    )
    meetings.take_show_of_hands(
        actor=fresh(w.officer), meeting=meeting, motion=motion, votes_for=3, votes_against=1
    )
    motion.refresh_from_db()
    decision = motion.decision
    action = decisions.create_action(
        actor=fresh(w.officer),
        decision=decision,
        title="Leaflet",
        due_on=timezone.localdate() + timedelta(days=7),
        target=100,
        unit=w.branch_a,
    )
    return {"motion": motion, "meeting": meeting, "decision": decision, "action": action}


def test_pages_render(client: Client, committee: World, decided: dict[str, object]) -> None:  # noqa: F811
    w = committee
    motion, meeting, decision, action = (
        decided[k] for k in ("motion", "meeting", "decision", "action")
    )
    pages = [
        "/motions/",
        "/motions/new/",
        f"/motions/{motion.pk}/",  # type: ignore[attr-defined]
        f"/motions/{motion.pk}/state/",  # type: ignore[attr-defined]
        "/meetings/",
        f"/meetings/{meeting.pk}/",  # type: ignore[attr-defined]
        "/decisions/",
        f"/decisions/{decision.pk}/",  # type: ignore[attr-defined]
        f"/actions/{action.pk}/",  # type: ignore[attr-defined]
        f"/units/{w.national.pk}/accountability/",
        "/bulletins/",
        "/",
    ]
    for who in (w.member, w.secretary, w.officer):
        client.force_login(who)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (who.email, url, response.status_code)


def test_outsider_sees_no_motion(
    client: Client,
    committee: World,  # noqa: F811
    decided: dict[str, object],
) -> None:
    client.force_login(committee.outsider)
    assert client.get(f"/motions/{decided['motion'].pk}/").status_code == 404  # type: ignore[attr-defined]
    assert client.get(f"/decisions/{decided['decision'].pk}/").status_code == 404  # type: ignore[attr-defined]
