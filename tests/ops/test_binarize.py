"""Binarize: every pixel black or white; a page's text stays readable, its paper in shadow
white, and a flat dark area black."""

from __future__ import annotations

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
