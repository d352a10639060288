"""Small sample pictures for evaluations, built from images that ship in packages: never a
download. Photos come from scikit-image (and matplotlib's Grace Hopper); posters, screenshots,
a selfie, a meme, a group of three faces, a transparent cut-out, a car's licence plate and an old
damaged photo are drawn here from them, deterministically. Every picture is at most ~480 px on
its longer side, so that an evaluation of hundreds of requests stays quick.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from gouache.images import Image

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PAPER = (240, 235, 220)
RED = (200, 30, 30)


def _fit(image: Image, longest: int) -> Image:
    """`image` as RGB(A) uint8 with its longer side at most `longest` pixels."""
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=2)
    h, w = image.shape[:2]
    scale = min(1.0, longest / max(h, w))
    if scale < 1.0:
        size = (round(w * scale), round(h * scale))
        image = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA))
    return np.ascontiguousarray(image.astype(np.uint8))


def _skimage(name: str, longest: int = 384) -> Callable[[], Image]:
    def build() -> Image:
        from skimage import data

        return _fit(getattr(data, name)(), longest)

    return build


def hazy() -> Image:
    """scikit-image's rocket under a haze that thickens toward the top (I = J t + A (1 - t))."""
    clear = _skimage("rocket", 384)().astype(np.float64)
    t = np.linspace(0.45, 0.85, clear.shape[0])[:, None, None]
    airlight = np.array([205.0, 210.0, 215.0])
    return np.ascontiguousarray(np.round(clear * t + airlight * (1 - t)).astype(np.uint8))


def logo() -> Image:
    """scikit-image's logo, flattened: a coloured disc on plain white, as logos come."""
    rgba = _skimage("logo")()
    return np.ascontiguousarray(rgba[:, :, :3])


def grace_hopper() -> Image:
    """matplotlib's sample portrait (matplotlib is a development dependency)."""
    from matplotlib import cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    with PILImage.open(path) as im:
        return _fit(np.asarray(im.convert("RGB")), 384)


def selfie() -> Image:
    """grace_hopper cropped as a selfie: her face and hat fill the width of the frame."""
    return np.ascontiguousarray(grace_hopper()[26:282, 70:262])


def red_eyes() -> Image:
    """grace_hopper with a flash's red pupils (a white catchlight in each) on both eyes, where
    YuNet puts them at this size."""
    import cv2

    image = np.array(grace_hopper())
    for centre in ((145, 123), (199, 125)):
        cv2.circle(image, centre, 5, (190, 35, 40), -1)
        cv2.circle(image, (centre[0] - 2, centre[1] - 2), 1, (250, 250, 250), -1)
    return image


def drawn(
    background: Image, lines: Sequence[tuple[str, tuple[int, int], int]], fill: tuple[int, ...]
) -> Image:
    """`background` with each (text, top-left, size) written on it in `fill`."""
    canvas = PILImage.fromarray(np.ascontiguousarray(background))
    draw = ImageDraw.Draw(canvas)
    for text, xy, size in lines:
        draw.text(xy, text, font=ImageFont.load_default(size=size), fill=fill)
    return np.asarray(canvas)


def _figure_pixels(fig: Figure) -> Image:
    """A matplotlib figure drawn by the Agg backend (no display needed), as RGB."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    return np.ascontiguousarray(np.asarray(rgba)[:, :, :3])


def chart() -> Image:
    """A bar chart as matplotlib draws it: two series of bars (its default blue and orange)
    on white, with axes, ticks, a legend and a title."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.8, 3.2), dpi=100)
    ax = fig.add_subplot()
    days = np.arange(5)
    ax.bar(days - 0.2, [3, 5, 2, 6, 4], 0.4, label="2024")
    ax.bar(days + 0.2, [4, 3, 5, 2, 6], 0.4, label="2025")
    ax.set_xticks(days, ["Mon", "Tue", "Wed", "Thu", "Fri"])
    ax.set_title("Sales")
    ax.legend()
    return _figure_pixels(fig)


def dashboard() -> Image:
    """A dashboard: a grey side panel of menu entries on the left, and on a light ground a
    blue bar chart, an orange line chart and a blue, orange and green donut."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.8, 3.0), dpi=100, facecolor="#f4f5f7")
    from matplotlib.patches import Rectangle

    panel = Rectangle((0.0, 0.0), 0.2, 1.0, color="#3a3f4b", transform=fig.transFigure)
    fig.patches.append(panel)  # the side panel
    for row, entry in enumerate(("Home", "Sales", "Stock", "Team")):
        fig.text(0.03, 0.85 - 0.1 * row, entry, color="#e8e8e8", fontsize=8)
    bars = fig.add_axes((0.28, 0.56, 0.36, 0.34))
    bars.bar(range(6), [4, 6, 3, 7, 5, 8], color="#1f77b4")
    bars.set_title("Orders", fontsize=8)
    line = fig.add_axes((0.28, 0.1, 0.36, 0.32))
    line.plot(range(8), [2, 3, 2.5, 4, 3.5, 5, 4.5, 6], color="#ff7f0e", linewidth=2)
    line.set_title("Visits", fontsize=8)
    donut = fig.add_axes((0.7, 0.25, 0.28, 0.5))
    donut.pie([45, 30, 25], colors=["#1f77b4", "#ff7f0e", "#2ca02c"],
              wedgeprops={"width": 0.4})  # fmt: skip
    donut.set_title("Share", fontsize=8)
    for axes in (bars, line):
        axes.tick_params(labelsize=6)
    return _figure_pixels(fig)


def poster() -> Image:
    """Two red lines on paper, with a red circle that is not a letter."""
    paper = np.full((320, 480, 3), PAPER, dtype=np.uint8)
    cv2.circle(paper, (420, 260), 30, RED, 6)
    return drawn(paper, [("SUMMER SALE", (30, 60), 56), ("OPEN LATE", (30, 170), 48)], RED)


def screenshot() -> Image:
    """A settings page: an email, a phone number, a URL, a key and a plain line."""
    page = np.full((300, 480, 3), 250, dtype=np.uint8)
    page[:36] = (40, 90, 160)
    lines = [
        ("Account settings", (16, 60), 22),
        ("jane.doe@example.com", (16, 100), 22),
        ("+1 555 867 5309", (16, 140), 22),
        ("https://example.com/login", (16, 180), 22),
        ("sk_live_4f9a8b7c6d5e3f2a", (16, 220), 22),
        ("Jane Doe", (16, 260), 22),
    ]
    return drawn(page, lines, (20, 20, 20))


def receipt() -> Image:
    """A shop's receipt: items with their prices, a total, on white paper over a brown table."""
    table = np.full((400, 300, 3), (120, 100, 80), dtype=np.uint8)
    table[16:384, 30:270] = (250, 250, 245)
    items = (
        "CORNER CAFE",
        "Latte 4.50",
        "Croissant 3.25",
        "Water 1.80",
        "TOTAL $9.55",
        "THANK YOU",
    )
    lines = [(item, (46, 30 + 56 * row), 22) for row, item in enumerate(items)]
    return drawn(table, lines, (30, 30, 30))


def lock_screen() -> Image:
    """A phone's lock screen: a status bar (the time, the battery), a big clock, and three
    notification cards on a blue gradient."""
    rows = np.arange(480, dtype=np.float64)[:, None]
    ground = np.array([30.0, 60.0, 110.0]) + rows * np.array([0.08, 0.05, 0.1])
    screen = np.ascontiguousarray(np.repeat(ground[:, None, :], 240, axis=1).astype(np.uint8))
    for row in range(3):
        top = 150 + 70 * row
        cv2.rectangle(screen, (12, top), (228, top + 56), (235, 235, 240), -1)
    status = [("9:41", (12, 6), 12), ("87%", (200, 6), 12), ("10:24", (70, 56), 40)]
    notes = [("Messages", "Mom: call me"), ("Bank", "Paid $1,240.00"), ("Calendar", "Dentist 3pm")]
    cards = [(line, (22, 158 + 70 * row + 24 * part), 14 if part else 15)
             for row, note in enumerate(notes) for part, line in enumerate(note)]  # fmt: skip
    return drawn(drawn(screen, status, (250, 250, 250)), cards, (30, 30, 30))


def app() -> Image:
    """An app's screenshot: a grey side panel of menu entries on the left, a page of text and
    a blue button on white to its right."""
    page = np.full((300, 480, 3), 255, dtype=np.uint8)
    page[:, :130] = (226, 229, 233)
    menu = [(entry, (18, 30 + 36 * row), 18) for row, entry in
            enumerate(("Inbox", "Drafts", "Sent", "Archive", "Settings"))]  # fmt: skip
    cv2.rectangle(page, (150, 240), (260, 272), (40, 110, 200), -1)
    page = drawn(page, menu, (60, 64, 72))
    lines = [
        ("Quarterly report", (150, 24), 24),
        ("Revenue grew in every region.", (150, 80), 16),
        ("Costs stayed flat.", (150, 110), 16),
        ("Next review: March.", (150, 140), 16),
    ]
    return drawn(drawn(page, lines, (25, 25, 25)), [("Open", (186, 246), 18)], (255, 255, 255))


def sign_photo() -> Image:
    """scikit-image's coffee with a white sign word across the table."""
    return drawn(_skimage("coffee", 400)(), [("CLOSED", (40, 30), 56)], (255, 255, 255))


def red_sign() -> Image:
    """The eval suite's sign: white OPEN on a red board with a white border, on a post."""
    from gouache.evals.suite_images import load_named

    return load_named("generated:sign", Path(".")).pixels


def group() -> Image:
    """Three faces side by side: the astronaut, Grace Hopper, the astronaut mirrored."""
    from skimage import data

    astronaut: Image = data.astronaut()  # type: ignore[no-untyped-call]
    hopper = grace_hopper()
    height = 240
    parts = []
    for part in (astronaut, hopper, astronaut[:, ::-1]):
        width = round(part.shape[1] * height / part.shape[0])
        size = (width, height)
        parts.append(
            np.asarray(cv2.resize(np.ascontiguousarray(part), size, interpolation=cv2.INTER_AREA))
        )
    return np.ascontiguousarray(np.hstack(parts))


def plate() -> Image:
    """The back of a car: scikit-image's coffee stands in for the street behind a grey body with
    a white licence plate reading AB12 CDE, and a small model name beside it."""
    street = _skimage("coffee", 400)()
    body = street.copy()
    body[120:, 30:370] = (90, 95, 105)
    cv2.rectangle(body, (120, 180), (280, 225), (245, 245, 240), -1)
    cv2.rectangle(body, (120, 180), (280, 225), (20, 20, 20), 2)
    return drawn(body, [("AB12 CDE", (132, 186), 30), ("Sedan", (290, 135), 22)], (15, 15, 15))


def cutout() -> Image:
    """A transparent PNG: the cat of scikit-image's chelsea inside an ellipse, the rest clear."""
    cat = _skimage("chelsea", 384)()
    h, w = cat.shape[:2]
    alpha = np.zeros((h, w), dtype=np.uint8)
    cv2.ellipse(alpha, (w // 2, h // 2), (w // 3, h // 2 - 10), 0, 0, 360, 255, -1)
    return np.ascontiguousarray(np.dstack([cat, alpha]))


def dahlia() -> Image:
    """A peach dahlia on dark, mottled teal and leaf green, as sklearn's flower photo: its
    petals are cups shaded more in green and blue than in red, so grey edge alone reads the
    picture as lacking red."""
    rng = np.random.default_rng(3)
    h, w = 320, 480
    mottle = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 10)
    leaf = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 25)
    mix = np.clip(0.5 + 40 * leaf, 0, 1)[..., None]  # teal here, leaf green there
    teal, green = np.array([10, 70, 85], np.float32), np.array([35, 85, 30], np.float32)
    image = np.clip((teal * mix + green * (1 - mix)) * (1 + 3 * mottle)[..., None], 0, 255)
    cy, cx, radius = h / 2, w / 2, h * 0.4
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for ring in np.linspace(1.0, 0.1, 9):  # the outer rings first, the inner ones over them
        count = max(6, int(40 * ring))
        for k in range(count):
            angle = 2 * np.pi * (k + 4.5 * ring) / count
            py, px = cy + radius * ring * np.sin(angle), cx + radius * ring * np.cos(angle)
            d = np.hypot(yy - py, xx - px) / (radius * 0.16 * (0.4 + 0.6 * ring))
            light = 0.1 + 0.9 * d  # dark in the cup, bright at the rim
            petal = np.stack([190 + 45 * light, 80 + 90 * light, 30 + 110 * light], axis=-1)
            image[d < 1] = petal[d < 1]
    image += rng.normal(0, 2, image.shape).astype(np.float32)
    return np.asarray(np.clip(image, 0, 255), dtype=np.uint8)


def horizon(tilt: float = 4.0) -> Image:
    """A sea view whose horizon is tilted by `tilt` degrees (counter-clockwise): sky above,
    darker sea below, a little texture on both."""
    h, w = 256, 384
    rng = np.random.default_rng(3)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    level = h * 0.45 - np.tan(np.radians(tilt)) * (xs - w / 2)
    sky = np.stack([150 + 0 * ys, 190 + 0 * ys, 235 - ys * 0.1], axis=2)
    sea = np.stack([30 + 0 * ys, 70 + 0 * ys, 110 + 0 * ys], axis=2)
    image = np.where((ys < level)[..., None], sky, sea) + rng.normal(0, 4, (h, w, 3))
    return np.ascontiguousarray(np.clip(image, 0, 255).astype(np.uint8))


def old_photo() -> Image:
    """The astronaut in sepia, with scratches and dust drawn on (seeded)."""
    return damaged(_skimage("astronaut", 384)())[0]


def damaged(image: Image, seed: int = 7) -> tuple[Image, np.ndarray]:
    """`image` aged (sepia, faded) with thin scratches and dust specks, and the mask of the
    damaged pixels. Scratches are long thin light lines, dust small dark or light blobs."""
    rng = np.random.default_rng(seed)
    grey = cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY).astype(np.float32)
    sepia = np.stack([grey * 1.07, grey * 0.87, grey * 0.66], axis=2)
    aged = np.clip(sepia * 0.8 + 30, 0, 255).astype(np.uint8)
    h, w = aged.shape[:2]
    mask = np.zeros((h, w), dtype=np.uint8)
    for _ in range(6):
        x0, x1 = (int(v) for v in rng.integers(0, w, 2))
        cv2.line(mask, (x0, 0), (x1, h - 1), 255, 1)
    for _ in range(40):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.circle(mask, (x, y), int(rng.integers(1, 3)), 128 if rng.random() < 0.5 else 255, -1)
    out = aged.copy()
    out[mask == 255] = (235, 228, 210)
    out[mask == 128] = (25, 20, 15)
    return np.ascontiguousarray(out), mask > 0


def meme() -> Image:
    """scikit-image's chelsea as a meme: a line of white capitals in a black stroke 3 px wide
    at the top, and one at the bottom, centred."""
    canvas = PILImage.fromarray(_skimage("chelsea")())
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=30)
    for text, top in (("WHEN IT COMPILES", 8), ("FIRST TRY", canvas.height - 44)):
        left = (canvas.width - draw.textlength(text, font=font)) / 2
        draw.text((left, top), text, font=font, fill="white", stroke_width=3, stroke_fill="black")
    return np.asarray(canvas)


SAMPLES: dict[str, Callable[[], Image]] = {
    "astronaut": _skimage("astronaut"),
    "coffee": _skimage("coffee"),
    "chelsea": _skimage("chelsea"),
    "rocket": _skimage("rocket"),
    "camera": _skimage("camera"),
    "page": _skimage("page", 480),
    "text": _skimage("text", 480),
    "hubble": _skimage("hubble_deep_field"),
    "coins": _skimage("coins"),
    "grace_hopper": grace_hopper,
    "selfie": selfie,
    "red_eyes": red_eyes,
    "poster": poster,
    "screenshot": screenshot,
    "receipt": receipt,
    "lock_screen": lock_screen,
    "sign": sign_photo,
    "red_sign": red_sign,
    "group": group,
    "cutout": cutout,
    "plate": plate,
    "old_photo": old_photo,
    "horizon": horizon,
    "hazy": hazy,
    "logo": logo,
    "chart": chart,
    "dashboard": dashboard,
    "app": app,
    "dahlia": dahlia,
    "meme": meme,
}


@cache
def sample(name: str) -> Image:
    """The sample picture `name` (one of SAMPLES), built once per process; read-only."""
    try:
        build = SAMPLES[name]
    except KeyError:
        raise KeyError(f"no sample {name!r}; samples: {', '.join(sorted(SAMPLES))}") from None
    image = build()
    image.flags.writeable = False
    return image
