"""Validating each row into a person, with the errors named by row and column; the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from iskra.accounts.models import User
from iskra.members.importing.reading import (
    DATE_FORMATS,
    FALSE_WORDS,
    STATUS_WORDS,
    TRUE_WORDS,
    detect_columns,
    iter_rows,
)
from iskra.members.models import Status


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def format(self, source: str) -> str:
        return f"{source}:{self.line}: {self.message}"


@dataclass
class PersonRow:
    """One valid row: who the person is and what the file says about them."""

    line: int
    email: str
    profile: dict[str, Any]
    unit_name: str = ""
    status: str = Status.MEMBER
    status_given: bool = False
    number: str = ""
    joined: date | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    memberships_created: int = 0
    # Existing members whose file row names another branch or status: left as they are.
    memberships_kept: int = 0
    errors: list[RowError] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    written: bool = False

    @property
    def invalid(self) -> int:
        return len({error.line for error in self.errors})

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "memberships_created": self.memberships_created,
            "memberships_kept": self.memberships_kept,
        }


# -- Validating rows -----------------------------------------------------------------------


def _max_length(name: str) -> int | None:
    return getattr(User._meta.get_field(name), "max_length", None)


def parse_bool(value: str) -> bool | None:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_date(value: str) -> date | None:
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text[:10], fmt).date()  # noqa: DTZ007 - a calendar date.
        except ValueError:
            continue
    return None


def validate_row(
    line: int, cells: Sequence[str], header: Sequence[str], mapping: dict[str, int]
) -> PersonRow | list[RowError]:
    """Turn one row into a PersonRow, or say everything that is wrong with it."""

    def cell(name: str) -> str:
        index = mapping.get(name)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()

    errors: list[str] = []
    email = cell("email").lower()
    if not email:
        errors.append("no email address")
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"invalid email {cell('email')!r}")

    full_name = cell("full_name") or " ".join(
        part for part in (cell("first_name"), cell("last_name")) if part
    )
    profile: dict[str, Any] = {"full_name": " ".join(full_name.split())}
    for name in ("pronouns", "phone", "postcode", "workplace", "employer", "job_title", "union"):
        profile[name] = cell(name)
    if profile["postcode"]:
        profile["postcode"] = profile["postcode"].upper()
    profile["address"] = "\n".join(
        part for part in (cell("address1"), cell("address2"), cell("address3")) if part
    )
    for name, value in profile.items():
        limit = _max_length(name)
        if limit is not None and len(value) > limit:
            errors.append(f"{name.replace('_', ' ')} is longer than {limit} characters")
    for name in ("consent_email", "consent_phone", "consent_sms", "consent_post"):
        raw = cell(name)
        if not raw:
            continue
        parsed = parse_bool(raw)
        if parsed is None:
            errors.append(f"{header[mapping[name]]!r} should be yes or no, not {raw!r}")
        else:
            profile[name] = parsed

    status = Status.MEMBER
    raw_status = cell("status")
    if raw_status:
        found = STATUS_WORDS.get(" ".join(raw_status.lower().replace("_", " ").split()))
        if found is None:
            errors.append(f"unknown status {raw_status!r}")
        else:
            status = Status(found)
    joined = None
    if cell("joined"):
        joined = parse_date(cell("joined"))
        if joined is None:
            errors.append(f"unreadable date {cell('joined')!r} (use YYYY-MM-DD or DD/MM/YYYY)")
    number = cell("number")
    if len(number) > 32:
        errors.append("member number is longer than 32 characters")
    if errors:
        return [RowError(line, message) for message in errors]

    used = set(mapping.values())
    extra = {
        header[i].strip(): value.strip()
        for i, value in enumerate(cells)
        if i < len(header) and i not in used and value.strip() and header[i].strip()
    }
    # Fields left empty in the file say nothing; they are not written.
    profile = {k: v for k, v in profile.items() if v != ""}
    return PersonRow(
        line=line,
        email=email,
        profile=profile,
        unit_name=cell("unit"),
        status=status,
        status_given=bool(raw_status),
        number=number,
        joined=joined,
        extra=extra,
    )


def parse(
    text: str, overrides: dict[str, str] | None = None
) -> tuple[dict[str, str], list[PersonRow], list[RowError], int]:
    """Read and validate every row: (mapping as field → header, rows, errors, row count)."""
    header, rows = iter_rows(text)
    mapping = detect_columns(header, overrides)
    valid: list[PersonRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    count = 0
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue  # Blank lines (often at the end of an export) are not rows.
        count += 1
        result = validate_row(line, cells, header, mapping)
        if isinstance(result, list):
            errors.extend(result)
            continue
        if result.email in seen:
            errors.append(
                RowError(line, f"{result.email} appears twice (also on line {seen[result.email]})")
            )
            continue
        if result.number and result.number in seen_numbers:
            errors.append(
                RowError(
                    line,
                    f"member number {result.number!r} appears twice "
                    f"(also on line {seen_numbers[result.number]})",
                )
            )
            continue
        seen[result.email] = line
        if result.number:
            seen_numbers[result.number] = line
        valid.append(result)
    return {name: header[i] for name, i in mapping.items()}, valid, errors, count
