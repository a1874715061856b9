"""The sealed pages' Web Workers, in a real Chromium: a voter's browser prepares, audits and
encrypts in a worker (and on the page's own thread where there is no worker); a trustee's
browser checks every ballot of the record in workers before decrypting, and refuses, naming
the first failing ballot, when someone with the database changed one after the close."""

from __future__ import annotations

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
from iskra.ballots.models import Ballot, Preset, Trustee
from iskra.ballots.services import sealed_setup as ss
from iskra.ballots.services import sealed_voting as sv
from iskra.organisation.models import Unit
from iskra.sealed import board as sboard
from iskra.sealed import setup as st
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

TRUSTEES = ["scrutineer@example.org", "trustee2@example.org", "trustee3@example.org"]
NO_WORKER = "Object.defineProperty(window, 'Worker', {value: undefined});"


def open_sealed_ballot() -> tuple[Ballot, dict[int, dict[str, Any]], dict[str, str]]:
    """A sealed yes/no ballot, open, its key generation and credentials made by the offline
    tools' Python functions (the browser's are tested in test_sealed_flow)."""
    secretary = User.objects.get(email="secretary@example.org")
    now = timezone.now()
    ballot = services.create_ballot(
        actor=secretary,
        unit=Unit.objects.get(name="Riverside Branch"),
        title="Riverside porters: sealed ballot",
        preset=Preset.UK_INDUSTRIAL_ACTION,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Are you prepared to take part in strike action?",
        filter_workplace="Riverside Hospital",
        sealed=True,
        min_published_ballots=1,
    )
    people = [User.objects.get(email=e) for e in TRUSTEES]
    services.appoint_scrutineer(actor=secretary, ballot=ballot, scrutineer=people[0])
    ss.configure_sealed(actor=secretary, ballot=ballot, sealed_on=True, trustees=people)
    keys: dict[int, dict[str, Any]] = {}
    for step in ss.STEPS:
        for person in people:
            ballot = Ballot.objects.get(pk=ballot.pk)
            trustee = ss.trustee_for(person, ballot)
            rf = ss.round_file(ballot, trustee)
            j = trustee.number
            if step == "certificate":
                keys[j] = st.new_trustee_key(rf["context"], j)
                message = st.certificate(rf["context"], keys[j])
            elif step == "polynomial":
                message = st.polynomial(rf["context"], keys[j], rf["certificates"])
            else:
                message = st.verification(
                    rf["context"], keys[j], rf["certificates"], rf["polynomials"]
                )
            ss.submit_keygen(actor=person, ballot=ballot, message=message)
    ballot = Ballot.objects.get(pk=ballot.pk)
    roll = [u.email for u in services.constituency(ballot).order_by("email")]
    ca_key = sealed.new_ca_key(ballot.sealed_uuid)
    secrets, batch = sealed.generate_credentials(ca_key, len(roll))
    ss.upload_credentials(
        actor=people[0],
        ballot=ballot,
        batch=batch,
        authority=sealed.ca_public(ca_key, "The scrutineer"),
    )
    services.open_ballot(actor=secretary, ballot=Ballot.objects.get(pk=ballot.pk))
    return Ballot.objects.get(pk=ballot.pk), keys, dict(zip(roll, secrets, strict=True))


def vote(page: Any, pk: int, credential: str, answer: str) -> str:
    page.goto(f"/ballots/{pk}/vote/")
    page.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Check my browser: audit an encryption").click()
    expect(page.locator("#audit-result")).to_contain_text(f"1. {answer}")
    page.get_by_label("Your voting credential").fill(credential)
    page.get_by_role("button", name="Check my vote").click()
    page.get_by_role("button", name="Encrypt and cast my vote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your encrypted vote is on the board")
    return str(page.locator("#tracker").inner_text())


def test_voters_browsers_encrypt_in_a_worker_or_without_one(new_page: Any) -> None:
    ballot, _, credentials = open_sealed_ballot()
    voter = new_page()
    sign_in(voter, "member@example.org")
    voter.goto(f"/ballots/{ballot.pk}/vote/")
    form = voter.locator("#sealed-vote")
    # The worker answered the preparation, and the page said so to assistive technology.
    expect(form).to_have_attribute("data-prepared-in", "worker")
    expect(voter.locator("#vote-progress")).to_have_text(
        "Your browser is ready to encrypt your vote."
    )
    voter.get_by_label("Yes").check()
    voter.get_by_role("button", name="Check my browser: audit an encryption").click()
    expect(voter.locator("#audit-result")).to_contain_text("Audit passed")
    expect(form).to_have_attribute("data-audited-in", "worker")
    tracker = vote(voter, ballot.pk, credentials["member@example.org"], "Yes")

    # A browser without Web Workers: the same page encrypts on its own thread.
    other = next(e for e in credentials if e not in {"member@example.org", *TRUSTEES})
    plain = new_page()
    plain.add_init_script(NO_WORKER)
    sign_in(plain, other)
    plain.goto(f"/ballots/{ballot.pk}/vote/")
    expect(plain.locator("#sealed-vote")).to_have_attribute("data-prepared-in", "page")
    other_tracker = vote(plain, ballot.pk, credentials[other], "No")
    board = ballot.sealed_board.order_by("seq")
    assert [e.tracker for e in board] == [tracker, other_tracker]
    assert all(e.origin == "browser" for e in board)
    for page in (voter, plain):
        assert page.errors == []


def test_a_trustees_browser_refuses_a_board_changed_after_the_close(
    new_page: Any, tmp_path: Path
) -> None:
    ballot, keys, credentials = open_sealed_ballot()
    voters = [e for e in credentials if e not in TRUSTEES][:3]
    for email, answer in zip(voters, [0, 1, 0], strict=True):
        sv.cast_sealed(
            ballot=ballot,
            data=sealed.encrypt_ballot(ballot.sealed_election, [answer], credentials[email]),
        )
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert services.close_due_ballots() == 1

    # Someone with the database turns ballot 2's "No" into ballot 1's "Yes" after the close,
    # and rewrites the tracker, the hash chain and the final hash to match.
    ballot = Ballot.objects.get(pk=ballot.pk)
    record = ballot.sealed_record
    assert record is not None
    entries = record["board"]
    entries[1]["ballot"]["answers"][0] = json.loads(json.dumps(entries[0]["ballot"]["answers"][0]))
    entries[1]["tracker"] = sealed.tracker(entries[1]["ballot"])
    head = sboard.genesis(bytes.fromhex(entries[0]["ballot"]["election"]))
    for entry in entries:
        entry["hash"] = sboard.link(head, entry).hex()
        head = bytes.fromhex(entry["hash"])
    record["board_hash"] = head.hex()
    Ballot.objects.filter(pk=ballot.pk).update(sealed_record=record)
    changed = entries[1]["tracker"]

    for j, init in ((2, None), (3, NO_WORKER)):
        page = new_page()
        if init:
            page.add_init_script(init)
        sign_in(page, TRUSTEES[j - 1])
        key_file = tmp_path / f"trustee-{j}.json"
        key_file.write_text(json.dumps(keys[j]))
        page.goto(f"/ballots/{ballot.pk}/trustee/")
        page.locator("#trustee-key").set_input_files(key_file)
        page.get_by_role("button", name="Compute and send my decryption share").click()
        expect(page.locator("#trustee-progress")).to_have_text(
            "Nothing was sent: the record fails its check, so your key was not used: "
            f"board entry 2 (tracker {changed}): "
            "ballot: the signature with the voter's credential does not verify",
            timeout=60_000,
        )
        # Checked in workers (trustee 2), on the page's own thread without them (trustee 3).
        expect(page.locator("#sealed-trustee")).to_have_attribute(
            "data-checked-in", "worker" if init is None else "page"
        )
        assert page.errors == []
    assert not Trustee.objects.filter(ballot=ballot).exclude(decryption=None).exists()
    assert Ballot.objects.get(pk=ballot.pk).state == Ballot.State.TALLYING
