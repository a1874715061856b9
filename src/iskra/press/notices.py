"""Who is told what as an article moves: the desk when work reaches it, the writer (or the
member who sent it in) at each step."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from iskra.core.notifications import notify
from iskra.press.models import Article, Role

# Who on the desk is told when an article reaches them: submitted, the sub-editors and editors;
# edited, the editors.
WAITING_FOR: dict[str, tuple[str, ...]] = {
    "submit": (Role.Kind.SUB_EDITOR, Role.Kind.EDITOR),
    "edited": (Role.Kind.EDITOR,),
}


def tell_the_desk(article: Article, step: str, actor: Any) -> None:
    kinds = WAITING_FOR.get(step)
    if not kinds:
        return
    if step == "submit" and not article.publication.sub_editing:
        kinds = (Role.Kind.EDITOR,)
    desk = (
        Role.objects.filter(publication=article.publication, kind__in=kinds)
        .exclude(user_id=actor.pk)
        .select_related("user")
    )
    users = [role.user for role in desk]
    if users:
        notify(
            users=users,
            kind="press",
            title=f"“{article.title}” waits for you: {article.get_state_display().lower()}",
            url=reverse("press:article", args=[article.pk]),
        )


def author_url(article: Article) -> str:
    """Where its author follows it: the desk, or for a member's letter or report (they are
    not on the staff), the page of what they sent in."""
    if article.kind == Article.Kind.ARTICLE:
        return reverse("press:article", args=[article.pk])
    return reverse("press:send_in", args=[article.publication.slug])
