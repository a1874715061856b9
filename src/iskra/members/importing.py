"""Importing members from a CRM's CSV export.

The pure functions here read the file, guess which column holds what from its header, and turn
each row into a validated ``PersonRow`` or a line-numbered ``RowError``. ``import_members`` is
the one service: it checks the rows against the database and, when asked to and when nothing
blocks it, writes them in batches inside one transaction with a single audit entry.

Re-importing is safe: people are matched on email; their profile fields are updated from the
non-empty cells of the file (an empty cell never clears what is known), and people who already
have a membership keep its branch and status (changes of status go through ``change_status``
so that they carry a reason and a history).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.organisation.models import Organisation, Unit

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


# -- Units ---------------------------------------------------------------------------------


def find_branch(value: str) -> Unit:
    """A unit that holds members, by id or by name (case-insensitive), for ``--unit``."""
    text = value.strip()
    units = Unit.objects.select_related("kind")
    unit = units.filter(pk=int(text)).first() if text.isdigit() else None
    if unit is None:
        matches = list(units.filter(name__iexact=text)[:3])
        if len(matches) > 1:
            members = [u for u in matches if u.kind.holds_members]
            if len(members) != 1:
                raise ImportFileError(f"--unit {text!r} names more than one unit; give its id")
            matches = members
        unit = matches[0] if matches else None
    if unit is None:
        raise ImportFileError(f"unknown unit {text!r}")
    if not unit.kind.holds_members:
        raise ImportFileError(
            f"{unit.name!r} is a {unit.kind.name.lower()}; members belong to units of a kind "
            "that holds members (branches)"
        )
    return unit


def _branches_by_name() -> dict[str, list[Unit]]:
    branches: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(kind__holds_members=True).only("pk", "name", "path"):
        branches.setdefault(unit.name.strip().lower(), []).append(unit)
    return branches


# -- The service ---------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = BATCH_SIZE) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Plan:
    new: list[tuple[PersonRow, Unit]] = field(default_factory=list)
    changed: list[User] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    # Existing people without a membership yet.
    join: list[tuple[PersonRow, User, Unit]] = field(default_factory=list)


def _plan(
    rows: list[PersonRow],
    default_unit: Unit | None,
    report: ImportReport,
    progress: Progress | None,
) -> _Plan:
    plan = _Plan()
    branches = _branches_by_name()
    existing: dict[str, User] = {}
    for chunk in _chunks([row.email for row in rows]):
        for person in User.objects.filter(email__in=chunk).select_related("membership"):
            existing[person.email.lower()] = person
    numbers: dict[str, int] = {}
    for chunk in _chunks([row.number for row in rows if row.number]):
        for number, user_id in Membership.objects.filter(number__in=chunk).values_list(
            "number", "user_id"
        ):
            if number is not None:
                numbers[number] = user_id
    for row in rows:
        if progress is not None:
            progress.update(1)
        user = existing.get(row.email)
        membership: Membership | None = getattr(user, "membership", None) if user else None
        unit: Unit | None = None
        if row.unit_name:
            candidates = branches.get(row.unit_name.lower(), [])
            if not candidates:
                report.errors.append(RowError(row.line, f"unknown branch {row.unit_name!r}"))
                continue
            if len(candidates) > 1:
                report.errors.append(
                    RowError(row.line, f"more than one branch is called {row.unit_name!r}")
                )
                continue
            unit = candidates[0]
        unit = unit or default_unit
        if membership is None and unit is None:
            report.errors.append(
                RowError(row.line, "no branch given (add a Branch column or pass --unit)")
            )
            continue
        owner = numbers.get(row.number) if row.number else None
        if owner is not None and (user is None or owner != user.pk):
            report.errors.append(
                RowError(row.line, f"member number {row.number!r} belongs to someone else")
            )
            continue
        if user is None:
            if not row.profile.get("full_name"):
                report.errors.append(RowError(row.line, "no name (a new person needs one)"))
                continue
            assert unit is not None
            plan.new.append((row, unit))
            continue
        changed = [k for k, v in row.profile.items() if getattr(user, k) != v]
        for name in changed:
            setattr(user, name, row.profile[name])
        merged = {**user.extra, **row.extra}
        if merged != user.extra:
            user.extra = merged
            changed.append("extra")
        if changed:
            plan.changed.append(user)
            plan.changed_fields.update(changed)
            report.updated += 1
        else:
            report.unchanged += 1
        if membership is None:
            assert unit is not None
            plan.join.append((row, user, unit))
        elif (unit is not None and membership.unit_id != unit.pk) or (
            row.status_given and row.status != membership.status
        ):
            report.memberships_kept += 1
    report.created = len(plan.new)
    report.memberships_created = len(plan.new) + len(plan.join)
    return plan


def _write(plan: _Plan, *, actor: User | None, source: str, progress: Progress | None) -> None:
    now = timezone.now()
    today = timezone.localdate()
    probation = timedelta(days=Organisation.current().probation_days)
    # Imported people sign in after an invitation or a password reset, never with a guess.
    unusable = make_password(None)
    users = [
        User(
            email=row.email,
            password=unusable,
            extra=row.extra,
            date_joined=now,
            **row.profile,
        )
        for row, _ in plan.new
    ]
    for chunk in _chunks(users):
        User.objects.bulk_create(chunk, batch_size=BATCH_SIZE)
        if progress is not None:
            progress.update(len(chunk))
    if plan.changed:
        fields = sorted(plan.changed_fields)
        for chunk in _chunks(plan.changed):
            User.objects.bulk_update(chunk, fields, batch_size=BATCH_SIZE)
            if progress is not None:
                progress.update(len(chunk))
    joining = [(row, user, unit) for (row, unit), user in zip(plan.new, users, strict=True)]
    joining += plan.join
    memberships: list[Membership] = []
    for row, user, unit in joining:
        joined = row.joined or today
        changed_at = timezone.make_aware(datetime.combine(joined, time(12)))
        admitted = row.status not in {Status.APPLICANT, Status.DECLINED}
        memberships.append(
            Membership(
                user=user,
                unit=unit,
                status=row.status,
                number=row.number or None,
                status_changed_at=min(changed_at, now),
                admitted_on=joined if admitted else None,
                probation_ends_on=joined + probation if row.status == Status.CANDIDATE else None,
            )
        )
    for chunk in _chunks(memberships):
        Membership.objects.bulk_create(chunk, batch_size=BATCH_SIZE)
    # Members without a number in the file get one in the house style, unless it is taken.
    unnumbered = [m for m in memberships if not m.number]
    for chunk in _chunks(unnumbered):
        wanted = {m.house_number: m for m in chunk}
        taken = set(
            Membership.objects.filter(number__in=list(wanted)).values_list("number", flat=True)
        )
        numbered = []
        for number, membership in wanted.items():
            if number not in taken:
                membership.number = number
                numbered.append(membership)
        Membership.objects.bulk_update(numbered, ["number"], batch_size=BATCH_SIZE)
    events = [
        MembershipEvent(
            membership=membership,
            from_status="",
            to_status=membership.status,
            at=now,
            decided_by=actor,
            reason=f"Imported from {source}",
        )
        for membership in memberships
    ]
    for chunk in _chunks(events):
        MembershipEvent.objects.bulk_create(chunk, batch_size=BATCH_SIZE)


def import_members(
    *,
    actor: User | None,
    text: str,
    source: str,
    default_unit: Unit | None = None,
    overrides: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: ProgressFactory | None = None,
) -> ImportReport:
    """Import the people in ``text`` (a CSV file's contents); ``source`` names it in records.

    Nothing is written when ``dry_run`` is set, nor when any row is invalid unless
    ``skip_invalid`` is set, in which case the valid rows are imported and the invalid ones
    reported.
    """
    mapping, rows, errors, count = parse(text, overrides)
    report = ImportReport(rows=count, errors=errors, mapping=mapping)
    bar = progress("checking", len(rows)) if progress is not None and rows else None
    try:
        plan = _plan(rows, default_unit, report, bar)
    finally:
        if bar is not None:
            bar.close()
    report.errors.sort(key=lambda error: error.line)
    if dry_run or (report.errors and not skip_invalid):
        return report
    total = len(plan.new) + len(plan.changed)
    bar = progress("writing", total) if progress is not None and total else None
    try:
        with transaction.atomic():
            _write(plan, actor=actor, source=source, progress=bar)
            record(
                actor=actor,
                action="members.import",
                unit=default_unit,
                data={"file": source, **report.counts()},
            )
    finally:
        if bar is not None:
            bar.close()
    report.written = True
    return report
