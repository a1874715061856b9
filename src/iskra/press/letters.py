"""Members' letters and reports from the ground: sent in through the publication's form, they
reach the desk as submitted articles (the sender is their author, with no role on the staff),
and the desk moderates them through the workflow: edited, approved and published, or declined
with a reason the sender is told."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from iskra.audit.services import record
from iskra.core import ratelimit
from iskra.core.errors import TooMany
from iskra.core.notifications import notify
from iskra.motions.permissions import is_active_member
from iskra.organisation.permissions import require
from iskra.press.models import Article, Publication, Role, Section
from iskra.press.permissions import can_read
from iskra.press.services import FieldError, _check_text, new_article

# How many a member may send in a day, to one publication.
PER_DAY = 5
# A letter is short; a report a little longer.
MAX_LENGTH: dict[str, int] = {Article.Kind.LETTER: 3000, Article.Kind.REPORT: 8000}
# The section each goes in, where the publication has one by that address.
SECTION_SLUGS: dict[str, str] = {Article.Kind.LETTER: "letters", Article.Kind.REPORT: "reports"}


def send_in(
    *,
    actor: Any,
    publication: Publication,
    kind: str,
    title: str,
    body: str,
    byline: str = "",
) -> Article:
    """A member sends the publication a letter or a report from the ground."""
    require(
        is_active_member(actor) and can_read(actor, publication),
        "Only members in good standing send in letters and reports.",
    )
    if kind not in MAX_LENGTH:
        raise FieldError("kind", "Choose a letter or a report.")
    title, body, _ = _check_text(title, body, "")
    if len(body) > MAX_LENGTH[kind]:
        raise FieldError("body", f"Keep it to {MAX_LENGTH[kind]:,} characters.")
    if not ratelimit.allow(
        "press.send_in", f"{publication.pk}:{actor.pk}", limit=PER_DAY, window=86_400
    ):
        raise TooMany(
            f"You have sent {publication.name} {PER_DAY} today: send the next one tomorrow."
        )
    section = Section.objects.filter(publication=publication, slug=SECTION_SLUGS[kind]).first()
    with transaction.atomic():
        article = new_article(
            actor=actor,
            publication=publication,
            section=section,
            kind=kind,
            state=Article.State.SUBMITTED,
            title=title,
            body=body,
            byline=byline,
            note="Sent in",
        )
        record(actor=actor, action="press.article.send_in", obj=article, data={"kind": kind})
        desk = Role.objects.filter(
            publication=publication, kind__in=[Role.Kind.SUB_EDITOR, Role.Kind.EDITOR]
        ).values_list("user_id", flat=True)
        notify(
            users=list(desk),
            kind="press",
            title=f"A {article.get_kind_display().lower()} for {publication.name}: “{title}”",
            url=reverse("press:article", args=[article.pk]),
        )
    return article


def sent_by(user: Any, publication: Publication) -> QuerySet[Article]:
    """What this member has sent in, newest first."""
    return Article.objects.filter(
        publication=publication,
        author_id=user.pk,
        kind__in=[Article.Kind.LETTER, Article.Kind.REPORT],
    ).order_by("-created_at")
