"""Images that come with a request -> LoadedImage, through gouache.images (the one loader:
its header check refuses a bomb before decoding, its completeness check a truncated file)."""

from __future__ import annotations

import base64
import binascii
import re

from gouache.errors import InputError
from gouache.images import LoadedImage, load_image

_DATA_URL = re.compile(r"data:([\w/+.-]+)?(;[\w=.-]+)*;base64,", re.IGNORECASE)


def decode_base64(text: str, what: str) -> bytes:
    """Standard or URL-safe base64 (google-genai sends the latter), or a data: URL. A URL to
    fetch is refused: the server never fetches what a client names."""
    value = text.strip()
    if value.lower().startswith(("http://", "https://", "gs://", "file:")):
        raise InputError(f"{what}: the server does not fetch URLs; send the image itself (base64)")
    found = _DATA_URL.match(value)
    if found:
        value = value[found.end() :]
    value = re.sub(r"\s+", "", value)
    altchars = b"-_" if ("-" in value or "_" in value) else None
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{what}: not valid base64") from None


def load_upload(data: bytes, name: str, max_pixels: int) -> LoadedImage:
    """Decode an uploaded image; InvalidImageError / ImageTooLargeError name `name`."""
    return load_image(data, max_pixels=max_pixels, name=name)
