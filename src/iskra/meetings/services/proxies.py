"""Proxies: a member who cannot come names another member of the body to vote for them.

The body's standing orders say whether proxies are allowed, how long before the meeting one is
appointed (``proxy_deadline_hours``), how many one member may hold (``proxy_cap``) and whether
the proxy must be of the member's own unit (``proxy_same_unit``). A proxy votes for the member
in the votes recorded by name (roll calls and card votes), each such vote shown as cast by
proxy; a proxy who is absent casts nothing; a member who comes in person cancels their proxy
(``cancel_on_attending``, called when they sign in). Members represented by a proxy who is
present count as present for the quorum ("present in person or by proxy")."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.core.web import FieldError
from iskra.meetings.models import Meeting, Proxy
from iskra.meetings.services.common import _lock, body_members, is_body_member
from iskra.members.models import Membership
from iskra.organisation.models import Body
from iskra.organisation.permissions import require


def proxy_deadline(meeting: Meeting) -> datetime:
    """The last moment a proxy may be appointed for the meeting."""
    return meeting.starts_at - timedelta(hours=meeting.body.proxy_deadline_hours)


def active_proxies(meeting: Meeting) -> QuerySet[Proxy]:
    return Proxy.objects.filter(meeting=meeting, state=Proxy.State.APPOINTED)


def proxy_of(meeting: Meeting, member: Any) -> Proxy | None:
    """The member's proxy for the meeting, if one stands."""
    return (
        active_proxies(meeting)
        .filter(member_id=getattr(member, "pk", None) or 0)
        .select_related("holder")
        .first()
    )


def proxies_held(meeting: Meeting, holder: Any) -> list[Proxy]:
    """The proxies this person holds for the meeting, oldest first."""
    return list(
        active_proxies(meeting)
        .filter(holder_id=getattr(holder, "pk", None) or 0)
        .select_related("member")
        .order_by("appointed_at", "pk")
    )


def unit_of(user: Any) -> int | None:
    return Membership.objects.filter(user_id=user.pk).values_list("unit_id", flat=True).first()


def check_choice(*, body: Body, actor: Any, holder: Any, rows: Any, where: str) -> None:
    """The standing orders' rules on whom a member names, for a meeting's proxies and a
    ballot's alike (``rows``: the occasion's proxies, with ``member``, ``holder`` and ``state``;
    ``where``: "for this meeting", "in this ballot"). Called under the occasion's lock, so
    that two members naming the same proxy at once are counted in turn."""
    active = rows.filter(state="appointed")
    if body.proxy_same_unit and unit_of(holder) != unit_of(actor):
        raise FieldError(
            "holder", f"{holder} is not in your unit: the standing orders ask for a proxy from it."
        )
    if active.filter(member=holder).exists():
        raise FieldError(
            "holder", f"{holder} has named a proxy themselves: name someone who will vote."
        )
    if active.filter(holder=actor).exists():
        raise DomainError(
            f"Members have named you their proxy {where}: decline their proxies first, so that "
            "they can name someone else, then name yours."
        )
    held = active.filter(holder=holder).exclude(member=actor).count()
    if held >= body.proxy_cap:
        raise FieldError(
            "holder",
            f"{holder} already holds {held} prox{'y' if held == 1 else 'ies'} {where}; "
            f"the standing orders allow {body.proxy_cap}.",
        )
    if rows.filter(member=actor, holder=holder, state="declined").exists():
        raise FieldError("holder", f"{holder} declined to be your proxy {where}.")


@transaction.atomic
def appoint_proxy(*, actor: Any, meeting: Meeting, holder: User) -> Proxy:
    """The member names ``holder`` to vote for them at the meeting; a proxy they had named before
    gives way to this one. Refused where the body's standing orders do not allow proxies, after
    the deadline, to someone not on the body (or, by the rules, of another unit), to someone who
    has named a proxy themselves or who already holds the most the rules allow."""
    current = _lock(meeting)
    body = current.body
    require(
        is_body_member(actor, body), "Only members of this body appoint a proxy for its meeting."
    )
    if not body.proxies_allowed:
        raise DomainError(f"The standing orders of {body.name} do not allow proxies.")
    if current.status != Meeting.Status.SCHEDULED or current.recorded_after:
        raise DomainError("Proxies are appointed before the meeting opens.")
    deadline = proxy_deadline(current)
    if timezone.now() > deadline:
        raise DomainError(
            f"Proxies for this meeting were to be appointed by "
            f"{timezone.localtime(deadline):%-d %B %Y, %H:%M} "
            f"({body.proxy_deadline_hours} hours before it, by the standing orders)."
        )
    if holder.pk == actor.pk:
        raise FieldError("holder", "Name someone else: you are your own vote.")
    if not is_body_member(holder, body):
        # Not named: the id may be anyone's, whom this member may not know.
        raise FieldError("holder", f"The person named is not a member of {body.name}.")
    # The meeting's row is locked: two members naming the same proxy at once are counted in turn.
    check_choice(
        body=body,
        actor=actor,
        holder=holder,
        rows=Proxy.objects.filter(meeting=current),
        where="for this meeting",
    )
    now = timezone.now()
    earlier = active_proxies(current).filter(member=actor).first()
    if earlier is not None:
        if earlier.holder_id == holder.pk:
            raise FieldError("holder", f"{holder} is already your proxy for this meeting.")
        _end(earlier, state=Proxy.State.WITHDRAWN, actor=actor, at=now)
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(
                meeting=current, member=actor, holder=holder, appointed_at=now
            )
    except IntegrityError:
        raise DomainError("You have already named a proxy for this meeting.") from None
    record(
        actor=actor,
        action="meeting.proxy_appoint",
        obj=proxy,
        unit=body.unit,
        data={"meeting": current.pk, "member": actor.pk, "holder": holder.pk},
    )
    notify(
        users=[holder],
        kind="meeting.proxy",
        title=f"{actor} has named you their proxy at {current.title}",
        url=reverse("meetings:detail", args=[current.pk]),
    )
    return proxy


def _end(proxy: Proxy, *, state: str, actor: Any, at: datetime) -> None:
    proxy.state = state
    proxy.ended_at = at
    proxy.save(update_fields=["state", "ended_at"])
    record(
        actor=actor,
        action="meeting.proxy_end",
        obj=proxy,
        unit=proxy.meeting.body.unit,
        data={
            "meeting": proxy.meeting_id,
            "member": proxy.member_id,
            "holder": proxy.holder_id,
            "state": state,
        },
    )


@transaction.atomic
def withdraw_proxy(*, actor: Any, meeting: Meeting) -> Proxy:
    """The member takes their proxy back, until the meeting opens (then they come in person,
    which cancels it)."""
    current = _lock(meeting)
    proxy = proxy_of(current, actor)
    if proxy is None:
        raise DomainError("You have not named a proxy for this meeting.")
    if current.status != Meeting.Status.SCHEDULED:
        raise DomainError(
            "The meeting has opened: to vote yourself, come and sign in, which cancels your proxy."
        )
    _end(proxy, state=Proxy.State.WITHDRAWN, actor=actor, at=timezone.now())
    notify(
        users=[proxy.holder_id],
        kind="meeting.proxy",
        title=f"{actor} has taken back their proxy at {current.title}",
        url=reverse("meetings:detail", args=[current.pk]),
    )
    return proxy


@transaction.atomic
def decline_proxy(*, actor: Any, meeting: Meeting, member: User) -> Proxy:
    """The proxy declines a member's proxy before the meeting opens; the member is told, so that
    they can name someone else."""
    current = _lock(meeting)
    proxy = proxy_of(current, member)
    if proxy is None or proxy.holder_id != actor.pk:
        # Not named: the id may be anyone's, whom this person may not know.
        raise DomainError("You do not hold that member's proxy for this meeting.")
    if current.status != Meeting.Status.SCHEDULED:
        raise DomainError("The meeting has opened: a proxy is declined before it opens.")
    _end(proxy, state=Proxy.State.DECLINED, actor=actor, at=timezone.now())
    notify(
        users=[member],
        kind="meeting.proxy",
        title=f"{actor} cannot be your proxy at {current.title}: name someone else",
        url=reverse("meetings:detail", args=[current.pk]),
    )
    return proxy


def cancel_on_attending(*, meeting: Meeting, user: Any, actor: Any) -> bool:
    """A member who comes in person cancels their proxy (votes their proxy cast before they came
    stand). Called inside the sign-in's transaction. Returns whether one was cancelled."""
    proxy = proxy_of(meeting, user)
    if proxy is None:
        return False
    _end(proxy, state=Proxy.State.CANCELLED, actor=actor, at=timezone.now())
    return True


def holder_for(meeting: Meeting, *, member: Any, holder: Any) -> Proxy:
    """The standing proxy by which ``holder`` votes for ``member``, or a clear refusal."""
    proxy = proxy_of(meeting, member)
    if proxy is None or proxy.holder_id != holder.pk:
        raise DomainError("You do not hold that member's proxy at this meeting.")
    return proxy


def proxy_candidates(meeting: Meeting, member: Any) -> QuerySet[User]:
    """Whom the member may name for the meeting (``choosable`` among the body's members)."""
    return choosable(
        body_members(meeting.body),
        body=meeting.body,
        rows=Proxy.objects.filter(meeting=meeting),
        member=member,
    )


def choosable(people: QuerySet[User], *, body: Body, rows: Any, member: Any) -> QuerySet[User]:
    """Whom the member may name among ``people`` (a meeting's body, a ballot's roll): of the
    member's own unit where the rules say so, not the member, nobody who has named a proxy
    themselves or already holds the most the rules allow (``rows``: the occasion's proxies),
    by name. The list ``check_choice`` would accept."""
    candidates = people.exclude(pk=member.pk)
    if body.proxy_same_unit:
        candidates = candidates.filter(membership__unit_id=unit_of(member) or 0)
    others = rows.filter(state="appointed").exclude(member_id=member.pk)
    full = (
        others.values("holder_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=body.proxy_cap)
        .values("holder_id")
    )
    return (
        candidates.exclude(pk__in=others.values("member_id"))
        .exclude(pk__in=full)
        .order_by("full_name", "pk")
    )
