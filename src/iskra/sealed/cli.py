"""``iskra trustee …``: the offline tools of trustees and of the credential authority.

Files in, files out; no Django, no network. Each command checks what it is given before it
uses a secret: a trustee decrypts only the tally and the mixed ballots that it has itself
recomputed and verified from the board, never a ciphertext the server merely asks about.

    iskra trustee keygen ROUND.json --key KEY.json [-o OUT.json]
    iskra trustee mix EXPORT.json --key KEY.json --question N [-o MIX.json]
    iskra trustee decrypt EXPORT.json --key KEY.json [-o SHARE.json] [--jobs N]
    iskra trustee credentials ROLL.txt --ca-key CA.json --uuid UUID [--batch 1]
                              [--name NAME] -o PREFIX

``ROUND.json`` is the file the server gives a trustee at each round of the key generation:
``{"format": "iskra-sealed-round/1", "step": "certificate" | "polynomial" | "verification",
"trustee": j, "context": …, "certificates": […], "polynomials": […]}``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from iskra import csvsafe

from . import setup as st
from .election import ca_public, generate_credentials, new_ca_key
from .errors import SealedError
from .export import verify_before_decryption, verify_export
from .tally import decryption_share, mix

ROUND_FORMAT = "iskra-sealed-round/1"


class CommandError(Exception):
    pass


def _read(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"{what} {path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{what} {path}: not a readable JSON file ({exc})") from None


def _write(path: str | None, value: Any, *, secret: bool = False) -> None:
    text = json.dumps(value, indent=1, sort_keys=True) + "\n"
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    if secret:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        target.write_text(text, encoding="utf-8")


def keygen(args: argparse.Namespace) -> str:
    round_ = _read(args.round, "round file")
    if not isinstance(round_, dict) or round_.get("format") != ROUND_FORMAT:
        raise CommandError(f"round file {args.round}: not a key generation round ({ROUND_FORMAT})")
    context = round_.get("context")
    if not isinstance(context, dict):
        raise CommandError("round file: no setup context")
    step = round_.get("step")
    key_path = Path(args.key)
    if step == "certificate":
        if key_path.exists():
            key = _read(args.key, "key file")
        else:
            trustee = round_.get("trustee")
            if not isinstance(trustee, int):
                raise CommandError("round file: no trustee number")
            key = st.new_trustee_key(context, trustee)
            _write(args.key, key, secret=True)
            print(
                f"Your secret key is in {key_path}: keep it safe and private until the ballot "
                "is counted; without it (or enough other trustees) the ballot cannot be opened.",
                file=sys.stderr,
            )
        message = st.certificate(context, key)
        print(f"Your signing key: {message['sign_key']}", file=sys.stderr)
    elif step == "polynomial":
        message = st.polynomial(context, _read(args.key, "key file"), round_.get("certificates"))
    elif step == "verification":
        message = st.verification(
            context,
            _read(args.key, "key file"),
            round_.get("certificates"),
            round_.get("polynomials"),
        )
    else:
        raise CommandError("round file: step must be certificate, polynomial or verification")
    _write(args.output, message)
    return f"{step} for trustee {message['trustee']} written"


def _trustee(export: Any, key: Any) -> tuple[dict[str, Any], Any, int]:
    context = export["setup"]["context"]
    secrets = st.TrusteeSecrets(context, key)
    return context, key, secrets.trustee


def mix_command(args: argparse.Namespace) -> str:
    export = _read(args.export, "export")
    key = _read(args.key, "key file")
    checked = verify_before_decryption(export, workers=args.jobs, mixes_complete=False)
    qi = args.question - 1
    if qi not in checked.mixed:
        raise CommandError(f"question {args.question} is not a ranked question")
    context, key, trustee = _trustee(export, key)
    chain = export["mixes"][qi] or []
    if any(m["trustee"] == trustee for m in chain):
        raise CommandError(f"trustee {trustee} has already mixed question {args.question}")
    message = mix(checked.election, (context, key), qi, len(chain), checked.mixed[qi])
    _write(args.output, message)
    return (
        f"mix {len(chain) + 1} of question {args.question} by trustee {trustee}: "
        f"{len(message['ciphertexts'])} ballots shuffled and proved"
    )


def decrypt(args: argparse.Namespace) -> str:
    export = _read(args.export, "export")
    key = _read(args.key, "key file")
    checked = verify_before_decryption(export, workers=args.jobs)
    context, key, trustee = _trustee(export, key)
    share = st.key_share(context, key, export["setup"])
    targets = checked.decryption_list()
    message = decryption_share(checked.election, trustee, share, targets)
    _write(args.output, message)
    return (
        "\n".join(checked.lines)
        + f"\nDecryption share of trustee {trustee}: {len(targets)} ciphertexts, with proofs"
    )


def credentials(args: argparse.Namespace) -> str:
    roll = [
        line.strip()
        for line in Path(args.roll).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if not roll:
        raise CommandError(f"roll {args.roll}: no voters listed")
    ca_path = Path(args.ca_key)
    if ca_path.exists():
        ca_key = _read(args.ca_key, "credential authority key")
        if ca_key.get("uuid") != args.uuid:
            raise CommandError("that credential authority key belongs to another ballot")
    else:
        ca_key = new_ca_key(args.uuid)
        _write(args.ca_key, ca_key, secret=True)
    secrets, batch = generate_credentials(ca_key, len(roll), args.batch)
    prefix = Path(args.output)
    fd = os.open(prefix.with_suffix(".secret.csv"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        writer = csvsafe.writer(fh)
        writer.writerow(["voter", "credential"])
        writer.writerows(zip(roll, secrets, strict=True))
    _write(str(prefix.with_suffix(".batch.json")), batch)
    _write(str(prefix.with_suffix(".authority.json")), ca_public(ca_key, args.name))
    return (
        f"{len(roll)} credentials: send each voter theirs from {prefix.with_suffix('.secret.csv')} "
        f"yourself (never through the server), give the server {prefix.with_suffix('.batch.json')} "
        f"and {prefix.with_suffix('.authority.json')}"
    )


def verify_file(path: str, *, workers: int | None = None) -> tuple[bool, list[str]]:
    """For ``iskra ballot verify`` on a sealed export: (passed, report lines)."""
    try:
        return True, verify_export(_read(path, "export"), workers=workers)
    except (SealedError, CommandError) as exc:
        return False, [f"FAILED: {exc}"]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="iskra trustee", description="Offline tools for sealed ballots"
    )
    sub = p.add_subparsers(dest="command", required=True)
    k = sub.add_parser("keygen", help="answer one round of the trustees' key generation")
    k.add_argument("round", help="the round file the server gives you")
    k.add_argument("--key", required=True, help="your secret key file (created at the first round)")
    k.add_argument("-o", "--output", help="where to write your answer (default: standard output)")
    k.set_defaults(run=keygen)
    m = sub.add_parser("mix", help="shuffle a ranked question's ballots, with a proof")
    m.add_argument("export", help="the ballot's record so far (JSON)")
    m.add_argument("--key", required=True)
    m.add_argument("--question", type=int, required=True, help="question number, from 1")
    m.add_argument("-o", "--output")
    m.add_argument("--jobs", type=int, default=None, help="processes for checking ballots")
    m.set_defaults(run=mix_command)
    d = sub.add_parser("decrypt", help="check the record and write your decryption share")
    d.add_argument("export", help="the ballot's record after the mixes (JSON)")
    d.add_argument("--key", required=True)
    d.add_argument("-o", "--output")
    d.add_argument("--jobs", type=int, default=None, help="processes for checking ballots")
    d.set_defaults(run=decrypt)
    c = sub.add_parser("credentials", help="(credential authority) make the voters' credentials")
    c.add_argument("roll", help="a text file: one voter per line (e.g. their email address)")
    c.add_argument("--ca-key", required=True, help="your key file (created if missing)")
    c.add_argument("--uuid", required=True, help="the ballot's identifier")
    c.add_argument("--batch", type=int, default=1)
    c.add_argument("--name", default="credential authority")
    c.add_argument("-o", "--output", required=True, help="prefix of the files written")
    c.set_defaults(run=credentials)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        message = args.run(args)
    except (SealedError, CommandError, OSError) as exc:
        print(f"iskra trustee {args.command}: {exc}", file=sys.stderr)
        return 1
    except (KeyError, TypeError, AttributeError) as exc:
        print(
            f"iskra trustee {args.command}: the file is not in the expected format ({exc!r})",
            file=sys.stderr,
        )
        return 1
    print(message, file=sys.stderr)
    return 0
