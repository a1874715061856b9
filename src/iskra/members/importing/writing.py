"""Writing the valid rows in batches: branches found by name, people and memberships created or updated."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.words import with_article
from iskra.members.importing.reading import BATCH_SIZE, ImportFileError, Progress, ProgressFactory
from iskra.members.importing.validating import ImportReport, PersonRow, RowError, parse
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.members.signals import people_imported
from iskra.organisation.models import Organisation, Unit

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
            f"{unit.name!r} is {with_article(unit.kind.name.lower())}; members belong to units of a kind "
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


def _write(plan: _Plan, *, actor: User | None, source: str, progress: Progress | None) -> list[int]:
    """Write the plan; returns the ids of every person created or changed."""
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
    return [m.user_id for m in memberships] + [user.pk for user in plan.changed]


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
            written = _write(plan, actor=actor, source=source, progress=bar)
            # bulk_create sends no post_save: say who was written, for the search index.
            people_imported.send(sender=Membership, user_ids=written)
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
