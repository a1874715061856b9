"""Pictures sent to the paper: checked, resized and re-encoded by the server.

What comes in is a photo from a phone or a camera, often 10 MB with its EXIF (the place it was
taken, the time, the device). What is kept is the picture alone: decoded by Pillow (so a file
that only calls itself an image is refused), turned the right way up from its EXIF orientation,
shrunk to at most ``MAX_SIDE`` pixels a side, and encoded afresh as JPEG (or PNG where it has
transparency) with no metadata at all. A file larger than ``MAX_BYTES`` is refused before it is
read; a "decompression bomb" (a small file that decodes to billions of pixels) is refused by
Pillow's pixel limit.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

# The largest file accepted (bytes) and the longest side kept (pixels).
MAX_BYTES = 20 * 1024 * 1024
MAX_SIDE = 1600
# The most pixels a picture may decode to (a 60-megapixel camera is within it).
MAX_PIXELS = 80_000_000
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


class ImageRefused(ValueError):
    """The file is not a picture the paper can use; the message says why, for the sender."""


@dataclass(frozen=True)
class Processed:
    data: bytes
    content_type: str
    width: int
    height: int
    digest: str


def too_large(size: int | None) -> str:
    mb = (size or 0) / (1024 * 1024)
    return (
        f"The picture is {mb:,.0f} MB; the largest the paper takes is "
        f"{MAX_BYTES // (1024 * 1024)} MB. Send a smaller copy (a phone's “medium” size is plenty)."
    )


def process(source: IO[bytes], *, size: int | None = None) -> Processed:
    """The picture in ``source``, resized and stripped of its metadata (``ImageRefused`` if it
    is not one, or too large)."""
    if size is not None and size > MAX_BYTES:
        raise ImageRefused(too_large(size))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        old_limit = PILImage.MAX_IMAGE_PIXELS
        try:
            PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS
            picture: PILImage.Image = PILImage.open(source)
            if picture.format not in FORMATS:
                raise ImageRefused("Send a JPEG, PNG, WebP or GIF picture.")
            picture.load()
        except (PILImage.DecompressionBombWarning, PILImage.DecompressionBombError):
            raise ImageRefused("The picture has too many pixels to be used.") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            if isinstance(exc, ImageRefused):
                raise
            raise ImageRefused("That file is not a picture the paper can read.") from None
        finally:
            PILImage.MAX_IMAGE_PIXELS = old_limit
    picture = ImageOps.exif_transpose(picture) or picture
    alpha = picture.mode in ("RGBA", "LA") or (
        picture.mode == "P" and "transparency" in picture.info
    )
    picture = picture.convert("RGBA" if alpha else "RGB")
    picture.thumbnail((MAX_SIDE, MAX_SIDE), PILImage.Resampling.LANCZOS)
    out = io.BytesIO()
    if alpha:
        picture.save(out, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        picture.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
        content_type = "image/jpeg"
    data = out.getvalue()
    return Processed(
        data=data,
        content_type=content_type,
        width=picture.width,
        height=picture.height,
        digest=hashlib.sha256(data).hexdigest(),
    )
