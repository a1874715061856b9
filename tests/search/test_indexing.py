"""The index follows the source tables; ``iskra search reindex`` rebuilds it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from iskra.meetings.models import Meeting
from iskra.search.models import Entry, Kind
from iskra.search.selectors import search
from tests.conftest import fresh
from tests.search.conftest import Library

pytestmark = pytest.mark.django_db


def _titles(library: Library, text: str, kind: str = "") -> set[str]:
    return {h.title for h in search(fresh(library.world.officer), text=text, kind=kind).hits}


def test_edits_and_deletions_reach_the_index(library: Library) -> None:
    motion = library.motion
    motion.title = "Defend the swimming baths"
    motion.save(update_fields=["title"])
    assert _titles(library, "swimming") == {"Defend the swimming baths"}
    assert "Defend Riverside Library" not in _titles(library, "riverside")
    library.post.delete()
    assert search(fresh(library.world.member), text="opening hours").total == 0


def test_minutes_are_found_once_the_meeting_has_closed(library: Library) -> None:
    meeting = library.meeting_a
    meeting.minutes = "Agreed to leaflet the estate."
    meeting.save(update_fields=["minutes"])
    assert _titles(library, "leaflet") == set()
    meeting.status = Meeting.Status.CLOSED
    meeting.save(update_fields=["status"])
    assert _titles(library, "leaflet") == {"Branch A library meeting"}


def test_a_renamed_person_is_found_by_the_new_name(
    library: Library, django_capture_on_commit_callbacks: Any
) -> None:
    member = library.world.member
    with django_capture_on_commit_callbacks(execute=True):
        member.full_name = "Morgan Member"
        member.save()
    assert _titles(library, "morgan", Kind.MEMBER) == {"Morgan Member"}


def test_an_erasure_leaves_no_word_of_the_persons_posts(
    library: Library, django_capture_on_commit_callbacks: Any
) -> None:
    from iskra.members.models import Membership, Status
    from iskra.privacy.services import erase_former_member

    world = library.world
    assert search(fresh(world.officer), text="opening hours", kind=Kind.POST).total == 1
    Membership.objects.filter(user=world.member).update(status=Status.LAPSED)
    with django_capture_on_commit_callbacks(execute=True):
        erase_former_member(
            actor=fresh(world.admin), user=fresh(world.member), reason="request of 1 Dec"
        )
    assert search(fresh(world.officer), text="opening hours").total == 0
    assert search(fresh(world.officer), text="mo member", kind=Kind.MEMBER).total == 0


def test_reindex_rebuilds_the_index_from_the_source_tables(library: Library, capsys: Any) -> None:
    before = set(Entry.objects.values_list("kind", "object_id", "title", "text"))
    Entry.objects.all().delete()
    assert search(fresh(library.world.member), text="library").total == 0
    call_command("search", "reindex")
    assert "search index rebuilt" in capsys.readouterr().out
    assert set(Entry.objects.values_list("kind", "object_id", "title", "text")) == before
    assert search(fresh(library.world.member), text="library").total == 7
    call_command("search", "reindex", "--kind", "post")
    assert Entry.objects.count() == len(before)


def test_the_engine_index_is_in_place() -> None:
    """A later migration that rebuilds ``search_entry`` on SQLite would drop its triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'search_entry'"
            )
            assert {r[0] for r in cursor.fetchall()} == {
                "search_entry_fts_insert",
                "search_entry_fts_delete",
                "search_entry_fts_update",
            }
        else:
            # One GIN index per kind (every search asks one kind), with no pending list.
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_entry' "
                "AND indexdef LIKE '%%gin (document)%%'"
            )
            found = dict(cursor.fetchall())
            for kind in Kind.values:
                definition = found.pop(f"search_entry_{kind}_document_idx")
                assert f"WHERE ((kind)::text = '{kind}'::text)" in definition
                assert "fastupdate=off" in definition
            assert found == {}


def test_bulk_written_entries_are_searchable() -> None:
    # The engine's own index follows search_entry by trigger (SQLite) or generated column
    # (PostgreSQL), so entries written in bulk, as the reindex writes them, are found at once.
    Entry.objects.bulk_create(
        [Entry(kind=Kind.DECISION, object_id=n, title=f"Bulk {n}", text="quarry") for n in range(3)]
    )
    from iskra.search.engines import matching
    from iskra.search.query import parse

    assert matching(Entry.objects.all(), parse("quarry")).count() == 3
    Entry.objects.filter(object_id=0).update(text="gravel")
    assert matching(Entry.objects.all(), parse("quarry")).count() == 2
    assert matching(Entry.objects.all(), parse("gravel")).count() == 1
    _ = timezone.now()


def test_the_demo_is_searchable_once_seeded() -> None:
    from iskra.decisions.models import Decision
    from iskra.demo.seed import seed_demo
    from iskra.members.models import Membership
    from iskra.motions.models import Motion, Post

    seed_demo()
    for kind, model in (
        (Kind.MOTION, Motion),
        (Kind.POST, Post),
        (Kind.MEETING, Meeting),
        (Kind.DECISION, Decision),
        (Kind.MEMBER, Membership),
    ):
        indexed = set(Entry.objects.filter(kind=kind).values_list("object_id", flat=True))
        assert indexed == set(model.objects.values_list("pk", flat=True)), kind


def test_imported_people_are_found_once_the_import_commits(
    library: Library, django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    """A bulk import writes with bulk_create (no post_save); its people still reach the index,
    and a renamed person is found by the new name."""
    from io import StringIO

    from iskra.accounts.models import User

    csv = tmp_path / "people.csv"
    csv.write_text(
        "Email,Name,Branch\n"
        "zofia@example.net,Zofia Quillfeather,Branch A\n"
        f"{library.world.member.email},Mo Thistlewood,Branch A\n"
    )
    officer = fresh(library.world.officer)
    assert _titles(library, "quillfeather", Kind.MEMBER) == set()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import", "members", str(csv), stdout=StringIO(), stderr=StringIO())
    assert User.objects.filter(email="zofia@example.net").exists()
    assert {h.title for h in search(officer, text="quillfeather", kind=Kind.MEMBER).hits} == {
        "Zofia Quillfeather"
    }
    assert {h.title for h in search(officer, text="thistlewood", kind=Kind.MEMBER).hits} == {
        "Mo Thistlewood"
    }


def test_the_kind_is_not_a_word_of_the_entry() -> None:
    """SQLite's FTS table holds the kind as a column (so one kind is searched at a time), but the
    words typed are looked for in the title and the text only: "post" finds no post for being
    one."""
    from iskra.search.engines import matching, newest_ranked
    from iskra.search.query import parse

    Entry.objects.create(kind=Kind.POST, object_id=1, title="", text="Quiet words")
    Entry.objects.create(kind=Kind.MOTION, object_id=1, title="Post office", text="Quiet")
    assert list(matching(Entry.objects.all(), parse("post")).values_list("kind", flat=True)) == [
        Kind.MOTION
    ]
    posts = Entry.objects.filter(kind=Kind.POST)
    assert len(newest_ranked(posts, parse("quiet"), 10, kind=Kind.POST)) == 1
    assert newest_ranked(posts, parse("post"), 10, kind=Kind.POST) == []
