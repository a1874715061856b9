"""Helpers to compare a Scottish count with the official 2017 result sheets."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "elections" / "scotland2017"


@dataclass(frozen=True)
class Ward:
    ballot_file: str
    official_file: str
    seats: int
    official_elected: tuple[str, ...]


def wards() -> list[Ward]:
    with (DATA / "index.csv").open(newline="", encoding="utf-8") as fh:
        return [
            Ward(
                row["ballot_file"],
                row["official_file"],
                int(row["seats"]),
                tuple(n.strip() for n in row["official_elected"].split(";") if n.strip()),
            )
            for row in csv.DictReader(fh)
            if row["official_file"]
        ]


def name_key(name: str) -> str:
    """Lower-case letters of a name without its party label, tokens sorted."""
    name = re.sub(r"\([^)]*\)\s*$", "", name)
    tokens = re.findall(r"[a-z]+", name.lower().replace("'", ""))
    return " ".join(sorted(tokens))


def official_stages(
    ward: Ward,
) -> tuple[dict[str, str], list[dict[str, str]], set[str], dict[str, object]]:
    """(key -> official name, per-stage {key: Total_Votes}, elected keys, countInfo)."""
    data = json.loads((DATA / ward.official_file).read_text(encoding="utf-8"))
    cons = data["Constituency"]
    stages: dict[int, dict[str, str]] = {}
    names: dict[str, str] = {}
    elected: set[str] = set()
    for g in cons["countGroup"]:
        full = f"{g['Firstname']} {g['Surname']}".strip()
        key = name_key(full)
        names[key] = full
        stages.setdefault(int(g["Count_Number"]), {})[key] = str(g["Total_Votes"])
        if g["Status"] == "Elected":
            elected.add(key)
    return names, [stages[k] for k in sorted(stages)], elected, cons["countInfo"]


def match_names(ours: list[str], official: list[str]) -> dict[str, str]:
    """Map our candidate names to official keys, by name (never by position)."""
    mapping: dict[str, str] = {}
    remaining = set(official)
    for name in ours:
        key = name_key(name)
        if key in remaining:
            mapping[name] = key
            remaining.discard(key)
    for name in ours:
        if name in mapping:
            continue
        # Fallback for the few sheets with a surname missing or in the wrong field:
        # the official key whose tokens overlap ours the most.
        toks = set(name_key(name).split())
        best = max(remaining, key=lambda k: len(toks & set(k.split())))
        mapping[name] = best
        remaining.discard(best)
    return mapping


def at_precision(ours: str, official: str) -> tuple[str, str]:
    """Our figure at the official figure's number of decimals.

    Figures transcribed with fewer than five decimals were rounded half up (for
    example 1250.04905 was published as 1250.05 and 1160.99923 as 1161.00), so ours is
    rounded the same way. Figures such as "1449" (no decimals) are whole numbers in the
    count and compare exactly after rounding too.
    """
    if Decimal(ours) == Decimal(official):
        # Some figures lost trailing zeros in transcription ("998.5328" for 998.53280).
        return official, official
    places = len(official.split(".")[1]) if "." in official else 0
    q = Decimal(1).scaleb(-places)
    return str(Decimal(ours).quantize(q, rounding=ROUND_HALF_UP)), str(Decimal(official))
