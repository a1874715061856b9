"""Reading the file: its encoding, rows, and which column holds what (aliases, overrides)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from iskra.core.errors import DomainError
from iskra.members.models import Status

BATCH_SIZE = 1000


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (missing, unreadable, no email column…)."""


def _aliases(text: str) -> tuple[str, ...]:
    return tuple(alias.strip() for alias in text.split("|"))


# The fields an import can fill, and the header names CRMs commonly give them. Headers are
# compared after lower-casing and dropping everything but letters and digits, so "E-mail",
# "email_address" and "Email Address" all match.
ALIASES: dict[str, tuple[str, ...]] = {
    "email": _aliases(
        "email | e-mail | email address | e-mail address | primary email | email 1 | personal email | mail"
    ),
    "first_name": _aliases("first name | given name | forename | first | firstname"),
    "last_name": _aliases("last name | surname | family name | last | lastname"),
    "full_name": _aliases("name | full name | member name | display name | contact name"),
    "pronouns": _aliases("pronouns | pronoun | preferred pronouns"),
    "phone": _aliases(
        "phone | mobile | telephone | phone number | mobile number | mobile phone | tel | cell | cell phone"
    ),
    "address1": _aliases("address | address 1 | address line 1 | street | street address"),
    "address2": _aliases("address 2 | address line 2"),
    "address3": _aliases("address 3 | address line 3 | town | city"),
    "postcode": _aliases("postcode | post code | zip | zip code | postal code"),
    "unit": _aliases("branch | unit | chapter | local | branch name"),
    "workplace": _aliases("workplace | work place | site | workplace name"),
    "employer": _aliases("employer | company | organisation | organization"),
    "job_title": _aliases("job title | job | occupation | position"),
    "union": _aliases("union | trade union"),
    "status": _aliases("status | membership status | member status"),
    "number": _aliases(
        "member number | membership number | member no | membership no | member id | membership id | id | number"
    ),
    "joined": _aliases("joined | join date | joined on | date joined | start date | member since"),
    "consent_email": _aliases(
        "email opt-in | email opt in | email consent | opt in email | emailable"
    ),
    "consent_phone": _aliases("phone opt-in | phone opt in | phone consent | callable"),
    "consent_sms": _aliases("sms opt-in | sms opt in | sms consent | text opt-in | text consent"),
    "consent_post": _aliases(
        "post opt-in | post opt in | mail opt-in | postal consent | post consent"
    ),
}
FIELDS = tuple(ALIASES)

# Values CRMs use for a member's standing, mapped to ours. An empty cell means "member".
STATUS_WORDS: dict[str, str] = {
    word: status
    for status, words in (
        (
            Status.MEMBER,
            "member | active | current | full | full member | good standing | in good standing",
        ),
        (Status.CANDIDATE, "candidate | candidate member | probation | probationary | provisional"),
        (Status.APPLICANT, "applicant | pending"),
        (Status.LAPSED, "lapsed | expired | inactive | arrears | in arrears"),
        (Status.SUSPENDED, "suspended"),
        (Status.EXPELLED, "expelled"),
        (Status.RESIGNED, "resigned | cancelled | canceled | left"),
    )
    for word in _aliases(words)
}
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x", "opted in", "opt-in", "subscribed"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "opted out", "opt-out", "unsubscribed"})
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%m/%d/%Y")


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


_ALIAS_INDEX: dict[str, str] = {
    _key(alias): name for name, aliases in ALIASES.items() for alias in aliases
}
for _name in FIELDS:
    _ALIAS_INDEX.setdefault(_key(_name), _name)


class Progress(Protocol):
    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[str, int], Progress]


# -- Reading the file ----------------------------------------------------------------------


def decode(raw: bytes, encoding: str = "utf-8") -> str:
    """The file's text; a UTF-8 byte-order mark (Excel's "CSV UTF-8") is dropped."""
    if encoding.lower().replace("_", "-") in {"utf-8", "utf8"}:
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"line {line} is not valid {encoding.removesuffix('-sig')} text; save the file as "
            "'CSV UTF-8', or name its encoding with --encoding (e.g. --encoding cp1252)"
        ) from None
    except LookupError:
        raise ImportFileError(f"unknown encoding {encoding!r}") from None


def read_file(path: str, encoding: str = "utf-8") -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read it ({exc.strerror})") from None
    return decode(raw, encoding)


def iter_rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and an iterator of (line number, cells); the header is line 1.

    A quoted cell may span several lines, so each row is numbered by the line it starts on.
    The delimiter (comma, semicolon, tab) is taken from the header line.
    """
    first_line = text.split("\n", 1)[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first_line, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty") from None
    except csv.Error as exc:
        raise ImportFileError(f"line 1: cannot read the header ({exc})") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(f"line {start}: cannot read this row ({exc})") from None
            yield start, cells
            start = reader.line_num + 1

    return header, rows()


# -- Mapping columns -----------------------------------------------------------------------


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    """``["email=E-Mail Address", "full_name=Member Name"]`` → ``{"email": "E-Mail Address", …}``."""
    overrides: dict[str, str] = {}
    for item in items:
        name, sep, header = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ImportFileError(f"--map {item!r}: write it as FIELD=COLUMN, e.g. email=E-Mail")
        if name not in FIELDS:
            raise ImportFileError(
                f"--map {item!r}: unknown field {name!r}; fields are {', '.join(FIELDS)}"
            )
        overrides[name] = header.strip()
    return overrides


def detect_columns(
    header: Sequence[str], overrides: dict[str, str] | None = None
) -> dict[str, int]:
    """Which column index holds each field. Explicit overrides win; an empty one ignores it."""
    mapping: dict[str, int] = {}
    for index, name in enumerate(header):
        found = _ALIAS_INDEX.get(_key(name))
        if found is not None and found not in mapping:
            mapping[found] = index
    for name, column in (overrides or {}).items():
        mapping.pop(name, None)
        if not column:
            continue
        matches = [i for i, h in enumerate(header) if h.strip() == column]
        matches = matches or [i for i, h in enumerate(header) if _key(h) == _key(column)]
        if not matches:
            raise ImportFileError(f"--map {name}={column}: the file has no column {column!r}")
        # A column mapped explicitly is no longer auto-assigned to another field.
        for other, index in list(mapping.items()):
            if index == matches[0]:
                del mapping[other]
        mapping[name] = matches[0]
    if "email" not in mapping:
        raise ImportFileError(
            "no email column found (looked for a header such as 'Email' or 'E-mail address'); "
            "name it with --map email=COLUMN"
        )
    return mapping
