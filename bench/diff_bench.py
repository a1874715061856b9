"""Amendment diff benchmark: what one motion page costs when its text is long.

    uv run python bench/diff_bench.py [--size 80000] [--repeat 3]

Builds a motion text of ``--size`` characters (words drawn from a fixed vocabulary, paragraphs
of ~600 characters, seeded) and times ``iskra.motions.text.diff_html`` for three amendments:
a one-sentence replacement in the middle, a whole-text alternative that rewrites every tenth
word, a whole-text alternative with nothing in common, and an adversarial pair (lines of one
repeated word, each line changed). Each is timed cold (first call) and
again (what every later view of the page costs).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

os.environ.setdefault("ISKRA_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.test_settings")

import django

django.setup()

from iskra.motions import text as motion_text  # noqa: E402

WORDS = (
    (
        "the branch conference resolves that members organise workplace committees and tenants "
        "unions in every district, reports back within three months, funds, campaign, strike, rent"
    )
    .replace(",", "")
    .split()
)


def motion(size: int, rng: random.Random) -> str:
    out: list[str] = []
    length = 0
    while length < size:
        paragraph = " ".join(rng.choice(WORDS) for _ in range(90)).capitalize() + "."
        out.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(out)[:size]


def adversarial(size: int, *, shift: bool) -> str:
    """Lines of one word repeated, each line one word longer in the new text: every word
    matches many others, the worst case for a longest-match diff."""
    line = "a " * 400
    lines = [("b " if shift else "") + line + "\n" for _ in range(size // len(line))]
    return "".join(lines)[:size]


def timed(old: str, new: str) -> float:
    started = time.perf_counter()
    motion_text.diff_html(old, new)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=80_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(9)
    old = motion(args.size, rng)
    middle = len(old) // 2
    sentence = old[middle : middle + 120]
    cases = {
        "replace one sentence": old.replace(sentence, "a new sentence in its place", 1),
        "whole text, every 10th word changed": " ".join(
            "changed" if i % 10 == 0 else w for i, w in enumerate(old.split(" "))
        ),
        "whole text, nothing in common": motion(args.size, random.Random(10)).upper(),
        "adversarial: one repeated word, shifted": adversarial(args.size, shift=True),
    }
    old_by_case = {"adversarial: one repeated word, shifted": adversarial(args.size, shift=False)}
    print(f"motion text: {len(old)} characters")
    for name, new in cases.items():
        before = old_by_case.get(name, old)
        cache_clear = getattr(motion_text.diff_html, "cache_clear", None)
        times = []
        for _ in range(args.repeat):
            if cache_clear:
                cache_clear()
            times.append(timed(before, new))
        again = timed(before, new)
        print(f"{name:40s} cold min {min(times):8.3f} s   again {again:8.4f} s")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
