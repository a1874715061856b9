"""The pages of a sealed ballot without JavaScript: trustees answer each round with
``iskra trustee keygen`` and upload the answer, the credential authority uploads the files of
``iskra trustee credentials``, a voter has the server encrypt their vote, trustees upload
``iskra trustee decrypt``'s shares; and ``iskra ballot verify`` checks the record. Who may see
what, and that bad input gives a clear error, never a 500."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from iskra.accounts.models import User
from iskra.ballots import services
from iskra.ballots.models import Ballot, Preset, SealedBoardEntry
from iskra.ballots.verify import main as verify_main
from iskra.sealed.cli import main as trustee_main
from tests.conftest import World, fresh, make_member


def client_for(user: User | None) -> Client:
    client = Client(raise_request_exception=True)
    if user is not None:
        client.force_login(user)
    return client


def upload(name: str, path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/json")


@pytest.fixture
def voters(world: World) -> list[User]:
    return [
        make_member(f"cleaner{n}@example.org", f"Cleaner {n}", world.branch_a) for n in range(2)
    ]


@pytest.fixture
def draft(world: World, voters: list[User]) -> Ballot:
    now = timezone.now()
    secretary = fresh(world.secretary)
    ballot = services.create_ballot(
        actor=secretary,
        unit=world.branch_a,
        title="Cleaners: sealed strike ballot",
        preset=Preset.UK_INDUSTRIAL_ACTION,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Are you prepared to take part in strike action?",
        sealed=True,
        min_published_ballots=1,
    )
    services.appoint_scrutineer(
        actor=secretary, ballot=ballot, scrutineer=fresh(world.other_secretary)
    )
    return ballot


def test_sealed_ballot_through_the_pages_without_javascript(
    world: World, draft: Ballot, voters: list[User], tmp_path: Path, capsys: Any
) -> None:
    pk = draft.pk
    officer = client_for(fresh(world.secretary))
    trustees = [fresh(world.other_secretary), fresh(world.committee_member), fresh(world.outsider)]
    # Only officers set the trustees; a bad threshold is a form error that keeps what was typed.
    assert client_for(fresh(world.member)).get(f"/ballots/{pk}/sealed/").status_code == 404
    assert client_for(fresh(world.other_secretary)).get(f"/ballots/{pk}/sealed/").status_code == 403
    emails = "\n".join(t.email for t in trustees)
    bad = officer.post(
        f"/ballots/{pk}/sealed/", {"sealed": "on", "trustees": emails, "threshold": "5"}
    )
    assert bad.status_code == 400 and "between 1 and 3" in bad.content.decode()
    assert trustees[2].email in bad.content.decode()
    unknown = officer.post(
        f"/ballots/{pk}/sealed/",
        {"sealed": "on", "trustees": "nobody@example.org", "threshold": "1"},
    )
    assert unknown.status_code == 400 and "nobody@example.org" in unknown.content.decode()
    ok = officer.post(
        f"/ballots/{pk}/sealed/", {"sealed": "on", "trustees": emails, "threshold": "2"}
    )
    assert ok.status_code == 302
    page = officer.get(f"/ballots/{pk}/").content.decode()
    assert "Sealed ballot" in page and "round “certificate”" in page

    # Key generation: only trustees see their page; each round by the offline tool.
    assert client_for(fresh(world.member)).get(f"/ballots/{pk}/trustee/").status_code == 404
    assert officer.get(f"/ballots/{pk}/trustee/round.json").status_code == 403
    clients = [client_for(t) for t in trustees]
    for step in ("certificate", "polynomial", "verification"):
        for j, c in enumerate(clients, start=1):
            page = c.get(f"/ballots/{pk}/trustee/").content.decode()
            assert f"round “{step}”" in page
            rf = tmp_path / f"round-{j}.json"
            rf.write_bytes(c.get(f"/ballots/{pk}/trustee/round.json").content)
            answer = tmp_path / f"answer-{j}.json"
            key = tmp_path / f"key-{j}.json"
            assert trustee_main(["keygen", str(rf), "--key", str(key), "-o", str(answer)]) == 0
            if step == "certificate" and j == 1:
                # Not JSON, then someone else's answer: refused with a message, nothing kept.
                r = c.post(
                    f"/ballots/{pk}/trustee/", {"answer": SimpleUploadedFile("a.json", b"\x00no")}
                )
                assert r.status_code == 400 and "not a JSON file" in r.content.decode()
                r = c.post(
                    f"/ballots/{pk}/trustee/", {"message": '{"type": "certificate", "trustee": 2}'}
                )
                assert r.status_code == 400 and "you are trustee 1" in r.content.decode()
            r = c.post(f"/ballots/{pk}/trustee/", {"answer": upload("answer.json", answer)})
            assert r.status_code == 302, r.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.sealed_transcript is not None

    # Before the close there is no record to download: a plain 404, not an error page.
    assert clients[1].get(f"/ballots/{pk}/record.json").status_code == 404
    assert clients[1].get(f"/ballots/{pk}/export.json").status_code == 404

    # Credentials: the scrutineer (trustee 1 here) is the credential authority by default.
    assert officer.get(f"/ballots/{pk}/credentials/").status_code == 403
    ca = clients[0]
    assert "iskra trustee credentials" in ca.get(f"/ballots/{pk}/credentials/").content.decode()
    roll = tmp_path / "roll.txt"
    roll.write_bytes(ca.get(f"/ballots/{pk}/credentials/roll.txt").content)
    prefix = tmp_path / "creds"
    assert (
        trustee_main(
            [
                "credentials",
                str(roll),
                "--ca-key",
                str(tmp_path / "ca.json"),
                "--uuid",
                draft.sealed_uuid,
                "--name",
                "The scrutineer",
                "-o",
                str(prefix),
            ]
        )
        == 0
    )
    missing = ca.post(f"/ballots/{pk}/credentials/", {})
    assert missing.status_code == 400 and "Choose the batch file" in missing.content.decode()
    r = ca.post(
        f"/ballots/{pk}/credentials/",
        {
            "batch_file": upload("b.json", prefix.with_suffix(".batch.json")),
            "authority_file": upload("a.json", prefix.with_suffix(".authority.json")),
        },
    )
    assert r.status_code == 302
    with (prefix.with_suffix(".secret.csv")).open() as fh:
        secret = {row["voter"]: row["credential"] for row in csv.DictReader(fh)}
    assert services.problems(fresh_ballot(pk)) == []
    services.open_ballot(actor=fresh(world.secretary), ballot=fresh_ballot(pk))

    # Voting without JavaScript: the server encrypts; the board says so.
    ballot = fresh_ballot(pk)
    qid = ballot.questions.get().pk
    voter = client_for(voters[0])
    page = voter.get(f"/ballots/{pk}/vote/").content.decode()
    assert "JavaScript is off" in page and "sealed/pages.js" in page
    wrong = voter.post(f"/ballots/{pk}/vote/", {f"q{qid}": "1", "credential": "not a credential"})
    assert wrong.status_code == 400 and "not a voting credential" in wrong.content.decode()
    assert 'value="1" checked' in wrong.content.decode()
    stranger = voter.post(
        f"/ballots/{pk}/vote/",
        {f"q{qid}": "1", "credential": "AAAAA-BBBBB-CCCCC-DDDDD", "cast": "yes"},
    )
    assert stranger.status_code == 400 and "not on the roll" in stranger.content.decode()
    garbled = voter.post(f"/ballots/{pk}/vote/", {"sealed_ballot": "{not json"})
    assert garbled.status_code == 400
    forged = voter.post(f"/ballots/{pk}/vote/", {"sealed_ballot": '{"election": "x"}'})
    assert forged.status_code == 400 and "refused" in forged.content.decode()
    # The paper first shows the review (the choice in words, the credential carried in the
    # review's own form); nothing is cast until its button is pressed.
    paper = {f"q{qid}": "1", "credential": secret[voters[0].email].lower()}
    review = voter.post(f"/ballots/{pk}/vote/", paper)
    assert review.status_code == 200 and review["Cache-Control"] == "no-store"
    shown = review.content.decode()
    assert "Check your vote before casting it" in shown and "Encrypt and cast my vote" in shown
    assert not SealedBoardEntry.objects.filter(ballot=ballot).exists()
    nothing = voter.post(f"/ballots/{pk}/vote/", {"credential": paper["credential"]})
    assert "Cast a blank ballot?" in nothing.content.decode()
    back = voter.post(f"/ballots/{pk}/vote/", {**paper, "change": "yes"})
    assert back.status_code == 200 and 'value="1" checked' in back.content.decode()
    assert not SealedBoardEntry.objects.filter(ballot=ballot).exists()
    cast = voter.post(f"/ballots/{pk}/vote/", {**paper, "cast": "yes"})
    assert cast.status_code == 200, cast.content.decode()[:3000]
    tracker = SealedBoardEntry.objects.get(ballot=ballot).tracker
    assert tracker in cast.content.decode()
    assert "What you cast" in cast.content.decode()  # on the voter's own receipt
    again = voter.post(
        f"/ballots/{pk}/vote/",
        {f"q{qid}": "0", "credential": secret[voters[0].email], "cast": "yes"},
    )
    assert "replaces your earlier ballot" in again.content.decode()
    blank = client_for(voters[1]).post(
        f"/ballots/{pk}/vote/",
        {"credential": secret[voters[1].email], "blank_ballot": "yes", "cast": "yes"},
    )
    assert "Your encrypted vote is on the board" in blank.content.decode()
    # Reminders: the officer's page says whom they reach and what they carry; sending one
    # gives the sealed message, with no figure in it.
    assert (
        "reminded too; the email carries no credential"
        in officer.get(f"/ballots/{pk}/").content.decode()
    )
    reminded = officer.post(f"/ballots/{pk}/remind/", follow=True).content.decode()
    assert "the credential the credential authority sent them" in reminded
    said = reminded.split("Reminders are going out", 1)[1].split("</", 1)[0]
    assert not any(ch.isdigit() for ch in said), said
    # An upheld challenge: the credential authority's page lists the added voter and takes a
    # further batch made offline with the same key (--batch 2); the voter then votes with it.
    from iskra.members.models import Status

    late = make_member("late@example.org", "Late Joiner", world.branch_a, Status.CANDIDATE)
    challenge = services.raise_challenge(actor=late, ballot=fresh_ballot(pk), reason="Porter")
    services.decide_challenge(
        actor=fresh(world.other_secretary), challenge=challenge, uphold=True, reason="ok"
    )
    page = ca.get(f"/ballots/{pk}/credentials/").content.decode()
    assert "late@example.org" in page and "1 still needs a credential" in page
    assert "--batch 2" in page
    added = tmp_path / "added.txt"
    added.write_text("late@example.org\n")
    made = trustee_main(
        [
            "credentials",
            str(added),
            "--ca-key",
            str(tmp_path / "ca.json"),
            "--uuid",
            draft.sealed_uuid,
            "--batch",
            "2",
            "-o",
            str(tmp_path / "added"),
        ]
    )
    assert made == 0
    wrong = ca.post(
        f"/ballots/{pk}/credentials/",
        {"batch_file": upload("b.json", prefix.with_suffix(".batch.json"))},
    )
    assert wrong.status_code == 400 and "batch 2" in wrong.content.decode()
    r = ca.post(
        f"/ballots/{pk}/credentials/",
        {"batch_file": upload("b.json", tmp_path / "added.batch.json")},
    )
    assert r.status_code == 302
    assert (
        "Each has been given a credential" in ca.get(f"/ballots/{pk}/credentials/").content.decode()
    )
    with (tmp_path / "added.secret.csv").open() as fh:
        late_credential = next(csv.DictReader(fh))["credential"]
    voted = client_for(late).post(
        f"/ballots/{pk}/vote/", {f"q{qid}": "0", "credential": late_credential, "cast": "yes"}
    )
    assert voted.status_code == 200, voted.content.decode()[:2000]
    # Nothing stored holds the answers or a credential.
    for entry in SealedBoardEntry.objects.filter(ballot=ballot):
        text = json.dumps(entry.content)
        assert all(c.replace("-", "") not in text.replace("-", "") for c in secret.values())
        assert set(entry.content) == {"election", "credential", "answers", "signature"}

    # A DBA with a full dump of every table (the audit log included) finds no credential.
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    flat = dump.getvalue().upper().replace("-", "")
    assert all(c.replace("-", "").upper() not in flat for c in secret.values())

    # The board: members of the unit see it while the ballot is open, with a tracker look-up.
    board = client_for(fresh(world.member)).get(f"/ballots/{pk}/board/", {"tracker": tracker})
    text = board.content.decode()
    assert board.status_code == 200 and "replaced" in text and "server" in text
    miss = client_for(fresh(world.member)).get(f"/ballots/{pk}/board/", {"tracker": "nope"})
    assert "No ballot with the tracker" in miss.content.decode()
    assert client_for(None).get(f"/ballots/{pk}/board/").status_code == 302

    # Close; the trustees decrypt offline and upload their shares; k = 2 of them count it.
    with time_machine.travel(ballot.closes_at + timedelta(minutes=1)):
        assert services.close_due_ballots() == 1
    record = tmp_path / "record.json"
    record.write_bytes(clients[1].get(f"/ballots/{pk}/record.json").content)
    for j in (2, 3):
        share = tmp_path / f"share-{j}.json"
        args = [
            "decrypt",
            str(record),
            "--key",
            str(tmp_path / f"key-{j}.json"),
            "-o",
            str(share),
            "--jobs",
            "1",
        ]
        assert trustee_main(args) == 0
        r = clients[j - 1].post(f"/ballots/{pk}/trustee/", {"answer": upload("s.json", share)})
        assert r.status_code == 302
        if j == 2:
            again = clients[j - 1].post(
                f"/ballots/{pk}/trustee/", {"answer": upload("s.json", share)}
            )
            assert again.status_code == 400 and "already" in again.content.decode()
    ballot = fresh_ballot(pk)
    assert ballot.state == Ballot.State.CLOSED
    result = client_for(voters[0]).get(f"/ballots/{pk}/result/")
    assert result.status_code == 200
    assert ballot.result["questions"][0]["votes"] == {
        "Yes": 2,
        "No": 0,
    }  # voters[0] and the late voter
    assert ballot.result["questions"][0]["blank"] == 1
    roll_page = clients[0].get(f"/ballots/{pk}/roll/").content.decode()
    assert "records no mark of who voted" in roll_page and ">Voted<" not in roll_page
    report = clients[0].get(f"/ballots/{pk}/report/")
    assert report.status_code == 200 and "Cleaners: sealed strike ballot" in report.content.decode()
    assert "Sealed ballot" in client_for(voters[0]).get(f"/ballots/{pk}/").content.decode()

    # Anyone checks the record with `iskra ballot verify`; a changed ballot fails it.
    export = tmp_path / "export.json"
    export.write_bytes(client_for(voters[1]).get(f"/ballots/{pk}/export.json").content)
    capsys.readouterr()
    assert verify_main([str(export)]) == 0
    assert "same result as published" in capsys.readouterr().out
    data = json.loads(export.read_text())
    data["board"][0]["ballot"]["answers"][0]["choice"][1] = data["board"][1]["ballot"]["answers"][
        0
    ]["choice"][1]
    export.write_text(json.dumps(data))
    assert verify_main([str(export)]) == 1
    assert "board entry 1" in capsys.readouterr().err


def fresh_ballot(pk: int) -> Ballot:
    return Ballot.objects.get(pk=pk)
