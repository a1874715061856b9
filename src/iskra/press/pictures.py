"""The verbs of an article's picture: attach one (checked, resized, stripped of its metadata by
``iskra.press.images``) with its caption and credit, or take it off."""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.organisation.permissions import require
from iskra.press.images import ImageRefused, process
from iskra.press.models import Article, Image
from iskra.press.permissions import can_edit_text
from iskra.press.services import FieldError


def attach_image(
    *,
    actor: Any,
    article: Article,
    source: IO[bytes],
    size: int | None,
    caption: str = "",
    credit: str = "",
) -> Image:
    """The article's picture (replacing any it had): whoever may change its text."""
    require(can_edit_text(actor, article), "You may not change this article now.")
    caption, credit = caption.strip(), credit.strip()
    if len(caption) > 300:
        raise FieldError("caption", "Keep the caption to 300 characters.")
    if len(credit) > 120:
        raise FieldError("credit", "Keep the credit to 120 characters.")
    try:
        picture = process(source, size=size)
    except ImageRefused as exc:
        raise FieldError("image", str(exc)) from None
    with transaction.atomic():
        image = Image.objects.create(
            publication_id=article.publication_id,
            data=picture.data,
            content_type=picture.content_type,
            width=picture.width,
            height=picture.height,
            digest=picture.digest,
            caption=caption,
            credit=credit,
            uploaded_by=actor,
            created_at=timezone.now(),
        )
        Article.objects.filter(pk=article.pk).update(image=image, updated_at=timezone.now())
        article.image = image
        record(
            actor=actor,
            action="press.article.image",
            obj=article,
            data={"image_id": image.pk, "bytes": len(picture.data)},
        )
    return image


def remove_image(*, actor: Any, article: Article) -> None:
    require(can_edit_text(actor, article), "You may not change this article now.")
    if article.image_id is None:
        raise DomainError("The article has no picture.")
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(image=None, updated_at=timezone.now())
        record(actor=actor, action="press.article.image_removed", obj=article)
    article.image = None
