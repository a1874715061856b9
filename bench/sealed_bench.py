"""Benchmarks of sealed ballots (issue 10, "Speed"). Run on this 2-core machine:

    uv run python bench/sealed_bench.py                     # everything below
    uv run python bench/sealed_bench.py --only check,browser --voters 2000 --mix-ballots 500
    uv run python bench/sealed_bench.py --only browser-check --check-ballots 1000

1. ``check``: the server's check of one ballot (signature, credential, every proof) — what
   accepting a sealed ballot adds to a cast — for a ballot of 1 yes/no question, of 3 yes/no
   questions, and of a 10-candidate ranking.
2. ``verify``: ``verify_export`` of a whole yes/no ballot of ``--voters`` (100 000) voters: key
   generation, credentials, the board's chain, every ballot's signature and proof (on ``--jobs``
   processes, default 2: both cores), the tally, decryption proofs, the recount. The export is
   made first (ballots encrypted on ``--jobs`` processes) and kept in bench/out/.
3. ``mix``: one trustee's mix + proof of ``--mix-ballots`` (10 000) rankings of 10 candidates
   (11 ciphertexts each), then the verification of that mix (one process each).
4. ``browser``: sealed.js in Debian's Chromium with the CPU throttled ×4 (CDP
   ``Emulation.setCPUThrottlingRate``): encrypt + prove + sign a ballot of 3 yes/no questions,
   and a 10-candidate ranking; the first (cold) ballot of a fresh page and the median of 5 more;
   then the same through the voting page's module Web Worker (worker.js), with the longest time
   the page's own thread was blocked meanwhile (a 10 ms heartbeat's longest gap).
5. ``browser-check``: a trustee's browser checking a record of ``--check-ballots`` (1 000)
   yes/no ballots before decrypting (verify.js: setup, credentials, chain, every signature and
   proof, tally), on the page's thread throttled ×4 and in 1 and 2 Web Workers. Chromium throttles
   a page's thread only (the DevTools protocol refuses ``setCPUThrottlingRate`` for a worker:
   "only supported for pages"), so the workers run at this machine's speed; the unthrottled
   page-thread figure is given beside them to compare.

Prints Markdown for docs/benchmarks.md, with the machine and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iskra import sealed  # noqa: E402
from iskra.sealed import export as sexport  # noqa: E402
from iskra.sealed import group as grp  # noqa: E402
from iskra.sealed import shuffle as shf  # noqa: E402
from iskra.sealed.proofs import encrypt  # noqa: E402

OUT = ROOT / "bench" / "out"
YES_NO = {"kind": "yes_no", "text": "Do you support strike action?", "options": ["Yes", "No"]}
RANKING = {
    "kind": "stv",
    "text": "Strike committee",
    "options": [f"Candidate {i + 1}" for i in range(10)],
    "seats": 3,
}


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def calibrate() -> str:
    """CPU µs of one libsodium variable-base and fixed-base scalar multiplication, now: what
    the other figures scale with (at 07:18 UTC on this machine, load 1.3: 50.2 and 20.1)."""
    s, p = grp.random_scalar(), grp.base(7)
    t = time.process_time()
    for _ in range(2000):
        grp.mul(s, p)
    var = (time.process_time() - t) / 2000 * 1e6
    t = time.process_time()
    for _ in range(2000):
        grp.base(s)
    fixed = (time.process_time() - t) / 2000 * 1e6
    return f"{var:.1f} µs per scalar multiplication, {fixed:.1f} µs with the fixed base (CPU)"


def setup(uuid: str, questions: list[dict[str, Any]], voters: int) -> dict[str, Any]:
    context = sealed.setup_context(uuid=uuid, trustees=["A", "B", "C"], threshold=2)
    keys = [sealed.new_trustee_key(context, j) for j in (1, 2, 3)]
    certs = [sealed.trustee_certificate(context, k) for k in keys]
    polys = [sealed.trustee_polynomial(context, k, certs) for k in keys]
    verifs = [sealed.trustee_verification(context, k, certs, polys) for k in keys]
    transcript = {
        "context": context,
        "certificates": certs,
        "polynomials": polys,
        "verifications": verifs,
    }
    ca = sealed.new_ca_key(uuid)
    election = sealed.make_election(
        uuid=uuid,
        title="Benchmark",
        questions=questions,
        setup=sealed.check_setup(transcript),
        credential_authority=sealed.ca_public(ca, "Scrutineer"),
        rule={"preset": "uk_industrial_action", "opened_on": "2025-06-02"},
    )
    secrets, batch = sealed.generate_credentials(ca, voters)
    return {
        "context": context,
        "keys": keys,
        "transcript": transcript,
        "election": election,
        "secrets": secrets,
        "batch": batch,
    }


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu, result


# 1. The server's check of one ballot


def _encrypt_many(e: Any, answers: list[Any], credential: str, n: int) -> list[dict[str, Any]]:
    return [sealed.encrypt_ballot(e, answers, credential) for _ in range(n)]


def _check_many(e: Any, ballots: list[dict[str, Any]], creds: set[bytes]) -> list[str]:
    return [sealed.check_ballot(e, b, creds) for b in ballots]


def bench_check(lines: list[str]) -> None:
    cases = [
        ("1 yes/no question", [YES_NO], [0]),
        ("3 yes/no questions", [YES_NO, YES_NO, YES_NO], [0, 1, None]),
        ("a 10-candidate ranking (STV)", [RANKING], [[3, 1, 4, 0, 5, 9, 2, 6, 8, 7]]),
    ]
    lines += [
        "### The server's check of one ballot",
        "",
        "Signature, credential on the roll, every proof (`check_ballot`), one process; mean of 200, "
        "CPU time (`time.process_time`; wall time in brackets — other work shares the cores).",
        "",
        "| ballot | check, CPU ms | encrypt in Python, CPU ms (voters without JavaScript) | size (bytes of JSON) |",
        "|---|---:|---:|---:|",
    ]
    for name, questions, answers in cases:
        s = setup(f"check-{len(lines)}", questions, 1)
        e = sealed.Election(s["election"])
        creds = sealed.check_credential_batches(e, [s["batch"]])
        n = 200
        _, enc, ballots = timed(_encrypt_many, e, answers, s["secrets"][0], n)
        wall, check, _ = timed(_check_many, e, ballots, creds)
        size = len(json.dumps(ballots[0]))
        lines.append(
            f"| {name} | **{check / n * 1000:.2f}** ({wall / n * 1000:.2f} wall) | "
            f"{enc / n * 1000:.2f} | {size} |"
        )
    lines.append("")


# 2. Verifying a 100 000-voter yes/no ballot


def _encrypt_chunk(args: tuple[dict[str, Any], list[tuple[str, Any]]]) -> list[dict[str, Any]]:
    election, items = args
    e = sealed.Election(election)
    return [sealed.encrypt_ballot(e, [answer], cred) for cred, answer in items]


def make_yes_no_export(voters: int, jobs: int) -> tuple[Path, dict[str, float]]:
    path = OUT / f"sealed-yes-no-{voters}.json"
    if path.exists():
        return path, {}
    OUT.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    s = setup(f"verify-{voters}", [YES_NO], voters)
    e = sealed.Election(s["election"])
    t_setup = time.perf_counter() - t
    answers = [0 if i % 5 < 3 else (1 if i % 5 == 3 else None) for i in range(voters)]
    items = list(zip(s["secrets"], answers, strict=True))
    size = 500
    chunks = [(s["election"], items[i : i + size]) for i in range(0, len(items), size)]
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        ballots = [b for chunk in pool.map(_encrypt_chunk, chunks) for b in chunk]
    t_encrypt = time.perf_counter() - t
    board = sealed.Board(e.fp)
    for b in ballots:
        board.append(b, sealed.tracker(b))
    data = sexport.build_export(
        election=s["election"],
        transcript=s["transcript"],
        credentials=[s["batch"]],
        entitled=voters,
        board=board,
        mixes=[None],
    )
    checked = sexport.verify_before_decryption(data, workers=jobs)
    targets = checked.decryption_list()
    shares = [
        sealed.decryption_share(
            e, j, sealed.key_share(s["context"], s["keys"][j - 1], s["transcript"]), targets
        )
        for j in (1, 3)
    ]
    done = sexport.finish_export(data, shares, checked=checked)
    path.write_text(json.dumps(done))
    return path, {"setup": t_setup, "encrypt": t_encrypt}


def bench_verify(lines: list[str], voters: int, jobs: int) -> None:
    path, made = make_yes_no_export(voters, jobs)
    t = time.perf_counter()
    data = json.loads(path.read_text())
    t_load = time.perf_counter() - t
    start_load = load()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, cpu, report = timed(sealed.verify_export, data, workers=jobs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    lines += [
        f"### Verifying a yes/no ballot of {voters:,} voters".replace(",", " "),
        "",
        f"`verify_export` of the whole record ({path.stat().st_size / 1e6:.0f} MB of JSON, "
        f"read in {t_load:.1f} s, not counted): key generation, credentials, the board's chain, "
        f"every ballot's signature and proof on {jobs} processes (`--jobs {jobs}`: "
        "`ProcessPoolExecutor`, chunks of ballots), the tally, decryption proofs, the recount. "
        f"Load average before: {start_load}.",
        "",
        "| measure | seconds |",
        "|---|---:|",
        f"| verify (wall) | **{wall:.1f}** |",
        f"| CPU in this process (chain, tally, decryption, recount) | {cpu:.1f} |",
        f"| CPU in the {jobs} worker processes (signatures and proofs) | {workers_cpu:.1f} |",
        f"| so on {jobs} idle cores: this process + workers / {jobs} | {cpu + workers_cpu / jobs:.1f} |",
    ]
    if made:
        lines.append(
            f"| (making the record: key generation and credentials {made['setup']:.1f}, "
            f"encrypting {voters} ballots on {jobs} processes {made['encrypt']:.1f}) | |"
        )
    lines += ["", "Verifier's report (last lines):", "", "```", *report[-4:], "```", ""]


# 3. Mixing 10 000 rankings


def bench_mix(lines: list[str], ballots: int) -> None:
    s = setup(f"mix-{ballots}", [RANKING], 1)
    e = sealed.Election(s["election"])
    width = len(RANKING["options"]) + 1
    rows = []
    for i in range(ballots):
        values = list(range(width))
        values = values[i % width :] + values[: i % width]
        rows.append([encrypt(e.y, v, grp.random_scalar()) for v in values])
    context = e.mix_context(0, 0)
    start_load = load()
    wall_mix, cpu_mix, (outputs, proof) = timed(shf.shuffle, context, e.fp, e.y, rows)
    wall_ver, cpu_ver, ok = timed(shf.verify, context, e.fp, e.y, rows, outputs, proof)
    assert ok
    size = len(json.dumps({"ciphertexts": shf.rows_json(outputs), "proof": proof}))
    lines += [
        f"### Mixing {ballots:,} rankings of 10 candidates".replace(",", " "),
        "",
        f"One trustee's re-encryption shuffle of {ballots} rows of {width} ciphertexts with the "
        f"Terelius–Wikström proof, then its verification; one process each. Load average before: "
        f"{start_load}. A mix message is {size / 1e6:.1f} MB of JSON.",
        "",
        "| step | wall (s) | CPU (s) |",
        "|---|---:|---:|",
        f"| mix + prove | **{wall_mix:.1f}** | {cpu_mix:.1f} |",
        f"| verify the mix | **{wall_ver:.1f}** | {cpu_ver:.1f} |",
        "",
        "A ranked question is mixed by k trustees in turn (2 by default): the record's verification "
        "checks each mix, so it takes k times the verify figure.",
        "",
    ]


# 4. The browser


def bench_browser(lines: list[str], runs: int = 5) -> None:
    from playwright.sync_api import sync_playwright
    from tests.sealed.harness import open_page

    chromium = shutil.which("chromium")
    if chromium is None:
        lines += ["### In the browser", "", "Skipped: Chromium is not installed.", ""]
        return
    cases = [
        ("3 yes/no questions", [YES_NO, YES_NO, YES_NO], [0, 1, None]),
        ("a 10-candidate ranking", [RANKING], [[3, 1, 4, 0, 5, 9, 2, 6, 8, 7]]),
    ]
    rows = []
    worker_rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        version = browser.version
        for name, questions, answers in cases:
            s = setup(f"browser-{name}", questions, 1)
            page = open_page(browser)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            prepare, *times = page.evaluate(
                """([data, answers, credential, runs]) => {
                    let t = performance.now();
                    const election = window.S.prepareVoting(data);
                    const out = [performance.now() - t];
                    for (let i = 0; i < runs + 1; i++) {
                        t = performance.now();
                        window.S.encryptBallot(election, answers, credential);
                        out.push(performance.now() - t);
                    }
                    return out;
                }""",
                [s["election"], answers, s["secrets"][0], runs],
            )
            w_prepare, w_gap, ran_in, *w_times = page.evaluate(
                WORKER_RUN, [s["election"], answers, s["secrets"][0], runs]
            )
            assert ran_in == "worker"
            made = page.evaluate(
                "([e, a, c]) => window.S.encryptBallot(e, a, c).ballot",
                [s["election"], answers, s["secrets"][0]],
            )
            sealed.check_ballot(s["election"], made)
            rows.append((name, prepare, times[0], statistics.median(times[1:]), max(times[1:])))
            worker_rows.append((name, w_prepare, w_times[0], statistics.median(w_times[1:]), w_gap))
            page.context.close()
        browser.close()
    lines += [
        "### In the browser (sealed.js)",
        "",
        f"Chromium {version} (Debian), headless, CPU throttled ×4 with the DevTools protocol's "
        "`Emulation.setCPUThrottlingRate` (a phone-class CPU); encrypt + prove + sign one ballot "
        "(`encryptBallot`), timed with `performance.now()` in the page. Prepare: `prepareVoting(…)`, "
        "which the voting page does on load while the voter reads (tables of multiples of g and y, "
        "a ranking's generators, one throw-away blank ballot to warm the code). First: the voter's "
        "ballot after that. Each "
        f"ballot checked by Python. Load average: {load()}.",
        "",
        "| ballot | prepare (ms) | first (ms) | median of 5 (ms) | max of 5 (ms) |",
        "|---|---:|---:|---:|---:|",
        *[f"| {n} | {p:.0f} | {c:.0f} | **{m:.0f}** | {x:.0f} |" for n, p, c, m, x in rows],
        "",
        "The voting page runs the same in a module Web Worker (`worker.js`): prepare and encrypt "
        "are timed from the page (a message there and back), and meanwhile a 10 ms heartbeat on "
        "the page's thread (still throttled ×4) records its longest gap — how long the page "
        "could not answer a tap. Chromium cannot throttle a worker (see 5), so the worker runs "
        "at this machine's speed: compare its figures with the page's ÷ 4.",
        "",
        "| ballot | prepare in the worker (ms) | first (ms) | median of 5 (ms) | "
        "page's thread blocked at most (ms; before: the prepare above) |",
        "|---|---:|---:|---:|---:|",
        *[f"| {n} | {p:.0f} | {c:.0f} | **{m:.0f}** | {g:.0f} |" for n, p, c, m, g in worker_rows],
        "",
    ]


WORKER_RUN = """async ([data, answers, credential, runs]) => {
    let last = performance.now();
    let gap = 0;
    const beat = setInterval(() => {
        const now = performance.now();
        gap = Math.max(gap, now - last);
        last = now;
    }, 10);
    const w = new Worker("/static/sealed/worker.js", {type: "module"});
    let next = 0;
    const call = (op, args) => new Promise((resolve, reject) => {
        const id = ++next;
        w.addEventListener("message", function answer(e) {
            if (e.data.id !== id || e.data.progress !== undefined) return;
            w.removeEventListener("message", answer);
            if (e.data.error) reject(new Error(e.data.error)); else resolve(e.data);
        });
        w.postMessage({id, op, args});
    });
    let t = performance.now();
    const ready = await call("prepare", {election: data});
    const out = [performance.now() - t];
    const times = [];
    for (let i = 0; i < runs + 1; i++) {
        t = performance.now();
        await call("encrypt", {election: data, answers, credential});
        times.push(performance.now() - t);
    }
    clearInterval(beat);
    w.terminate();
    return [out[0], gap, ready.ranIn, ...times];
}"""


CHECK_RUN = """async ([record, key, workers]) => {
    const T = await import("/static/sealed/tasks.js");
    const t = performance.now();
    const out = await T.checkAndDecrypt(record, key, 2, () => {}, {workers});
    return [performance.now() - t, out.ranIn, out.workers, out.share.factors.length];
}"""


def make_check_record(ballots: int) -> tuple[dict[str, Any], dict[str, Any], float]:
    """A closed yes/no ballot's record of ``ballots`` ballots and trustee 2's key."""
    s = setup(f"browser-check-{ballots}", [YES_NO], ballots)
    e = sealed.Election(s["election"])
    t = time.perf_counter()
    board = sealed.Board(e.fp)
    for i, credential in enumerate(s["secrets"]):
        ballot = sealed.encrypt_ballot(e, [i % 3 if i % 3 < 2 else None], credential)
        board.append(ballot, sealed.tracker(ballot))
    data = sexport.build_export(
        election=s["election"],
        transcript=s["transcript"],
        credentials=[s["batch"]],
        entitled=ballots,
        board=board,
        mixes=[None],
    )
    return data, s["keys"][1], time.perf_counter() - t


def bench_browser_check(lines: list[str], ballots: int) -> None:
    from playwright.sync_api import sync_playwright
    from tests.sealed.harness import open_page

    chromium = shutil.which("chromium")
    if chromium is None:
        return
    record, key, made = make_check_record(ballots)
    size = len(json.dumps(record)) / 1e6
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        for rate, where in ((4, "page"), (1, "page"), (4, 1), (4, 2)):
            page = open_page(browser)
            page.context.new_cdp_session(page).send(
                "Emulation.setCPUThrottlingRate", {"rate": rate}
            )
            if where == "page":
                t = time.perf_counter()
                count = page.evaluate("(r) => window.V.checkRecord(r).length", record)
                ms = (time.perf_counter() - t) * 1000
                label = (
                    "the page's thread, CPU throttled ×4 (where there is no worker)"
                    if rate == 4
                    else "the page's thread, not throttled"
                )
            else:
                ms, ran_in, used, count = page.evaluate(CHECK_RUN, [record, key, where])
                assert ran_in == "worker" and used == where
                label = f"{where} Web Worker{'s' if where > 1 else ''} (not throttled), page ×4"
            assert count == 1
            rows.append((label, ms / 1000))
            page.context.close()
        browser.close()
    lines += [
        f"### A trustee's browser checks {ballots:,} ballots before decrypting".replace(",", " "),
        "",
        f"A yes/no ballot's record ({size:.1f} MB of JSON; made in {made:.1f} s): verify.js checks "
        "the key generation, the credentials, the board's chain, every ballot's signature and "
        "proof and the tally, then the trustee's share is computed (one ciphertext). Load "
        f"average: {load()}.",
        "",
        "| where | seconds |",
        "|---|---:|",
        *[f"| {label} | **{sec:.1f}** |" for label, sec in rows],
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="check,verify,mix,browser,browser-check")
    parser.add_argument("--check-ballots", type=int, default=1000)
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--mix-ballots", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    only = set(args.only.split(","))
    lines = [
        "## Sealed ballots",
        "",
        f"Command: `uv run python bench/sealed_bench.py --only {args.only} --voters {args.voters} "
        f"--mix-ballots {args.mix_ballots} --jobs {args.jobs}`. Machine: {os.cpu_count()} CPUs, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"libsodium through rbcl; load average at start {load()} (the machine is shared); "
        f"calibration: {calibrate()}.",
        "",
    ]
    if "check" in only:
        bench_check(lines)
    if "verify" in only:
        bench_verify(lines, args.voters, args.jobs)
    if "mix" in only:
        bench_mix(lines, args.mix_ballots)
    if "browser" in only:
        bench_browser(lines)
    if "browser-check" in only:
        bench_browser_check(lines, args.check_ballots)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
