"""What a person types, made safe for the full-text engines, and the snippet shown for a hit.

The text never reaches FTS5's query language or PostgreSQL's ``tsquery`` as typed: it is cut
into words (letters and digits only), each word is quoted for the engine, and the words are
joined by AND. Operators (``NEAR``, ``OR``, ``-``, ``:``, ``*``, quotes, brackets) are thus
words or nothing. The last word matches as a prefix, so results come while a word is typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_LENGTH = 200
# More words than this narrow nothing a person would notice and only slow the engine down.
MAX_TERMS = 8
# A single letter as a prefix matches most of the index: it is matched as a whole word.
MIN_PREFIX = 2
_WORD = re.compile(r"[^\W_]+")


class QueryError(ValueError):
    """The text cannot be searched for (too long, or holding a NUL)."""


@dataclass(frozen=True)
class Terms:
    """The words of a search, lower-cased; the last one may be matched as a prefix."""

    words: tuple[str, ...]
    prefix: bool

    def __bool__(self) -> bool:
        return bool(self.words)

    def fts5(self, kind: str = "") -> str:
        """An FTS5 query: each word a quoted string (``"near"``), the last one ``"wor"*``, looked
        for in the title and the text only; with ``kind``, in entries of that kind only
        (``kind : "motion" AND {title text} : ("near" AND "wor"*)``). Kinds are the search's
        own constants, never typed."""
        parts = [f'"{w}"' for w in self.words]
        if self.prefix:
            parts[-1] += "*"
        words = "{title text} : (" + " AND ".join(parts) + ")"
        return f'kind : "{kind}" AND {words}' if kind else words

    def tsquery(self) -> str:
        """A ``tsquery`` for ``to_tsquery('simple', …)``: quoted lexemes joined by ``&``, the
        last one ``'wor':*``. The words hold only letters and digits, so no quote can end a
        lexeme early."""
        parts = [f"'{w}'" for w in self.words]
        if self.prefix:
            parts[-1] += ":*"
        return " & ".join(parts)


def parse(text: str) -> Terms:
    """The words to look for in ``text``; refuses what no search box should send."""
    if "\x00" in text:
        raise QueryError("The search must not contain the NUL character.")
    if len(text) > MAX_LENGTH:
        raise QueryError(f"Search for at most {MAX_LENGTH} characters.")
    normalised = unicodedata.normalize("NFC", text).lower()
    words = tuple(dict.fromkeys(_WORD.findall(normalised)))[:MAX_TERMS]
    # A word still being typed (no space after it) is matched as a prefix.
    prefix = bool(words) and not text[-1:].isspace() and len(words[-1]) >= MIN_PREFIX
    return Terms(words=words, prefix=prefix)


SNIPPET_CHARS = 160


def snippet(text: str, terms: Terms, length: int = SNIPPET_CHARS) -> SafeString:
    """About ``length`` characters of ``text`` around the first word searched for, escaped,
    with the words found marked. The text is member-written: every character of it is escaped
    before the ``<mark>`` elements are put in."""
    flat = " ".join(text.split())
    if not terms:
        return mark_safe(escape(_cut(flat, 0, length)))  # noqa: S308 - escaped just here
    pattern = _pattern(terms)
    first = pattern.search(flat)
    start = max(0, first.start() - length // 4) if first else 0
    piece = _cut(flat, start, length)
    out: list[str] = []
    position = 0
    for match in pattern.finditer(piece):
        out.append(escape(piece[position : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    out.append(escape(piece[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above


def _pattern(terms: Terms) -> re.Pattern[str]:
    words = [re.escape(w) for w in terms.words]
    # Whole words, except the last one when it is a prefix.
    alternatives = [rf"(?<![^\W_]){w}(?![^\W_])" for w in words]
    if terms.prefix:
        alternatives[-1] = rf"(?<![^\W_]){words[-1]}[^\W_]*"
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _cut(text: str, start: int, length: int) -> str:
    """``length`` characters from ``start``, widened to whole words, with ellipses."""
    if len(text) <= length:
        return text
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("… " if start > 0 else "") + text[start:end] + (" …" if end < len(text) else "")
