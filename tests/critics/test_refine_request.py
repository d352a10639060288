"""The critique loop serves the request: on three images and three guideline files, the best
candidate still does what the user asked (the OCR reads the caption, the picture is warmer),
whatever the guideline's corrections added."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from gouache.critics.base import CriticContext
from gouache.critics.guideline import Guideline
from gouache.critics.refine import refine
from gouache.critics.text import RequiredText
from gouache.images import Image
from gouache.sessions import Session, Store

HERE = Path(__file__).parent
GUIDELINES = {
    "brand": HERE.parents[1] / "examples" / "brand.yaml",
    "poster": HERE / "guidelines" / "poster.yaml",
    "photo": HERE / "guidelines" / "photo.yaml",
}
IMAGES = ("astronaut", "coffee", "chelsea")


def sample(name: str) -> Image:
    from skimage import data

    return np.ascontiguousarray(getattr(data, name)())


def b_star(image: Image) -> np.ndarray:
    """CIELAB b* (yellow +, blue -) per pixel, as OpenCV computes it from sRGB."""
    lab = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2LAB)
    return lab[:, :, 2].astype(np.float32)


def in_frame(source: Image, image: Image) -> Image:
    """The source cut to the image's aspect about its centre and resized to it."""
    sh, sw = source.shape[:2]
    h, w = image.shape[:2]
    scale = min(sw / w, sh / h)
    cw, ch = round(w * scale), round(h * scale)
    x0, y0 = (sw - cw) // 2, (sh - ch) // 2
    cut = np.ascontiguousarray(source[y0 : y0 + ch, x0 : x0 + cw])
    return np.asarray(cv2.resize(cut, (w, h), interpolation=cv2.INTER_AREA))


@pytest.mark.slow
@pytest.mark.parametrize("guideline", list(GUIDELINES))
@pytest.mark.parametrize("picture", IMAGES)
@pytest.mark.parametrize("request_kind", ["caption", "warmer"])
def test_the_best_candidate_still_does_what_the_user_asked(
    store: Store, picture: str, guideline: str, request_kind: str
) -> None:
    source = sample(picture)
    session = Session.start(store, source)
    instruction = (
        'add the caption "FIRST FLIGHT"' if request_kind == "caption" else "make it warmer"
    )

    result = refine(
        session, instruction, Guideline.load(GUIDELINES[guideline]), candidates=1, budget=3
    )

    best = result.best
    assert best is not None
    assert best.version is not None
    image = session.image(best.version.id)
    if request_kind == "caption":
        context = CriticContext(analysis=session.analyses.get(image))
        read = RequiredText(required=("FIRST FLIGHT",)).score(image, context)
        assert read.passed, read.detail
    else:
        warmer = float(np.median(b_star(image) - b_star(in_frame(source, image))))
        assert warmer >= 1.0, f"b* moved {warmer:+.1f}: {result.table()}"


def test_with_prefer_guideline_a_conflicting_correction_is_applied_and_the_reply_says_so(
    store: Store,
) -> None:
    session = Session.start(store, sample("coffee"))
    guideline = Guideline.load(GUIDELINES["poster"])

    kept = refine(session, "make it warmer", guideline, candidates=1, budget=3)
    applied = refine(
        session, "make it warmer", guideline, candidates=1, budget=3, prefer="guideline"
    )

    assert "palette would undo warmth" in kept.reply
    assert "kept your request" in kept.reply
    assert all(s.op != "color_transfer" for a in kept.attempts for s in a.plan.steps)
    assert "applied the guideline" in applied.reply
    assert any(s.op == "color_transfer" for a in applied.attempts for s in a.plan.steps)


def test_a_correction_already_satisfied_is_not_proposed(store: Store) -> None:
    from gouache.critics.refine import corrective_steps

    # 400 x 500 is 4:5 already: only the size fails, and a crop would not mend it
    image = np.full((500, 400, 3), 128, dtype=np.uint8)
    guideline = Guideline.from_mapping(
        {"name": "g", "criteria": {"geometry": {"aspect": ["4:5"], "min_width": 1080}}}
    )
    session = Session.start(store, image)
    evaluation = guideline.evaluate(image, session.analyses)

    assert not evaluation.passed
    assert corrective_steps(evaluation, guideline, image, session.analyses) == []


def test_a_one_word_replacement_is_judged_outside_its_own_change_mask(store: Store) -> None:
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    canvas = PILImage.fromarray(sample("coffee"))
    ImageDraw.Draw(canvas).text(
        (40, 300),
        "SUMMER SALE",
        font=ImageFont.load_default(size=60),
        fill="white",
        stroke_width=3,
        stroke_fill="black",
    )
    session = Session.start(store, np.ascontiguousarray(np.asarray(canvas)))
    guideline = Guideline.from_mapping(
        {"name": "g", "criteria": {"preservation": {"min_psnr": 40, "min_ssim": 0.98}}}
    )

    result = refine(
        session, 'replace the word "SALE" with "DEAL"', guideline, candidates=1, budget=1
    )

    assert result.best is not None
    assert result.best.evaluation is not None
    (score,) = result.best.evaluation.scores
    assert score.passed, score.detail
    assert "100%" not in score.detail


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.slow
def test_the_guidelines_text_is_placed_clear_of_the_users_caption_and_the_face(
    store: Store,
) -> None:
    session = Session.start(store, sample("astronaut"))
    result = refine(
        session,
        'add the caption "FIRST FLIGHT"',
        Guideline.load(GUIDELINES["brand"]),
        candidates=1,
        budget=3,
        prefer="guideline",
    )

    assert result.best is not None
    assert result.best.version is not None
    image = session.image(result.best.version.id)
    analysis = session.analyses.get(image)
    lines = {line.text.upper().replace(" ", ""): tuple(line.box) for line in analysis.text}
    theirs = next(box for text, box in lines.items() if "SUMMER" in text)
    mine = next(box for text, box in lines.items() if "FIRST" in text)
    assert not _overlap(theirs, mine)
    for face in analysis.faces:
        assert not _overlap(theirs, tuple(face.box))
