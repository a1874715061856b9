"""Officers publish a decision or mark it completed; a later motion amends it from the page."""

from __future__ import annotations

import pytest
from django.test import Client

from iskra.core.errors import DomainError, PermissionDenied
from iskra.decisions import services
from iskra.decisions.models import Decision
from iskra.motions import services as motions
from tests.conftest import World, fresh
from tests.motions.helpers import decided


def test_publish_makes_it_visible_to_the_public(client: Client, nc: World) -> None:
    decision = decided(nc)
    assert client.get(f"/decisions/{decision.pk}/").status_code == 404
    client.force_login(nc.member)
    assert client.post(f"/decisions/{decision.pk}/publish/").status_code == 403
    decision.refresh_from_db()
    assert decision.is_public is False  # a member may not publish
    client.force_login(nc.officer)
    client.post(f"/decisions/{decision.pk}/publish/", {"confirm": "yes"})
    decision.refresh_from_db()
    assert decision.is_public is True
    client.logout()
    assert client.get(f"/decisions/{decision.pk}/").status_code == 200


def test_complete_and_services_permissions(nc: World) -> None:
    decision = decided(nc)
    with pytest.raises(PermissionDenied):
        services.set_public(actor=fresh(nc.secretary), decision=decision, is_public=True)
    services.complete_decision(actor=fresh(nc.officer), decision=decision)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.COMPLETED


def test_amending_motion_must_target_a_decision_of_the_same_body_in_force(nc: World) -> None:
    decision = decided(nc)
    motion = motions.create_motion(
        actor=fresh(nc.member),
        body=decision.body,
        title="Amend it",
        text="New text.",
        amends_decision=decision,
    )
    assert motion.amends_decision_id == decision.pk
    with pytest.raises(DomainError, match="not both"):
        motions.create_motion(
            actor=fresh(nc.member),
            body=decision.body,
            title="x",
            text="y",
            amends_decision=decision,
            rescinds_decision=decision,
        )
    with pytest.raises(DomainError, match="still in force"):
        motions.create_motion(
            actor=fresh(nc.member),
            body=nc.district_committee,
            title="x",
            text="y",
            rescinds_decision=decision,
        )


def test_motion_form_prefills_the_decision(client: Client, nc: World) -> None:
    decision = decided(nc)
    client.force_login(nc.member)
    page = client.get(f"/motions/new/?body={decision.body_id}&amends={decision.pk}")
    assert page.status_code == 200
    assert f'<option value="{decision.pk}" selected' in page.content.decode()


def test_composite_page(client: Client, nc: World) -> None:
    from tests.motions.helpers import motion_at

    a = motion_at(nc, "submitted")
    b = motion_at(nc, "submitted")
    client.force_login(nc.member)
    assert client.get(f"/bodies/{a.body_id}/composite/").status_code == 403
    client.force_login(nc.officer)
    page = client.get(f"/bodies/{a.body_id}/composite/")
    assert page.status_code == 200 and "has not agreed yet" in page.content.decode()
    refused = client.post(
        f"/bodies/{a.body_id}/composite/", {"motions": [a.pk, b.pk], "title": "C", "text": "Both."}
    )
    assert "not agreed" in refused.content.decode()
    for m in (a, b):
        motions.agree_to_composite(actor=fresh(m.created_by), motion=m)
    done = client.post(
        f"/bodies/{a.body_id}/composite/", {"motions": [a.pk, b.pk], "title": "C", "text": "Both."}
    )
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.status == "composited" and a.composite is not None
