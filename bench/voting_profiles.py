"""Deterministic synthetic ballot profiles for the counting-engine benchmarks.

Rankings follow a Plackett-Luce model (sampled with the Gumbel-max trick: sort
log-weights plus Gumbel noise), truncated to a length drawn from a distribution like
that of real STV ballots, where most voters rank only a few candidates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Share of ballots ranking exactly k = 1, 2, ... candidates (longer ones are rarer).
LENGTH_WEIGHTS = [25, 15, 15, 12, 9, 7, 5, 4, 3, 2, 2, 1]


def rankings(n_ballots: int, n_cands: int, seed: int) -> list[tuple[int, ...]]:
    """``n_ballots`` truncated Plackett-Luce rankings over ``n_cands`` candidates."""
    rng = np.random.default_rng(seed)
    support = rng.dirichlet(np.ones(n_cands)) + 0.02
    keys = np.log(support) + rng.gumbel(size=(n_ballots, n_cands))
    order = np.argsort(-keys, axis=1)
    lw = np.array(LENGTH_WEIGHTS[:n_cands], dtype=float)
    lengths = rng.choice(np.arange(1, n_cands + 1), size=n_ballots, p=lw / lw.sum())
    rows = order.tolist()
    return [tuple(r[:k]) for r, k in zip(rows, lengths.tolist(), strict=True)]


def write_blt(path: Path, ballots: list[tuple[int, ...]], n_cands: int, seats: int) -> None:
    """One line per ballot (weight 1), as exported by counting software."""
    lines = [f"{n_cands} {seats}"]
    lines.extend("1 " + " ".join(str(c + 1) for c in b) + " 0" for b in ballots)
    lines.append("0")
    lines.extend(f'"Candidate {i + 1}"' for i in range(n_cands))
    lines.append('"Synthetic benchmark"')
    path.write_text("\n".join(lines) + "\n")
