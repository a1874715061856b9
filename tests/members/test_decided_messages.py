""" "Application … decided" says admitted or declined (issue 11, point 7)."""

from __future__ import annotations

import re

from django.test import Client

from tests.conftest import World, fresh
from tests.members.test_services import apply


def test_the_message_says_admitted_or_declined(client: Client, world: World) -> None:
    admitted = apply(world)
    declined = apply(world, email="other.person@example.org", full_name="Other Person")
    client.force_login(fresh(world.secretary))
    page = client.post(
        f"/applications/{admitted.pk}/", {"decision": "admit"}, follow=True
    ).content.decode()
    assert f"New Person is admitted to {world.branch_a.name}." in page
    # Declining without a reason is refused, and the form keeps what was chosen.
    refused = client.post(f"/applications/{declined.pk}/", {"decision": "decline"})
    assert refused.status_code == 200
    assert re.search(r'value="decline"[^>]*checked', refused.content.decode())
    page = client.post(
        f"/applications/{declined.pk}/",
        {"decision": "decline", "reason": "Lives outside the branch"},
        follow=True,
    ).content.decode()
    assert "The application of Other Person is declined; they are told." in page
