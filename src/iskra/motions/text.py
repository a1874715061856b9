"""Applying amendments to a motion's text and showing the change as a readable diff."""

from __future__ import annotations

import difflib
import functools
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from iskra.core.errors import DomainError


class AmendmentFalls(DomainError):
    """The passage an amendment changes is not (or no longer) in the text exactly once."""


# The longest motion text, amendment passage or new text (characters). Refused above this
# (``check_text_length``): a motion of 50 000 characters is some twenty pages.
MAX_TEXT = 50_000
# Word pairs the word-level diff may compare in one block; SequenceMatcher's cost grows with
# their product, so a larger changed block is compared line by line first.
WORD_DIFF_BUDGET = 250_000
# Word pairs compared in all for one diff; past it, what is left is shown as deleted and
# inserted whole (a bound on the worst case, whatever the texts).
WORD_DIFF_TOTAL = 2_000_000


def check_text_length(label: str, value: str, limit: int = MAX_TEXT) -> None:
    if len(value) > limit:
        raise DomainError(f"{label} is {len(value):,} characters long; the limit is {limit:,}.")


def apply_amendment(text: str, *, kind: str, passage: str, new_text: str) -> str:
    check_text_length("The quoted passage", passage)
    check_text_length("The amendment's text", new_text)
    if kind == "whole":
        if not new_text.strip():
            raise DomainError("A whole-text alternative needs its text.")
        return new_text
    if not passage:
        raise DomainError("Quote the exact words of the motion the amendment changes.")
    occurrences = text.count(passage)
    if occurrences == 0:
        raise AmendmentFalls(f"The words “{passage[:80]}” are not in the motion's current text.")
    if occurrences > 1:
        raise AmendmentFalls(
            f"The words “{passage[:80]}” appear {occurrences} times; quote more of the sentence so it is clear which."
        )
    if kind == "delete":
        return text.replace(passage, "", 1)
    if kind == "replace":
        if not new_text:
            raise DomainError("Give the words that replace the passage.")
        return text.replace(passage, new_text, 1)
    if kind == "insert":
        if not new_text:
            raise DomainError("Give the words to insert.")
        return text.replace(passage, passage + new_text, 1)
    raise DomainError("Unknown kind of amendment.")


# A word (or a punctuation mark) with the spaces after it: spaces alone never match each other,
# which would make SequenceMatcher pair up every gap between two different words.
_TOKENS = re.compile(r"\s+|\w+\s*|[^\w\s]\s*")


@functools.lru_cache(maxsize=128)
def diff_html(old: str, new: str) -> SafeString:
    """Word-level diff: deletions in <del>, insertions in <ins>, everything escaped.

    Computed once per pair of texts and kept (a motion's page shows a diff per tabled
    amendment and per version on every view). The words both texts start and end with are
    set aside first, so an amendment costs what its change costs, not what the motion's length
    costs; a change too large to compare word by word is compared paragraph by paragraph, and
    only paragraphs small enough are then compared word by word.
    """
    a = _TOKENS.findall(old)
    b = _TOKENS.findall(new)
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    out: list[str] = [escape("".join(a[:start]))]
    _diff_block(a[start : len(a) - end], b[start : len(b) - end], out, [WORD_DIFF_TOTAL])
    out.append(escape("".join(a[len(a) - end :])))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped.


def _diff_block(a: list[str], b: list[str], out: list[str], left: list[int]) -> None:
    """Diff a changed block into ``out``; ``left`` holds the word pairs still allowed."""
    if not a and not b:
        return
    if len(a) * len(b) <= WORD_DIFF_BUDGET:
        _diff_words(a, b, out, left)
        return
    lines_a = _lines(a)
    lines_b = _lines(b)
    if len(lines_a) * len(lines_b) > WORD_DIFF_BUDGET or (len(lines_a) < 2 and len(lines_b) < 2):
        _changed(a, b, out)
        return
    matcher = difflib.SequenceMatcher(a=lines_a, b=lines_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part = [t for line in lines_a[i1:i2] for t in line]
        new_part = [t for line in lines_b[j1:j2] for t in line]
        if op == "equal":
            out.append(escape("".join(old_part)))
        elif len(old_part) * len(new_part) <= WORD_DIFF_BUDGET:
            _diff_words(old_part, new_part, out, left)
        else:
            # Many paragraphs rewritten: compare them pairwise, in order.
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                old_line, new_line = list(lines_a[i1 + k]), list(lines_b[j1 + k])
                _diff_words(old_line, new_line, out, left)
            _changed(
                [t for line in lines_a[i1 + pairs : i2] for t in line],
                [t for line in lines_b[j1 + pairs : j2] for t in line],
                out,
            )


def _lines(tokens: list[str]) -> list[tuple[str, ...]]:
    """The tokens grouped into lines (each ends with the whitespace that holds its newline)."""
    lines: list[tuple[str, ...]] = []
    current: list[str] = []
    for token in tokens:
        current.append(token)
        if "\n" in token:
            lines.append(tuple(current))
            current = []
    if current:
        lines.append(tuple(current))
    return lines


def _changed(a: list[str], b: list[str], out: list[str]) -> None:
    if a:
        out.append(f"<del>{escape(''.join(a))}</del>")
    if b:
        out.append(f"<ins>{escape(''.join(b))}</ins>")


def _diff_words(a: list[str], b: list[str], out: list[str], left: list[int]) -> None:
    cost = len(a) * len(b)
    if cost > min(WORD_DIFF_BUDGET, left[0]):
        _changed(a, b, out)
        return
    left[0] -= cost
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        _changed(a[i1:i2] if op != "insert" else [], b[j1:j2] if op != "delete" else [], out)
