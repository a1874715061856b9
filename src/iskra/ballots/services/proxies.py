"""Proxies in a secret ballot that allows them: a member of the roll names another to vote for
them. Allowed only where the standing orders of the ballot's body allow proxies (its
constituency body, or the general meeting of its unit: ``Body.proxies_allowed`` with the same
deadline, cap and same-unit rule as at meetings), in a plain ballot (a sealed ballot's vote is
encrypted in the voter's own browser) and never in a UK industrial action ballot (the Trade
Union and Labour Relations (Consolidation) Act 1992 s.230: each member votes themselves).

The proxy votes with the member's own place on the roll (``cast_ballot`` with the member), so
one vote per member holds by the same constraint; a member who has voted leaves their proxy
nothing to cast. The vote's tracker is emailed to the member, who can check it on the board.
Using a proxy is recorded as "used", with no time and no audit entry: either would date the
vote and let whoever holds the database pair it with the ballot cast. The proxy, of course,
knows the vote they cast."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.ballots.models import Ballot, BallotProxy, Preset, RollEntry
from iskra.ballots.services.casting import AlreadyVoted, cast_ballot
from iskra.ballots.services.setup import constituency
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.notifications import notify
from iskra.core.web import FieldError
from iskra.meetings.services.proxies import check_choice, choosable
from iskra.organisation.models import Body


def rules_body(ballot: Ballot) -> Body | None:
    """The body whose standing orders say whether the ballot takes proxies."""
    if ballot.constituency_body_id is not None:
        return ballot.constituency_body
    return (
        Body.objects.filter(unit_id=ballot.unit_id, kind=Body.Kind.GENERAL_MEETING)
        .order_by("pk")
        .first()
    )


def why_no_proxies(ballot: Ballot) -> str:
    """Why the ballot takes no proxies ("" when it does)."""
    if ballot.preset == Preset.UK_INDUSTRIAL_ACTION:
        return "An industrial action ballot takes no proxies: each member votes themselves."
    if ballot.sealed:
        return (
            "A sealed ballot takes no proxies: each vote is encrypted in the voter's own browser."
        )
    body = rules_body(ballot)
    if body is None or not body.proxies_allowed:
        return "The standing orders of the ballot's body do not allow proxies."
    return ""


def deadline(ballot: Ballot) -> datetime:
    body = rules_body(ballot)
    hours = body.proxy_deadline_hours if body is not None else 0
    return ballot.closes_at - timedelta(hours=hours)


def _entitled(ballot: Ballot, user: Any) -> bool:
    """On the roll (or, before it is frozen, in the constituency)."""
    if ballot.state == Ballot.State.DRAFT:
        return constituency(ballot).filter(pk=user.pk).exists()
    return RollEntry.objects.filter(ballot=ballot, user_id=user.pk).exists()


def _active(ballot: Ballot) -> QuerySet[BallotProxy]:
    return BallotProxy.objects.filter(ballot=ballot, state=BallotProxy.State.APPOINTED)


def proxy_of(ballot: Ballot, member: Any) -> BallotProxy | None:
    return (
        _active(ballot)
        .filter(member_id=getattr(member, "pk", None) or 0)
        .select_related("holder", "member")
        .first()
    )


def held_by(ballot: Ballot, holder: Any) -> list[BallotProxy]:
    return list(
        _active(ballot)
        .filter(holder_id=getattr(holder, "pk", None) or 0)
        .select_related("member", "holder")
        .order_by("appointed_at", "pk")
    )


def _lock(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)


@transaction.atomic
def appoint_ballot_proxy(*, actor: Any, ballot: Ballot, holder: User) -> BallotProxy:
    current = _lock(ballot)
    if not _entitled(current, actor):
        raise PermissionDenied("Only those entitled to vote in this ballot name a proxy.")
    why = why_no_proxies(current)
    if why:
        raise DomainError(why)
    if current.state not in (Ballot.State.DRAFT, Ballot.State.OPEN):
        raise DomainError("The ballot has closed.")
    last = deadline(current)
    if timezone.now() > last:
        raise DomainError(
            f"Proxies for this ballot were to be named by {timezone.localtime(last):%-d %B %Y, %H:%M}."
        )
    if holder.pk == actor.pk:
        raise FieldError("holder", "Name someone else: you are your own vote.")
    if not _entitled(current, holder):
        raise FieldError("holder", "The person named is not entitled to vote in this ballot.")
    body = rules_body(current)
    assert body is not None
    if BallotProxy.objects.filter(
        ballot=current, member=actor, state=BallotProxy.State.USED
    ).exists():
        raise DomainError("Your proxy has already voted for you.")
    check_choice(
        body=body,
        actor=actor,
        holder=holder,
        rows=BallotProxy.objects.filter(ballot=current),
        where="in this ballot",
    )
    now = timezone.now()
    earlier = proxy_of(current, actor)
    if earlier is not None:
        if earlier.holder_id == holder.pk:
            raise FieldError("holder", f"{holder} is already your proxy in this ballot.")
        _end(earlier, state=BallotProxy.State.WITHDRAWN, actor=actor, at=now)
    try:
        with transaction.atomic():
            proxy = BallotProxy.objects.create(
                ballot=current, member=actor, holder=holder, appointed_at=now
            )
    except IntegrityError:
        raise DomainError("You have already named a proxy in this ballot.") from None
    record(
        actor=actor,
        action="ballot.proxy_appoint",
        obj=current,
        unit=current.unit,
        data={"ballot": current.pk, "member": actor.pk, "holder": holder.pk},
    )
    notify(
        users=[holder],
        kind="ballot.proxy",
        title=f"{actor} has named you their proxy in “{current.title}”",
        url=reverse("ballots:detail", args=[current.pk]),
    )
    return proxy


def _end(proxy: BallotProxy, *, state: str, actor: Any, at: datetime) -> None:
    proxy.state = state
    proxy.ended_at = at
    proxy.save(update_fields=["state", "ended_at"])
    record(
        actor=actor,
        action="ballot.proxy_end",
        obj=proxy.ballot,
        unit=proxy.ballot.unit,
        data={
            "ballot": proxy.ballot_id,
            "member": proxy.member_id,
            "holder": proxy.holder_id,
            "state": state,
        },
    )


@transaction.atomic
def withdraw_ballot_proxy(*, actor: Any, ballot: Ballot) -> BallotProxy:
    """The member takes their proxy back (to vote themselves, or to name another)."""
    current = _lock(ballot)
    proxy = proxy_of(current, actor)
    if proxy is None:
        raise DomainError("You have no proxy standing in this ballot.")
    _end(proxy, state=BallotProxy.State.WITHDRAWN, actor=actor, at=timezone.now())
    notify(
        users=[proxy.holder_id],
        kind="ballot.proxy",
        title=f"{actor} has taken back their proxy in “{current.title}”",
        url=reverse("ballots:detail", args=[current.pk]),
    )
    return proxy


@transaction.atomic
def decline_ballot_proxy(*, actor: Any, ballot: Ballot, member: User) -> BallotProxy:
    current = _lock(ballot)
    proxy = proxy_of(current, member)
    if proxy is None or proxy.holder_id != actor.pk:
        # Not named: the id may be anyone's, whom this person may not know.
        raise DomainError("You do not hold that member's proxy in this ballot.")
    _end(proxy, state=BallotProxy.State.DECLINED, actor=actor, at=timezone.now())
    notify(
        users=[member],
        kind="ballot.proxy",
        title=f"{actor} cannot be your proxy in “{current.title}”: name someone else, or vote",
        url=reverse("ballots:detail", args=[current.pk]),
    )
    return proxy


def cast_by_proxy(
    *,
    actor: Any,
    ballot: Ballot,
    member: User,
    answers: dict[str, Any],
    questions: list[dict[str, Any]] | None = None,
) -> str:
    """The proxy casts the member's vote, with the member's place on the roll. Returns the
    tracker (emailed to the member by the caller). No audit entry and no time: see above."""
    with transaction.atomic():
        proxy = (
            BallotProxy.objects.select_for_update()
            .filter(ballot=ballot, member=member, state=BallotProxy.State.APPOINTED)
            .first()
        )
        if proxy is None or proxy.holder_id != actor.pk:
            raise PermissionDenied("You do not hold that member's proxy in this ballot.")
        try:
            tracker = cast_ballot(ballot=ballot, answers=answers, user=member, questions=questions)
        except AlreadyVoted:
            raise AlreadyVoted(f"{member} has already voted in this ballot.") from None
        BallotProxy.objects.filter(pk=proxy.pk).update(state=BallotProxy.State.USED)
    return tracker


def proxy_candidates(ballot: Ballot, member: User) -> QuerySet[User]:
    """Whom the member may name in the ballot (``choosable`` among those entitled to vote: the
    roll, or before it is frozen the constituency)."""
    if ballot.state == Ballot.State.DRAFT:
        people = constituency(ballot)
    else:
        people = User.objects.filter(
            pk__in=RollEntry.objects.filter(ballot=ballot).values("user_id")
        )
    body = rules_body(ballot)
    if body is None:
        return User.objects.none()
    return choosable(
        people, body=body, rows=BallotProxy.objects.filter(ballot=ballot), member=member
    )


def held_proxy(ballot: Ballot, *, holder: Any, member_id: int) -> User:
    """The member whose proxy ``holder`` holds in the ballot, or "not found" (to anyone else
    the member's id says nothing)."""
    from iskra.core.errors import NotFound

    proxy = (
        _active(ballot)
        .filter(member_id=member_id, holder_id=getattr(holder, "pk", None) or 0)
        .select_related("member")
        .first()
    )
    if proxy is None:
        raise NotFound("You hold no proxy of that member in this ballot.")
    return proxy.member
