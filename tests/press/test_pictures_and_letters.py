"""Pictures (resized, EXIF removed, a 200 MB file refused while it is read) and members' letters
and reports (sent in, moderated, the sender told)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage

from iskra.accounts.services import issue_token
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.notifications import Notification
from iskra.press import images, letters, pictures
from iskra.press import services as press
from iskra.press.models import Article, Image
from tests.press.conftest import Paper


def _photo(size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A JPEG as a phone takes it: large, with EXIF saying where (GPS) and on what."""
    picture = PILImage.new("RGB", size, (200, 30, 30))
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_is_resized_and_loses_its_exif() -> None:
    raw = _photo()
    assert b"PhoneMaker" in raw
    done = images.process(io.BytesIO(raw), size=len(raw))
    assert (done.width, done.height) == (1600, 1200) and done.content_type == "image/jpeg"
    assert b"PhoneMaker" not in done.data and b"Exif" not in done.data
    assert not PILImage.open(io.BytesIO(done.data)).getexif()


def test_what_is_not_a_picture_is_refused_in_words() -> None:
    with pytest.raises(images.ImageRefused, match="not a picture"):
        images.process(io.BytesIO(b"%PDF-1.7 not an image"))
    with pytest.raises(images.ImageRefused, match="largest the paper takes is 20 MB"):
        images.process(io.BytesIO(b""), size=200 * 1024 * 1024)
    bomb = io.BytesIO()
    PILImage.new("1", (10_000, 9_000)).save(bomb, format="PNG")
    with pytest.raises(images.ImageRefused, match="too many pixels"):
        images.process(io.BytesIO(bomb.getvalue()))


def _draft(paper: Paper) -> Article:
    return press.write_article(
        actor=paper.writer, publication=paper.publication, title="Picket", body="Cold."
    )


def test_the_desk_puts_a_picture_on_an_article_and_readers_get_it(paper: Paper) -> None:
    article = _draft(paper)
    client = Client()
    client.force_login(paper.writer)
    upload = io.BytesIO(_photo((800, 600)))
    upload.name = "picket.jpg"
    response = client.post(
        f"/desk/articles/{article.pk}/picture/",
        {"image": upload, "caption": "The picket at dawn", "credit": "Photo: Wyn"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height, image.caption) == (800, 600, "The picket at dawn")
    url = f"/press/images/{image.pk}/{image.digest}/"
    assert url in client.get(f"/desk/articles/{article.pk}/").content.decode()
    # A draft's picture is the staff's until the article is published.
    assert client.get(url).status_code == 200
    assert Client().get(url).status_code == 404
    Article.objects.filter(pk=article.pk).update(
        state=Article.State.PUBLISHED, published_at=timezone.now()
    )
    got = Client().get(url)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert got["Cache-Control"] == "public, max-age=86400"
    # Signed in: private, never stored (not "public, immutable" and "no-store" together).
    assert client.get(url)["Cache-Control"] == "private, no-store"
    assert Client().get(f"/press/images/{image.pk}/{'0' * 64}/").status_code == 404
    # Taken down, it is the staff's again.
    Article.objects.filter(pk=article.pk).update(state=Article.State.APPROVED)
    assert Client().get(url).status_code == 404


def test_a_200_mb_upload_is_dropped_while_read_and_said_in_words(paper: Paper) -> None:
    article = _draft(paper)
    client = Client()
    client.force_login(paper.writer)
    # Over the ceiling (a real 200 MB would only be slower: the handler drops every chunk).
    big = io.BytesIO(b"\xff\xd8" + b"0" * (21 * 1024 * 1024))
    big.name = "huge.jpg"
    response = client.post(
        f"/desk/articles/{article.pk}/picture/", {"image": big, "caption": "Kept"}, follow=True
    )
    page = response.content.decode()
    assert "the largest the paper takes is 20 MB" in page
    assert 'value="Kept"' in page
    assert not Image.objects.exists()
    _token, raw = issue_token(user=paper.writer, name="t")
    big.seek(0)
    api = Client().post(
        f"/api/v1/articles/{article.pk}/image",
        {"image": big},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert api.status_code == 413 and "20 MB" in api.json()["detail"]
    bad = io.BytesIO(b"GIF89a not really")
    bad.name = "x.gif"
    api = Client().post(
        f"/api/v1/articles/{article.pk}/image", {"image": bad}, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert api.status_code == 400 and "not a picture" in api.json()["detail"]
    assert not Image.objects.exists()


def test_only_who_may_edit_the_text_puts_a_picture_on_it(paper: Paper) -> None:
    article = _draft(paper)
    with pytest.raises(PermissionDenied):
        pictures.attach_image(
            actor=paper.other_writer, article=article, source=io.BytesIO(_photo()), size=1
        )


def test_a_member_sends_a_letter_the_desk_declines_it_and_the_member_is_told(
    paper: Paper,
) -> None:
    member = paper.world.member
    press.add_section(actor=paper.editor, publication=paper.publication, name="Letters")
    letter = letters.send_in(
        actor=member,
        publication=paper.publication,
        kind="letter",
        title="More buses",
        body="The 42 is always late.",
    )
    assert letter.state == "submitted" and letter.section and letter.section.slug == "letters"
    assert Notification.objects.filter(user=paper.editor, title__contains="More buses").exists()
    press.take_step(
        actor=paper.sub_editor, article=letter, step="decline", reason="Printed one like it"
    )
    note = Notification.objects.get(user=member, kind="press")
    assert "declined (Printed one like it)" in note.title
    assert note.url == "/press/the-spark/send-in/"
    client = Client()
    client.force_login(member)
    page = client.get("/press/the-spark/send-in/").content.decode()
    assert "More buses" in page and "declined" in page
    # The member is not on the desk.
    assert client.get(f"/desk/articles/{letter.pk}/").status_code == 404


def test_letters_are_for_members_and_a_few_a_day(paper: Paper) -> None:
    with pytest.raises(PermissionDenied):
        letters.send_in(
            actor=paper.world.outsider,
            publication=paper.publication,
            kind="letter",
            title="Hi",
            body="Hello",
        )
    cache.clear()
    for n in range(letters.PER_DAY):
        letters.send_in(
            actor=paper.world.member,
            publication=paper.publication,
            kind="report",
            title=f"Report {n}",
            body="We were there.",
        )
    with pytest.raises(DomainError, match="send the next one tomorrow"):
        letters.send_in(
            actor=paper.world.member,
            publication=paper.publication,
            kind="report",
            title="One more",
            body="Again.",
        )
    with pytest.raises(DomainError, match="Keep it to 3,000"):
        letters.send_in(
            actor=paper.world.secretary,
            publication=paper.publication,
            kind="letter",
            title="Long",
            body="x" * 3001,
        )
    assert Article.objects.filter(title="One more").count() == 0


def test_the_api_takes_a_letter(paper: Paper) -> None:
    _token, raw = issue_token(user=paper.world.member, name="t")
    response = Client().post(
        f"/api/v1/publications/{paper.publication.pk}/letters",
        json.dumps({"kind": "report", "title": "Stall", "body": "Sold 30 papers."}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201 and response.json()["state"] == "submitted"


@pytest.mark.django_db(transaction=True)
def test_a_multipart_body_without_its_boundary_is_a_400(live_server: Any, paper: Paper) -> None:
    """Found by the API fuzzer, over HTTP (it was a 500): a multipart Content-Type without its
    boundary."""
    import urllib.error
    import urllib.request

    article = _draft(paper)
    _token, raw = issue_token(user=paper.writer, name="t")
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/articles/{article.pk}/image",
        data=b"",
        method="POST",
        headers={"Content-Type": "multipart/form-data", "Authorization": f"Bearer {raw}"},
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=30)
    assert answer.value.code == 400
    assert "boundary" in json.loads(answer.value.read())["detail"]
