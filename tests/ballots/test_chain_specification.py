"""docs/ballots.md specifies the bulletin board's hash chain so that a returning officer or a
scrutineer can check it with their own tool. These tests hold the specification to the code:
its worked example, and its Python and shell recipes run against a real export."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from iskra.ballots import services, tally
from iskra.ballots.models import Ballot, RollEntry
from tests.ballots.test_guarantees import add_voters, open_ballot_with_credentials
from tests.conftest import World

DOC = Path(__file__).resolve().parents[2] / "docs" / "ballots.md"


def section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("### The bulletin board's hash chain")
    return text[start : text.index("\n## ", start)]


def block(language: str) -> str:
    match = re.search(rf"```{language}\n(.*?)```", section(), re.DOTALL)
    assert match is not None, language
    return match.group(1)


def test_the_worked_example_is_what_the_code_computes() -> None:
    example = block("text")
    entries = [
        ("KX7P-2MQA-9HRT", {"41": 0, "42": [2, 0]}),
        ("B3ND-W8LC-4FZE", {"41": "blank", "42": [1]}),
    ]
    assert tally.genesis("7") in example
    for (tracker, content), digest in zip(entries, tally.chain("7", entries), strict=True):
        assert tally.entry_json(tracker, content) in example
        assert digest in example


@pytest.fixture
def export_file(world: World, tmp_path: Path) -> tuple[Path, str]:
    add_voters(world.branch_a, 12, "chain")
    ballot, qid = open_ballot_with_credentials(world, title="Chain")
    Ballot.objects.filter(pk=ballot.pk).update(min_published_ballots=1)
    answers = [0, 1, "blank"]
    for n, entry in enumerate(RollEntry.objects.filter(ballot=ballot)):
        services.cast_ballot(
            ballot=ballot, answers={qid: answers[n % 3]}, credential=f"tok-{entry.pk}"
        )
    assert services.close_ballot(ballot_id=ballot.pk, now=timezone.now() + timedelta(days=8))
    ballot.refresh_from_db()
    path = tmp_path / "ballot.json"
    path.write_text(json.dumps(services.export(ballot)), encoding="utf-8")
    return path, ballot.board_hash


@pytest.mark.django_db
def test_the_python_recipe_checks_a_real_export(export_file: tuple[Path, str]) -> None:
    path, board_hash = export_file
    done = subprocess.run(
        [sys.executable, "-c", block("python"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["intact", board_hash]
    # A changed ballot breaks the chain, and the recipe says where.
    data = json.loads(path.read_text())
    first = data["board"][0]
    first["content"] = {k: "blank" if v != "blank" else 0 for k, v in first["content"].items()}
    path.write_text(json.dumps(data))
    broken = subprocess.run(
        [sys.executable, "-c", block("python"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert broken.returncode != 0 and "chain broken at entry 1" in broken.stderr


@pytest.mark.django_db
@pytest.mark.skipif(
    not (shutil.which("jq") and shutil.which("sha256sum") and shutil.which("bash")),
    reason="the shell recipe needs bash, jq and sha256sum",
)
def test_the_shell_recipe_checks_a_real_export(export_file: tuple[Path, str]) -> None:
    path, board_hash = export_file
    done = subprocess.run(
        ["bash", "-c", block("sh")],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [board_hash, board_hash]
