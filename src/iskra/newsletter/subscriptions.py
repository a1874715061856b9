"""Who gets the newsletter: lists made by the editors; members subscribing from their
Newsletters page; the public with double opt-in; leaving by one click; bounces and complaints.

Unsubscribes and complaints take effect at once: a delivery under way checks the subscriber's
status just before it sends. A hard bounce adds 1 to the address's score, a soft one 0.5
(Mailman's scores); at ``settings.NEWSLETTER_BOUNCE_LIMIT`` delivery to the address stops.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.tasks import send_after_commit
from iskra.motions.permissions import is_active_member
from iskra.newsletter import tokens
from iskra.newsletter.models import MailingList, Subscriber
from iskra.organisation.permissions import require
from iskra.press.models import Publication
from iskra.press.permissions import is_editor
from iskra.press.services import FieldError

HARD = Decimal("1.0")
SOFT = Decimal("0.5")
Status = Subscriber.Status


def create_list(
    *,
    actor: Any,
    publication: Publication,
    name: str,
    frequency: str,
    description: str = "",
    is_public: bool = True,
) -> MailingList:
    require(is_editor(actor, publication), "Only the publication's editors make its newsletters.")
    name = name.strip()
    if not name:
        raise FieldError("name", "Give the newsletter a name.")
    if frequency not in MailingList.Frequency.values:
        raise FieldError("frequency", "Choose how often it goes out.")
    if is_public and not publication.is_public:
        raise FieldError(
            "is_public",
            f"{publication.name} is for members only: its newsletters are for members too.",
        )
    stem = (slugify(name) or "newsletter")[:50]
    slug, n = stem, 1
    while MailingList.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{stem}-{n}"
    with transaction.atomic():
        made = MailingList.objects.create(
            publication=publication,
            name=name,
            slug=slug,
            description=description.strip()[:300],
            frequency=frequency,
            is_public=is_public,
            created_at=timezone.now(),
        )
        record(actor=actor, action="newsletter.list.create", obj=made, data={"name": name})
    return made


def set_member_subscription(*, actor: Any, mailing_list: MailingList, on: bool) -> Subscriber:
    """A member subscribes to a list, or leaves it, from their Newsletters page (their
    account's address needs no confirmation)."""
    require(is_active_member(actor), "Members choose their newsletters here.")
    email = actor.email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        sub = (
            Subscriber.objects.select_for_update()
            .filter(mailing_list=mailing_list, email=email)
            .first()
        )
        if sub is None:
            sub = Subscriber(mailing_list=mailing_list, email=email, created_at=now)
        sub.user = actor
        if on:
            sub.status, sub.confirmed_at, sub.left_at = Status.ACTIVE, now, None
            sub.bounce_score = Decimal(0)
        else:
            sub.status, sub.left_at = Status.UNSUBSCRIBED, now
        sub.save()
        record(
            actor=actor,
            action="newsletter.subscribe" if on else "newsletter.unsubscribe",
            obj=mailing_list,
        )
    return sub


def subscribe_public(*, mailing_list: MailingList, email: str) -> None:
    """Someone gives their address on the public form: a pending subscription and an email with
    the link that confirms it. The answer is the same whether or not the address was already
    there, so the form tells nobody who subscribes."""
    if not mailing_list.is_public:
        raise DomainError("This newsletter is for members: sign in to subscribe.")
    email = email.strip().lower()
    if not email or "@" not in email or len(email) > 254:
        raise FieldError("email", "Give an email address.")
    now = timezone.now()
    with transaction.atomic():
        sub = (
            Subscriber.objects.select_for_update()
            .filter(mailing_list=mailing_list, email=email)
            .first()
        )
        if sub is not None and sub.status == Status.ACTIVE:
            return
        if sub is not None and sub.status == Status.COMPLAINED:
            # They marked it as spam: only they, signed in as a member, or by writing, undo that.
            return
        if sub is None:
            try:
                with transaction.atomic():
                    sub = Subscriber.objects.create(
                        mailing_list=mailing_list,
                        email=email,
                        status=Status.PENDING,
                        created_at=now,
                    )
            except IntegrityError:
                return
        else:
            sub.status = Status.PENDING
            sub.save(update_fields=["status"])
        send_after_commit(
            to=email,
            template="newsletter/email/confirm",
            context={
                "list_name": mailing_list.name,
                "url": settings.SITE_URL
                + reverse("newsletter:confirm", args=[tokens.confirm_token(sub.pk)]),
                "days": tokens.CONFIRM_DAYS,
            },
        )


def confirm(*, token: str) -> Subscriber:
    pk = tokens.read_confirm(token)
    sub = Subscriber.objects.select_related("mailing_list").filter(pk=pk).first() if pk else None
    if sub is None:
        raise DomainError(
            "This confirmation link is not valid, or more than a week old: subscribe again and "
            "use the link in the new email."
        )
    if sub.status == Status.PENDING:
        sub.status, sub.confirmed_at = Status.ACTIVE, timezone.now()
        sub.save(update_fields=["status", "confirmed_at"])
    return sub


def unsubscribe(*, token: str) -> Subscriber:
    """Leave the list by the link in any of its emails (or the one-click POST of RFC 8058)."""
    pk = tokens.read_unsubscribe(token)
    sub = Subscriber.objects.select_related("mailing_list").filter(pk=pk).first() if pk else None
    if sub is None:
        raise DomainError("This unsubscribe link is not valid.")
    if sub.status in (Status.ACTIVE, Status.PENDING, Status.BOUNCED):
        sub.status, sub.left_at = Status.UNSUBSCRIBED, timezone.now()
        sub.save(update_fields=["status", "left_at"])
    return sub


def _matching(email: str, subscriber_id: int | None) -> QuerySet[Subscriber]:
    rows = Subscriber.objects.filter(email=email.strip().lower())
    if subscriber_id is not None:
        rows = rows.filter(pk=subscriber_id)
    return rows


def record_bounce(*, email: str, hard: bool) -> int:
    """A bounce for the address (every list it is on): its score goes up; at the limit,
    delivery stops. Returns how many subscriptions were stopped."""
    limit = Decimal(str(settings.NEWSLETTER_BOUNCE_LIMIT))
    stopped = 0
    with transaction.atomic():
        for sub in _matching(email, None).select_for_update():
            sub.bounce_score += HARD if hard else SOFT
            if sub.bounce_score >= limit and sub.status == Status.ACTIVE:
                sub.status, sub.left_at = Status.BOUNCED, timezone.now()
                stopped += 1
            sub.save(update_fields=["bounce_score", "status", "left_at"])
    return stopped


def record_complaint(*, email: str, subscriber_id: int | None = None) -> int:
    """The recipient marked it as spam: that list (or, not knowing which, every list the
    address is on) stops at once."""
    return (
        _matching(email, subscriber_id)
        .exclude(status=Status.COMPLAINED)
        .update(status=Status.COMPLAINED, left_at=timezone.now())
    )


def record_unsubscribe(*, email: str, subscriber_id: int | None = None) -> int:
    return (
        _matching(email, subscriber_id)
        .filter(status__in=[Status.ACTIVE, Status.PENDING])
        .update(status=Status.UNSUBSCRIBED, left_at=timezone.now())
    )


def follow_email_change(*, user: Any, new: str) -> int:
    """A member's subscriptions follow their account to its new address (called inside the
    change's transaction). Where the new address was already on a list by the public form,
    the member's own choice stands and the other row goes. The new address has no bounces:
    a list stopped for bouncing starts again. Returns how many subscriptions moved."""
    new = new.strip().lower()
    moved = 0
    for sub in Subscriber.objects.select_for_update().filter(user=user).exclude(email=new):
        Subscriber.objects.filter(mailing_list_id=sub.mailing_list_id, email=new).exclude(
            pk=sub.pk
        ).delete()
        sub.email = new
        sub.bounce_score = Decimal(0)
        if sub.status == Status.BOUNCED:
            sub.status = Status.ACTIVE
        sub.save(update_fields=["email", "bounce_score", "status"])
        moved += 1
    return moved
