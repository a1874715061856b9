"""A voter added to an open sealed ballot on an upheld roll challenge, in a real Chromium: the
credential authority makes the further batch in their browser from their saved key file (the
list of credentials is offered to save; only the signed public batch is uploaded); the added
voter audits an encryption (their browser reports its tracker, and the board counts it), then
casts a sealed ballot that lands on the board."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra import sealed
from iskra.accounts.models import User
from iskra.ballots import services
from iskra.ballots.models import Ballot, Preset, SealedAudit, SealedBoardEntry
from iskra.ballots.services import sealed_setup as ss
from iskra.organisation.models import Unit
from tests.ballots.test_sealed_flow import run_keygen
from tests.browser.conftest import sign_in
from tests.browser.test_sealed_flow import TRUSTEES

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_further_batch_in_the_browser_and_the_added_voter_votes(
    new_page: Any, tmp_path: Path
) -> None:
    riverside = Unit.objects.get(name="Riverside Branch")
    secretary = User.objects.get(email="secretary@example.org")
    scrutineer = User.objects.get(email="scrutineer@example.org")
    now = timezone.now()
    ballot = services.create_ballot(
        actor=secretary,
        unit=riverside,
        title="Riverside porters: sealed ballot with a late voter",
        preset=Preset.UK_INDUSTRIAL_ACTION,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Are you prepared to take part in strike action?",
        filter_workplace="Riverside Hospital",
        min_published_ballots=1,
    )
    assert ballot.sealed  # an all-member ballot: sealed by default
    services.appoint_scrutineer(
        actor=User.objects.get(pk=secretary.pk), ballot=ballot, scrutineer=scrutineer
    )
    people = [User.objects.get(email=e) for e in TRUSTEES]
    ss.configure_sealed(
        actor=User.objects.get(pk=secretary.pk), ballot=ballot, sealed_on=True, trustees=people
    )
    run_keygen(ballot, people)
    # Batch 1 as the offline tool makes it; the key file kept for the further batch.
    ca_key = sealed.new_ca_key(ballot.sealed_uuid)
    key_file = tmp_path / "ca.json"
    key_file.write_text(json.dumps(ca_key))
    _, batch = sealed.generate_credentials(ca_key, services.constituency(ballot).count())
    ss.upload_credentials(
        actor=scrutineer,
        ballot=ballot,
        batch=batch,
        authority=sealed.ca_public(ca_key, "Sky Scrutineer"),
    )
    services.open_ballot(actor=User.objects.get(pk=secretary.pk), ballot=ballot)
    pk = ballot.pk

    # The secretary (whose profile says the library) was left off the hospital's roll; the
    # scrutineer upholds their challenge.
    late = User.objects.get(pk=secretary.pk)
    challenge = services.raise_challenge(
        actor=late, ballot=Ballot.objects.get(pk=pk), reason="I moved to the hospital in May."
    )
    services.decide_challenge(actor=scrutineer, challenge=challenge, uphold=True, reason="Yes.")
    assert ss.awaiting_credentials(Ballot.objects.get(pk=pk)) == 1

    # The credential authority: a wrong key file is refused, then the right one.
    ca = new_page()
    sign_in(ca, "scrutineer@example.org")
    ca.goto(f"/ballots/{pk}/credentials/")
    expect(ca.locator("main")).to_contain_text("1 still needs a credential from you")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(sealed.new_ca_key(ballot.sealed_uuid)))
    ca.get_by_label("Your credential authority key file").set_input_files(wrong)
    ca.get_by_role("button", name="Make the further credentials").click()
    expect(ca.locator("#ca-further-progress")).to_contain_text("Nothing was made")
    ca.get_by_label("Your credential authority key file").set_input_files(key_file)
    ca.get_by_role("button", name="Make the further credentials").click()
    with ca.expect_download() as download:
        ca.get_by_role("link", name="Save the list of these credentials (secret)").click()
    listing = tmp_path / "added.csv"
    download.value.save_as(listing)
    with listing.open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["voter"] for r in rows] == ["secretary@example.org"]
    ca.get_by_role("button", name="Send the public credentials to Iskra").click()
    expect(ca.locator("main")).to_contain_text("Each has been given a credential")
    assert Ballot.objects.get(pk=pk).credential_batches.count() == 2

    # The added voter audits an encryption (reported), then votes with their credential.
    voter = new_page()
    sign_in(voter, "secretary@example.org")
    voter.goto(f"/ballots/{pk}/vote/")
    voter.get_by_label("Yes").check()
    voter.get_by_role("button", name="Check my browser: audit an encryption").click()
    expect(voter.locator("#audit-result")).to_contain_text("Audit passed")
    expect(voter.locator("#audit-result")).to_contain_text("recorded its tracker as audited")
    assert SealedAudit.objects.filter(ballot_id=pk).count() == 1
    voter.get_by_label("Your voting credential").fill(rows[0]["credential"])
    voter.get_by_role("button", name="Check my vote").click()
    voter.get_by_role("button", name="Encrypt and cast my vote").click()
    expect(voter.get_by_role("heading", level=1)).to_have_text(
        "Your encrypted vote is on the board"
    )
    tracker = voter.locator("#tracker").inner_text()
    assert SealedBoardEntry.objects.get(ballot_id=pk, tracker=tracker).origin == "browser"
    assert not SealedAudit.objects.filter(ballot_id=pk, tracker=tracker).exists()
    voter.goto(f"/ballots/{pk}/board/?tracker={tracker}")
    expect(voter.locator("#tracker-result")).to_contain_text("It is the ballot that counts")
    expect(voter.locator("#audited-count")).to_contain_text("1 ballot was encrypted and then")
    for page in (ca, voter):
        assert page.errors == []
