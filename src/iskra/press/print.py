"""The edition as a print-ready PDF: a front page with the masthead and the lead story, then the
articles in columns, with running heads and page numbers, at the publication's size (tabloid or
A4). Rendered by ``iskra.core.pdf.render_pdf``, which fetches nothing but the app's own files.

WeasyPrint lays out CSS columns inside one block but does not balance them across pages or flow
text between frames, so each article is its own block of columns: a long article continues in
its columns onto the next page, and the next article starts below it."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from iskra.core.errors import DomainError
from iskra.core.pdf import render_pdf
from iskra.press import selectors
from iskra.press.models import Edition, Image, Publication

# Page sizes and the columns an article's text runs in.
SIZES: dict[str, tuple[str, int]] = {
    Publication.Format.TABLOID: ("279mm 432mm", 4),
    Publication.Format.A4: ("210mm 297mm", 3),
}


def edition_pdf(edition: Edition, *, published_only: bool = True) -> bytes:
    articles = selectors.edition_articles(edition, published_only=published_only)
    if not articles:
        raise DomainError(
            f"Number {edition.number} has no articles to print yet: place some in it first."
        )
    lead = next((a for a in articles if a.is_lead), articles[0])
    size, columns = SIZES.get(edition.publication.print_format, SIZES[Publication.Format.A4])
    # Pictures go in as data: URIs (the renderer fetches nothing).
    pictures = {
        image.pk: f"data:{image.content_type};base64,{base64.b64encode(bytes(image.data)).decode()}"
        for image in Image.objects.filter(pk__in=[a.image_id for a in articles if a.image_id])
    }
    html = render_to_string(
        "press/print_edition.html",
        {
            "edition": edition,
            "publication": edition.publication,
            "lead": lead,
            "rest": [a for a in articles if a.pk != lead.pk],
            "size": size,
            "columns": columns,
            "pictures": pictures,
        },
    )
    return render_pdf(html)
