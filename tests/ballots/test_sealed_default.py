"""Sealed by default (issue 10): an all-member ballot, an election and a recall are sealed when
whoever defines them does not say; a secret vote of a body's members is plain. One rule
(``iskra.ballots.policy``), asked by the service, the API and both forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.ballots import services
from iskra.ballots.models import Ballot, Preset
from iskra.ballots.policy import BallotKind, ballot_kind, default_sealed
from iskra.motions import services as motions
from tests.api.test_api import Api
from tests.conftest import World, fresh


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "preset, of_body, kind, sealed",
    [
        (Preset.SIMPLE_MAJORITY, False, BallotKind.ALL_MEMBER, True),
        (Preset.UK_INDUSTRIAL_ACTION, False, BallotKind.ALL_MEMBER, True),
        (Preset.UNION_TWO_THIRDS, False, BallotKind.ALL_MEMBER, True),
        (Preset.STV_COMMITTEE, False, BallotKind.ELECTION, True),
        (Preset.STV_COMMITTEE, True, BallotKind.ELECTION, True),
        (Preset.RECALL, False, BallotKind.RECALL, True),
        (Preset.RECALL, True, BallotKind.RECALL, True),
        (Preset.SIMPLE_MAJORITY, True, BallotKind.BODY_VOTE, False),
        (Preset.UNION_TWO_THIRDS, True, BallotKind.BODY_VOTE, False),
    ],
)
def test_the_rule(world: World, preset: str, of_body: bool, kind: str, sealed: bool) -> None:
    body = world.national_committee if of_body else None
    assert ballot_kind(preset=preset, constituency_body=body) == kind
    assert default_sealed(preset=preset, constituency_body=body) is sealed
    now = timezone.now()
    ballot = services.create_ballot(
        actor=fresh(world.officer),
        unit=world.national,
        title="T",
        preset=preset,
        opens_at=now,
        closes_at=now + timedelta(days=1),
        constituency_body=body,
    )
    assert ballot.sealed is sealed
    assert bool(ballot.sealed_uuid) is sealed
    entry = AuditEntry.objects.filter(action="ballot.create").latest("seq")
    assert entry.data["sealed"] is sealed
    assert entry.data["sealed_by_default"] is True


@pytest.mark.parametrize("chosen", [True, False])
def test_saying_overrides_the_default(world: World, chosen: bool) -> None:
    now = timezone.now()
    for body in (None, world.national_committee):
        ballot = services.create_ballot(
            actor=fresh(world.officer),
            unit=world.national,
            title="T",
            preset=Preset.SIMPLE_MAJORITY,
            opens_at=now,
            closes_at=now + timedelta(days=1),
            constituency_body=body,
            sealed=chosen,
        )
        assert ballot.sealed is chosen
        entry = AuditEntry.objects.filter(action="ballot.create").latest("seq")
        assert entry.data["sealed"] is chosen
        assert entry.data["sealed_by_default"] is False


def test_api_default_and_choice(world: World) -> None:
    now = timezone.now()
    payload = {
        "unit_id": world.national.pk,
        "title": "A ballot",
        "preset": "simple_majority",
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=1)).isoformat(),
    }
    officer = Api(world.officer)
    assert officer.post("/ballots", payload).json()["sealed"] is True
    assert officer.post("/ballots", {**payload, "sealed": None}).json()["sealed"] is True
    assert officer.post("/ballots", {**payload, "sealed": False}).json()["sealed"] is False
    of_body = {**payload, "constituency_body_id": world.national_committee.pk}
    assert officer.post("/ballots", of_body).json()["sealed"] is False
    assert officer.post("/ballots", {**of_body, "sealed": True}).json()["sealed"] is True
    assert officer.post("/ballots", {**of_body, "preset": "recall"}).json()["sealed"] is True
    doc = officer.get("/openapi.json").json()["components"]["schemas"]["BallotIn"]
    assert "Leave it out (or null) for the default" in doc["properties"]["sealed"]["description"]


def test_define_form_offers_the_default_ticked_and_unticked_is_plain(world: World) -> None:
    officer = _client(fresh(world.officer))
    url = reverse("ballots:new", args=[world.national.pk])
    page = officer.get(url).content.decode()
    assert 'id="id_sealed" checked' in page
    now = timezone.localtime()
    form = {
        "title": "Plain on purpose",
        "preset": "simple_majority",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    assert officer.post(url, form).status_code == 302
    assert Ballot.objects.get(title="Plain on purpose").sealed is False
    assert officer.post(url, {**form, "title": "Sealed", "sealed": "on"}).status_code == 302
    assert Ballot.objects.get(title="Sealed").sealed is True


@pytest.mark.parametrize(
    "constituency, sealing, sealed",
    [
        ("all", "", True),
        ("body", "", False),
        ("all", "plain", False),
        ("body", "sealed", True),
    ],
)
def test_motion_put_to_ballot(world: World, constituency: str, sealing: str, sealed: bool) -> None:
    body = world.national_committee
    body.supporters_required = 0
    body.save()
    motion = motions.create_motion(
        actor=fresh(world.member), body=body, title="Affiliate", text="We affiliate."
    )
    motions.submit_motion(actor=fresh(world.member), motion=motion)
    motions.admit_motion(actor=fresh(world.officer), motion=motion)
    now = timezone.localtime()
    response = _client(fresh(world.officer)).post(
        reverse("motions:to_ballot", args=[motion.pk]),
        {
            "constituency": constituency,
            "preset": "simple_majority",
            "sealing": sealing,
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Ballot.objects.get(motion=motion).sealed is sealed
