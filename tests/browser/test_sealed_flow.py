"""A sealed strike ballot in a real Chromium, end to end, with three trustees in three browser
contexts: the officer names the trustees; each trustee makes their key in their own browser
(and saves it) and answers the three rounds; the credential authority makes the credentials
in their browser; a member audits an encryption and casts an encrypted vote; the ballot
closes; two trustees decrypt in their browsers from their key files; the result is out."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra import sealed
from iskra.accounts.models import User
from iskra.ballots import services
from iskra.ballots.models import Ballot, Preset, Question, SealedBoardEntry
from iskra.ballots.services import sealed_setup as ss
from iskra.ballots.services import sealed_voting as sv
from iskra.organisation.models import Unit
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

TRUSTEES = ["scrutineer@example.org", "trustee2@example.org", "trustee3@example.org"]


def keygen_in_browsers(new_page: Any, pk: int, tmp_path: Path) -> tuple[list[Any], dict[int, Path]]:
    """Each trustee, signed in in a browser context of their own, answers the three rounds."""
    trustees = []
    for email in TRUSTEES:
        page = new_page()
        sign_in(page, email)
        trustees.append(page)
    keys: dict[int, Path] = {}
    # Round 1: each trustee's browser makes their key; they save it, then send the certificate.
    for j, page in enumerate(trustees, start=1):
        page.goto(f"/ballots/{pk}/trustee/")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"You are trustee {j} of 3")
        with page.expect_download() as download:
            page.get_by_role("button", name="Make my key and send my certificate").click()
        keys[j] = tmp_path / f"trustee-{j}.json"
        download.value.save_as(keys[j])
        page.get_by_role("button", name="I have saved my key file: send my certificate").click()
        # Sent: the page no longer asks for it (the last trustee sees the next round).
        expect(
            page.get_by_role("region", name="Key generation, round “certificate”")
        ).to_have_count(0)
    # Rounds 2 and 3: from the saved key file, read by the browser only.
    for step in ("polynomial", "verification"):
        for j, page in enumerate(trustees, start=1):
            page.goto(f"/ballots/{pk}/trustee/")
            page.locator("#trustee-key").set_input_files(keys[j])
            page.get_by_role("button", name=f"Compute and send my {step}").click()
            expect(
                page.get_by_role("region", name=f"Key generation, round “{step}”")
            ).to_have_count(0)
    expect(trustees[2].locator("#trustee-status")).to_contain_text("key generation is complete")
    return trustees, keys


def credentials_in_browser(ca: Any, pk: int, tmp_path: Path) -> dict[str, str]:
    """The credential authority (the scrutineer) makes the credentials in their browser."""
    ca.goto(f"/ballots/{pk}/credentials/")
    ca.get_by_role("button", name="Make the credentials").click()
    with ca.expect_download() as download:
        ca.get_by_role("link", name="Save the list of credentials (secret)").click()
    listing = tmp_path / "credentials.csv"
    download.value.save_as(listing)
    with listing.open() as fh:
        credentials = {row["voter"]: row["credential"] for row in csv.DictReader(fh)}
    ca.get_by_role("button", name="Send the public credentials to Iskra").click()
    expect(ca.locator("main")).to_contain_text(f"You have given {len(credentials)} credentials")
    return credentials


def decrypt_in_browsers(trustees: list[Any], keys: dict[int, Path], pk: int) -> None:
    for j in (2, 3):
        page = trustees[j - 1]
        page.goto(f"/ballots/{pk}/trustee/")
        page.locator("#trustee-key").set_input_files(keys[j])
        page.get_by_role("button", name="Compute and send my decryption share").click()
        expect(page.locator("#trustee-status")).to_be_visible()
    assert Ballot.objects.get(pk=pk).state == Ballot.State.CLOSED


def test_sealed_strike_ballot_with_three_trustees(new_page: Any, tmp_path: Path) -> None:
    riverside = Unit.objects.get(name="Riverside Branch")
    secretary = User.objects.get(email="secretary@example.org")
    now = timezone.now()
    ballot = services.create_ballot(
        actor=secretary,
        unit=riverside,
        title="Riverside porters: sealed strike ballot",
        preset=Preset.UK_INDUSTRIAL_ACTION,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Are you prepared to take part in strike action?",
        filter_workplace="Riverside Hospital",
        sealed=True,
        min_published_ballots=1,
    )
    services.appoint_scrutineer(
        actor=User.objects.get(pk=secretary.pk),
        ballot=ballot,
        scrutineer=User.objects.get(email="scrutineer@example.org"),
    )
    pk = ballot.pk

    officer = new_page()
    sign_in(officer, "secretary@example.org")
    officer.goto(f"/ballots/{pk}/")
    expect(officer.get_by_role("region", name="Sealed ballot")).to_contain_text("not yet named")
    officer.get_by_role("link", name="Trustees, threshold and credential authority").click()
    officer.get_by_label("Trustees' email addresses").fill("\n".join(TRUSTEES))
    officer.get_by_role("button", name="Save").click()
    expect(officer.get_by_role("region", name="Sealed ballot")).to_contain_text("Tariq Trustee")

    trustees, keys = keygen_in_browsers(new_page, pk, tmp_path)
    credentials = credentials_in_browser(trustees[0], pk, tmp_path)

    officer.goto(f"/ballots/{pk}/")
    officer.get_by_role("button", name="Open the sealed ballot").click()
    # It asks first, saying who will be entitled to vote.
    expect(officer.get_by_role("main")).to_contain_text("The roll is frozen")
    officer.get_by_role("button", name="Yes, open the sealed ballot").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Open")

    # A member audits an encryption, then casts an encrypted vote from their browser.
    voter = new_page()
    sign_in(voter, "member@example.org")
    voter.goto(f"/ballots/{pk}/vote/")
    # Nothing chosen: the review asks whether to cast a blank ballot; the voter goes back.
    voter.get_by_label("Your voting credential").fill(credentials["member@example.org"])
    voter.get_by_role("button", name="Check my vote").click()
    review = voter.get_by_role("region", name="Cast a blank ballot?")
    expect(review).to_be_visible()
    expect(review).to_contain_text("You have not chosen anything")
    expect(voter.get_by_label("Yes")).to_be_disabled()  # the paper waits under the review
    assert violations(voter) == []
    review.get_by_role("button", name="Change my choices").click()
    expect(review).to_be_hidden()
    voter.get_by_label("Yes").check()
    voter.get_by_role("button", name="Check my browser: audit an encryption").click()
    expect(voter.locator("#audit-result")).to_contain_text("Audit passed")
    expect(voter.locator("#audit-result")).to_contain_text("1. Yes")
    voter.get_by_role("button", name="Check my vote").click()
    review = voter.get_by_role("region", name="Check your vote before casting it")
    expect(review).to_contain_text("not been cast yet")
    expect(review.locator("dd")).to_have_text(["Yes"])
    assert SealedBoardEntry.objects.filter(ballot_id=pk).count() == 0  # nothing cast yet
    review.get_by_role("button", name="Encrypt and cast my vote").click()
    expect(voter.get_by_role("heading", level=1)).to_have_text(
        "Your encrypted vote is on the board"
    )
    # The receipt says what was cast: from this tab's own memory, never from the server.
    cast = voter.get_by_role("region", name="What you cast")
    expect(cast.locator("dd")).to_have_text(["Yes"])
    assert violations(voter) == []
    tracker = voter.locator("#tracker").inner_text()
    entry = SealedBoardEntry.objects.get(ballot_id=pk, tracker=tracker)
    assert entry.origin == "browser"
    voter.goto(f"/ballots/{pk}/board/?tracker={tracker}")
    expect(voter.locator("#tracker-result")).to_contain_text("It is the ballot that counts")

    # The close (the worker's sweep), then two trustees decrypt in their browsers.
    Ballot.objects.filter(pk=pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert services.close_due_ballots() == 1
    decrypt_in_browsers(trustees, keys, pk)
    voter.goto(f"/ballots/{pk}/result/")
    expect(voter.locator("main")).to_contain_text("Yes")
    assert Ballot.objects.get(pk=pk).result["questions"][0]["votes"]["Yes"] == 1
    for page in [officer, voter, *trustees]:
        assert page.errors == []


def test_sealed_stv_election_with_three_trustees(new_page: Any, tmp_path: Path) -> None:
    """A sealed STV election: rankings encrypted in voters' browsers, shuffled in turn by two
    trustees in theirs (each shuffle proved), decrypted by two, counted by STV."""
    riverside = Unit.objects.get(name="Riverside Branch")
    secretary = User.objects.get(email="secretary@example.org")
    now = timezone.now()
    ballot = services.create_ballot(
        actor=secretary,
        unit=riverside,
        title="Riverside porters: sealed delegate election",
        preset=Preset.STV_COMMITTEE,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        filter_workplace="Riverside Hospital",
        sealed=True,
        min_published_ballots=1,
    )
    services.add_question(
        actor=User.objects.get(pk=secretary.pk),
        ballot=ballot,
        kind=Question.Kind.STV,
        text="Elect two delegates",
        options=["Ana", "Ben", "Cai"],
        seats=2,
    )
    scrutineer = User.objects.get(email="scrutineer@example.org")
    services.appoint_scrutineer(
        actor=User.objects.get(pk=secretary.pk), ballot=ballot, scrutineer=scrutineer
    )
    ss.configure_sealed(
        actor=User.objects.get(pk=secretary.pk),
        ballot=ballot,
        sealed_on=True,
        trustees=[User.objects.get(email=e) for e in TRUSTEES],
    )
    pk = ballot.pk
    trustees, keys = keygen_in_browsers(new_page, pk, tmp_path)
    credentials = credentials_in_browser(trustees[0], pk, tmp_path)
    services.open_ballot(actor=User.objects.get(pk=secretary.pk), ballot=Ballot.objects.get(pk=pk))

    voter = new_page()
    sign_in(voter, "member@example.org")
    voter.goto(f"/ballots/{pk}/vote/")
    voter.get_by_label("Ben").fill("1")
    voter.get_by_label("Cai").fill("2")
    voter.get_by_role("button", name="Check my browser: audit an encryption").click()
    expect(voter.locator("#audit-result")).to_contain_text("1. Ben, Cai")
    voter.get_by_label("Your voting credential").fill(credentials["member@example.org"])
    voter.get_by_role("button", name="Check my vote").click()
    review = voter.get_by_role("region", name="Check your vote before casting it")
    expect(review.locator("dd")).to_have_text(["1. Ben; 2. Cai"])
    review.get_by_role("button", name="Encrypt and cast my vote").click()
    expect(voter.get_by_role("heading", level=1)).to_have_text(
        "Your encrypted vote is on the board"
    )
    expect(voter.get_by_role("region", name="What you cast").locator("dd")).to_have_text(
        ["1. Ben; 2. Cai"]
    )
    ballot = Ballot.objects.get(pk=pk)
    others = [e for e in credentials if e not in {"member@example.org", "secretary@example.org"}]
    for email, ranking in zip(others, [[1, 0], [0], [0, 2, 1]], strict=False):
        sv.cast_sealed(
            ballot=ballot,
            data=sealed.encrypt_ballot(ballot.sealed_election, [ranking], credentials[email]),
        )

    Ballot.objects.filter(pk=pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert services.close_due_ballots() == 1
    for j in (1, 3):
        page = trustees[j - 1]
        page.goto(f"/ballots/{pk}/trustee/")
        page.locator(".mix-key").set_input_files(keys[j])
        page.get_by_role("button", name="Shuffle question 1 and send it").click()
        expect(
            page.get_by_role("region", name="Shuffle question 1: Elect two delegates")
        ).to_have_count(0)
    assert len(Ballot.objects.get(pk=pk).sealed_record["mixes"][0]) == 2
    decrypt_in_browsers(trustees, keys, pk)
    result = Ballot.objects.get(pk=pk).result["questions"][0]
    assert result["votes"] == {"Ana": 2, "Ben": 2, "Cai": 0}
    assert sorted(result["elected"]) == ["Ana", "Ben"]
    voter.goto(f"/ballots/{pk}/result/")
    expect(voter.locator("main")).to_contain_text("Ana")
    for page in [voter, *trustees]:
        assert page.errors == []
