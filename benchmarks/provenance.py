"""Provenance: signing and verifying times, and what the watermark survives.

`main(quick)` prints two tables and returns their rows:
    timing     median ms to export a version signed (its lineage signed as nested
               ingredients, so the cost grows with depth), to verify it, to embed the mark,
               and to read it straight and after a crop (the phase search)
    watermark  per picture and transformation: the share of the 48 payload bits read
               correctly (at the picture's own grid; for crops, at the best alignment; for
               a screenshot at another scale, scaled back to the exported size), and
               whether the version id came back (CRC-16 checked, with the crop search, or
               for a screenshot trying the sizes a store knows, decoys among them);
               the first row is the mark's PSNR cost

Aims (the issue): at least 95 % of bits after JPEG 80, PSNR above 38 dB.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage
from skimage import data

from benchmarks.common import astronaut, bench_size, machine, median_ms, repeats
from gouache.images import Image, LoadedImage, load_image
from gouache.provenance import watermark
from gouache.provenance.export import export_version
from gouache.provenance.keys import make_test_identity
from gouache.provenance.verify import verify_bytes
from gouache.sessions.session import Session
from gouache.sessions.store import Store
from gouache.settings import Settings

MARK = "5a8fe0b4"
TURNS = ("make it warmer", "add a vignette", "increase the contrast", "sharpen it a little")
DEEPER = 15  # more turns, to time an export 20 manifests deep


def _encode(image: Image, fmt: str, quality: int) -> Image:
    out = io.BytesIO()
    PILImage.fromarray(image).save(out, fmt, quality=quality)
    return np.asarray(PILImage.open(io.BytesIO(out.getvalue())).convert("RGB"))


def _resize_back(image: Image, scale: float) -> Image:
    height, width = image.shape[:2]
    small = cv2.resize(
        image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
    )
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def _crop(image: Image, share: float, centred: bool = True) -> Image:
    height, width = image.shape[:2]
    dy, dx = round(height * share), round(width * share)
    if centred:
        return np.ascontiguousarray(image[dy // 2 : height - dy // 2, dx // 2 : width - dx // 2])
    return np.ascontiguousarray(image[dy:, dx:])


def _rotate(image: Image, degrees: float) -> Image:
    height, width = image.shape[:2]
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, turn, (width, height), borderMode=cv2.BORDER_REFLECT)


def _noise(image: Image, sigma: float) -> Image:
    rng = np.random.default_rng(3)
    return np.clip(image + rng.normal(0, sigma, image.shape), 0, 255).astype(np.uint8)


# (label, transformation, how it is read: "grid" the picture's own grid, "crop" at the best
# alignment, "store" at the sizes a store knows, the right one among decoys)
ATTACKS: list[tuple[str, Callable[[Image], Image], str]] = [
    ("none (PNG)", lambda im: im, "grid"),
    ("JPEG 80", lambda im: _encode(im, "JPEG", 80), "grid"),
    ("JPEG 60", lambda im: _encode(im, "JPEG", 60), "grid"),
    ("JPEG 40", lambda im: _encode(im, "JPEG", 40), "grid"),
    ("WebP 80", lambda im: _encode(im, "WEBP", 80), "grid"),
    ("resize 90 % and back", lambda im: _resize_back(im, 0.9), "grid"),
    ("resize 75 % and back", lambda im: _resize_back(im, 0.75), "grid"),
    ("resize 50 % and back", lambda im: _resize_back(im, 0.5), "grid"),
    ("crop 10 % (centred)", lambda im: _crop(im, 0.10), "crop"),
    ("crop 10 % (one corner)", lambda im: _crop(im, 0.10, centred=False), "crop"),
    ("crop 10 % + JPEG 80", lambda im: _encode(_crop(im, 0.10), "JPEG", 80), "crop"),
    ("noise sigma 5", lambda im: _noise(im, 5.0), "grid"),
    ("brightness +10 %", lambda im: np.clip(im * 1.1, 0, 255).astype(np.uint8), "grid"),
    ("rotate 1 degree", lambda im: _rotate(im, 1.0), "grid"),
    (
        "resize 90 %, not undone",
        lambda im: cv2.resize(im, None, fx=0.9, fy=0.9, interpolation=cv2.INTER_AREA),
        "grid",
    ),
    (
        "screenshot 80 % + JPEG 80, store",
        lambda im: _encode(
            cv2.resize(im, None, fx=0.8, fy=0.8, interpolation=cv2.INTER_AREA), "JPEG", 80
        ),
        "store",
    ),
    (
        "screenshot 150 %, store",
        lambda im: cv2.resize(im, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC),
        "store",
    ),
]
DECOY_SIZES = [(640, 480), (1024, 768), (800, 800)]
QUICK_ATTACKS = {
    "none (PNG)",
    "JPEG 80",
    "resize 90 % and back",
    "crop 10 % (centred)",
    "screenshot 80 % + JPEG 80, store",
}


def _pictures(quick: bool) -> dict[str, Image]:
    pictures = {f"astronaut {'x'.join(map(str, bench_size(quick)))}": astronaut(bench_size(quick))}
    if not quick:
        pictures["coffee 600x400"] = np.ascontiguousarray(data.coffee())
        pictures["chelsea 451x300"] = np.ascontiguousarray(data.chelsea())
    return pictures


def _psnr(a: Image, b: Image) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / mse)


def watermark_table(quick: bool) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    expected = watermark.payload_bits(MARK)
    for name, original in _pictures(quick).items():
        marked = watermark.embed(original, MARK)
        rows.append({"picture": name, "attack": "PSNR of the mark", "db": _psnr(original, marked)})
        height, width = original.shape[:2]
        for label, attack, how in ATTACKS:
            if quick and label not in QUICK_ATTACKS:
                continue
            attacked = attack(marked)
            if how == "store":
                rescaled = watermark.extract_rescaled(attacked, [*DECOY_SIZES, (width, height)])
                back = cv2.resize(attacked, (width, height), interpolation=cv2.INTER_AREA)
                share = float(np.mean(watermark.read_bits(back) == expected))
                found = rescaled is not None and rescaled[0].mark_id == MARK
            else:
                if how == "crop":
                    share = watermark.aligned_accuracy(attacked, MARK)
                else:
                    share = float(np.mean(watermark.read_bits(attacked) == expected))
                found = watermark.extract(attacked).mark_id == MARK
            rows.append({"picture": name, "attack": label, "bits": share, "id_read": found})
    return rows


def timing_table(quick: bool) -> list[dict[str, object]]:
    n = repeats(5, quick)
    keys = make_test_identity()
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store.from_settings(Settings(data_dir=Path(folder)))
        photo = LoadedImage(astronaut(bench_size(quick)), "PNG", "astronaut.png")
        session = Session.start(store, photo)
        for instruction in TURNS[: 1 if quick else len(TURNS)]:
            session.apply(instruction)
        depth = session.head.number
        for fmt in ("png",) if quick else ("png", "jpeg"):
            rows.append(
                {
                    "what": f"export signed + marked {fmt}, {depth} manifests deep",
                    "ms": median_ms(
                        lambda fmt=fmt: export_version(session, fmt=fmt, sign=True, keys=keys), n
                    ),
                }
            )
        # the lineage is signed again on every export: the cost by depth, without the mark
        more = 0 if quick else DEEPER
        for i in range(more):
            session.apply(TURNS[i % len(TURNS)])
        for ref in ("v1", f"v{depth}", f"v{depth + more}") if more else ("v1",):
            level = session.resolve(ref).number
            rows.append(
                {
                    "what": f"export signed, no mark, png, {level} manifests deep",
                    "ms": median_ms(
                        lambda ref=ref: export_version(
                            session, ref, sign=True, keys=keys, watermark_mark=False
                        ),
                        n,
                    ),
                }
            )
        signed = export_version(session, f"v{depth}", sign=True, keys=keys).data
        rows.append(
            {
                "what": "verify (manifest, recipe, watermark)",
                "ms": median_ms(lambda: verify_bytes(signed, trust_pem=keys.ca_pem), n),
            }
        )
        pixels = load_image(signed).pixels
        rows.append(
            {"what": "embed the mark", "ms": median_ms(lambda: watermark.embed(pixels, MARK), n)}
        )
        rows.append(
            {
                "what": "read the mark (own grid)",
                "ms": median_ms(lambda: watermark.extract(pixels), n),
            }
        )
        cropped = _crop(pixels, 0.10)
        rows.append(
            {
                "what": "read the mark after a crop (phase search)",
                "ms": median_ms(lambda: watermark.extract(cropped), n),
            }
        )
        store.close()
    return rows


def main(quick: bool = False) -> dict[str, object]:
    size = "x".join(map(str, bench_size(quick)))
    timing = timing_table(quick)
    print(f"signing and verifying, astronaut {size}, on {machine()}")
    print(f"{'':<56} {'ms':>8}")
    for row in timing:
        print(f"{row['what']:<56} {row['ms']:>8.1f}")
    table = watermark_table(quick)
    print("\nwatermark: 48 bits (32-bit version id + CRC-16); aims >= 95 % after JPEG 80, > 38 dB")
    print(f"{'picture':<22} {'transformation':<34} {'bits':>7} {'id read':>8}")
    for row in table:
        if "db" in row:
            print(f"{row['picture']:<22} {row['attack']:<34} {row['db']:>6.1f} dB")
        else:
            found = "yes" if row["id_read"] else "no"
            print(f"{row['picture']:<22} {row['attack']:<34} {row['bits']:>7.1%} {found:>8}")
    return {"timing": timing, "watermark": table}


if __name__ == "__main__":
    main()
