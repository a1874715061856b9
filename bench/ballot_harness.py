"""Shared pieces of the ballot load benchmark (bench/ballot_load.py) and the durability test
(tests/ballots/test_durability.py): a fresh PostgreSQL database, an open ballot whose roll has
credentials we know, the production app server (gunicorn) in a process group of its own, and a
small asyncio HTTP/1.1 voter that only ever talks to 127.0.0.1.

Run as a script inside the prepared environment (DATABASE_URL etc.), it does the Django side:

    python bench/ballot_harness.py prepare --voters 20000 --out ballot.json
    python bench/ballot_harness.py close --ballot 7
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
TRACKER_RE = re.compile(rb"<code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code>")
CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- Databases and processes ------------------------------------------------------------------


def _check_local(url: str) -> None:
    host = urlparse(url).hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"refusing to touch a non-local database: {host}")


def recreate_database(url: str) -> None:
    import psycopg

    _check_local(url)
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    _check_local(url)
    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


# The production settings' key in every bench: a bench that makes a session in its own process
# (bench/press_bench.py) needs it valid on the served pass.
BENCH_SECRET_KEY = "bench-only-" + "k" * 60


def production_env(url: str, data_dir: str, **extra: str) -> dict[str, str]:
    """The production settings (ISKRA_ENV=production) on plain-HTTP loopback."""
    env = {
        **os.environ,
        "ISKRA_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "dummy://",
        "SECURE_SSL_REDIRECT": "0",
        "ISKRA_DATA_DIR": data_dir,
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": os.pathsep.join(
            p for p in [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")] if p
        ),
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run(env: dict[str, str], *args: str, timeout: float = 900) -> str:
    """``python -m iskra.cli ARGS`` or ``python bench/ballot_harness.py ARGS`` in ``env``."""
    command = [sys.executable, *args]
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def migrate(env: dict[str, str]) -> None:
    run(env, "-m", "iskra.cli", "migrate", "--noinput", "-v0")


def collectstatic_once(env: dict[str, str]) -> None:
    manifest = Path(env["ISKRA_DATA_DIR"]) / "static" / "staticfiles.json"
    if not manifest.exists():
        run(env, "-m", "iskra.cli", "collectstatic", "--noinput", "-v0")


def prepare(env: dict[str, str], voters: int, out: Path) -> dict[str, Any]:
    run(env, str(Path(__file__).resolve()), "prepare", "--voters", str(voters), "--out", str(out))
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def close(env: dict[str, str], ballot_id: int) -> dict[str, Any]:
    out = run(env, str(Path(__file__).resolve()), "close", "--ballot", str(ballot_id))
    data: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return data


def prepare_sealed(env: dict[str, str], voters: int, out: Path) -> dict[str, Any]:
    here = str(Path(__file__).resolve())
    run(env, here, "prepare-sealed", "--voters", str(voters), "--out", str(out), timeout=1800)
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def close_sealed(env: dict[str, str], ballot_id: int) -> dict[str, Any]:
    out = run(env, str(Path(__file__).resolve()), "close-sealed", "--ballot", str(ballot_id))
    data: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return data


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def start_server(
    env: dict[str, str],
    port: int,
    *,
    workers: int,
    threads: int = 1,
    worker_class: str = "sync",
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """gunicorn iskra.wsgi in a new session, so that the whole group can be killed at once."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "iskra.wsgi",
        "--bind",
        f"{LOOPBACK}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--keep-alive",
        "30",
        # Several servers may run on this machine: no shared control socket.
        "--no-control-socket",
    ]
    sink = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=sink, stderr=sink, start_new_session=True
    )


def wait_ready(port: int, timeout: float = 60) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(LOOPBACK, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server on port {port} did not answer /healthz in {timeout} s")


def kill_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    """Signal the server's whole process group (master and workers) and reap the master."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        kill_group(proc, signal.SIGTERM)


def cpu_seconds(server_pgid: int, database: str) -> dict[str, float]:
    """CPU time used so far (user + system, seconds) by the server's process group and by the
    PostgreSQL backends connected to ``database`` — read from /proc, so the work of other
    programs on a shared machine is not counted."""
    tick = os.sysconf("SC_CLK_TCK")
    app = db = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pgrp, utime, stime = int(fields[2]), int(fields[11]), int(fields[12])
        if pgrp == server_pgid:
            app += (utime + stime) / tick
        elif cmdline.startswith(b"postgres: ") and f" {database} ".encode() in cmdline:
            db += (utime + stime) / tick
    return {"app": app, "db": db}


# --- A minimal asyncio HTTP/1.1 client (loopback only) ----------------------------------------


class Connection:
    """One keep-alive connection; reconnects when the server closes it (sync workers do)."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        self.port = port
        self.timeout = timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(LOOPBACK, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, list[str]], bytes]:
        return await asyncio.wait_for(self._request(method, path, body, headers), self.timeout)

    async def _request(
        self, method: str, path: str, body: bytes, headers: dict[str, str] | None
    ) -> tuple[int, dict[str, list[str]], bytes]:
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            assert self.reader is not None and self.writer is not None
            lines = [f"{method} {path} HTTP/1.1", f"Host: {LOOPBACK}:{self.port}"]
            for k, v in (headers or {}).items():
                lines.append(f"{k}: {v}")
            if body or method == "POST":
                lines.append(f"Content-Length: {len(body)}")
            head = ("\r\n".join(lines) + "\r\n\r\n").encode()
            sent = False
            try:
                self.writer.write(head + body)
                await self.writer.drain()
                sent = True
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionResetError("closed before a response")
            except (ConnectionError, OSError):
                self.close()
                # A request that may have reached the server is never repeated (a POST could
                # then be cast twice); only a dead idle connection is retried, for a GET.
                if attempt == 2 or (method != "GET" and sent):
                    raise
                continue
            status = int(status_line.split()[1])
            response_headers: dict[str, list[str]] = {}
            while True:
                line = await self.reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                response_headers.setdefault(name.strip().lower(), []).append(value.strip())
            length = int(response_headers.get("content-length", ["0"])[0])
            data = await self.reader.readexactly(length) if length else b""
            if "close" in ",".join(response_headers.get("connection", [])).lower():
                self.close()
            return status, response_headers, data
        raise AssertionError("unreachable")


@dataclass
class CastOutcome:
    status: int  # HTTP status of the POST, or 0 if it failed without an answer
    tracker: str | None
    post_ms: float
    page_ms: float = 0.0
    error: str = ""
    token: str = ""


@dataclass
class Csrf:
    cookie: str = ""
    token: str = ""


def csrf_from(headers: dict[str, list[str]], body: bytes) -> Csrf:
    cookie = ""
    for value in headers.get("set-cookie", []):
        if value.startswith("csrftoken="):
            cookie = value.split(";", 1)[0].split("=", 1)[1]
    match = CSRF_RE.search(body)
    return Csrf(cookie=cookie, token=match.group(1).decode() if match else "")


async def cast(
    conn: Connection,
    ballot_id: int,
    token: str,
    question_id: int,
    option: int,
    csrf: Csrf | None = None,
) -> CastOutcome:
    """A voter's path: open the emailed link (GET, which sets the CSRF cookie), tick, submit.
    With ``csrf`` given the GET is skipped and that cookie/token pair is reused."""
    path = f"/ballots/{ballot_id}/v/{token}/"
    page_ms = 0.0
    try:
        if csrf is None:
            started = time.perf_counter()
            status, headers, body = await conn.request("GET", path)
            page_ms = (time.perf_counter() - started) * 1000
            if status != 200:
                return CastOutcome(status, None, 0.0, page_ms, "page")
            csrf = csrf_from(headers, body)
            if not csrf.token:
                # No form: the page says this credential has voted already.
                return CastOutcome(409, None, 0.0, page_ms, "already voted (page)")
        # "Cast my vote" on the review step (cast=yes) casts at once, as a voter does.
        form = urlencode(
            {"csrfmiddlewaretoken": csrf.token, f"q{question_id}": option, "cast": "yes"}
        ).encode()
        started = time.perf_counter()
        status, _, body = await conn.request(
            "POST",
            path,
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf.cookie}",
            },
        )
        post_ms = (time.perf_counter() - started) * 1000
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
        conn.close()
        return CastOutcome(0, None, 0.0, page_ms, type(exc).__name__)
    match = TRACKER_RE.search(body) if status == 200 else None
    return CastOutcome(status, match.group(1).decode() if match else None, post_ms, page_ms)


async def cast_api(
    conn: Connection, ballot_id: int, token: str, question_id: int, option: int
) -> CastOutcome:
    """The JSON API's credential vote (POST /api/v1/ballots/<id>/vote-with-credential)."""
    body = json.dumps({"credential": token, "answers": {str(question_id): option}}).encode()
    started = time.perf_counter()
    try:
        status, _, data = await conn.request(
            "POST",
            f"/api/v1/ballots/{ballot_id}/vote-with-credential",
            body=body,
            headers={"Content-Type": "application/json"},
        )
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
        conn.close()
        return CastOutcome(0, None, 0.0, 0.0, type(exc).__name__)
    post_ms = (time.perf_counter() - started) * 1000
    tracker = json.loads(data).get("tracker") if status == 201 else None
    return CastOutcome(200 if tracker else status, tracker, post_ms)


async def cast_sealed_api(
    conn: Connection, ballot_id: int, ballot: dict[str, Any], bearer: str
) -> CastOutcome:
    """A sealed ballot, encrypted and signed beforehand, cast through
    POST /api/v1/ballots/<id>/sealed/ballots (signature and every proof checked, then stored)."""
    body = json.dumps({"ballot": ballot}).encode()
    started = time.perf_counter()
    try:
        status, _, data = await conn.request(
            "POST",
            f"/api/v1/ballots/{ballot_id}/sealed/ballots",
            body=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"},
        )
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
        conn.close()
        return CastOutcome(0, None, 0.0, 0.0, type(exc).__name__)
    post_ms = (time.perf_counter() - started) * 1000
    tracker = json.loads(data).get("tracker") if status == 201 else None
    return CastOutcome(200 if tracker else status, tracker, post_ms)


async def cast_sealed_many(
    port: int,
    ballot_id: int,
    ballots: list[tuple[str, dict[str, Any]]],
    bearer: str,
    *,
    clients: int,
    deadline: float | None = None,
) -> Run:
    """``clients`` concurrent voters casting the pre-encrypted ``ballots`` (key, ballot): the
    key (the credential's public key) stands for the voter in the outcomes."""
    queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
    for item in ballots:
        queue.put_nowait(item)
    run_ = Run()

    async def client() -> None:
        conn = Connection(port)
        try:
            while not queue.empty():
                if deadline is not None and time.monotonic() > deadline:
                    return
                key, ballot = queue.get_nowait()
                outcome = await cast_sealed_api(conn, ballot_id, ballot, bearer)
                outcome.token = key
                run_.outcomes.append(outcome)
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    run_.seconds = time.perf_counter() - started
    return run_


async def get_csrf(port: int, path: str = "/accounts/login/") -> Csrf:
    """A CSRF cookie and form token from any page with a form (the sign-in page by default)."""
    conn = Connection(port)
    try:
        status, headers, body = await conn.request("GET", path)
        assert status == 200, status
        csrf = csrf_from(headers, body)
        assert csrf.cookie and csrf.token, "no CSRF cookie/token on " + path
        return csrf
    finally:
        conn.close()


@dataclass
class Run:
    outcomes: list[CastOutcome] = field(default_factory=list)
    seconds: float = 0.0


async def cast_many(
    port: int,
    ballot_id: int,
    question_id: int,
    tokens: list[str],
    *,
    clients: int,
    reuse_csrf: bool = False,
    deadline: float | None = None,
    stop: asyncio.Event | None = None,
    into: Run | None = None,
    api: bool = False,
) -> Run:
    """``clients`` concurrent voters working through ``tokens`` (each token cast once), until
    the tokens run out, the ``deadline`` (monotonic) passes or ``stop`` is set."""
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for i, t in enumerate(tokens):
        queue.put_nowait((i, t))
    run_ = into if into is not None else Run()
    shared = await get_csrf(port) if reuse_csrf else None

    async def client() -> None:
        conn = Connection(port)
        try:
            while not queue.empty():
                if deadline is not None and time.monotonic() > deadline:
                    return
                if stop is not None and stop.is_set():
                    return
                i, t = queue.get_nowait()
                if api:
                    outcome = await cast_api(conn, ballot_id, t, question_id, i % 2)
                else:
                    outcome = await cast(conn, ballot_id, t, question_id, i % 2, shared)
                outcome.token = t
                run_.outcomes.append(outcome)
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    run_.seconds = time.perf_counter() - started
    return run_


async def get_many(
    port: int, path: str, *, clients: int, requests: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    remaining = [requests]

    async def client() -> None:
        conn = Connection(port)
        try:
            while remaining[0] > 0:
                remaining[0] -= 1
                started = time.perf_counter()
                status, _, _ = await conn.request("GET", path)
                latencies.append((time.perf_counter() - started) * 1000)
                assert status == 200, status
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- The Django side (run as a script in the prepared environment) -----------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
    import django

    django.setup()


def _draft_ballot(voters: int, *, sealed: bool = False) -> Any:
    """A branch of ``voters`` members in good standing (written in bulk) and a draft yes/no
    ballot of it with a scrutineer, ready to open. Returns (admin, ballot)."""
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from iskra.accounts.models import User
    from iskra.ballots import services
    from iskra.ballots.models import Preset
    from iskra.members.models import Membership, Status
    from iskra.organisation import services as org
    from iskra.organisation.models import Organisation, UnitKind

    run_id = secrets.token_hex(4)
    admin = User.objects.create_superuser(
        email=f"admin-{run_id}@bench.invalid", password=secrets.token_urlsafe(), full_name="Admin"
    )
    if not Organisation.objects.exists():
        Organisation.objects.create(name="Bench", statement_of_aims="Unity.", probation_days=90)
    kind, _ = UnitKind.objects.get_or_create(
        name="Branch", defaults={"level": 0, "holds_members": True}
    )
    unit = org.create_unit(actor=admin, name=f"Branch {run_id}", kind=kind, parent=None)
    scrutineer = User.objects.create_user(
        email=f"scrutineer-{run_id}@bench.invalid", password=None, full_name="Scrutineer"
    )
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(email=f"v{n}-{run_id}@bench.invalid", full_name=f"Voter {n}", password="!")  # noqa: S106
            for n in range(voters)
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                unit=unit,
                status=Status.MEMBER,
                status_changed_at=now - timedelta(days=400),
                admitted_on=(now - timedelta(days=400)).date(),
            )
            for u in users
        ],
        batch_size=5000,
    )
    ballot = services.create_ballot(
        actor=admin,
        unit=unit,
        title="Load test ballot",
        preset=Preset.SIMPLE_MAJORITY,
        opens_at=now,
        closes_at=now + timedelta(days=2),
        question="Do you agree?",
        sealed=sealed,
    )
    services.appoint_scrutineer(actor=admin, ballot=ballot, scrutineer=scrutineer)
    return admin, ballot


def _prepare(voters: int, out: Path) -> None:
    """An open ballot of ``voters`` whose roll credentials are known: their hashes replace the
    ones issued at opening, and the queued credential emails are dropped unsent."""
    import secrets

    _django()
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from iskra.ballots import services
    from iskra.ballots.models import RollEntry

    admin, ballot = _draft_ballot(voters)
    started = time.perf_counter()
    with transaction.atomic():
        services.open_ballot(actor=admin, ballot=ballot)
    open_s = time.perf_counter() - started
    DBTaskResult.objects.filter(task_path__endswith="send_credentials").delete()
    entries = list(RollEntry.objects.filter(ballot=ballot).only("pk"))
    tokens = []
    for entry in entries:
        token = secrets.token_urlsafe(24)
        tokens.append(token)
        entry.credential_hash = services.hash_credential(token)
    RollEntry.objects.bulk_update(entries, ["credential_hash"], batch_size=5000)
    question = ballot.questions.get()
    out.write_text(
        json.dumps(
            {
                "ballot_id": ballot.pk,
                "question_id": question.pk,
                "tokens": tokens,
                "open_s": round(open_s, 2),
            }
        )
    )


def _prepare_sealed(voters: int, out: Path) -> None:
    """An open sealed yes/no ballot of ``voters``: three trustees' key generation (as
    ``iskra trustee keygen`` does it), the credential authority's batch, the opening, and one
    ballot per voter encrypted, proved and signed with iskra.sealed (what sealed.js does in the
    browser) — all before anything is timed. Also a personal access token for the API."""
    _django()
    from iskra import sealed
    from iskra.accounts.models import User
    from iskra.accounts.services import issue_token
    from iskra.ballots import services
    from iskra.ballots.models import Ballot
    from iskra.ballots.services import sealed_setup as ss
    from iskra.sealed import setup as st

    admin, ballot = _draft_ballot(voters, sealed=True)
    ballot = Ballot.objects.get(pk=ballot.pk)
    trustees = [ballot.scrutineer] + [
        User.objects.create_user(
            email=f"trustee{n}-{ballot.pk}@bench.invalid", password=None, full_name=f"T{n}"
        )
        for n in (2, 3)
    ]
    ss.configure_sealed(actor=admin, ballot=ballot, sealed_on=True, trustees=trustees)
    keys: dict[int, dict[str, Any]] = {}
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
    ca_key = sealed.new_ca_key(ballot.sealed_uuid)
    secrets_, batch = sealed.generate_credentials(ca_key, voters)
    ss.upload_credentials(
        actor=trustees[0], ballot=ballot, batch=batch, authority=sealed.ca_public(ca_key, "CA")
    )
    started = time.perf_counter()
    services.open_ballot(actor=admin, ballot=Ballot.objects.get(pk=ballot.pk))
    open_s = time.perf_counter() - started
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(task_path__endswith="send_credentials").delete()
    election = Ballot.objects.get(pk=ballot.pk).sealed_election
    started = time.perf_counter()
    ballots = [sealed.encrypt_ballot(election, [i % 2], s) for i, s in enumerate(secrets_)]
    encrypt_s = time.perf_counter() - started
    # The API's caller: a voter of the branch (any member who sees the ballot may cast; the
    # credential's signature, not the caller, decides whose ballot it is).
    caller = services.constituency(ballot).order_by("pk").first()
    _, bearer = issue_token(user=caller, name="sealed load bench")
    out.write_text(
        json.dumps(
            {
                "ballot_id": ballot.pk,
                "ballots": [[b["credential"], b] for b in ballots],
                "bearer": bearer,
                "open_s": round(open_s, 2),
                "encrypt_s": round(encrypt_s, 2),
            }
        )
    )


def _close_sealed(ballot_id: int) -> None:
    """What the board holds after the run: entries, those replaced, and their trackers."""
    _django()
    from iskra.ballots.models import SealedBoardEntry

    entries = SealedBoardEntry.objects.filter(ballot_id=ballot_id)
    credentials = list(entries.values_list("credential", flat=True))
    print(
        json.dumps(
            {
                "board": entries.count(),
                "replaced": entries.filter(replaced=True).count(),
                "credentials_twice": len(credentials) - len(set(credentials)),
                "board_trackers": sorted(entries.values_list("tracker", flat=True)),
            }
        )
    )


def _emails(voters: int) -> None:
    """Open a ballot of ``voters`` (freezing the roll and queueing the credential emails as
    task rows), then run the queued tasks with the real database worker in this process, as
    ``iskra worker`` would. EMAIL_URL decides where the messages go (dummy:// renders and
    builds every message, then drops it)."""
    _django()
    from django.db import transaction
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    from iskra.ballots import services
    from iskra.ballots.models import DeliveryFailure

    DBTaskResult.objects.all().delete()
    admin, ballot = _draft_ballot(voters)
    started = time.perf_counter()
    with transaction.atomic():
        services.open_ballot(actor=admin, ballot=ballot)
    queued_s = time.perf_counter() - started
    tasks = DBTaskResult.objects.filter(task_path__endswith="send_credentials").count()
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench",
        excluded_queue_names=[],
    ).run()
    total_s = time.perf_counter() - started
    results = DBTaskResult.objects.filter(task_path__endswith="send_credentials")
    print(
        json.dumps(
            {
                "voters": voters,
                "tasks": tasks,
                "open_and_queue_s": round(queued_s, 2),
                "render_and_send_s": round(total_s - queued_s, 2),
                "total_s": round(total_s, 2),
                # The tasks keep no count (it would be the turnout so far): every voter of a
                # task that succeeded was sent an email, or has a delivery failure.
                "sent": voters - DeliveryFailure.objects.filter(ballot=ballot).count()
                if not results.exclude(status="SUCCESSFUL").exists()
                else None,
                "failed_tasks": results.exclude(status="SUCCESSFUL").count(),
                "delivery_failures": DeliveryFailure.objects.filter(ballot=ballot).count(),
            }
        )
    )


def _close(ballot_id: int) -> None:
    from datetime import timedelta

    _django()
    from django.utils import timezone

    from iskra.ballots import services
    from iskra.ballots.models import Ballot, BoardEntry, CastBallot, VoteMark

    Ballot.objects.filter(pk=ballot_id).update(closes_at=timezone.now() - timedelta(seconds=1))
    closed = services.close_ballot(ballot_id=ballot_id)
    ballot = Ballot.objects.get(pk=ballot_id)
    print(
        json.dumps(
            {
                "closed": closed,
                "marks": VoteMark.objects.filter(roll_entry__ballot_id=ballot_id).count(),
                "ballots": CastBallot.objects.filter(ballot_id=ballot_id).count(),
                "board": BoardEntry.objects.filter(ballot_id=ballot_id).count(),
                "counted": ballot.result.get("cast"),
                "refused_second_attempts": ballot.refused_second_attempts,
                "board_trackers": sorted(
                    BoardEntry.objects.filter(ballot_id=ballot_id).values_list("tracker", flat=True)
                ),
            }
        )
    )


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--voters", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("close")
    c.add_argument("--ballot", type=int, required=True)
    ps = sub.add_parser("prepare-sealed")
    ps.add_argument("--voters", type=int, required=True)
    ps.add_argument("--out", type=Path, required=True)
    cs = sub.add_parser("close-sealed")
    cs.add_argument("--ballot", type=int, required=True)
    e = sub.add_parser("emails")
    e.add_argument("--voters", type=int, required=True)
    args = parser.parse_args()
    if args.command == "prepare":
        _prepare(args.voters, args.out)
    elif args.command == "prepare-sealed":
        _prepare_sealed(args.voters, args.out)
    elif args.command == "close-sealed":
        _close_sealed(args.ballot)
    elif args.command == "emails":
        _emails(args.voters)
    else:
        _close(args.ballot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
