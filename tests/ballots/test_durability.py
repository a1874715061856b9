"""Nothing is lost (DESIGN.md invariant 3, issue 5 section 5): the production app server is
killed with SIGKILL in the middle of a load of votes, restarted, and every ballot whose casting
was acknowledged (HTTP 200 with a tracker) is still there, is counted at the close, and the roll
marks equal the ballots.

The server is gunicorn with 2 workers on the production settings (ISKRA_ENV=production, plain
HTTP on 127.0.0.1) against a PostgreSQL database of the test's own, copied from a migrated
template database (one per checkout, rebuilt whenever its migrations differ from those on
disk). The one difference from production: static files are served from the apps (no
collectstatic, which takes minutes); the voting pages only use them for URLs.

Helpers are shared with the load benchmark: bench/ballot_harness.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# One template per checkout: worktrees with different migrations never share (or rebuild) one.
TEMPLATE_DB = "iskra_durability_template_" + hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]

pytestmark = pytest.mark.slow


def _harness() -> Any:
    spec = importlib.util.spec_from_file_location(
        "ballot_harness", ROOT / "bench" / "ballot_harness.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ballot_harness"] = module
    spec.loader.exec_module(module)
    return module


def _server_url(name: str) -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip(
            "The durability test runs the production server on PostgreSQL: "
            "set DATABASE_URL=postgres://… (SQLite is not the production database)."
        )
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    if host not in {"127.0.0.1", "localhost", "::1"}:
        pytest.skip("The durability test only uses a local PostgreSQL server.")
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _applied(url: str) -> set[tuple[str, str]]:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            rows = conn.execute("SELECT app, name FROM django_migrations").fetchall()
    except psycopg.Error:
        return set()
    return {(a, n) for a, n in rows}


def _fresh_database(h: Any, url: str, env: dict[str, str]) -> None:
    """A copy of a migrated template; the template is rebuilt when its migrations differ."""
    import psycopg
    from django.db.migrations.loader import MigrationLoader

    template_url = url.rsplit("/", 1)[0] + f"/{TEMPLATE_DB}"
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    if on_disk != _applied(template_url):
        h.recreate_database(template_url)
        h.migrate({**env, "DATABASE_URL": template_url})
    admin = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')


def _stored_trackers(url: str, ballot_id: int) -> tuple[set[str], int]:
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as conn:
        trackers = {
            t
            for (t,) in conn.execute(
                "SELECT tracker FROM ballots_castballot WHERE ballot_id = %s", [ballot_id]
            )
        }
        row = conn.execute(
            "SELECT count(*) FROM ballots_votemark m JOIN ballots_rollentry r "
            "ON r.id = m.roll_entry_id WHERE r.ballot_id = %s",
            [ballot_id],
        ).fetchone()
    assert row is not None
    return trackers, int(row[0])


def _run_in_own_loop(make: Any) -> Any:
    """Run a coroutine to completion in a thread with its own event loop: the browser tests'
    session-wide Playwright leaves an event loop running in the main thread."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = asyncio.run(make())
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def test_acknowledged_votes_survive_sigkill_of_the_server(tmp_path: Path) -> None:
    import psycopg

    started = time.monotonic()
    h = _harness()
    url = _server_url(f"iskra_durability_{os.getpid()}")
    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL is not reachable: {exc}")

    # Production settings, static files from the apps (see the module docstring).
    (tmp_path / "durability_settings.py").write_text(
        "from iskra.settings import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': "
        "{'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
        "WHITENOISE_USE_FINDERS = True\n"
    )
    env = h.production_env(url, str(tmp_path / "data"))
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env["PYTHONPATH"]])
    env["DJANGO_SETTINGS_MODULE"] = "durability_settings"

    _fresh_database(h, url, env)
    port = h.free_port()
    log = tmp_path / "gunicorn.log"
    server = h.start_server(env, port, workers=2, threads=4, worker_class="gthread", log=log)
    try:
        ballot = h.prepare(env, 400, tmp_path / "ballot.json")
        h.wait_ready(port)
        ballot_id, qid, tokens = ballot["ballot_id"], ballot["question_id"], ballot["tokens"]

        live = h.Run()

        async def load_then_kill() -> Any:
            stop = asyncio.Event()
            task = asyncio.create_task(
                h.cast_many(port, ballot_id, qid, tokens, clients=32, stop=stop, into=live)
            )
            # Kill when the load is in full flow: after 80 acknowledged casts.
            while sum(1 for o in live.outcomes if o.tracker) < 80 and not task.done():
                await asyncio.sleep(0.005)
            h.kill_group(server, signal.SIGKILL)
            stop.set()
            return await task

        first = _run_in_own_loop(load_then_kill)
        assert server.poll() is not None, "the server survived SIGKILL"

        acknowledged = {o.token: o.tracker for o in first.outcomes if o.tracker}
        in_flight = [o.token for o in first.outcomes if o.status == 0]
        assert len(acknowledged) >= 80
        assert {o.status for o in first.outcomes} <= {200, 0}
        assert in_flight, "the kill did not interrupt any request: not a mid-load kill"

        # Straight after the crash, before anything else runs: every acknowledged ballot is
        # stored, and marks equal ballots (no half-written vote survived).
        stored, marks = _stored_trackers(url, ballot_id)
        assert set(acknowledged.values()) <= stored, "an acknowledged ballot was lost"
        assert marks == len(stored)
        # Ballots committed whose answer never arrived: at most one per interrupted request.
        assert len(stored) - len(acknowledged) <= len(in_flight)

        # Restart and finish the vote: the interrupted voters try again, the rest vote.
        server = h.start_server(env, port, workers=2, threads=4, worker_class="gthread", log=log)
        h.wait_ready(port)
        attempted = {o.token for o in first.outcomes if o.status in (200, 409)}
        rest = [t for t in tokens if t not in attempted]
        second = _run_in_own_loop(lambda: h.cast_many(port, ballot_id, qid, rest, clients=16))
        assert len(second.outcomes) == len(rest)
        for o in second.outcomes:
            if o.status == 409:
                # Only a voter whose interrupted attempt had been committed is told so.
                assert o.token in in_flight, o
            else:
                assert o.status == 200 and o.tracker, o
                acknowledged[o.token] = o.tracker
        retried_and_found_voted = sum(1 for o in second.outcomes if o.status == 409)
        assert retried_and_found_voted == len(stored) - sum(
            1 for o in first.outcomes if o.tracker
        ), "a committed-but-unanswered vote was not recognised on retry (or the reverse)"
    finally:
        h.stop_server(server)

    closed = h.close(env, ballot_id)
    assert closed["closed"]
    board = set(closed["board_trackers"])
    assert set(acknowledged.values()) <= board, "an acknowledged ballot was not counted"
    assert closed["marks"] == closed["ballots"] == closed["board"] == closed["counted"]
    # Every voter on the roll voted exactly once: those whose interrupted attempt had been
    # committed were told "already voted" on retry, and are counted once.
    assert closed["counted"] == len(tokens)
    assert closed["counted"] - len(acknowledged) == retried_and_found_voted
    h.drop_database(url)
    assert time.monotonic() - started < 120
