"""The search service: what each person finds, on either engine."""

from __future__ import annotations

import pytest
from django.utils import timezone

from iskra.motions.models import Motion, Post
from iskra.search.models import Kind
from iskra.search.query import QueryError
from iskra.search.selectors import PAGE_SIZE, PREVIEW_SIZE, search
from tests.conftest import fresh
from tests.search.conftest import Library

pytestmark = pytest.mark.django_db


def _found(results: object) -> set[tuple[str, int]]:
    return {(h.kind, h.id) for h in results.hits}  # type: ignore[attr-defined]


def test_a_member_finds_motions_posts_meetings_and_decisions(library: Library) -> None:
    results = search(fresh(library.world.member), text="library")
    assert results.counts == {
        Kind.MOTION: 3,
        Kind.DECISION: 2,
        Kind.MEETING: 1,
        Kind.POST: 1,
    }
    assert (Kind.MOTION, library.motion.pk) in _found(results)
    assert (Kind.POST, library.post.pk) in _found(results)
    assert (Kind.MEETING, library.meeting_a.pk) in _found(results)


def _ids(user: object, text: str, kind: str = "") -> set[tuple[str, int]]:
    return _found(search(user, text=text, kind=kind))


def test_a_hidden_post_is_never_found(library: Library) -> None:
    world = library.world
    for person in (world.member, world.officer, world.admin):
        assert search(fresh(person), text="zebra").total == 0


def test_another_branchs_meeting_never_appears(library: Library) -> None:
    world = library.world
    for person in (world.member, world.secretary):
        found = _ids(fresh(person), "library", kind=Kind.MEETING)
        assert found == {(Kind.MEETING, library.meeting_a.pk)}
    assert _ids(fresh(world.other_secretary), "library", kind=Kind.MEETING) == {
        (Kind.MEETING, library.meeting_b.pk)
    }
    assert _ids(fresh(world.officer), "library", kind=Kind.MEETING) == {
        (Kind.MEETING, library.meeting_a.pk),
        (Kind.MEETING, library.meeting_b.pk),
    }


def test_a_member_never_gets_member_results(library: Library) -> None:
    member = fresh(library.world.member)
    results = search(member, text="Mo Member")
    assert Kind.MEMBER not in results.counts
    assert search(member, text="Mo Member", kind=Kind.MEMBER).hits == []


def test_an_officer_finds_members_only_within_their_units(library: Library) -> None:
    world = library.world
    branch_a_secretary = fresh(world.secretary)
    assert [h.title for h in search(branch_a_secretary, text="mo member").hits] == ["Mo Member"]
    # Oscar is Branch B's: not Branch A's secretary's to find.
    assert search(branch_a_secretary, text="oscar", kind=Kind.MEMBER).hits == []
    national = search(fresh(world.officer), text="oscar", kind=Kind.MEMBER)
    assert [h.title for h in national.hits] == ["Oscar Other"]
    # The snippet is the directory's: standing and number, no contact details.
    assert "@" not in national.hits[0].snippet
    assert "Member" in national.hits[0].snippet


def test_visitors_and_outsiders_find_only_public_decisions(library: Library) -> None:
    from django.contrib.auth.models import AnonymousUser

    public = {(Kind.DECISION, library.public_decision.pk)}
    assert _ids(AnonymousUser(), "library") == public
    assert search(AnonymousUser(), text="library").kinds == [Kind.DECISION]
    assert _ids(fresh(library.world.outsider), "library") == public


def test_the_last_word_matches_as_a_prefix_and_words_are_all_required(library: Library) -> None:
    member = fresh(library.world.member)
    assert (Kind.MOTION, library.motion.pk) in _ids(member, "riversi")
    # Followed by a space, the word is whole.
    assert _ids(member, "riversi ") == set()
    assert _ids(member, "library picket") == {(Kind.MEETING, library.meeting_a.pk)}


@pytest.mark.parametrize(
    "text",
    [
        '"library',
        "library*",
        "*",
        "NEAR(library picket)",
        "library NEAR picket",
        "library -picket",
        "title:library",
        "library:*",
        "library & picket | !x",
        "'library'",
        "(library",
        "library OR zebra",
        "NOT library",
        "^library",
        "\\library",
        "li'brary",
        "🎉 library 🎉",
        "ÀÉÎ õü ß ﬁ",
        "日本語",
        "\u202elibrary",
        "a",
        " ",
    ],
)
def test_what_people_type_never_reaches_the_engines_raw(library: Library, text: str) -> None:
    results = search(fresh(library.world.member), text=text)
    for hit in results.hits:
        assert hit.url.startswith("/")


def test_operator_words_are_plain_words(library: Library) -> None:
    member = fresh(library.world.member)
    # "NEAR", "OR" and "NOT" are operators in FTS5; here they are words like any other.
    assert _ids(member, "library NEAR picket") == set()
    assert _ids(member, "library picket -") == {(Kind.MEETING, library.meeting_a.pk)}
    near = Motion.objects.create(
        body=library.world.national_committee,
        title="Meet near the library",
        text="Or not at all.",
        created_by=library.world.member,
        created_at=timezone.now(),
    )
    assert _ids(member, "library NEAR") == {(Kind.MOTION, near.pk)}
    assert _ids(member, "NOT OR") == {(Kind.MOTION, near.pk)}


def test_unicode_words_and_emoji(library: Library) -> None:
    member = fresh(library.world.member)
    motion = Motion.objects.create(
        body=library.world.national_committee,
        title="Żółta biblioteka 🎉",
        text="Jaźń gęślą.",
        created_by=library.world.member,
        created_at=timezone.now(),
    )
    assert _ids(member, "żółta") == {(Kind.MOTION, motion.pk)}
    assert _ids(member, "ŻÓŁ") == {(Kind.MOTION, motion.pk)}
    assert _ids(member, "gęślą") == {(Kind.MOTION, motion.pk)}
    # An emoji is no word: alone it searches for nothing.
    assert search(member, text="🎉").total == 0


def test_bad_text_is_refused(library: Library) -> None:
    member = fresh(library.world.member)
    with pytest.raises(QueryError):
        search(member, text="library\x00")
    with pytest.raises(QueryError):
        search(member, text="x" * 201)
    with pytest.raises(QueryError):
        search(member, text="library", kind="ballots")
    assert search(member, text="library " + "x" * 190).total == 0


def test_the_snippet_escapes_member_written_text(library: Library) -> None:
    post = Post.objects.create(
        motion=library.motion,
        author=library.world.member,
        text='<script>alert("library")</script> & <b>library</b> hours',
        created_at=timezone.now(),
    )
    hits = search(fresh(library.world.member), text="library hours", kind=Kind.POST).hits
    snippet = next(h.snippet for h in hits if h.id == post.pk)
    assert "<script>" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>library</mark>" in snippet
    assert "<mark>hours</mark>" in snippet


def test_results_of_one_kind_come_a_page_at_a_time(library: Library) -> None:
    for n in range(PAGE_SIZE + 5):
        Motion.objects.create(
            body=library.world.national_committee,
            title=f"Picket number {n}",
            text="Stand on the picket line.",
            created_by=library.world.member,
            created_at=timezone.now(),
        )
    member = fresh(library.world.member)
    first = search(member, text="picket", kind=Kind.MOTION)
    assert (first.counts[Kind.MOTION], first.pages, len(first.hits)) == (PAGE_SIZE + 5, 2, 20)
    second = search(member, text="picket", kind=Kind.MOTION, page=2)
    assert len(second.hits) == 5
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    # Past the last page is the last page.
    assert search(member, text="picket", kind=Kind.MOTION, page=99).page == 2
    # Every kind at once: the best few of each, and the counts.
    everything = search(member, text="picket")
    assert len([h for h in everything.hits if h.kind == Kind.MOTION]) == PREVIEW_SIZE


def test_title_words_rank_above_text_words(library: Library) -> None:
    in_text = Motion.objects.create(
        body=library.world.national_committee,
        title="Rota",
        text="A word about the hospital, among many other words about other things entirely.",
        created_by=library.world.member,
        created_at=timezone.now(),
    )
    in_title = Motion.objects.create(
        body=library.world.national_committee,
        title="Hospital",
        text="Save it.",
        created_by=library.world.member,
        created_at=timezone.now(),
    )
    hits = search(fresh(library.world.member), text="hospital", kind=Kind.MOTION).hits
    assert [h.id for h in hits] == [in_title.pk, in_text.pk]


def test_counting_and_ranking_are_bounded(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iskra.search import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    monkeypatch.setattr(selectors, "RANK_WINDOW", 2)
    monkeypatch.setattr(selectors, "PREVIEW_CAP", 1)
    member = fresh(library.world.member)
    results = search(member, text="library")
    # Three motions match: on the page of every kind the count stops past PREVIEW_CAP ...
    assert results.counts[Kind.MOTION] == 2 and results.more and results.cap == 1
    assert selectors.count_label(results.counts[Kind.MOTION], results.cap) == "1+"
    # ... and on the motions' own page past COUNT_CAP.
    motions = search(member, text="library", kind=Kind.MOTION)
    assert motions.counts[Kind.MOTION] == 3 and motions.more
    assert selectors.count_label(motions.counts[Kind.MOTION], motions.cap) == "2+"
    assert motions.label_of(Kind.MOTION) == "2+" and motions.count(Kind.MOTION) == 2
    # The other kinds' tabs on the motions' page are counted as on the page of every kind:
    # with a second post on the library, the posts' tab says "1+" there too.
    Post.objects.create(
        motion=library.motion,
        author=library.world.member,
        text="The library needs us.",
        created_at=timezone.now(),
    )
    motions = search(member, text="library", kind=Kind.MOTION)
    assert motions.counts[Kind.POST] == 2 and motions.label_of(Kind.POST) == "1+"
    assert motions.count(Kind.POST) == 1 and motions.more_of(Kind.POST)
    # Only the two newest are ranked and listed.
    newest = sorted(Motion.objects.values_list("pk", flat=True))[-2:]
    assert {h.id for h in search(member, text="library", kind=Kind.MOTION).hits} == set(newest)
