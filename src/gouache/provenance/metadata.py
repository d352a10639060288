"""The recipe inside the exported file: a PNG iTXt chunk, or XMP in JPEG and WebP.

PNG: an iTXt chunk (PNG 2nd ed. 11.3.4.5) with keyword "gouache.recipe", compressed, holding the
recipe JSON; it is spliced into the stored PNG before IEND, so the pixels are not re-encoded.
JPEG and WebP: an XMP packet whose element gouache:recipe holds the JSON, base64-encoded so that
it needs no XML escaping and is read back with a pattern rather than an XML parser (the file
comes from anywhere).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
import zlib
from typing import Any, Literal

from gouache.png import SIGNATURE

Format = Literal["png", "jpeg", "webp"]
FORMATS: tuple[Format, ...] = ("png", "jpeg", "webp")
MEDIA_TYPES: dict[Format, str] = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
EXTENSIONS: dict[Format, str] = {"png": ".png", "jpeg": ".jpg", "webp": ".webp"}
KEYWORD = b"gouache.recipe"
NAMESPACE = "https://gouache.invalid/ns/recipe/1.0/"
MAX_RECIPE_BYTES = 4_000_000  # a recipe is a few KB; refuse to inflate more than this
_XMP_RECIPE = re.compile(rb"<gouache:recipe>([A-Za-z0-9+/=\s]{1,8000000})</gouache:recipe>")


def parse_format(text: str) -> Format:
    """ "png", "jpeg"/"jpg" or "webp" (any case); ValueError naming the choices otherwise."""
    name = text.strip().lower()
    name = "jpeg" if name == "jpg" else name
    for fmt in FORMATS:
        if fmt == name:
            return fmt
    raise ValueError(f"unknown format {text!r}: choose png, jpeg or webp")


def format_of(data: bytes) -> Format | None:
    """The format of encoded bytes from their signature, or None."""
    if data.startswith(SIGNATURE):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def recipe_json(recipe: dict[str, Any]) -> bytes:
    """The canonical JSON of a recipe: sorted keys, no spaces (what the manifest hashes)."""
    return json.dumps(recipe, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _png_chunks(data: bytes) -> list[tuple[bytes, int, int]]:
    """(type, start of the chunk, end of the chunk) for each chunk; ValueError if malformed."""
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG")
    chunks, pos = [], len(SIGNATURE)
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ValueError("a PNG chunk runs past the end of the file")
        chunks.append((kind, pos, end))
        pos = end
        if kind == b"IEND":
            break
    return chunks


def png_with_recipe(png: bytes, recipe: dict[str, Any]) -> bytes:
    """`png` with an iTXt chunk holding the recipe, placed before IEND."""
    chunks = _png_chunks(png)
    iend = next((start for kind, start, _ in chunks if kind == b"IEND"), None)
    if iend is None:
        raise ValueError("the PNG has no IEND chunk")
    # keyword, NUL, compression flag 1, method 0, empty language tag, NUL, empty translation, NUL
    body = KEYWORD + b"\x00\x01\x00" + b"\x00" + b"\x00" + zlib.compress(recipe_json(recipe), 9)
    return png[:iend] + _chunk(b"iTXt", body) + png[iend:]


def _png_recipe_text(png: bytes) -> bytes | None:
    try:
        chunks = _png_chunks(png)
    except ValueError:
        return None
    for kind, start, end in chunks:
        if kind != b"iTXt":
            continue
        body = png[start + 8 : end - 4]
        keyword, sep, rest = body.partition(b"\x00")
        if keyword != KEYWORD or not sep or len(rest) < 2:
            continue
        compressed = rest[0] == 1
        # skip the method byte, then the language tag and translated keyword (NUL-ended)
        parts = rest[2:].split(b"\x00", 2)
        if len(parts) < 3:
            return None
        text = parts[2]
        if compressed:
            inflater = zlib.decompressobj()
            text = inflater.decompress(text, MAX_RECIPE_BYTES)
            if inflater.unconsumed_tail:
                return None  # larger than any recipe: not ours
        return text
    return None


def xmp_packet(recipe: dict[str, Any]) -> bytes:
    """An XMP packet carrying the recipe (for JPEG and WebP)."""
    encoded = base64.b64encode(recipe_json(recipe)).decode("ascii")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:gouache="{NAMESPACE}">'
        f"<gouache:recipe>{encoded}</gouache:recipe>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="r"?>'
    ).encode()


def read_recipe(data: bytes) -> dict[str, Any] | None:
    """The recipe an exported file carries (PNG iTXt or XMP), or None when it has none or it
    is unreadable."""
    fmt = format_of(data)
    text: bytes | None = None
    if fmt == "png":
        text = _png_recipe_text(data)
    elif fmt in ("jpeg", "webp"):
        found = _XMP_RECIPE.search(data)
        if found is not None:
            try:
                text = base64.b64decode(re.sub(rb"\s", b"", found.group(1)), validate=True)
            except (binascii.Error, ValueError):
                return None
    if text is None:
        return None
    try:
        value = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
