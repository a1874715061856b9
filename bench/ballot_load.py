"""Secret ballot load benchmark (issue 5, section 6): voters casting through the real HTTP
endpoint of the production app server, against PostgreSQL, on this machine.

    uv run python bench/ballot_load.py                      # every server configuration below
    uv run python bench/ballot_load.py --config gthread-2x8 # one configuration
    uv run python bench/ballot_load.py --emails 100000      # also: credential emails
    uv run python bench/ballot_load.py --only-emails --emails 100000
    uv run python bench/ballot_load.py --config sync-4 --voters 4712 \
        --phases cast_only,api_cast --sealed 2356       # plain and sealed, side by side

What it does, per gunicorn configuration (``--config``, default all of CONFIGS):

1. a fresh database (``$BALLOT_BENCH_DATABASE_URL`` or iskra_ballot_bench on 127.0.0.1;
   dropped and created once per run), migrated, static files collected (once, kept in
   bench/out/ballot-data);
2. an open yes/no ballot with ``--voters`` (20 000) on the roll, in a new branch; the credential
   hashes are replaced by ones for tokens we generate (no email is sent);
3. gunicorn ``iskra.wsgi`` with the production settings (ISKRA_ENV=production, DEBUG off,
   SECURE_SSL_REDIRECT=0 for plain HTTP on 127.0.0.1);
4. ``--clients`` (64) concurrent clients, asyncio on one thread, keep-alive where the server
   allows it, loopback only:
   - ``healthz``: GET /healthz (a view with one query) — the floor for any request;
   - ``voter path``: what a voter does — GET the emailed link /ballots/<id>/v/<token>/ (the
     page, which sets the CSRF cookie) then POST the form; a ballot per GET+POST pair;
   - ``cast only``: the POST alone (the CSRF cookie/token pair fetched once per run and reused);
   - ``double``: 256 voters whose POST is sent twice at once, then 256 repeats — every pair
     must give exactly one 200 and one 409, every repeat a 409;
   - ``sealed`` (with ``--sealed N``): a sealed yes/no ballot of N voters prepared with the
     plain one (three trustees' key generation, the credential authority's batch, the
     opening) and one ballot per voter encrypted, proved and signed with iskra.sealed before
     anything is timed; after the plain phases, on the same server, 100 warm-up casts, then
     N - 356 ballots through POST /api/v1/ballots/<id>/sealed/ballots (signature and every
     proof checked, then stored on the board), then 256 ballots sent twice at once (one 201,
     one 400 each) and 256 repeats (400). Checked after: every acknowledged tracker is on the
     board (0 lost), the board holds exactly the acknowledged ballots, none replaced and no
     credential twice (0 double);
5. the server is stopped and the ballot closed and counted through the service: roll marks,
   stored ballots, board entries and the count must all equal the acknowledged casts (HTTP 200
   with a tracker), and every acknowledged tracker must be on the board.

``--emails N`` opens a ballot of N voters (``open_ballot``: roll frozen, one send_credentials
task per 500 voters written to the task table), then runs the queued tasks with the database
worker in-process until the queue is empty; EMAIL_URL=dummy:// (every message rendered and built,
then dropped). Timed: open + queue, and render + send.

Latencies are per HTTP request as the client sees them (p50/p99 of all requests in the phase).
Throughput is acknowledged ballots (or requests) per wall-clock second of the phase. The client
shares the machine's two cores with the server and PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ballot_harness as h

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/iskra_ballot_bench"
OUT = Path(__file__).resolve().parent / "out"
# name: (workers, threads, worker class)
CONFIGS = {
    "sync-4": (4, 1, "sync"),
    "sync-5": (5, 1, "sync"),
    "sync-8": (8, 1, "sync"),
    "sync-12": (12, 1, "sync"),
    "gthread-2x8": (2, 8, "gthread"),
    "gthread-4x4": (4, 4, "gthread"),
}
GOALS = {"ballots_per_s": 500, "p99_ms": 250}


def machine() -> dict[str, str]:
    def sh(*command: str) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, check=False).stdout
        except OSError:
            return "?"

    cpu = [r for r in sh("lscpu").splitlines() if r.startswith("Model name")]
    mem = [r for r in sh("free", "-g").splitlines() if r.startswith("Mem")]
    return {
        "nproc": sh("nproc").strip(),
        "cpu": cpu[0].split(":", 1)[1].strip() if cpu else "?",
        "memory_gb": mem[0].split()[1] if mem else "?",
        "postgres": sh(
            "psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version"
        ).strip(),
        "python": platform.python_version(),
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def summary(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {}
    return {
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(h.percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
    }


class CpuMeter:
    """CPU used by the app server, its database backends and this client during a phase."""

    def __init__(self, server_pid: int, database: str) -> None:
        self.pid, self.database = server_pid, database

    def __enter__(self) -> CpuMeter:
        self.start = h.cpu_seconds(self.pid, self.database)
        self.client = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        end = h.cpu_seconds(self.pid, self.database)
        self.used = {
            "app_s": end["app"] - self.start["app"],
            "db_s": end["db"] - self.start["db"],
            "client_s": time.process_time() - self.client,
        }

    def per(self, n: int) -> dict[str, float]:
        """CPU milliseconds per unit of work, and what 2 otherwise idle cores could sustain if
        CPU were the only limit (a derived upper bound, not a measurement)."""
        ms = {k.replace("_s", "_cpu_ms"): round(v * 1000 / n, 2) for k, v in self.used.items()}
        total = sum(ms.values())
        ms["total_cpu_ms"] = round(total, 2)
        ms["cpu_bound_per_s_on_2_cores"] = round(2000 / total, 0) if total else 0.0
        return ms


def sealed_phases(
    port: int,
    pid: int,
    database: str,
    sealed_ballot: dict[str, Any],
    args: argparse.Namespace,
    result: dict[str, Any],
    name: str,
) -> dict[str, Any]:
    """The sealed path, right after the plain ones on the same server: warm-up, the timed
    phase, then double submissions (the same ballot twice at once, then again)."""
    ballot_id, bearer = sealed_ballot["ballot_id"], sealed_ballot["bearer"]
    pool = [(key, ballot) for key, ballot in sealed_ballot["ballots"]]
    take = lambda n: [pool.pop() for _ in range(min(n, len(pool)))]  # noqa: E731
    out: dict[str, Any] = {"sealed_acknowledged": {}, "sealed_statuses": {}}
    acknowledged, statuses = out["sealed_acknowledged"], out["sealed_statuses"]

    def absorb(run: h.Run) -> None:
        for o in run.outcomes:
            statuses[str(o.status)] = statuses.get(str(o.status), 0) + 1
            if o.tracker:
                assert o.token not in acknowledged, "a sealed ballot was acknowledged twice"
                acknowledged[o.token] = o.tracker

    cast = lambda items, **kw: asyncio.run(  # noqa: E731
        h.cast_sealed_many(port, ballot_id, items, bearer, clients=args.clients, **kw)
    )
    absorb(cast(take(100)))
    phase_voters = len(pool) - 256
    with CpuMeter(pid, database) as cpu:
        run = cast(take(phase_voters), deadline=time.monotonic() + args.phase_limit_s)
    absorb(run)
    ok = [o for o in run.outcomes if o.tracker]
    out["sealed_api_cast"] = {
        "voters": len(run.outcomes),
        "acknowledged": len(ok),
        "errors": sum(1 for o in run.outcomes if not o.tracker),
        "seconds": round(run.seconds, 2),
        "ballots_per_s": round(len(ok) / run.seconds, 1),
        "post": summary([o.post_ms for o in run.outcomes if o.status]),
        "cpu_per_ballot": cpu.per(max(1, len(ok))),
    }
    print(f"[{name}] sealed_api_cast {out['sealed_api_cast']}", flush=True)
    doubles = take(256)
    run = cast([d for d in doubles for _ in (0, 1)])
    absorb(run)
    per_key: dict[str, list[int]] = {}
    for o in run.outcomes:
        per_key.setdefault(o.token, []).append(o.status)
    out["sealed_double"] = {
        "voters": len(doubles),
        "pairs_one_201_one_400": sum(sorted(v) == [200, 400] for v in per_key.values()),
    }
    again = dict(sealed_ballot["ballots"])
    repeats = [(key, again[key]) for key in list(acknowledged)[:256]]
    run = cast(repeats)
    out["sealed_double"]["repeats"] = len(repeats)
    out["sealed_double"]["repeats_refused_400"] = sum(o.status == 400 for o in run.outcomes)
    print(f"[{name}] sealed_double {out['sealed_double']}", flush=True)
    base = [result[p]["ballots_per_s"] for p in ("api_cast", "cast_only") if p in result]
    if base:
        out["sealed_over_plain"] = round(out["sealed_api_cast"]["ballots_per_s"] / base[0], 2)
        print(f"[{name}] sealed/plain throughput {out['sealed_over_plain']}", flush=True)
    return out


def sealed_check(
    env: dict[str, str], sealed_ballot: dict[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    """0 lost: every acknowledged tracker is on the board; 0 double: the board holds exactly
    the acknowledged ballots, none replaced, no credential twice."""
    acknowledged = result.pop("sealed_acknowledged")
    board = h.close_sealed(env, sealed_ballot["ballot_id"])
    trackers = set(board.pop("board_trackers"))
    check = {
        **board,
        "acknowledged": len(acknowledged),
        "acknowledged_on_board": len(set(acknowledged.values()) & trackers),
        "statuses": result.pop("sealed_statuses"),
    }
    d = result["sealed_double"]
    check["lost"] = check["acknowledged"] - check["acknowledged_on_board"]
    check["double"] = check["board"] - check["acknowledged"] + check["credentials_twice"]
    check["ok"] = (
        check["lost"] == 0
        and check["double"] == 0
        and check["replaced"] == 0
        and d["pairs_one_201_one_400"] == d["voters"]
        and d["repeats_refused_400"] == d["repeats"]
    )
    print(f"sealed check {check}", flush=True)
    return check


def run_config(
    name: str, env: dict[str, str], args: argparse.Namespace, log: Path
) -> dict[str, Any]:
    workers, threads, worker_class = CONFIGS[name]
    print(f"[{name}] preparing a ballot of {args.voters} voters…", flush=True)
    ballot = h.prepare(env, args.voters, OUT / f"ballot-{name}.json")
    ballot_id, qid, tokens = ballot["ballot_id"], ballot["question_id"], ballot["tokens"]
    sealed_ballot: dict[str, Any] = {}
    if args.sealed:
        print(f"[{name}] preparing a sealed ballot of {args.sealed} voters…", flush=True)
        sealed_ballot = h.prepare_sealed(env, args.sealed, OUT / f"sealed-{name}.json")
        print(
            f"[{name}] sealed ballot open in {sealed_ballot['open_s']}s, "
            f"{args.sealed} ballots encrypted in {sealed_ballot['encrypt_s']}s",
            flush=True,
        )
    port = h.free_port()
    server = h.start_server(
        env, port, workers=workers, threads=threads, worker_class=worker_class, log=log
    )
    acknowledged: dict[str, str] = {}
    statuses: dict[str, int] = {}
    result: dict[str, Any] = {
        "config": name,
        "workers": workers,
        "threads": threads,
        "worker_class": worker_class,
        "command": f"gunicorn iskra.wsgi --workers {workers} --worker-class {worker_class} "
        f"--threads {threads}",
    }

    def absorb(run: h.Run) -> None:
        for o in run.outcomes:
            statuses[str(o.status)] = statuses.get(str(o.status), 0) + 1
            if o.tracker:
                assert o.token not in acknowledged, "a token was acknowledged twice"
                acknowledged[o.token] = o.tracker

    try:
        h.wait_ready(port)
        pool = list(tokens)
        take = lambda n: [pool.pop() for _ in range(min(n, len(pool)))]  # noqa: E731

        # Warm-up: every worker imports and connects; these casts count in the final check.
        asyncio.run(h.get_many(port, "/healthz", clients=args.clients, requests=500))
        absorb(asyncio.run(h.cast_many(port, ballot_id, qid, take(200), clients=args.clients)))

        database = env["DATABASE_URL"].rsplit("/", 1)[1]
        with CpuMeter(server.pid, database) as cpu:
            latencies, seconds = asyncio.run(
                h.get_many(port, "/healthz", clients=args.clients, requests=args.health_requests)
            )
        result["healthz"] = {
            "requests": len(latencies),
            "seconds": round(seconds, 2),
            "per_s": round(len(latencies) / seconds, 1),
            **summary(latencies),
            "cpu_per_request": cpu.per(len(latencies)),
        }
        print(f"[{name}] healthz {result['healthz']}", flush=True)

        reserve = 512
        phases = [
            (phase, reuse, api)
            for phase, reuse, api in (
                ("voter_path", False, False),
                ("cast_only", True, False),
                ("api_cast", False, True),
            )
            if phase in args.phases or (api and args.api)
        ]
        half = (len(pool) - reserve) // len(phases)
        for phase, reuse, api in phases:
            with CpuMeter(server.pid, database) as cpu:
                run = asyncio.run(
                    h.cast_many(
                        port,
                        ballot_id,
                        qid,
                        take(half),
                        clients=args.clients,
                        reuse_csrf=reuse,
                        deadline=time.monotonic() + args.phase_limit_s,
                        api=api,
                    )
                )
            absorb(run)
            ok = [o for o in run.outcomes if o.tracker]
            result[phase] = {
                "voters": len(run.outcomes),
                "acknowledged": len(ok),
                "errors": sum(1 for o in run.outcomes if not o.tracker),
                "seconds": round(run.seconds, 2),
                "ballots_per_s": round(len(ok) / run.seconds, 1),
                "post": summary([o.post_ms for o in run.outcomes if o.status]),
                "page": summary([o.page_ms for o in run.outcomes if o.page_ms])
                if not (reuse or api)
                else {},
                "cpu_per_ballot": cpu.per(max(1, len(ok))),
            }
            print(f"[{name}] {phase} {result[phase]}", flush=True)

        if sealed_ballot:
            result.update(
                sealed_phases(port, server.pid, database, sealed_ballot, args, result, name)
            )

        # Double submissions: each of 256 voters' POST sent twice at the same time.
        doubles = take(256)
        run = asyncio.run(
            h.cast_many(
                port,
                ballot_id,
                qid,
                [t for t in doubles for _ in (0, 1)],
                clients=args.clients,
                reuse_csrf=True,
            )
        )
        absorb(run)
        per_token: dict[str, list[int]] = {}
        for o in run.outcomes:
            per_token.setdefault(o.token, []).append(o.status)
        result["double"] = {
            "voters": len(doubles),
            "pairs_one_200_one_409": sum(sorted(v) == [200, 409] for v in per_token.values()),
        }
        repeats = list(acknowledged)[:256]
        run = asyncio.run(
            h.cast_many(port, ballot_id, qid, repeats, clients=args.clients, reuse_csrf=True)
        )
        result["double"]["repeats_refused_409"] = sum(o.status == 409 for o in run.outcomes)
        result["double"]["repeats"] = len(repeats)
        for o in run.outcomes:
            statuses[str(o.status)] = statuses.get(str(o.status), 0) + 1
        print(f"[{name}] double {result['double']}", flush=True)
    finally:
        h.stop_server(server)

    if sealed_ballot:
        result["sealed_check"] = sealed_check(env, sealed_ballot, result)
    closed = h.close(env, ballot_id)
    board = set(closed.pop("board_trackers"))
    result["check"] = {
        **closed,
        "acknowledged": len(acknowledged),
        "acknowledged_on_board": len(set(acknowledged.values()) & board),
        "statuses": statuses,
    }
    c = result["check"]
    result["check"]["ok"] = (
        c["marks"] == c["ballots"] == c["board"] == c["counted"] == c["acknowledged"]
        and c["acknowledged_on_board"] == c["acknowledged"]
        and result["double"]["pairs_one_200_one_409"] == result["double"]["voters"]
        and result["double"]["repeats_refused_409"] == result["double"]["repeats"]
        and result.get("sealed_check", {"ok": True})["ok"]
    )
    print(f"[{name}] check {result['check']}", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", action="append", choices=sorted(CONFIGS))
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--health-requests", type=int, default=20_000)
    parser.add_argument("--phase-limit-s", type=float, default=120)
    parser.add_argument("--emails", type=int, default=0, help="also time N credential emails")
    parser.add_argument("--only-emails", action="store_true")
    parser.add_argument(
        "--api", action="store_true", help="also cast through POST /api/v1/…/vote-with-credential"
    )
    parser.add_argument(
        "--phases",
        default="voter_path,cast_only",
        type=lambda text: text.split(","),
        help="comma-separated: voter_path, cast_only, api_cast (default: the first two)",
    )
    parser.add_argument(
        "--sealed",
        type=int,
        default=0,
        metavar="N",
        help="also a sealed ballot of N voters, cast through POST /api/v1/…/sealed/ballots "
        "after the plain phases (N - 356 timed; ballots encrypted before the timing)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database")
    args = parser.parse_args()
    if not 1 <= args.clients <= 256 or not 1 <= args.voters <= 200_000:
        parser.error("--clients must be 1..256 and --voters 1..200000")
    if args.sealed and not 612 <= args.sealed <= 200_000:
        parser.error("--sealed must be 612..200000 (356 ballots go to warm-up and doubles)")

    url = os.environ.get("BALLOT_BENCH_DATABASE_URL", DEFAULT_URL)
    OUT.mkdir(exist_ok=True)
    env = h.production_env(url, str(OUT / "ballot-data"))
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "clients": args.clients,
        "voters": args.voters,
        "results": [],
    }
    print(json.dumps(report["machine"]), flush=True)
    if not args.reuse:
        h.recreate_database(url)
        started = time.perf_counter()
        h.migrate(env)
        print(f"migrated in {time.perf_counter() - started:.1f}s", flush=True)
    h.collectstatic_once(env)

    if not args.only_emails:
        for name in args.config or list(CONFIGS):
            report["results"].append(run_config(name, env, args, OUT / f"gunicorn-{name}.log"))
    if args.emails:
        print(f"credential emails for {args.emails} voters…", flush=True)
        out = h.run(
            env, str(Path(h.__file__)), "emails", "--voters", str(args.emails), timeout=1800
        )
        report["emails"] = json.loads(out.strip().splitlines()[-1])
        report["emails"]["load_average_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"emails {report['emails']}", flush=True)

    report["load_average_at_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    path = OUT / f"ballot_load-{int(time.time())}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"wrote {path}")
    ok = all(r["check"]["ok"] for r in report["results"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
