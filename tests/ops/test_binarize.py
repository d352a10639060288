"""Binarize: every pixel black or white; a page's text stays readable, its paper in shadow
white, a flat dark area black, and a flat grey banner one value to its edges."""

from __future__ import annotations

import cv2
import numpy as np

from gouache.analysis.cache import AnalysisCache
from gouache.evals.samples import sample
from gouache.images import Image
from gouache.ops.registry import OpContext, default_operators

OP = default_operators().get("binarize")


def binarized(image: Image, **params: float) -> Image:
    return OP.apply(image, params, OpContext())


def test_the_page_comes_out_with_only_black_and_white_pixels() -> None:
    out = binarized(sample("page"))
    assert out.shape == sample("page").shape
    assert set(np.unique(out).tolist()) == {0, 255}
    assert (out[..., 0] == out[..., 1]).all()
    assert (out[..., 1] == out[..., 2]).all()


def test_the_packaged_ocr_still_reads_the_binarized_page() -> None:
    lines = [line.text for line in AnalysisCache().get(binarized(sample("page"))).text]
    read = " ".join(lines)
    for said in (
        "Region-based segmentation",
        "Let us first determine markers of the coins and the",
        "background. These markers are pixels that we can label",
        "the markers are found at the two extreme parts of the",  # unread on the grey page
        "histogram of grey values:",
    ):
        assert said in read


def test_paper_in_shadow_turns_white_and_a_flat_dark_patch_stays_black() -> None:
    # light falling off from right to left, a dark solid block, and one thin dark line
    height, width = 200, 400
    paper = np.linspace(90, 235, width, dtype=np.float32)[None, :].repeat(height, axis=0)
    paper[60:140, 40:160] = 20.0
    paper[100:103, 200:380] = 40.0
    image = np.repeat(paper.astype(np.uint8)[..., None], 3, axis=2)
    out = binarized(image)[..., 0]
    assert (out[5:50, :] == 255).mean() > 0.99  # the paper, from dark to light
    assert (out[70:130, 50:150] == 0).all()  # the block, flat inside
    assert (out[100:103, 210:370] == 0).all()  # the line


def test_a_level_is_one_global_threshold() -> None:
    camera = sample("camera")
    out = binarized(camera, level=0.5)
    luma = camera[..., 0]  # the camera is grey: its luma is any channel
    assert ((out[..., 0] == 255) == (luma > 128)).all()


def test_alpha_is_kept() -> None:
    cutout = sample("cutout")
    out = binarized(cutout)
    assert out.shape[2] == 4
    assert (out[..., 3] == cutout[..., 3]).all()
    assert set(np.unique(out[..., :3]).tolist()) <= {0, 255}


def _banner_page() -> Image:
    """Paper (235) with dark lines of text under a flat grey banner (100) of white words."""
    page = np.full((400, 600, 3), 235, np.uint8)
    page[40:110, 50:550] = 100
    cv2.putText(page, "SUMMER NEWS", (120, 90), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (250,) * 3, 3)
    for y in range(160, 380, 30):
        cv2.putText(
            page, "the quick brown fox", (50, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (30,) * 3, 2
        )
    return page


def test_a_flat_grey_banner_is_one_value_to_its_edges() -> None:
    out = binarized(_banner_page())[..., 0]
    # Sauvola alone made the banner white inside a dark rim
    assert (out[42:108, 52:110] == 0).all()  # its plain left end, rim and middle alike
    assert (out[42:108, 500:548] == 0).all()  # and its right end
    assert (out[30:38, :] == 255).all()  # the paper above it stays white
    words = out[60:95, 120:420]
    assert 0.1 < (words == 255).mean() < 0.6  # its white words stay white on it


def test_a_flat_region_in_shadow_runs_into_the_lit_paper_and_stays_white() -> None:
    # a page lit from the right, with a flat grey banner: the shadow is paper, the banner not
    height, width = 300, 600
    paper = np.linspace(110, 235, width, dtype=np.float32)[None, :].repeat(height, axis=0)
    paper[200:260, 300:560] = 0.45 * paper[200:260, 300:560]  # a banner as lit as its paper
    image = np.repeat(paper.astype(np.uint8)[..., None], 3, axis=2)
    out = binarized(image)[..., 0]
    assert (out[10:180, :] == 255).all()
    assert (out[205:255, 305:555] == 0).all()
