"""The guarantees of a secret ballot (issue 5, section 5), proven rather than promised:

- one vote each under concurrency: many threads casting for the same and for different voters
  on PostgreSQL never store two ballots for one roll entry, nor a ballot without its roll mark
  or a mark without its ballot; casting racing the close loses no acknowledged vote and lets
  none in after the count;
- casting writes nothing else: no audit entry, notification or queued task carries the tracker
  or the content of a ballot;
- permissions: who may do what at every step, for a member, an officer, the scrutineer, an
  administrator and an outsider; nobody sees any count or the whole roll before the close.

The schema side of secrecy is in test_secrecy_schema.py; nothing-is-lost after a crash of the
app server in test_durability.py.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.models import AuditEntry
from iskra.ballots import services
from iskra.ballots.models import (
    Ballot,
    BoardEntry,
    CastBallot,
    Challenge,
    Preset,
    RollEntry,
    VoteMark,
)
from iskra.ballots.permissions import can_see_whole_roll, can_view
from iskra.ballots.services import casting
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.members.models import Membership, Status
from iskra.organisation.models import Unit
from tests.conftest import World, fresh, make_member

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrency is proven on PostgreSQL, the production database "
    "(SQLite serialises every writing transaction, so there is no race to test). "
    "Run with DATABASE_URL=postgres://…",
)


def add_voters(unit: Unit, n: int, prefix: str) -> list[User]:
    """``n`` members in good standing of ``unit``, in bulk (no password hashing)."""
    at = timezone.now() - timedelta(days=400)
    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{i}@example.org", full_name=f"Voter {prefix}{i}", password="!")
            for i in range(n)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=u, unit=unit, status=Status.MEMBER, status_changed_at=at, admitted_on=at.date()
            )
            for u in users
        ]
    )
    return users


def open_ballot_with_credentials(world: World, title: str = "Strike?") -> tuple[Ballot, str]:
    """An open yes/no ballot of Branch A; every roll entry's credential is ``tok-<entry id>``."""
    now = timezone.now()
    ballot = services.create_ballot(
        actor=fresh(world.secretary),
        unit=world.branch_a,
        title=title,
        preset=Preset.SIMPLE_MAJORITY,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Do you agree?",
        sealed=False,
    )
    services.appoint_scrutineer(
        actor=fresh(world.secretary), ballot=ballot, scrutineer=fresh(world.other_secretary)
    )
    services.open_ballot(actor=fresh(world.secretary), ballot=ballot)
    entries = list(RollEntry.objects.filter(ballot=ballot))
    for entry in entries:
        entry.credential_hash = services.hash_credential(f"tok-{entry.pk}")
    RollEntry.objects.bulk_update(entries, ["credential_hash"])
    ballot.refresh_from_db()
    return ballot, str(ballot.questions.get().pk)


def in_thread(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` and close this thread's database connection whatever happens."""
    try:
        return fn()
    finally:
        connection.close()


# --- Concurrency --------------------------------------------------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_casting_one_vote_per_roll_entry(world: World) -> None:
    """16 threads, 6 rounds. In each round the threads start together at a barrier; every
    thread casts once for a voter it shares with three other threads (half of them by the
    emailed link, half signed in — two paths to the same roll entry) and once for a voter of its
    own. Exactly one attempt per voter succeeds; the others are refused and change nothing."""
    add_voters(world.branch_a, 6 * (4 + 16), "c")
    ballot, qid = open_ballot_with_credentials(world)
    entries = list(RollEntry.objects.filter(ballot=ballot).select_related("user").order_by("pk"))
    threads, rounds = 16, 6
    assert len(entries) >= rounds * (threads // 4 + threads)
    pool = iter(entries)
    barrier = threading.Barrier(threads)
    lock = threading.Lock()
    acknowledged: list[tuple[int, str]] = []  # (roll entry id, tracker)
    refused: Counter[int] = Counter()
    errors: list[BaseException] = []

    def attempt(entry: RollEntry, by_link: bool, answer: int) -> None:
        try:
            tracker = services.cast_ballot(
                ballot=ballot,
                answers={qid: answer},
                credential=f"tok-{entry.pk}" if by_link else None,
                user=None if by_link else entry.user,
            )
        except services.AlreadyVoted:
            with lock:
                refused[entry.pk] += 1
        else:
            with lock:
                acknowledged.append((entry.pk, tracker))

    for _ in range(rounds):
        shared = [next(pool) for _ in range(threads // 4)]
        own = [next(pool) for _ in range(threads)]

        def work(i: int, shared: list[RollEntry] = shared, own: list[RollEntry] = own) -> None:
            def body() -> None:
                barrier.wait(timeout=30)
                attempt(shared[i % len(shared)], by_link=i % 2 == 0, answer=i % 2)
                attempt(own[i], by_link=i % 3 != 0, answer=(i + 1) % 2)

            try:
                in_thread(body)
            except BaseException as exc:
                errors.append(exc)

        workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        for t in workers:
            t.start()
        for t in workers:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in workers), "a casting thread hung"
    assert errors == []

    voters = Counter(pk for pk, _ in acknowledged)
    attempted = rounds * (threads // 4 + threads)
    assert all(n == 1 for n in voters.values()), "a roll entry was acknowledged twice"
    assert len(voters) == attempted, "a voter got no tracker although nobody else voted for them"
    assert sum(refused.values()) == rounds * (threads - threads // 4)
    assert set(refused) <= set(voters)
    assert (
        CastBallot.objects.filter(ballot=ballot).count()
        == VoteMark.objects.filter(roll_entry__ballot=ballot).count()
        == len(voters)
    )
    stored = set(CastBallot.objects.filter(ballot=ballot).values_list("tracker", flat=True))
    assert stored == {t for _, t in acknowledged}
    marked = set(
        VoteMark.objects.filter(roll_entry__ballot=ballot).values_list("roll_entry_id", flat=True)
    )
    assert marked == set(voters)
    ballot.refresh_from_db()
    assert ballot.refused_second_attempts == sum(refused.values())


def race_once(world: World, title: str, close_after: int) -> None:
    """12 threads cast for distinct voters while a 13th closes the ballot once ``close_after``
    casts have been acknowledged."""
    ballot, qid = open_ballot_with_credentials(world, title=title)
    entries = iter(list(RollEntry.objects.filter(ballot=ballot).order_by("pk")))
    total = RollEntry.objects.filter(ballot=ballot).count()
    lock = threading.Lock()
    acknowledged: list[str] = []
    refused_after_close = [0]
    closed = threading.Event()
    errors: list[BaseException] = []

    def caster() -> None:
        while True:
            with lock:
                entry = next(entries, None)
            if entry is None:
                return
            try:
                tracker = services.cast_ballot(
                    ballot=ballot, answers={qid: entry.pk % 2}, credential=f"tok-{entry.pk}"
                )
            except DomainError as exc:
                assert "not open" in exc.message, exc.message
                with lock:
                    refused_after_close[0] += 1
                if closed.is_set():
                    return
            else:
                with lock:
                    acknowledged.append(tracker)

    def closer() -> None:
        while True:
            with lock:
                if len(acknowledged) >= close_after:
                    break
            threading.Event().wait(0.002)
        assert services.close_ballot(ballot_id=ballot.pk, now=timezone.now() + timedelta(days=8))
        closed.set()

    def guarded(fn: Callable[[], None]) -> None:
        try:
            in_thread(fn)
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=guarded, args=(caster,)) for _ in range(12)]
    workers.append(threading.Thread(target=guarded, args=(closer,)))
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in workers), "a thread hung"
    assert errors == []

    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.CLOSED
    board = set(BoardEntry.objects.filter(ballot=ballot).values_list("tracker", flat=True))
    assert board == set(acknowledged), "an acknowledged cast is missing from the count"
    assert ballot.result["cast"] == len(acknowledged)
    assert (
        CastBallot.objects.filter(ballot=ballot).count()
        == VoteMark.objects.filter(roll_entry__ballot=ballot).count()
        == len(acknowledged)
    ), "a ballot was stored after the count, or a mark without its ballot"
    assert len(acknowledged) < total, "the close came after every vote: no race"
    assert refused_after_close[0] >= 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_casting_racing_the_close(world: World) -> None:
    """Casting races the worker's close. Every cast that was acknowledged is on the board and
    in the count; every cast after the close is refused; nothing is stored that was not
    acknowledged. Three ballots, so the close lands at different moments of the load."""
    add_voters(world.branch_a, 240, "r")
    for n, close_after in enumerate((15, 45, 90)):
        race_once(world, f"Race {n}", close_after)


@pytest.mark.django_db
def test_a_failure_while_storing_the_ballot_leaves_no_mark(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mark and the ballot are one transaction: if storing the ballot fails, the voter is
    not marked as having voted, and can vote again."""
    ballot, qid = open_ballot_with_credentials(world)
    entry = RollEntry.objects.filter(ballot=ballot).first()
    assert entry is not None

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    with monkeypatch.context() as m:
        m.setattr(casting, "_store_ballot", broken)
        with pytest.raises(RuntimeError):
            services.cast_ballot(ballot=ballot, answers={qid: 0}, credential=f"tok-{entry.pk}")
    assert VoteMark.objects.count() == CastBallot.objects.count() == 0
    tracker = services.cast_ballot(ballot=ballot, answers={qid: 0}, credential=f"tok-{entry.pk}")
    assert CastBallot.objects.get().tracker == tracker
    assert VoteMark.objects.get().roll_entry_id == entry.pk


# --- Secrecy: what casting writes ---------------------------------------------------------------


@pytest.mark.django_db
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
def test_casting_writes_nothing_that_names_the_ballot(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Casting adds exactly one mark and one ballot. It writes no audit entry, notification or
    queued task (a task row has a timestamp and would hold the voter's address: with the tracker
    in it, it would link voter and ballot), and sends no email; and nothing written anywhere
    around the cast carries the tracker or the content."""
    from django.core import mail
    from django_tasks_db.models import DBTaskResult

    ballot, qid = open_ballot_with_credentials(world)
    entry = RollEntry.objects.filter(ballot=ballot, user=world.member).get()
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()
    before = (AuditEntry.objects.count(), Notification.objects.count())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        by_link = services.cast_ballot(
            ballot=ballot, answers={qid: 1}, credential=f"tok-{entry.pk}"
        )
        signed_in = services.cast_ballot(
            ballot=ballot, answers={qid: 0}, user=fresh(world.secretary)
        )
        with pytest.raises(services.AlreadyVoted):
            services.cast_ballot(ballot=ballot, answers={qid: 0}, credential=f"tok-{entry.pk}")
    assert callbacks == []
    assert (AuditEntry.objects.count(), Notification.objects.count()) == before
    assert DBTaskResult.objects.count() == 0
    assert mail.outbox == []
    for tracker in (by_link, signed_in):
        for text in (
            [str(e.data) + e.object_id for e in AuditEntry.objects.all()]
            + [n.title + n.url for n in Notification.objects.all()]
            + [str(t.args_kwargs) for t in DBTaskResult.objects.all()]
        ):
            assert tracker not in text
    # The mark says only that the voter voted: it has nothing but its own id and the entry.
    mark = VoteMark.objects.get(roll_entry=entry)
    assert {f.attname: getattr(mark, f.attname) for f in VoteMark._meta.concrete_fields}.keys() == {
        "id",
        "roll_entry_id",
    }
    # The stored ballot has no reference to a person.
    stored = CastBallot.objects.get(tracker=by_link)
    assert stored.content == {qid: 1}


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_board_row_ids_carry_no_order_but_the_published_one(world: World) -> None:
    """BoardEntry keeps an auto-increment id. It is written in one statement at the close, in
    the shuffled order, so its ids run in the order of the published (random) positions and say
    nothing about the order of voting. (CastBallot and VoteMark have random ids.)"""
    add_voters(world.branch_a, 40, "b")
    ballot, qid = open_ballot_with_credentials(world)
    cast_order = []
    for entry in RollEntry.objects.filter(ballot=ballot).order_by("pk"):
        cast_order.append(
            services.cast_ballot(ballot=ballot, answers={qid: 0}, credential=f"tok-{entry.pk}")
        )
    assert services.close_ballot(ballot_id=ballot.pk, now=timezone.now() + timedelta(days=8))
    by_id = list(BoardEntry.objects.filter(ballot=ballot).order_by("id").values_list("position"))
    assert [p for (p,) in by_id] == sorted(p for (p,) in by_id)
    board_order = list(
        BoardEntry.objects.filter(ballot=ballot).order_by("position").values_list("tracker")
    )
    assert [t for (t,) in board_order] != cast_order  # shuffled (1 in 40! to fail by chance)


# --- Permissions --------------------------------------------------------------------------------


ROLES = ["member", "officer", "scrutineer", "admin", "outsider"]


@dataclass
class Scene:
    world: World
    actors: dict[str, User]
    candidate: User  # a member of Branch A on probation: off the roll, may challenge it

    def actor(self, role: str) -> User:
        return fresh(self.actors[role])

    def draft(self, *, scrutineer: bool = True) -> Ballot:
        now = timezone.now()
        ballot = services.create_ballot(
            actor=fresh(self.world.secretary),
            unit=self.world.branch_a,
            title="Strike ballot",
            preset=Preset.UK_INDUSTRIAL_ACTION,
            opens_at=now,
            closes_at=now + timedelta(days=7),
            question="Are you prepared to take part in strike action?",
            sealed=False,
        )
        if scrutineer:
            services.appoint_scrutineer(
                actor=fresh(self.world.secretary),
                ballot=ballot,
                scrutineer=fresh(self.world.other_secretary),
            )
        return Ballot.objects.get(pk=ballot.pk)

    def open(self) -> Ballot:
        ballot = self.draft()
        services.open_ballot(actor=fresh(self.world.secretary), ballot=ballot)
        return Ballot.objects.get(pk=ballot.pk)

    def closed(self) -> Ballot:
        ballot = self.open()
        assert services.close_ballot(ballot_id=ballot.pk, now=timezone.now() + timedelta(days=8))
        return Ballot.objects.get(pk=ballot.pk)

    def challenge(self) -> Challenge:
        ballot = self.open()
        return services.raise_challenge(actor=fresh(self.candidate), ballot=ballot, reason="I pay")


def _ok(fn: Callable[[], Any]) -> bool:
    try:
        result = fn()
    except (PermissionDenied, DomainError):
        return False
    return result is not False


def operations(scene: Scene, role: str) -> dict[str, Callable[[], Any]]:
    """Every ballot operation, each on a ballot in the state where it makes sense, by ``role``."""
    who = scene.actor
    world = scene.world

    def question() -> Any:
        return services.add_question(
            actor=who(role), ballot=scene.draft(), kind="yes_no", text="And?", options=[]
        )

    def cast() -> Any:
        ballot = scene.open()
        qid = str(ballot.questions.get().pk)
        return services.cast_ballot(ballot=ballot, answers={qid: 0}, user=who(role))

    return {
        "view draft": lambda: can_view(who(role), scene.draft()),
        "create": lambda: services.create_ballot(
            actor=who(role),
            unit=world.branch_a,
            title="X",
            preset=Preset.SIMPLE_MAJORITY,
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=1),
            sealed=False,
        ),
        "add question": question,
        "appoint scrutineer": lambda: services.appoint_scrutineer(
            actor=who(role), ballot=scene.draft(scrutineer=False), scrutineer=world.outsider
        ),
        "open": lambda: services.open_ballot(actor=who(role), ballot=scene.draft()),
        "view open": lambda: can_view(who(role), scene.open()),
        "cast": cast,
        "remind": lambda: services.send_reminders(actor=who(role), ballot=scene.open()),
        "extend": lambda: services.extend_ballot(
            actor=who(role),
            ballot=scene.open(),
            closes_at=timezone.now() + timedelta(days=9),
            reason="Post strike",
        ),
        "decide challenge": lambda: services.decide_challenge(
            actor=who(role), challenge=scene.challenge(), uphold=True, reason="Pays dues"
        ),
        "see whole roll while open": lambda: can_see_whole_roll(who(role), scene.open()),
        "see result while open": lambda: services.export(scene.open()),
        "close early": lambda: services.close_ballot(ballot_id=scene.open().pk),
        "view closed": lambda: can_view(who(role), scene.closed()),
        "see whole roll after close": lambda: can_see_whole_roll(who(role), scene.closed()),
        "sign report": lambda: services.sign_report(actor=who(role), ballot=scene.closed()),
    }


# Who may do what. Everything not listed is refused for everyone.
EXPECTED: dict[str, set[str]] = {
    "view draft": {"officer", "scrutineer", "admin"},
    "create": {"officer", "admin"},
    "add question": {"officer", "admin"},
    "appoint scrutineer": {"officer", "admin"},
    "open": {"officer", "admin"},
    "view open": {"member", "officer", "scrutineer", "admin"},
    # Only those on the roll: the officer is a member of Branch A and votes like anyone else;
    # the scrutineer (Branch B), the administrator and the outsider are not on it.
    "cast": {"member", "officer"},
    "remind": {"officer", "scrutineer", "admin"},
    "extend": {"officer", "admin"},
    "decide challenge": {"scrutineer"},
    "see whole roll while open": set(),
    "see result while open": set(),
    "close early": set(),
    "view closed": {"member", "officer", "scrutineer", "admin"},
    "see whole roll after close": {"scrutineer"},
    "sign report": {"scrutineer"},
}


@pytest.fixture
def scene(world: World) -> Scene:
    candidate = make_member(
        "candidate@example.org", "Cam Candidate", world.branch_a, status=Status.CANDIDATE
    )
    return Scene(
        world=world,
        actors={
            "member": world.member,
            "officer": world.secretary,
            "scrutineer": world.other_secretary,
            "admin": world.admin,
            "outsider": world.outsider,
        },
        candidate=candidate,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(scene: Scene, role: str) -> None:
    outcomes = {name: _ok(fn) for name, fn in operations(scene, role).items()}
    expected = {name: role in allowed for name, allowed in EXPECTED.items()}
    assert outcomes.keys() == expected.keys()
    wrong = {name: outcomes[name] for name in outcomes if outcomes[name] != expected[name]}
    assert wrong == {}, f"{role}: allowed?/refused? differs from the policy for {wrong}"


@pytest.mark.django_db
def test_nobody_sees_partial_results(scene: Scene) -> None:
    """While the ballot is open, with votes in, there is no count anywhere for anyone: the
    stored result is empty, the export and the board are refused, the whole roll is hidden
    (even from the scrutineer and the administrator), and no audit entry carries a figure."""
    ballot = scene.open()
    qid = str(ballot.questions.get().pk)
    for role in ("member", "officer"):
        services.cast_ballot(ballot=ballot, answers={qid: 0}, user=scene.actor(role))
    ballot.refresh_from_db()
    assert ballot.result == {}
    assert ballot.board_hash == ""
    assert not services.board_is_public(ballot)
    assert not BoardEntry.objects.filter(ballot=ballot).exists()
    with pytest.raises(DomainError):
        services.export(ballot)
    for role in ROLES:
        assert not can_see_whole_roll(scene.actor(role), ballot), role
    # Each person learns only their own roll status.
    assert services.voted(ballot, scene.actor("member")) is True
    assert services.voted(ballot, scene.actor("scrutineer")) is None
    for entry in AuditEntry.objects.filter(object_type__icontains="ballot"):
        assert not {"cast", "votes", "result"} & set(entry.data), entry.data


@pytest.mark.django_db
def test_reminders_replace_the_links_of_those_who_have_not_voted(world: World) -> None:
    """A reminder issues a new link to each voter who has not voted (their old one stops
    working) and leaves those who voted alone; it records only that a reminder went."""
    from django.core import mail

    add_voters(world.branch_a, 3, "m")
    ballot, qid = open_ballot_with_credentials(world)
    entries = list(RollEntry.objects.filter(ballot=ballot).order_by("pk"))
    voter, *others = entries
    services.cast_ballot(ballot=ballot, answers={qid: 0}, credential=f"tok-{voter.pk}")
    mail.outbox.clear()
    sent = services.issue_credentials(
        ballot_id=ballot.pk, roll_entry_ids=[e.pk for e in entries], reminder=True
    )
    assert sent == len(others) == len(mail.outbox)
    refreshed = {e.pk: e for e in RollEntry.objects.filter(ballot=ballot)}
    assert refreshed[voter.pk].credential_hash == services.hash_credential(f"tok-{voter.pk}")
    for e in others:
        assert refreshed[e.pk].credential_hash != services.hash_credential(f"tok-{e.pk}")
        with pytest.raises(PermissionDenied):
            services.cast_ballot(ballot=ballot, answers={qid: 0}, credential=f"tok-{e.pk}")
    # The new link in the email works, once.
    message = next(m for m in mail.outbox if m.to == [others[0].user.email])
    token = next(
        line.strip().rstrip("/").rsplit("/", 1)[-1]
        for line in message.body.splitlines()
        if "/v/" in line
    )
    services.cast_ballot(ballot=ballot, answers={qid: 1}, credential=token)
    with pytest.raises(services.AlreadyVoted):
        services.cast_ballot(ballot=ballot, answers={qid: 1}, credential=token)


@pytest.mark.django_db(transaction=True)  # the database worker below closes its connection
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
def test_a_reminder_says_nothing_about_turnout_anywhere(world: World) -> None:
    """Before the close nobody learns how many have voted, or who: a reminder's audit entry
    carries no figure, and its queued tasks carry the whole roll in batches (not a list of who
    has not voted) and store no count when they run; the worker skips whoever has voted."""
    from django.core import mail
    from django_tasks_db.models import DBTaskResult

    add_voters(world.branch_a, 7, "t")
    ballot, qid = open_ballot_with_credentials(world)
    entries = list(RollEntry.objects.filter(ballot=ballot).order_by("pk"))
    for entry in entries[:4]:
        services.cast_ballot(ballot=ballot, answers={qid: 0}, credential=f"tok-{entry.pk}")
    DBTaskResult.objects.all().delete()
    assert services.send_reminders(actor=fresh(world.secretary), ballot=ballot) is None
    entry = AuditEntry.objects.get(action="ballot.remind")
    assert entry.data == {}
    # One task is queued: the fan-out, which names the ballot and nothing else.
    queued = [t.args_kwargs["kwargs"] for t in DBTaskResult.objects.all()]
    assert queued == [{"ballot_id": ballot.pk, "reminder": True}]
    # Run the queued tasks with the database worker, as `iskra worker` does: the fan-out
    # queues the whole roll in batches, only those who have not voted get an email, and the
    # stored task results hold no figure.
    from django_tasks_db.management.commands.db_worker import Worker

    mail.outbox.clear()
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    ).run()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.user.email for e in entries[4:])
    batches = [
        t.args_kwargs["kwargs"]
        for t in DBTaskResult.objects.all()
        if "roll_entry_ids" in t.args_kwargs["kwargs"]
    ]
    assert sorted(i for kw in batches for i in kw["roll_entry_ids"]) == [e.pk for e in entries]
    assert all(kw["reminder"] is True for kw in batches)
    results = list(DBTaskResult.objects.values_list("status", "return_value"))
    assert results and all(r == ("SUCCESSFUL", None) for r in results), results


@pytest.mark.django_db
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
def test_voting_page_stores_nothing_linking_voter_and_tracker(
    world: World, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The voting page, end to end (GET the emailed link, POST the form): the tracker reaches
    the voter on the page and by email, and no row anywhere in the database — task queue,
    audit log, notifications — holds the tracker, or the voter's address next to it."""
    import re

    from django.core import mail
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    ballot, qid = open_ballot_with_credentials(world)
    entry = RollEntry.objects.select_related("user").get(ballot=ballot, user=world.member)
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()
    before = (AuditEntry.objects.count(), Notification.objects.count())
    url = reverse("ballots:vote_by_link", args=[ballot.pk, f"tok-{entry.pk}"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 200
        # The review step first shows the choice; "Cast my vote" (cast=yes) casts it.
        response = client.post(url, {f"q{qid}": "0", "cast": "yes"})
    assert response.status_code == 200
    match = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", response.content.decode())
    assert match is not None
    tracker = match.group(0)
    assert CastBallot.objects.filter(tracker=tracker).exists()
    # Not queued: a task row would keep address, tracker and time together in the database.
    assert DBTaskResult.objects.count() == 0
    assert (AuditEntry.objects.count(), Notification.objects.count()) == before
    # The email goes to the voter alone (it passes through the mail server: see docs).
    assert [m.to for m in mail.outbox if tracker in m.body] == [[entry.user.email]]
