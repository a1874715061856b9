"""The newsletter's API: lists, a member's own subscriptions, the editors' view of subscribers,
and sends (write, test, send, progress, stop). The same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from iskra.accounts.api_auth import request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import MAX_ID, SEARCH, Input, PathId
from iskra.core.errors import DomainError, NotFound
from iskra.motions.permissions import is_active_member
from iskra.newsletter import sending, subscriptions
from iskra.newsletter.models import MailingList, Send, Subscriber
from iskra.newsletter.permissions import load_list, load_send
from iskra.press.models import Article

router = Router(tags=["newsletter"])


class ListOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    frequency: str
    is_public: bool
    publication_id: int
    subscribed: bool = Field(description="Whether you (your account's address) get it.")


class ChoiceIn(Input):
    subscribed: bool


class SubscriberOut(Schema):
    id: int
    email: str
    status: str
    is_member: bool
    bounce_score: float
    created_at: dt.datetime


class SubscriberFilter(Schema):
    status: Literal["pending", "active", "unsubscribed", "bounced", "complained"] | None = None
    q: str | None = Field(None, max_length=SEARCH, description="Part of the address.")
    page: int = Field(1, ge=1, le=100_000)


class SendIn(Input):
    subject: str = Field(max_length=200)
    intro: str = Field("", max_length=20_000)
    article_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=50
    )


class SendOut(Schema):
    id: int
    list_id: int
    subject: str
    status: str
    created_at: dt.datetime
    queued_at: dt.datetime | None
    finished_at: dt.datetime | None
    sent: int
    failed: int
    skipped: int
    left: int


class QueuedOut(Schema):
    queued: int


def _list_out(item: MailingList, subscribed: bool) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "slug": item.slug,
        "description": item.description,
        "frequency": item.frequency,
        "is_public": item.is_public,
        "publication_id": item.publication_id,
        "subscribed": subscribed,
    }


def _send_out(send: Send) -> dict[str, Any]:
    p = sending.progress(send)
    return {
        "id": send.pk,
        "list_id": send.mailing_list_id,
        "subject": send.subject,
        "status": send.status,
        "created_at": send.created_at,
        "queued_at": send.queued_at,
        "finished_at": send.finished_at,
        "sent": p.sent,
        "failed": p.failed,
        "skipped": p.skipped,
        "left": p.left,
    }


@router.get("/mailing-lists", response={200: list[ListOut], **ERRORS})
def list_lists(request: HttpRequest) -> Any:
    """The newsletters you may get (members: all; others: the public ones), and whether you do."""
    user = request_user(request)
    mine = set(
        Subscriber.objects.filter(
            email=user.email.lower(), status=Subscriber.Status.ACTIVE
        ).values_list("mailing_list_id", flat=True)
    )
    rows = MailingList.objects.order_by("name")
    if not is_active_member(user):
        rows = rows.filter(is_public=True)
    return [_list_out(m, m.pk in mine) for m in rows]


@router.put("/mailing-lists/{list_id}/subscription", response={200: ListOut, **ERRORS})
def choose(request: HttpRequest, list_id: PathId, payload: ChoiceIn) -> Any:
    """Get a newsletter at your account's address, or stop (members)."""
    user = request_user(request)
    chosen = MailingList.objects.filter(pk=list_id).first()
    if chosen is None:
        raise NotFound("No such newsletter.")
    sub = subscriptions.set_member_subscription(
        actor=user, mailing_list=chosen, on=payload.subscribed
    )
    return _list_out(chosen, sub.status == Subscriber.Status.ACTIVE)


@router.get("/mailing-lists/{list_id}/subscribers", response={200: list[SubscriberOut], **ERRORS})
def list_subscribers(
    request: HttpRequest, list_id: PathId, filters: Query[SubscriberFilter]
) -> Any:
    """The list's subscribers, 100 a page (its publication's editors)."""
    user = request_user(request)
    item = load_list(user, list_id)
    rows = item.subscribers.order_by("pk")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.q:
        rows = rows.filter(email__icontains=filters.q.replace("\x00", ""))
    start = (filters.page - 1) * 100
    return [
        {
            "id": s.pk,
            "email": s.email,
            "status": s.status,
            "is_member": s.user_id is not None,
            "bounce_score": float(s.bounce_score),
            "created_at": s.created_at,
        }
        for s in rows[start : start + 100]
    ]


@router.post("/mailing-lists/{list_id}/sends", response={201: SendOut, **ERRORS})
def write_send(request: HttpRequest, list_id: PathId, payload: SendIn) -> Any:
    """Write a send (a draft) from an introduction and published articles (editors)."""
    user = request_user(request)
    item = load_list(user, list_id)
    by_id = {
        a.pk: a
        for a in Article.objects.filter(
            pk__in=payload.article_ids, publication_id=item.publication_id
        )
    }
    missing = [pk for pk in payload.article_ids if pk not in by_id]
    if missing:
        raise DomainError(f"article_ids: no such article of this publication: {missing[0]}.")
    send = sending.write_send(
        actor=user,
        mailing_list=item,
        subject=payload.subject,
        intro=payload.intro,
        articles=[by_id[pk] for pk in payload.article_ids],
    )
    return Status(201, _send_out(send))


@router.get("/sends/{send_id}", response={200: SendOut, **ERRORS})
def get_send(request: HttpRequest, send_id: PathId) -> Any:
    """A send with its progress: sent, failed, skipped (unsubscribed since), left."""
    return _send_out(load_send(request_user(request), send_id))


@router.post("/sends/{send_id}/test", response={200: SendOut, **ERRORS})
def test_send(request: HttpRequest, send_id: PathId) -> Any:
    """Send it to yourself as a subscriber would get it."""
    user = request_user(request)
    send = load_send(user, send_id)
    sending.send_test(actor=user, send=send)
    return _send_out(send)


@router.post("/sends/{send_id}/queue", response={200: QueuedOut, **ERRORS})
def queue_send(request: HttpRequest, send_id: PathId) -> Any:
    """Send it to every active subscriber (the worker delivers it, throttled)."""
    user = request_user(request)
    return {"queued": sending.queue_send(actor=user, send=load_send(user, send_id))}


@router.post("/sends/{send_id}/cancel", response={200: SendOut, **ERRORS})
def cancel_send(request: HttpRequest, send_id: PathId) -> Any:
    """Stop a send under way: what has not gone does not go."""
    user = request_user(request)
    return _send_out(sending.cancel_send(actor=user, send=load_send(user, send_id)))
