"""Who reads and who works on a publication.

Readers: a public publication's published articles are for everyone; a members-only one's for
members (and its staff). The desk: the publication's staff (writers, sub-editors, editors: the
``Role`` rows) and the officers of the unit that publishes it, who appoint the staff. Writers see
and change their own drafts; sub-editors and editors the whole desk; editors alone approve,
publish, and make editions (``iskra.press.workflow``).
"""

from __future__ import annotations

from typing import Any

from iskra.core.errors import NotFound
from iskra.motions.permissions import is_active_member
from iskra.organisation.permissions import is_officer_of
from iskra.press.models import Article, Edition, Publication, Role
from iskra.press.workflow import DESK, EDITABLE_BY

_ROLES_ATTR = "_press_roles"


def _roles(user: Any) -> dict[int, str]:
    cached: dict[int, str] | None = getattr(user, _ROLES_ATTR, None)
    if cached is None:
        cached = dict(Role.objects.filter(user_id=user.pk).values_list("publication_id", "kind"))
        setattr(user, _ROLES_ATTR, cached)
    return cached


def role_of(user: Any, publication: Publication) -> str | None:
    """The person's role on the publication's staff (superusers act as editors)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_superuser", False):
        return Role.Kind.EDITOR
    return _roles(user).get(publication.pk)


def forget_roles(user: Any) -> None:
    if hasattr(user, _ROLES_ATTR):
        delattr(user, _ROLES_ATTR)


def can_manage_staff(user: Any, publication: Publication) -> bool:
    # The officers of the publishing unit appoint its staff.
    return bool(getattr(user, "is_authenticated", False)) and is_officer_of(user, publication.unit)


def can_use_desk(user: Any, publication: Publication) -> bool:
    return role_of(user, publication) is not None or can_manage_staff(user, publication)


def is_editor(user: Any, publication: Publication) -> bool:
    return role_of(user, publication) == Role.Kind.EDITOR


def can_read(user: Any, publication: Publication) -> bool:
    """Whether the person may read the publication's published articles."""
    return (
        publication.is_public
        or is_active_member(user)
        or role_of(user, publication) is not None
        or bool(getattr(user, "is_superuser", False))
    )


def sees_whole_desk(user: Any, publication: Publication) -> bool:
    """Sub-editors and editors: every article on the desk, and editions before they are
    published (with articles not yet approved in them)."""
    return role_of(user, publication) in DESK


def can_see_on_desk(user: Any, article: Article) -> bool:
    kind = role_of(user, article.publication)
    # Sub-editors and editors see the whole desk; writers their own articles.
    if kind in DESK:
        return True
    return kind == Role.Kind.WRITER and article.author_id == user.pk


def can_edit_text(user: Any, article: Article) -> bool:
    kind = role_of(user, article.publication)
    if kind is None or kind not in EDITABLE_BY[article.state]:
        return False
    # A writer changes only their own drafts.
    return kind != Role.Kind.WRITER or article.author_id == user.pk


def load_publication(user: Any, slug: str) -> Publication:
    """A publication the person may read (else not found: a members-only paper's name is not
    told to outsiders)."""
    publication = Publication.objects.select_related("unit").filter(slug=slug).first()
    if publication is None or not can_read(user, publication):
        raise NotFound("No such publication.")
    return publication


def load_desk(user: Any, publication_id: int) -> Publication:
    publication = Publication.objects.select_related("unit").filter(pk=publication_id).first()
    if publication is None or not can_use_desk(user, publication):
        raise NotFound("No such publication on your desk.")
    return publication


def load_desk_article(user: Any, article_id: int) -> Article:
    article = (
        Article.objects.select_related("publication__unit", "author", "section", "edition")
        .filter(pk=article_id)
        .first()
    )
    if article is None or not can_see_on_desk(user, article):
        raise NotFound("No such article on your desk.")
    return article


def load_edition(user: Any, edition_id: int) -> Edition:
    edition = Edition.objects.select_related("publication__unit").filter(pk=edition_id).first()
    if edition is None or not sees_whole_desk(user, edition.publication):
        raise NotFound("No such edition on your desk.")
    return edition
