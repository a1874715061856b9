"""``iskra count`` as a user runs it: the whole process, start-up included, against
pref_voting's whole process on the same file, in the same run.

Run: ``uv run python bench/count_process_bench.py [--runs N] [--pv-runs M]``.

The file is the 100 000-ballot, 12-candidate, 3-seat BLT of ``voting_bench.py`` (same
seed). Measured, runs interleaved so that both sides meet the same load:

* ``iskra count FILE --method stv-scottish --format json`` through the installed console
  script (``.venv/bin/iskra``), and through ``uv run iskra count …`` (what the README
  tells users to type) when ``uv`` is on the PATH;
* pref_voting 1.18: a Python script that imports it, reads the same BLT (grouping identical
  lines, as ``voting_bench.py`` does) and counts with ``stv_scottish`` — run with the same
  interpreter, and through ``uv run python`` for the like-for-like ``uv run`` figure;
* for reference, the count in process (parse + count, no start-up), best of 5.

Wall time is the child's elapsed time; CPU is its user + system time (``getrusage``), which
other work on the machine inflates far less. Bytecode caches are warmed first (one run of
each, with PYTHONDONTWRITEBYTECODE unset), as they are for a user from the second run on.
Prints Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from voting_profiles import rankings, write_blt

from iskra.voting import count, read_profile

PREF_VOTING_SCRIPT = """
import json, sys, warnings
from collections import Counter
from pathlib import Path

from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.proportional_methods import stv_scottish

lines = Path(sys.argv[1]).read_text().splitlines()
n = int(lines[0].split()[0])
seats = int(lines[0].split()[1])
end = lines.index("0")
rankings, counts = [], []
for line, times in Counter(lines[1:end]).items():
    nums = [int(x) for x in line.split()]
    rankings.append({c - 1: k + 1 for k, c in enumerate(nums[1:-1])})
    counts.append(nums[0] * times)
names = [lines[end + 1 + i].strip('"') for i in range(n)]
profile = ProfileWithTies(rankings, rcounts=counts, candidates=list(range(n)))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    winners = stv_scottish(profile, num_seats=seats)
print(json.dumps(sorted(names[c] for c in winners)))
"""


class Run(NamedTuple):
    wall: float
    cpu: float
    out: str


def run(cmd: list[str], env: dict[str, str]) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, proc.stdout)


def elected(run: Run) -> list[str]:
    """Winners from iskra's JSON or from the pref_voting script's JSON list."""
    value = json.loads(run.out)
    return sorted(value["elected"]) if isinstance(value, dict) else sorted(value)


def summary(runs: list[Run]) -> tuple[float, float, float, float]:
    """Median wall, median CPU, best wall, best CPU."""
    walls, cpus = [r.wall for r in runs], [r.cpu for r in runs]
    return statistics.median(walls), statistics.median(cpus), min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each iskra command")
    parser.add_argument("--pv-runs", type=int, default=5, help="runs of each pref_voting one")
    parser.add_argument(
        "--before",
        type=Path,
        metavar="SRC",
        help="the src/ folder of another checkout (e.g. an earlier commit): its iskra count, "
        "started as the console script starts it, is timed too",
    )
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    iskra_script = str(Path(sys.executable).with_name("iskra"))
    uv = shutil.which("uv")
    load_start = os.getloadavg()

    with tempfile.TemporaryDirectory() as tmp:
        blt = Path(tmp) / "100k.blt"
        write_blt(blt, rankings(100_000, 12, seed=2), 12, 3)
        pv_script = Path(tmp) / "pref_voting_count.py"
        pv_script.write_text(PREF_VOTING_SCRIPT)
        commands: dict[str, list[str]] = {
            "iskra (console script)": [
                iskra_script,
                "count",
                str(blt),
                "--method",
                "stv-scottish",
                "--format",
                "json",
            ],
            "pref_voting (python script)": [sys.executable, str(pv_script), str(blt)],
        }
        if args.before:
            # What the console script runs, with the other checkout first on the path.
            starter = (
                f"import sys; sys.path.insert(0, {str(args.before.resolve())!r}); "
                "from iskra.cli import main; sys.exit(main())"
            )
            commands["iskra before (console script's code)"] = [
                sys.executable,
                "-c",
                starter,
                "count",
                str(blt),
                "--method",
                "stv-scottish",
                "--format",
                "json",
            ]
        if uv:
            commands["iskra (uv run iskra)"] = [
                uv,
                "run",
                "--quiet",
                "iskra",
                "count",
                str(blt),
                "--method",
                "stv-scottish",
                "--format",
                "json",
            ]
            commands["pref_voting (uv run python)"] = [
                uv,
                "run",
                "--quiet",
                "python",
                str(pv_script),
                str(blt),
            ]
        results: dict[str, list[Run]] = {name: [] for name in commands}
        winners = {name: elected(run(cmd, env)) for name, cmd in commands.items()}  # warm-up
        assert len({tuple(w) for w in winners.values()}) == 1, winners
        for i in range(max(args.runs, args.pv_runs)):
            for name, cmd in commands.items():
                limit = args.pv_runs if name.startswith("pref_voting") else args.runs
                if i < limit:
                    results[name].append(run(cmd, env))

        in_process = min(
            _timed(lambda: count(read_profile(blt), method="stv-scottish", seats=3))
            for _ in range(5)
        )

    rows = []
    for name, runs in results.items():
        med_wall, med_cpu, best_wall, best_cpu = summary(runs)
        rows.append(
            f"| {name} | {len(runs)} | {med_wall:.3f} | {best_wall:.3f} | {med_cpu:.3f} "
            f"| {best_cpu:.3f} |"
        )

    def ratio(pv: str, ours: str) -> str:
        a, b = summary(results[pv]), summary(results[ours])
        return (
            f"| {ours} against {pv} | {a[0] / b[0]:.1f}x | {a[2] / b[2]:.1f}x "
            f"| {a[1] / b[1]:.1f}x | {a[3] / b[3]:.1f}x |"
        )

    ratios = [ratio("pref_voting (python script)", "iskra (console script)")]
    if args.before:
        ratios.append(ratio("pref_voting (python script)", "iskra before (console script's code)"))
    if uv:
        ratios.append(ratio("pref_voting (uv run python)", "iskra (uv run iskra)"))
    out = [
        "### `iskra count` as a whole process, 100 000 ballots, 12 candidates, 3 seats",
        "",
        f"Command: `uv run python bench/count_process_bench.py --runs {args.runs} "
        f"--pv-runs {args.pv_runs}{' --before SRC' if args.before else ''}`. Machine: {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, pref_voting {version('pref_voting')}; load average "
        f"{load_start[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end. Every process "
        f"elected {', '.join(next(iter(winners.values())))}.",
        "",
        "| process (start-up, imports, parse, count, JSON output) | runs | median wall (s) "
        "| best wall (s) | median CPU (s) | best CPU (s) |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "| iskra is faster, whole process | median wall | best wall | median CPU | best CPU |",
        "|---|---:|---:|---:|---:|",
        *ratios,
        "",
        f"In process (parse + count, no start-up), best of 5: {in_process:.3f} s wall.",
        "",
    ]
    print("\n".join(out))


def _timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
