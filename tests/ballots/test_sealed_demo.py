"""The demo's sealed ballot: open, its trustees demo logins, their key files and the voters'
credentials written (private) to the demo's folder, and they work."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path
from typing import Any

from iskra import sealed
from iskra.ballots.models import Ballot
from iskra.ballots.services import sealed_voting as sv
from iskra.demo.seed import DEMO_LOGINS, seed_demo
from iskra.demo.seed.sealed import SEALED_TITLE


def test_the_demo_seeds_an_open_sealed_ballot(db: Any, tmp_path: Path) -> None:
    folder = tmp_path / "demo-sealed"
    seed_demo(secrets_dir=folder)
    ballot = Ballot.objects.get(title=SEALED_TITLE)
    assert ballot.sealed and ballot.state == Ballot.State.OPEN
    logins = {email for email, _ in DEMO_LOGINS}
    trustees = list(ballot.trustees.select_related("user"))
    assert len(trustees) == 3 and {t.user.email for t in trustees} <= logins
    assert ballot.sealed_board.count() == 4
    for name in ("trustee-1-key.json", "credentials.secret.csv", "ca-key.json"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    with (folder / "credentials.secret.csv").open() as fh:
        credentials = {r["voter"]: r["credential"] for r in csv.DictReader(fh)}
    paper = {str(ballot.questions.get().pk): 0}
    data = sv.encrypt_on_server(ballot, paper, credentials["member@example.org"])
    assert sv.cast_sealed(ballot=ballot, data=data, origin="server").seq == 5
    transcript = ballot.sealed_transcript
    key = json.loads((folder / "trustee-2-key.json").read_text())
    share = sealed.key_share(transcript["context"], key, transcript)
    e = sealed.Election(ballot.sealed_election)
    assert sealed.decryption_share(e, 2, share, [])["trustee"] == 2
