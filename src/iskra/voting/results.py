"""Count results: stages of a count sheet, and rendering as dict/JSON, text and CSV.

Vote values are integers in units of ``10**-precision`` (fixed point), so a Scottish
count with five decimal places stores 1234.56789 as 123456789. Rendering turns them into
decimal strings with exactly ``precision`` decimals; JSON carries these strings so that
no figure is rounded by a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ties import Lot

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from typing import Any


def fmt_units(units: int, precision: int) -> str:
    """Format a fixed-point integer as a decimal string with ``precision`` places."""
    if precision == 0:
        return str(units)
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**precision)
    return f"{sign}{whole}.{frac:0{precision}d}"


@dataclass
class Stage:
    """One stage of a count sheet (one column of an official result sheet)."""

    number: int
    action: str
    kind: str  # "first", "surplus", "exclusion", "round"
    votes: dict[int, int]
    transfers: dict[int, int]
    non_transferable: int = 0
    non_transferable_change: int = 0
    elected: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)
    subject: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quota: int | None = None  # only for methods whose quota changes (Meek)


@dataclass
class CountResult:
    """The outcome of a count, with everything needed to publish it."""

    method: str
    seats: int
    candidates: tuple[str, ...]
    elected: list[int]
    valid_ballots: int
    precision: int = 0
    quota: int | None = None
    stages: list[Stage] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    seed: int | None = None
    withdrawn: frozenset[int] = frozenset()
    title: str | None = None
    ranking: list[int] | None = None
    scores: dict[int, int] | None = None
    pairwise: list[list[int]] | None = None
    strongest_paths: list[list[int]] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def elected_names(self) -> list[str]:
        """Names of the elected candidates in order of election."""
        return [self.candidates[c] for c in self.elected]

    def _v(self, units: int) -> str:
        return fmt_units(units, self.precision)

    def _names(self, cands: list[int]) -> list[str]:
        return [self.candidates[c] for c in cands]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict; vote values are decimal strings."""
        names = self.candidates
        out: dict[str, Any] = {
            "method": self.method,
            "title": self.title,
            "seats": self.seats,
            "candidates": list(names),
            "withdrawn": self._names(sorted(self.withdrawn)),
            "elected": self.elected_names,
            "valid_ballots": self.valid_ballots,
            "precision": self.precision,
            "quota": None if self.quota is None else self._v(self.quota),
            "seed": self.seed,
            "lots": [
                {
                    "stage": lot.stage,
                    "purpose": lot.purpose,
                    "between": self._names(lot.between),
                    "chosen": names[lot.chosen],
                }
                for lot in self.lots
            ],
            "stages": [
                {
                    "number": s.number,
                    "action": s.action,
                    "kind": s.kind,
                    "subject": self._names(s.subject),
                    "votes": {names[c]: self._v(v) for c, v in s.votes.items()},
                    "transfers": {names[c]: self._v(v) for c, v in s.transfers.items()},
                    "non_transferable": self._v(s.non_transferable),
                    "non_transferable_change": self._v(s.non_transferable_change),
                    "elected": self._names(s.elected),
                    "excluded": self._names(s.excluded),
                    "quota": None if s.quota is None else self._v(s.quota),
                    "notes": list(s.notes),
                }
                for s in self.stages
            ],
            "notes": list(self.notes),
        }
        if self.ranking is not None:
            out["ranking"] = self._names(self.ranking)
        if self.scores is not None:
            out["scores"] = {names[c]: self._v(v) for c, v in self.scores.items()}
        # Always present (null when the method has none) so consumers need no key checks.
        out["pairwise"] = None if self.pairwise is None else self._matrix_dict(self.pairwise)
        out["strongest_paths"] = (
            None if self.strongest_paths is None else self._matrix_dict(self.strongest_paths)
        )
        return out

    def _matrix_dict(self, m: list[list[int]]) -> dict[str, dict[str, int]]:
        names = self.candidates
        return {
            names[i]: {names[j]: m[i][j] for j in range(len(names)) if j != i}
            for i in range(len(names))
        }

    def _status(self) -> dict[int, str]:
        status: dict[int, str] = dict.fromkeys(self.withdrawn, "withdrawn")
        for s in self.stages:
            for c in s.elected:
                status[c] = f"elected (stage {s.number})"
            for c in s.excluded:
                status[c] = f"excluded (stage {s.number})"
        for c in self.elected:
            status.setdefault(c, "elected")
        return status

    def to_text(self) -> str:
        """A readable count sheet."""
        names = self.candidates
        width = max([len(n) for n in names] + [len("Non-transferable")])
        lines = [f"{self.title}" if self.title else f"Count: {self.method}"]
        lines.append(f"Method: {self.method}")
        lines.append(f"Seats: {self.seats}    Valid ballots: {self.valid_ballots}")
        if self.quota is not None:
            lines.append(f"Quota: {self._v(self.quota)}")
        for s in self.stages:
            lines.append("")
            lines.append(f"Stage {s.number}: {s.action}")
            if s.quota is not None:
                lines.append(f"  Quota: {self._v(s.quota)}")
            lines.append(f"  {'Candidate':<{width}}  {'Transfer':>16}  {'Total':>16}")
            for c, v in s.votes.items():
                mark = ""
                if c in s.elected:
                    mark = "  elected"
                elif c in s.excluded:
                    mark = "  excluded"
                t = s.transfers.get(c, 0)
                lines.append(
                    f"  {names[c]:<{width}}  {self._signed(t):>16}  {self._v(v):>16}{mark}"
                )
            if self.method not in ("plurality", "block", "approval"):
                lines.append(
                    f"  {'Non-transferable':<{width}}  "
                    f"{self._signed(s.non_transferable_change):>16}  "
                    f"{self._v(s.non_transferable):>16}"
                )
            total = sum(s.votes.values()) + s.non_transferable
            lines.append(f"  {'Total':<{width}}  {'':>16}  {self._v(total):>16}")
            lines.extend(f"  Note: {n}" for n in s.notes)
        if self.pairwise is not None:
            lines.append("")
            lines.append("Pairwise preferences (row over column):")
            lines.extend(self._matrix(self.pairwise))
        if self.strongest_paths is not None:
            lines.append("")
            lines.append("Strongest paths (row over column):")
            lines.extend(self._matrix(self.strongest_paths))
        if self.ranking is not None:
            lines.append("")
            lines.append("Ranking: " + ", ".join(self._names(self.ranking)))
        for lot in self.lots:
            lines.append(
                f"Lot drawn at stage {lot.stage} ({lot.purpose}) between "
                f"{', '.join(self._names(lot.between))}: {names[lot.chosen]}"
                f" (seed {self.seed})"
            )
        lines.extend(f"Note: {n}" for n in self.notes)
        lines.append("")
        lines.append("Elected: " + ", ".join(self.elected_names))
        return "\n".join(lines) + "\n"

    def _signed(self, units: int) -> str:
        return ("+" if units > 0 else "") + self._v(units) if units else ""

    def _matrix(self, m: list[list[int]]) -> list[str]:
        names = self.candidates
        width = max(len(n) for n in names)
        out = []
        for i, n in enumerate(names):
            cells = " ".join(f"{m[i][j] if i != j else '-':>10}" for j in range(len(names)))
            out.append(f"  {n:<{width}} {cells}")
        return out

    def to_csv(self) -> str:
        """The count sheet as CSV: rows are candidates, non-transferable and total;
        columns are stages (each stage's totals), then the final status."""
        import io

        from iskra import csvsafe

        buf = io.StringIO()
        w = csvsafe.writer(buf, lineterminator="\n")
        names = self.candidates
        if not self.stages and self.pairwise is not None:
            w.writerow(["candidate", *names])
            for i, n in enumerate(names):
                w.writerow([n, *("" if i == j else self.pairwise[i][j] for j in range(len(names)))])
            return buf.getvalue()
        w.writerow(["candidate", *(f"{s.number}: {s.action}" for s in self.stages), "status"])
        status = self._status()
        for c, n in enumerate(names):
            w.writerow(
                [
                    n,
                    *(self._v(s.votes[c]) if c in s.votes else "" for s in self.stages),
                    status.get(c, ""),
                ]
            )
        w.writerow(["Non-transferable", *(self._v(s.non_transferable) for s in self.stages), ""])
        w.writerow(
            [
                "Total",
                *(self._v(sum(s.votes.values()) + s.non_transferable) for s in self.stages),
                "",
            ]
        )
        return buf.getvalue()
