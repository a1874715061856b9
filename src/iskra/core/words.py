"""Small helpers for writing messages in plain English."""

from __future__ import annotations

import unicodedata

# Words starting with a vowel letter that sound like a consonant, and the reverse.
_SOUNDS_LIKE_CONSONANT = ("uni", "use", "usu", "eu", "one", "once")
_SOUNDS_LIKE_VOWEL = ("hour", "honest", "honour", "heir")


def article(word: str) -> str:
    """ "a" or "an" for ``word`` ("an applicant", "a district", "a union", "an hour")."""
    lower = word.strip().lower()
    if lower.startswith(_SOUNDS_LIKE_VOWEL):
        return "an"
    if lower.startswith(_SOUNDS_LIKE_CONSONANT):
        return "a"
    return "an" if lower[:1] in tuple("aeiou") else "a"


def with_article(word: str) -> str:
    """``word`` after its article: "an applicant"."""
    return f"{article(word)} {word}"


# Characters that show nothing: spaces and line breaks of every kind, control characters and
# format characters (zero-width space and joiners, direction marks, the byte-order mark).
_INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


def visible(text: str) -> str:
    """``text`` without surrounding whitespace, or "" when it shows nothing at all — so a required
    reason made only of zero-width or other invisible characters counts as empty."""
    text = text.strip()
    if all(unicodedata.category(ch) in _INVISIBLE for ch in text):
        return ""
    return text
