"""A deliberately naive, exact Scottish STV counter used as a benchmark baseline.

It follows the same rules as ``iskra.voting.stv.scottish`` the way a straightforward
implementation would (in the style of exact counters such as ``droop``): it reads the
BLT file line by line, keeps one object per ballot paper, and does the arithmetic with
``decimal.Decimal``. It has no tie-breaking beyond file order and exists only to give
the benchmark an independent, exact point of comparison.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from pathlib import Path

FIVE = Decimal("0.00001")


def count_file(path: Path) -> tuple[list[str], list[int]]:
    """Return (candidate names, elected indices in order of election)."""
    lines = [ln.split() for ln in Path(path).read_text().splitlines() if ln.strip()]
    n, seats = int(lines[0][0]), int(lines[0][1])
    papers: list[list[object]] = []  # [ranking, position, value]
    i = 1
    while lines[i] != ["0"]:
        weight, *prefs = (int(x) for x in lines[i][:-1])
        for _ in range(weight):
            papers.append([[p - 1 for p in prefs], 0, Decimal(1)])
        i += 1
    names = [" ".join(lines[i + 1 + k]).strip('"') for k in range(n)]
    quota = Decimal(len(papers) // (seats + 1) + 1)
    status = ["hopeful"] * n
    holding: list[list[list[object]]] = [[] for _ in range(n)]
    for paper in papers:
        holding[paper[0][0]].append(paper)  # type: ignore[index]
    elected: list[int] = []
    done: set[int] = set()

    def total(c: int) -> Decimal:
        return sum((p[2] for p in holding[c]), Decimal(0))  # type: ignore[misc]

    def move(c: int, factor: tuple[Decimal, Decimal] | None) -> None:
        for paper in holding[c]:
            ranking, pos, value = paper
            q = pos + 1  # type: ignore[operator]
            while q < len(ranking) and status[ranking[q]] != "hopeful":  # type: ignore[arg-type,index]
                q += 1
            if factor is not None:
                s, t = factor
                value = (s * value / t).quantize(FIVE, rounding=ROUND_DOWN)  # type: ignore[operator]
            if q < len(ranking):  # type: ignore[arg-type]
                holding[ranking[q]].append([ranking, q, value])  # type: ignore[index]
        holding[c] = []

    while len(elected) < seats:
        for c in sorted(
            (c for c in range(n) if status[c] == "hopeful" and total(c) >= quota),
            key=lambda c: -total(c),
        ):
            status[c] = "elected"
            elected.append(c)
        hopeful = [c for c in range(n) if status[c] == "hopeful"]
        if len(elected) >= seats:
            break
        if len(hopeful) <= seats - len(elected):
            elected.extend(sorted(hopeful, key=lambda c: -total(c)))
            break
        surplus = [c for c in elected if c not in done and total(c) > quota]
        if surplus:
            c = max(surplus, key=total)
            done.add(c)
            t = total(c)
            move(c, (t - quota, t))
            holding[c] = [[[], 0, quota]]
        else:
            c = min(hopeful, key=total)
            status[c] = "excluded"
            move(c, None)
    return names, elected[:seats]
