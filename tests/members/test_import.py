"""``iskra import members``: header detection, line-numbered errors, all-or-nothing, idempotence."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iskra.accounts.models import User
from iskra.audit.models import AuditEntry
from iskra.members import importing
from iskra.members.models import Membership, MembershipEvent, Status
from tests.conftest import World

DATA = Path(__file__).resolve().parent.parent / "data" / "import"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", "members", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str, name: str = "members.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return str(path)


# -- Pure functions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["Email", "First Name", "Last Name", "Mobile", "Zip", "Branch"],
            {
                "email": 0,
                "first_name": 1,
                "last_name": 2,
                "phone": 3,
                "postcode": 4,
                "unit": 5,
            },
        ),
        (
            ["E-mail", "Given name", "Surname", "Telephone", "Post code", "Chapter"],
            {
                "email": 0,
                "first_name": 1,
                "last_name": 2,
                "phone": 3,
                "postcode": 4,
                "unit": 5,
            },
        ),
        (
            ["email_address", "first_name", "family_name", "Membership number", "Start date"],
            {"email": 0, "first_name": 1, "last_name": 2, "number": 3, "joined": 4},
        ),
        (
            ["Email Address", "Full name", "Employer", "Job title", "Email opt-in", "Unit"],
            {
                "email": 0,
                "full_name": 1,
                "employer": 2,
                "job_title": 3,
                "consent_email": 4,
                "unit": 5,
            },
        ),
        (
            ["ID", "Name", "EMAIL", "Address 1", "Address 2", "Address 3", "Status", "Joined"],
            {
                "number": 0,
                "full_name": 1,
                "email": 2,
                "address1": 3,
                "address2": 4,
                "address3": 5,
                "status": 6,
                "joined": 7,
            },
        ),
    ],
)
def test_headers_from_common_crm_exports_are_recognised(
    header: list[str], expected: dict[str, int]
) -> None:
    assert importing.detect_columns(header) == expected


def test_map_overrides_detection_and_reassigns_the_column() -> None:
    header = ["E-Mail Address", "Member Name", "Email"]
    overrides = importing.parse_overrides(["email=E-Mail Address", "full_name=Member Name"])
    assert importing.detect_columns(header, overrides) == {"email": 0, "full_name": 1}


def test_bad_map_and_missing_email_column_are_file_errors() -> None:
    with pytest.raises(importing.ImportFileError, match="FIELD=COLUMN"):
        importing.parse_overrides(["email"])
    with pytest.raises(importing.ImportFileError, match="unknown field"):
        importing.parse_overrides(["shoe_size=Shoes"])
    with pytest.raises(importing.ImportFileError, match="no column 'Mail'"):
        importing.detect_columns(["Email"], {"email": "Mail"})
    with pytest.raises(importing.ImportFileError, match="no email column"):
        importing.detect_columns(["Name", "Phone"])


def test_rows_are_numbered_by_the_line_they_start_on() -> None:
    text = 'Email,Name\r\na@example.net,"Multi\r\nline"\r\n\r\nbob@,Bob\r\n'
    _, rows, errors, count = importing.parse(text)
    assert [row.line for row in rows] == [2]
    assert count == 2
    assert errors == [importing.RowError(5, "invalid email 'bob@'")]


def test_values_are_normalised() -> None:
    text = (
        "Email,First name,Surname,Zip,Status,Joined,Email opt-in,SMS opt-in,Shoe size\n"
        "  Ann@Example.NET ,Ann , Lee,ab1 2cd,In arrears,31/01/2020,Y,no,5\n"
    )
    _, rows, errors, _ = importing.parse(text)
    assert errors == []
    (row,) = rows
    assert row.email == "ann@example.net"
    assert row.profile == {
        "full_name": "Ann Lee",
        "postcode": "AB1 2CD",
        "consent_email": True,
        "consent_sms": False,
    }
    assert row.status == Status.LAPSED
    assert str(row.joined) == "2020-01-31"
    assert row.extra == {"Shoe size": "5"}


def test_a_row_reports_every_problem() -> None:
    text = "Email,Name,Status,Joined,Email opt-in\nx,Ann,wizard,someday,perhaps\n"
    _, _, errors, _ = importing.parse(text)
    assert [e.format("f.csv") for e in errors] == [
        "f.csv:2: invalid email 'x'",
        "f.csv:2: 'Email opt-in' should be yes or no, not 'perhaps'",
        "f.csv:2: unknown status 'wizard'",
        "f.csv:2: unreadable date 'someday' (use YYYY-MM-DD or DD/MM/YYYY)",
    ]


def test_undecodable_bytes_name_the_line() -> None:
    with pytest.raises(importing.ImportFileError, match="line 2 is not valid utf-8"):
        importing.decode(b"Email\n\xff@example.net\n")
    assert importing.decode(b"Email\n\xe9@example.net\n", "cp1252") == "Email\né@example.net\n"


# -- The command ---------------------------------------------------------------------------


def test_import_creates_people_memberships_events_and_one_audit_entry(world: World) -> None:
    audit_before = AuditEntry.objects.count()
    out, err = run(str(DATA / "crm_nationbuilder.csv"))
    assert err == ""
    assert "3 rows: 3 created, 0 updated, 0 unchanged" in out
    ana = User.objects.get(email="ana@example.net")
    assert ana.full_name == "Ana Lima"
    assert ana.postcode == "AB1 2CD"
    assert ana.address == "1 High St\nFlat 2"
    assert ana.employer == "City Council"
    assert ana.pronouns == "she/her"
    assert ana.consent_email is True
    assert ana.extra == {"Shift pattern": "nights"}
    assert not ana.has_usable_password()
    assert ana.membership.unit == world.branch_a
    assert ana.membership.status == Status.MEMBER
    assert ana.membership.number == "N-001"
    assert str(ana.membership.admitted_on) == "2023-04-01"
    ben = Membership.objects.get(user__email="ben@example.net")
    assert (ben.unit, ben.status) == (world.branch_b, Status.LAPSED)
    cara = Membership.objects.get(user__email="cara@example.net")
    assert cara.status == Status.CANDIDATE
    assert cara.unit == world.branch_a  # matched case-insensitively
    assert cara.probation_ends_on is not None
    assert cara.number == f"M{cara.pk:07d}"
    event = MembershipEvent.objects.get(membership=cara)
    assert event.reason == f"Imported from {DATA / 'crm_nationbuilder.csv'}"
    entries = AuditEntry.objects.filter(action="members.import")
    assert entries.count() == 1
    assert AuditEntry.objects.count() == audit_before + 1
    assert entries.get().data["created"] == 3
    call_command("audit", "verify", stdout=StringIO())


def test_reimport_is_idempotent_and_updates_profiles(world: World, tmp_path: Path) -> None:
    path = str(DATA / "crm_nationbuilder.csv")
    run(path)
    people = User.objects.count()
    out, _ = run(path)
    assert "0 created, 0 updated, 3 unchanged" in out
    assert User.objects.count() == people
    changed = write(
        tmp_path,
        "Email,Name,Mobile,Branch,Status\n"
        "ana@example.net,,07700 999999,Branch B,lapsed\n"
        "mo@example.net,Mo New,,,\n",
    )
    out, _ = run(changed, "--unit", "Branch A")
    assert "1 created, 1 updated, 0 unchanged" in out
    assert "1 existing memberships differ" in out
    ana = User.objects.get(email="ana@example.net")
    assert ana.phone == "07700 999999"
    assert ana.full_name == "Ana Lima"  # an empty cell changes nothing
    # The membership keeps its branch and status: those change through transfers and decisions.
    assert (ana.membership.unit, ana.membership.status) == (world.branch_a, Status.MEMBER)
    assert MembershipEvent.objects.filter(membership=ana.membership).count() == 1


def test_existing_person_without_membership_gets_one(world: World, tmp_path: Path) -> None:
    path = write(tmp_path, "Email,Name\noutsider@example.org,Out Sider\n")
    out, _ = run(path, "--unit", str(world.branch_b.pk))
    assert "0 created, 0 updated, 1 unchanged; 1 memberships were created" in out
    assert Membership.objects.get(user=world.outsider).unit == world.branch_b


def test_any_invalid_row_blocks_the_whole_import(world: World) -> None:
    path = str(DATA / "invalid.csv")
    people = User.objects.count()
    with pytest.raises(CommandError, match="4 invalid row"):
        run(path)
    assert User.objects.count() == people
    assert not AuditEntry.objects.filter(action="members.import").exists()


def test_errors_are_reported_with_file_and_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(DATA / "invalid.csv")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "members", path, stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        f"{path}:3: invalid email 'bob@'",
        f"{path}:4: unknown branch 'Nowhere Branch'",
        f"{path}:5: unknown status 'wizard'",
        f"{path}:6: good@example.net appears twice (also on line 2)",
    ]


def test_skip_invalid_imports_the_valid_rows(world: World) -> None:
    out, err = run(str(DATA / "invalid.csv"), "--skip-invalid")
    assert "1 created" in out
    assert "4 invalid (skipped)" in out
    assert err.count("\n") == 4
    assert User.objects.filter(email="good@example.net").exists()
    assert not User.objects.filter(email="carl@example.net").exists()
    entry = AuditEntry.objects.get(action="members.import")
    assert entry.data["invalid"] == 4


def test_dry_run_writes_nothing(world: World) -> None:
    people, events = User.objects.count(), MembershipEvent.objects.count()
    out, _ = run(str(DATA / "crm_nationbuilder.csv"), "--dry-run")
    assert "3 created" in out
    assert "Dry run: nothing written." in out
    assert (User.objects.count(), MembershipEvent.objects.count()) == (people, events)
    assert not AuditEntry.objects.filter(action="members.import").exists()


def test_default_unit_for_rows_without_a_branch(world: World, tmp_path: Path) -> None:
    path = write(tmp_path, "Email,Name,Branch\nnew@example.net,New Person,\n")
    with pytest.raises(CommandError, match="1 invalid row"):
        run(path)
    run(path, "--unit", "branch b")
    assert Membership.objects.get(user__email="new@example.net").unit == world.branch_b


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("Atlantis", "unknown unit 'Atlantis'"),
        ("999999", "unknown unit '999999'"),
        ("North District", "'North District' is a district; members belong"),
    ],
)
def test_unknown_or_unsuitable_unit_is_refused(world: World, unit: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(str(DATA / "crm_nationbuilder.csv"), "--unit", unit)


def test_bom_semicolons_and_windows_line_endings(world: World) -> None:
    out, _ = run(str(DATA / "bom.csv"))
    assert "1 created" in out
    assert User.objects.get(email="fay@example.net").full_name == "Fay Fox"
    out, _ = run(str(DATA / "semicolon_crlf.csv"))
    assert "2 created" in out
    dan = User.objects.get(email="dan@example.net")
    assert (dan.full_name, dan.phone, dan.postcode, dan.workplace) == (
        "Dan Dare",
        "0123",
        "ZZ1 1ZZ",
        "Depot",
    )


def test_member_number_of_someone_else_is_an_error(world: World, tmp_path: Path) -> None:
    taken = Membership.objects.get(user=world.member).number
    assert taken
    path = write(tmp_path, f"Email,Name,Member number\nx@example.net,X Y,{taken}\n")
    _, err = run(path, "--unit", "Branch A", "--skip-invalid")
    assert f"member number {taken!r} belongs to someone else" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/members.csv"], "/nonexistent/members.csv: no such file"),
        ([str(DATA / "no_email.csv")], "no email column found"),
        ([str(DATA / "bom.csv"), "--map", "email"], "FIELD=COLUMN"),
    ],
)
def test_file_level_problems_are_command_errors(
    world: World, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_unreadable_encoding_is_a_command_error(world: World, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("Email,Name\nz@example.net,Zoë\n".encode("cp1252"))
    with pytest.raises(CommandError, match="line 2 is not valid utf-8"):
        run(str(path))
    run(str(path), "--encoding", "cp1252", "--unit", "Branch A")
    assert User.objects.get(email="z@example.net").full_name == "Zoë"


@pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv")
def test_cli_prints_one_line_and_exits_non_zero(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ISKRA_ENV": "development",
        "DEBUG": "0",
        "ISKRA_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "iskra.cli"]
    subprocess.run([*command, "migrate", "-v0"], env=env, check=True, timeout=120)
    result = subprocess.run(
        [*command, "import", "members", str(tmp_path / "missing.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {tmp_path / 'missing.csv'}: no such file"
    ]
