"""The demo's sealed ballot: open, with three trustees who are demo logins (the scrutineer,
who is also the credential authority, and two more), a few encrypted votes on its board.

The trustees' key files and the voters' credentials are secrets that, in real use, never reach
the server; the demo writes them to files in its data folder so that its logins can play every
part (docs/sealed.md)."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from iskra import sealed
from iskra.accounts.models import User
from iskra.organisation.models import Unit

SEALED_TITLE = "Riverside Branch: sealed ballot on the Trust's pay offer"
TRUSTEE_LOGINS = [
    ("trustee2@example.org", "Tariq Trustee", "trustee 2 of the demo's sealed ballot"),
    ("trustee3@example.org", "Tess Trustee", "trustee 3 of the demo's sealed ballot"),
]


def _secret_file(folder: Path, name: str, text: str) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def seed_demo_sealed_ballot(*, secrets_dir: Path | None, person: object, member: object) -> None:
    """``person(email, name)`` and ``member(user, unit)`` are the demo's own makers."""
    from iskra.ballots import services as ballots
    from iskra.ballots.models import Ballot, Preset
    from iskra.ballots.services import sealed_setup as ss
    from iskra.ballots.services import sealed_voting as sv
    from iskra.sealed import setup as st

    riverside = Unit.objects.get(name="Riverside Branch")
    hillside = Unit.objects.get(name="Hillside Branch")
    secretary = User.objects.get(email="secretary@example.org")
    scrutineer = User.objects.get(email="scrutineer@example.org")
    extra = []
    for email, name, _ in TRUSTEE_LOGINS:
        user = person(email, name, workplace="Hillside School")  # type: ignore[operator]
        member(user, hillside, days_ago=900)  # type: ignore[operator]
        extra.append(user)
    now = timezone.now()
    ballot = ballots.create_ballot(
        actor=User.objects.get(pk=secretary.pk),
        unit=riverside,
        title=SEALED_TITLE,
        preset=Preset.SIMPLE_MAJORITY,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        description="A sealed ballot: your browser encrypts your vote, and only two of the "
        "three trustees together can open the result.",
        question="Do you accept the Trust's pay offer?",
        sealed=True,
        min_published_ballots=3,
    )
    ballots.appoint_scrutineer(actor=secretary, ballot=ballot, scrutineer=scrutineer)
    trustees = [scrutineer, *extra]
    ss.configure_sealed(actor=secretary, ballot=ballot, sealed_on=True, trustees=trustees)
    keys: dict[int, dict[str, object]] = {}
    for step in ss.STEPS:
        for j, user in enumerate(trustees, start=1):
            rf = ss.round_file(ballot, ss.trustee_for(user, ballot))
            if step == "certificate":
                keys[j] = st.new_trustee_key(rf["context"], j)
                message = st.certificate(rf["context"], keys[j])
            elif step == "polynomial":
                message = st.polynomial(rf["context"], keys[j], rf["certificates"])
            else:
                message = st.verification(
                    rf["context"], keys[j], rf["certificates"], rf["polynomials"]
                )
            ss.submit_keygen(actor=user, ballot=ballot, message=message)
    roll = list(ballots.constituency(ballot).order_by("email").values_list("email", flat=True))
    ca_key = sealed.new_ca_key(ballot.sealed_uuid)
    secrets, batch = sealed.generate_credentials(ca_key, len(roll))
    ss.upload_credentials(
        actor=scrutineer,
        ballot=ballot,
        batch=batch,
        authority=sealed.ca_public(ca_key, scrutineer.full_name),
    )
    ballots.open_ballot(actor=secretary, ballot=Ballot.objects.get(pk=ballot.pk))
    ballot = Ballot.objects.get(pk=ballot.pk)
    qid = str(ballot.questions.get().pk)
    credentials = dict(zip(roll, secrets, strict=True))
    early = [e for e in roll if e not in {"member@example.org", "secretary@example.org"}][:4]
    for i, email in enumerate(early):
        data = sv.encrypt_on_server(ballot, {qid: 1 if i == 2 else 0}, credentials[email])
        sv.cast_sealed(ballot=ballot, data=data, origin="server")
    if secrets_dir is None:
        return
    for j, key in keys.items():
        _secret_file(secrets_dir, f"trustee-{j}-key.json", json.dumps(key, indent=1) + "\n")
    _secret_file(secrets_dir, "ca-key.json", json.dumps(ca_key, indent=1) + "\n")
    rows = [["voter", "credential"], *([e, credentials[e]] for e in roll)]
    with_header = "".join(",".join(r) + "\n" for r in rows)
    _secret_file(secrets_dir, "credentials.secret.csv", with_header)
