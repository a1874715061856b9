"""The search: what a person may find, by kind, ranked, a page at a time.

Who sees a result is decided by each app's own filter on its own table (``visible_*_q`` beside
the ``can_view_*`` predicate its pages use), so a result appears only if its page would open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString

from iskra.decisions.models import Decision
from iskra.decisions.permissions import visible_decisions_q
from iskra.meetings.models import Meeting
from iskra.meetings.permissions import visible_meetings_q
from iskra.members.models import Membership
from iskra.members.permissions import can_view_directory, visible_directory_q
from iskra.motions.models import Motion, Post
from iskra.motions.permissions import visible_motions_q, visible_posts_q
from iskra.search.engines import newest_ranked, session
from iskra.search.models import Entry, Kind
from iskra.search.query import QueryError, Terms, parse, snippet

PAGE_SIZE = 20
# Counting stops here: "more than 1000 motions" says all a person needs.
COUNT_CAP = 1_000
# The matches ranked for a kind: the newest this many. One query reads a kind's newest
# ``max(COUNT_CAP, RANK_WINDOW) + 1`` matches: their number is the kind's count, and they are
# the ones ranked.
RANK_WINDOW = 1_000
# On the page of every kind at once, the best few of each, with a link to the rest; there a
# kind's count stops at PREVIEW_CAP ("100+": the link to the kind counts further), and the
# best few are the best of its PREVIEW_CAP newest matches.
PREVIEW_SIZE = 5
PREVIEW_CAP = 100
MAX_PAGE = 500


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    snippet: SafeString
    place: str
    at: dt.datetime | dt.date | None
    url: str


@dataclass
class Results:
    text: str
    kind: str
    terms: Terms
    kinds: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    pages: int = 0
    # Where counting stopped: COUNT_CAP for the kind asked for, PREVIEW_CAP for the others
    # (on the page of every kind, for all of them).
    cap: int = COUNT_CAP

    def cap_of(self, kind: str) -> int:
        """Where this kind's counting stopped."""
        return self.cap if kind == self.kind else PREVIEW_CAP

    def count(self, kind: str) -> int:
        """This kind's count as far as it went (its cap at most)."""
        return min(self.counts.get(kind, 0), self.cap_of(kind))

    def more_of(self, kind: str) -> bool:
        """Whether this kind has more results than were counted."""
        return self.counts.get(kind, 0) > self.cap_of(kind)

    def label_of(self, kind: str) -> str:
        """This kind's count as the page shows it ("100+" past its cap)."""
        return count_label(self.counts.get(kind, 0), self.cap_of(kind))

    @property
    def total(self) -> int:
        return sum(self.count(k) for k in self.counts)

    @property
    def more(self) -> bool:
        """Whether some kind has more results than were counted."""
        return any(self.more_of(k) for k in self.counts)

    def groups(self) -> list[tuple[str, str, str, bool, list[Hit]]]:
        """For every kind with a hit, in kind order: the kind, its label, its count as shown
        ("1000+" past the cap), whether it has more results than the hits shown, its hits."""
        labels = dict(Kind.choices)
        groups = []
        for k in self.kinds:
            if self.counts.get(k):
                hits = [h for h in self.hits if h.kind == k]
                n = self.counts[k]
                groups.append((k, labels[k], self.label_of(k), n > len(hits), hits))
        return groups


def count_label(n: int, cap: int | None = None) -> str:
    """A kind's count as the page shows it: counting stops past ``cap`` (``COUNT_CAP``)."""
    cap = COUNT_CAP if cap is None else cap
    return f"{cap}+" if n > cap else str(n)


def searchable_kinds(user: Any) -> list[str]:
    """The kinds this person may search: members only for officers, the rest for everybody
    (what each kind holds for them is then its app's filter)."""
    if not getattr(user, "is_authenticated", False):
        # Visitors read the public decisions, and nothing else.
        return [Kind.DECISION]
    kinds: list[str] = [Kind.MOTION, Kind.DECISION, Kind.MEETING, Kind.POST]
    if can_view_directory(user):
        kinds.append(Kind.MEMBER)
    return kinds


def _visible(user: Any, kind: str) -> Exists:
    """Whether the entry's source row is one of this kind the person may open: the app's own
    filter, asked of each candidate row by its primary key (a probe per row found, rather
    than every visible row listed on every search)."""
    if kind == Kind.MOTION:
        rows: QuerySet[Any] = Motion.objects.filter(visible_motions_q(user))
    elif kind == Kind.POST:
        rows = Post.objects.filter(visible_posts_q(user))
    elif kind == Kind.MEETING:
        rows = Meeting.objects.filter(visible_meetings_q(user))
    elif kind == Kind.DECISION:
        rows = Decision.objects.filter(visible_decisions_q(user))
    else:
        rows = Membership.objects.filter(visible_directory_q(user))
    return Exists(rows.filter(pk=OuterRef("object_id")))


def search(user: Any, *, text: str, kind: str = "", page: int = 1) -> Results:
    """Search ``text`` as this person: every kind they may search (its counts and its best few
    hits), or one ``kind`` a page of ``PAGE_SIZE`` at a time. Raises ``QueryError`` on text
    no search box sends (too long, NUL) and on an unknown kind.

    The work is bounded whatever the words: a kind's count stops at ``COUNT_CAP`` (shown as
    "more than"), and its results are the ``RANK_WINDOW`` newest matches, ranked; on the page
    of every kind, at ``PREVIEW_CAP`` and the best of the ``PREVIEW_CAP`` newest.
    """
    terms = parse(text)
    if kind and kind not in Kind.values:
        raise QueryError("Unknown kind: " + ", ".join(Kind.values) + ".")
    kinds = searchable_kinds(user)
    results = Results(text=text, kind=kind, terms=terms, kinds=kinds)
    if not terms:
        return results
    # One query a kind: its newest matches the person may open, ranked. How many there are is
    # the kind's count (up to the cap); the best of them are the hits.
    # On a kind's own page, the other kinds are counted as on the page of every kind: their
    # tabs say "100+", and only the kind read is counted and ranked as far as COUNT_CAP.
    results.cap = COUNT_CAP if kind else PREVIEW_CAP
    windows = {k: (max(COUNT_CAP, RANK_WINDOW) if k == kind else PREVIEW_CAP) + 1 for k in kinds}
    with session():
        found = {
            k: newest_ranked(
                Entry.objects.filter(_visible(user, k), kind=k), terms, windows[k], kind=k
            )
            for k in kinds
        }
    results.counts = {k: len(rows) for k, rows in found.items()}
    if kind:
        total = min(results.counts.get(kind, 0), RANK_WINDOW)
        results.pages = max(1, -(-total // PAGE_SIZE))
        results.page = min(max(1, page), results.pages, MAX_PAGE)
        offset = (results.page - 1) * PAGE_SIZE
        ids = _best(found[kind], offset, PAGE_SIZE) if total else []
    else:
        ids = []
        for k in kinds:
            ids += _best(found[k], 0, PREVIEW_SIZE)
    entries = Entry.objects.only("kind", "object_id", "title", "text").in_bulk(ids)
    results.hits = _hits([entries[i] for i in ids if i in entries], terms)
    return results


def _best(window: list[tuple[int, float]], offset: int, limit: int) -> list[int]:
    """The ids of the best of a kind's ``RANK_WINDOW`` newest matches, best first (the newer
    first on equal rank). Ranking every match of a word found in half the documents would
    cost more than anybody waits for."""
    newest = sorted(window, key=lambda row: -row[0])[:RANK_WINDOW]
    newest.sort(key=lambda row: (-row[1], -row[0]))
    return [entry_id for entry_id, _ in newest[offset : offset + limit]]


# --- What a hit shows -----------------------------------------------------------------------


def _hits(entries: list[Entry], terms: Terms) -> list[Hit]:
    """The hits in rank order, each with its source row's title, place, date and address."""
    by_kind: dict[str, list[int]] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry.object_id)
    rows: dict[tuple[str, int], Any] = {}
    for kind, ids in by_kind.items():
        for row in _LOADERS[kind](ids):
            rows[(kind, row.pk)] = row
    hits = []
    for entry in entries:
        row = rows.get((entry.kind, entry.object_id))
        if row is not None:  # deleted since the index was read
            hits.append(_PRESENTERS[entry.kind](row, entry, terms))
    return hits


_LOADERS: dict[str, Callable[[list[int]], QuerySet[Any]]] = {
    Kind.MOTION: lambda ids: Motion.objects.filter(pk__in=ids).select_related("body"),
    Kind.DECISION: lambda ids: Decision.objects.filter(pk__in=ids).select_related("body"),
    Kind.MEETING: lambda ids: Meeting.objects.filter(pk__in=ids).select_related("body"),
    Kind.POST: lambda ids: Post.objects.filter(pk__in=ids).select_related("author", "motion__body"),
    Kind.MEMBER: lambda ids: Membership.objects.filter(pk__in=ids).select_related("user", "unit"),
}


def _motion(m: Motion, entry: Entry, terms: Terms) -> Hit:
    url = reverse("motions:detail", args=[m.pk])
    return Hit(
        Kind.MOTION, m.pk, m.title, snippet(entry.text, terms), m.body.name, m.created_at, url
    )


def _decision(d: Decision, entry: Entry, terms: Terms) -> Hit:
    url = reverse("decisions:detail", args=[d.pk])
    text = snippet(d.text, terms)
    return Hit(
        Kind.DECISION, d.pk, f"{d.number}: {d.title}", text, d.body.name, d.effective_on, url
    )


def _meeting(m: Meeting, entry: Entry, terms: Terms) -> Hit:
    url = reverse("meetings:detail", args=[m.pk])
    return Hit(
        Kind.MEETING, m.pk, m.title, snippet(entry.text, terms), m.body.name, m.starts_at, url
    )


def _post(p: Post, entry: Entry, terms: Terms) -> Hit:
    url = reverse("motions:detail", args=[p.motion_id]) + f"#post-{p.pk}"
    title = f"{p.author.full_name} on “{p.motion.title}”"
    return Hit(
        Kind.POST, p.pk, title, snippet(entry.text, terms), p.motion.body.name, p.created_at, url
    )


def _member(m: Membership, entry: Entry, terms: Terms) -> Hit:
    # What the directory's row shows: the name, the number and the standing; no contact details.
    # ``escape`` returns safe text.
    url = reverse("members:record", args=[m.pk])
    about = escape(" · ".join(part for part in (m.get_status_display(), m.number or "") if part))
    return Hit(
        Kind.MEMBER,
        m.pk,
        m.user.full_name,
        about,
        m.unit.name,
        None,
        url,
    )


_PRESENTERS: dict[str, Callable[[Any, Entry, Terms], Hit]] = {
    Kind.MOTION: _motion,
    Kind.DECISION: _decision,
    Kind.MEETING: _meeting,
    Kind.POST: _post,
    Kind.MEMBER: _member,
}
