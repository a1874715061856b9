"""Applying amendments to a motion's text and showing the change as a readable diff."""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from iskra.core.errors import DomainError


class AmendmentFalls(DomainError):
    """The passage an amendment changes is not (or no longer) in the text exactly once."""


def apply_amendment(text: str, *, kind: str, passage: str, new_text: str) -> str:
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


_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def diff_html(old: str, new: str) -> SafeString:
    """Word-level diff: deletions in <del>, insertions in <ins>, everything escaped."""
    a = _TOKENS.findall(old)
    b = _TOKENS.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in {"delete", "replace"}:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in {"insert", "replace"}:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped.
