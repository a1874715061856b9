"""A strike ballot from definition to a verified recount, through the services."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from iskra.ballots import services
from iskra.ballots.models import Ballot, CastBallot, Preset, Question, RollEntry, VoteMark
from iskra.ballots.verify import VerifyError, verify_export
from iskra.core.errors import DomainError, PermissionDenied
from tests.conftest import World, fresh, make_member


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _credential_links() -> dict[str, str]:
    links = {}
    for message in mail.outbox:
        for line in message.body.splitlines():
            if "/v/" in line:
                links[message.to[0]] = line.strip().rstrip("/").rsplit("/", 1)[-1]
    return links


@pytest.fixture
def strike(world: World) -> Ballot:
    workers = [
        make_member(f"porter{n}@example.org", f"Porter {n}", world.branch_a) for n in range(3)
    ]
    for w in workers:
        w.workplace = "Riverside Hospital"
        w.save()
    now = timezone.now()
    ballot = services.create_ballot(
        actor=fresh(world.secretary),
        unit=world.branch_a,
        title="Hospital porters: strike ballot",
        preset=Preset.UK_INDUSTRIAL_ACTION,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Are you prepared to take part in strike action?",
        filter_workplace="Riverside Hospital",
        sealed=False,
    )
    return ballot


def test_strike_ballot_end_to_end(
    world: World, strike: Ballot, django_capture_on_commit_callbacks: object, tmp_path: object
) -> None:
    secretary = fresh(world.secretary)
    assert "No scrutineer has been appointed." in services.problems(strike)
    with pytest.raises(DomainError, match="cannot open yet"):
        services.open_ballot(actor=secretary, ballot=strike)
    with pytest.raises(DomainError, match="holds an office"):
        services.appoint_scrutineer(
            actor=secretary, ballot=strike, scrutineer=fresh(world.secretary)
        )
    services.appoint_scrutineer(
        actor=secretary, ballot=strike, scrutineer=fresh(world.other_secretary)
    )
    strike.refresh_from_db()
    assert services.problems(strike) == []
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.open_ballot(actor=secretary, ballot=strike)
    strike.refresh_from_db()
    assert strike.state == Ballot.State.OPEN
    assert strike.roll_size == 3
    links = _credential_links()
    assert len(links) == 3
    porter0, porter1, _porter2 = (f"porter{n}@example.org" for n in range(3))

    # Nothing is counted or shown before the close.
    assert strike.result == {}
    q = strike.questions.get()
    tracker = services.cast_ballot(ballot=strike, answers={str(q.pk): 0}, credential=links[porter0])
    services.cast_ballot(ballot=strike, answers={str(q.pk): 0}, credential=links[porter1])
    with pytest.raises(services.AlreadyVoted):
        services.cast_ballot(ballot=strike, answers={str(q.pk): 1}, credential=links[porter1])
    with pytest.raises(PermissionDenied):
        services.cast_ballot(ballot=strike, answers={str(q.pk): 1}, credential="forged")
    with pytest.raises(PermissionDenied, match="not on the roll"):
        services.cast_ballot(ballot=strike, answers={str(q.pk): 1}, user=fresh(world.member))
    assert CastBallot.objects.count() == VoteMark.objects.count() == 2
    strike.refresh_from_db()
    assert strike.refused_second_attempts == 1
    assert services.voted(strike, fresh(world.member)) is None

    # The worker refuses to close early; closes and counts at the time.
    assert services.close_ballot(ballot_id=strike.pk) is False
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert services.close_due_ballots() == 1
    strike.refresh_from_db()
    result = strike.result
    assert (result["entitled"], result["cast"]) == (3, 2)
    question = result["questions"][0]
    assert question["votes"] == {"Yes": 2, "No": 0}
    assert question["passed"] is True
    assert any("turnout" in c["name"] for c in question["thresholds"]["checks"])
    assert strike.board.count() == 2
    assert strike.board.filter(tracker=tracker).exists()

    # Small roll: only totals are published; with the minimum lowered the export recounts.
    assert services.board_is_public(strike) is False
    Ballot.objects.filter(pk=strike.pk).update(min_published_ballots=1)
    strike.refresh_from_db()
    data = services.export(strike)
    assert "passed" in verify_export(json.loads(json.dumps(data)))
    data["board"][0]["content"][str(q.pk)] = 1
    with pytest.raises(VerifyError, match="chain broken"):
        verify_export(data)

    services.sign_report(actor=fresh(world.other_secretary), ballot=strike)
    with pytest.raises(PermissionDenied):
        services.sign_report(actor=secretary, ballot=strike)


def test_cli_export_and_verify(
    world: World, strike: Ballot, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    services.appoint_scrutineer(
        actor=fresh(world.secretary), ballot=strike, scrutineer=fresh(world.other_secretary)
    )
    services.open_ballot(actor=fresh(world.secretary), ballot=strike)
    q = strike.questions.get()
    for entry in RollEntry.objects.filter(ballot=strike):
        services.cast_ballot(ballot=strike, answers={str(q.pk): 1}, user=entry.user)
    Ballot.objects.filter(pk=strike.pk).update(
        min_published_ballots=1, closes_at=timezone.now() - timedelta(seconds=1)
    )
    services.close_ballot(ballot_id=strike.pk)
    path = tmp_path / "export.json"  # type: ignore[operator]
    call_command("ballot", "export", str(strike.pk), "--output", str(path))
    call_command("ballot", "verify", str(path))
    out = capsys.readouterr().out
    assert "intact" in out and "No: 3" in out
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~_umask())

    # Into a missing folder, onto a folder: one line, and nothing half-written.
    for target, words in (
        (tmp_path / "missing" / "x.json", "cannot write: No such file or directory"),  # type: ignore[operator]
        (tmp_path, "cannot write: it is a folder"),
        # Unwritable even for root (the suite may run as root, for whom file modes are no bar).
        *(
            [(Path("/sys/iskra-export.json"), "cannot write: Permission denied")]
            if Path("/sys/kernel").is_dir()
            else []
        ),
    ):
        with pytest.raises(CommandError) as info:
            call_command("ballot", "export", str(strike.pk), "-o", str(target))
        assert str(info.value) == f"{target}: {words}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]  # type: ignore[attr-defined]


def test_stv_question_counts_with_a_sheet(world: World) -> None:
    now = timezone.now()
    ballot = services.create_ballot(
        actor=fresh(world.officer),
        unit=world.national,
        title="Committee election",
        preset=Preset.STV_COMMITTEE,
        opens_at=now,
        closes_at=now + timedelta(days=1),
        sealed=False,
    )
    q = services.add_question(
        actor=fresh(world.officer),
        ballot=ballot,
        kind=Question.Kind.STV,
        text="Elect two",
        options=["Ann", "Bo", "Cy"],
        seats=2,
    )
    services.appoint_scrutineer(
        actor=fresh(world.officer), ballot=ballot, scrutineer=world.outsider
    )
    services.open_ballot(actor=fresh(world.officer), ballot=ballot)
    rankings = [[0, 1], [0, 2], [1, 0], [2], [0]]
    for entry, ranking in zip(RollEntry.objects.filter(ballot=ballot), rankings, strict=False):
        services.cast_ballot(ballot=ballot, answers={str(q.pk): ranking}, user=entry.user)
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=now - timedelta(seconds=1))
    services.close_ballot(ballot_id=ballot.pk)
    ballot.refresh_from_db()
    sheet = ballot.result["questions"][0]
    assert sheet["elected"][0] == "Ann"
    assert sheet["sheet"]["stages"]
