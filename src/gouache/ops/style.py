"""Styles: colours taken from a reference image, and graphic looks. Each keeps alpha as it was.

Colour transfer (Reinhard) -- E. Reinhard, M. Ashikhmin, B. Gooch, P. Shirley, "Color Transfer
between Images", IEEE Computer Graphics and Applications 21(5), 2001, section "Statistics and
color correction". The paper works in Ruderman's l-alpha-beta space; like most implementations
since, this one uses CIELAB (D65, from sRGB), which also decorrelates lightness from colour.

    s, t          the source (image 1, recoloured) and the target (image N, whose look is taken)
    <l>_s, <l>_t  per-channel means over the visible pixels                      `mean_s`, `mean_t`
    sigma_s, sigma_t  per-channel standard deviations                              `std_s`, `std_t`
    l' = (sigma_t / sigma_s) (l - <l>_s) + <l>_t,  for each of L*, a*, b*

Histogram matching: each of R, G and B is sent through the monotone table that maps the
source's CDF onto the target's (R. C. Gonzalez, R. E. Woods, "Digital Image Processing",
"histogram specification"), so their per-channel histograms agree. It is done in RGB, where
the tables are exact: in 8-bit Lab the a* and b* histograms are a few levels wide, and the
round trip through RGB (rounding, gamut clipping) moved their CDFs by up to 0.1.

Pencil sketch: the "colour dodge" of the grey picture with its blurred negative,
out = 255 * Y / (255 - blur(255 - Y)): flat areas go white, edges stay dark; a power curve
(gamma 2) then deepens the lines.

Cartoon: bilateral smoothing (C. Tomasi, R. Manduchi, "Bilateral filtering for gray and color
images", ICCV 1998), k-means colour quantisation in CIELAB, and ink lines from an adaptive
threshold of the median-filtered grey (the classic OpenCV cartoon recipe).

Watercolour: A. Bousseau, M. Kaplan, J. Thollot, F. Sillion, "Interactive watercolor rendering
with temporal coherence and abstraction", NPAR 2006. The abstraction is the domain-transform
recursive filter (E. Gastal, M. Oliveira, "Domain Transform for Edge-Aware Image and Video
Processing", SIGGRAPH 2011; OpenCV's `edgePreservingFilter`); the pigment model is theirs:

    C       the abstracted colour, 0..1 per channel                              `colour`
    d       pigment density, d = 1 + sum_i beta_i (T_i - 1/2) for each texture  1 + `density`
            T_i; here paper grain (`grain`, PAPER_BETA), turbulent flow (`flow`,
            FLOW_BETA) and edge darkening (T_e = E + 1/2, E the normalised gradient
            magnitude, EDGE_BETA)
    C'      C (1 - (1 - C)(d - 1)): darker where d > 1; white paper and black stay   `out`
(OpenCV's `stylization` was tried first: it darkens the whole picture by about 20 %.)

Pixel art: the mean colour of each block, a k-means palette in CIELAB (OpenCV's `kmeans` with
k-means++ seeding, its RNG seeded so one picture gives one result), nearest-neighbour blocks.

Halftone: an amplitude-modulated round-dot screen at 45 degrees. Each pixel is inked when its
darkness exceeds a threshold map T over the screen cell; T(d) is the share of the cell within
distance d of the cell centre, so a flat darkness D inks exactly a fraction D of each cell
(dots grow as circles, touch at D = pi/4, then leave shrinking white holes).
"""

from __future__ import annotations

import math
from typing import Any, Literal

import cv2
import numpy as np
import numpy.typing as npt
from pydantic import Field

from gouache.colors import Color
from gouache.images import Image
from gouache.ops._pixels import (
    Float32Array,
    apply_lut,
    code_values,
    has_transparency,
    rgb_of,
    to_uint8,
    with_alpha_of,
)
from gouache.ops.registry import OpContext, Operator, Params

# colour transfer: a source channel flatter than this (in Lab units) is not stretched.
MIN_STD = 1e-3
# sketch: blur of the negative as a fraction of the long side (6 px at 1000 px).
SKETCH_SIGMA = 0.006
SKETCH_GAMMA = 2.0
_PRESSURE = to_uint8(255.0 * (code_values() / 255.0) ** SKETCH_GAMMA)
# cartoon: colours of the palette, bilateral passes, the working size of the colour part,
# and the ink threshold (block size as a fraction of the long side, offset C in grey levels).
CARTOON_COLORS = 12
CARTOON_PASSES = 2
# bilateral filter: neighbourhood diameter (px), sigma of colour (levels), sigma of space (px)
CARTOON_BILATERAL = (9, 40.0, 7.0)
CARTOON_WORK_PIXELS = 1_000_000
CARTOON_BLOCK = 0.009
CARTOON_INK_C = 6.0
# watercolour: the working size (the domain transform costs ~0.2 s per MP on two cores), the
# abstraction's spatial sigma (fraction of the long side) and range sigma, the paper's and the
# edges' weights in the pigment density, and the gradient magnitude that counts as a full edge.
WATERCOLOR_WORK_PIXELS = 600_000
WATERCOLOR_SIGMA_S = 0.05
WATERCOLOR_SIGMA_R = 0.4
WATERCOLOR_BLOTCH = 0.006
PAPER_BETA = 0.4
PAPER_SEED = 0
FLOW_BETA = 0.5
FLOW_SIGMA = 0.03
FLOW_SEED = 1
EDGE_BETA = 0.6
EDGE_FULL = 0.5
BAND_ROWS = 64  # rows of the full-size picture worked on at once (memory, not results)
# pixel art / cartoon k-means: seed, attempts and stopping criteria.
KMEANS_SEED = 0
# (restarts cost k-fold: above KMEANS_RESTART_LIMIT colours k-means++ seeds one run only)
KMEANS_ATTEMPTS = 3
KMEANS_RESTART_LIMIT = 32
KMEANS_CRITERIA = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.5)
KMEANS_SAMPLE = 20_000
TRANSFORM_CHANNELS = 64
# halftone: screen angle, the smallest cell in pixels, and the blur (in cells) of the darkness.
HALFTONE_ANGLE = 45.0
MIN_CELL = 3.0
HALFTONE_SMOOTH = 0.25
INK: tuple[int, int, int] = (0, 0, 0)
PAPER: tuple[int, int, int] = (255, 255, 255)


class ColorTransferParams(Params):
    reference: int = Field(default=2, ge=2)
    method: Literal["reinhard", "histogram"] = "reinhard"
    strength: float = Field(default=1.0, gt=0.0, le=1.0)


class StyleParams(Params):
    strength: float = Field(default=1.0, gt=0.0, le=1.0)


class PosterizeParams(Params):
    levels: int = Field(default=4, ge=2, le=64)


class PixelArtParams(Params):
    # Size of one "pixel" as a fraction of the longer side; `colors` limits the palette.
    block: float = Field(default=0.015, gt=0.0, le=0.25)
    colors: int = Field(default=16, ge=2, le=256)


class HalftoneParams(Params):
    # Dot cell size as a fraction of the longer side.
    cell: float = Field(default=0.012, gt=0.0, le=0.1)


class DuotoneParams(Params):
    dark: Color = (20, 30, 80)
    light: Color = (255, 200, 120)


# -- helpers -----------------------------------------------------------------------------------


# Pixels per band of the banded operators (3 MB of float32 Lab): a band costs about 100
# bytes a pixel in temporaries, so 1 MP bands were 8 bytes a pixel of a 12 MP picture.
BAND_PIXELS = 1 << 18


def _visible(image: Image) -> npt.NDArray[np.bool_] | None:
    """Pixels that can be seen (alpha > 0), or None when all of them can."""
    if not has_transparency(image):
        return None
    seen = image[:, :, 3] > 0
    return seen if seen.any() else None


def _lab(rgb: Image) -> Float32Array:
    """CIELAB (L* 0..100, a* and b* about -128..127) of sRGB uint8, in float32."""
    scaled = rgb.astype(np.float32) * np.float32(1.0 / 255.0)
    return np.asarray(cv2.cvtColor(scaled, cv2.COLOR_RGB2Lab), dtype=np.float32)


def _rgb_of_lab(lab: Float32Array) -> Image:
    rgb = np.asarray(cv2.cvtColor(np.ascontiguousarray(lab), cv2.COLOR_Lab2RGB), np.float32)
    return to_uint8(rgb * np.float32(255.0))


def _blend(effect: Image, image: Image, strength: float) -> Image:
    """strength * effect + (1 - strength) * image on the colour channels; alpha from `image`."""
    if strength < 1.0:
        effect = np.asarray(
            cv2.addWeighted(effect, strength, rgb_of(image), 1.0 - strength, 0.0), dtype=np.uint8
        )
    return with_alpha_of(effect, image)


def _grey(image: Image) -> npt.NDArray[np.uint8]:
    """BT.601 luma Y' of the colour channels."""
    return np.asarray(cv2.cvtColor(rgb_of(image), cv2.COLOR_RGB2GRAY), dtype=np.uint8)


def _shrunk(rgb: Image, max_pixels: int) -> Image:
    """`rgb` area-averaged down to at most `max_pixels` (itself when it is small enough)."""
    height, width = rgb.shape[:2]
    factor = math.sqrt(max_pixels / (height * width))
    if factor >= 1.0:
        return rgb
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _kmeans_palette(lab: Float32Array, colors: int) -> tuple[Float32Array, npt.NDArray[np.int32]]:
    """k-means of (N, 3) Lab points: the centres (k, 3) and each point's label (N,).

    Fitted on an even subsample of at most KMEANS_SAMPLE points, then every point takes its
    nearest centre. k is lowered to the number of distinct points in the sample when there are
    fewer (a two-colour picture gets exactly its two colours).
    """
    sample = lab[:: max(1, len(lab) // KMEANS_SAMPLE)]
    k = min(colors, len(np.unique(sample, axis=0)))
    if k <= 1:
        centres = lab.mean(axis=0, keepdims=True).astype(np.float32)
    else:
        cv2.setRNGSeed(KMEANS_SEED)
        _, _, found = cv2.kmeans(
            np.ascontiguousarray(sample, dtype=np.float32),
            k,
            np.zeros((len(sample), 1), dtype=np.int32),
            KMEANS_CRITERIA,
            KMEANS_ATTEMPTS if k <= KMEANS_RESTART_LIMIT else 1,
            cv2.KMEANS_PP_CENTERS,
        )
        centres = np.asarray(found, dtype=np.float32)
    return centres, _nearest(lab, centres)


def _nearest(points: Float32Array, centres: Float32Array) -> npt.NDArray[np.int32]:
    """The index of the nearest centre (k, 3) to each point (N, 3).

    |x - c|^2 = |x|^2 - 2 x.c + |c|^2, and |x|^2 is the same for every c, so the affine score
    -2 x.c + |c|^2 decides. cv2.transform computes it several times faster than numpy's matmul
    for this (N, 3) x (3, k) shape, but it gives at most 128 channels (and crashes above):
    centres go in groups of TRANSFORM_CHANNELS.
    """
    affine = np.hstack([-2.0 * centres, (centres**2).sum(axis=1, keepdims=True)])
    column = np.ascontiguousarray(points, dtype=np.float32).reshape(-1, 1, 3)
    best = np.zeros(len(points), dtype=np.int32)
    best_score = np.full(len(points), np.inf, dtype=np.float32)
    for start in range(0, len(centres), TRANSFORM_CHANNELS):
        group = np.ascontiguousarray(affine[start : start + TRANSFORM_CHANNELS], np.float32)
        scores = np.asarray(cv2.transform(column, group), np.float32).reshape(len(points), -1)
        index = np.argmin(scores, axis=1)
        score = np.take_along_axis(scores, index[:, None], axis=1)[:, 0]
        better = score < best_score
        best[better] = index[better] + start
        best_score[better] = score[better]
    return best


# -- colour transfer ---------------------------------------------------------------------------


def color_transfer(image: Image, p: ColorTransferParams, ctx: OpContext) -> Image:
    """Give image 1 the colours of image N: Reinhard's statistics transfer in CIELAB (default)
    or per-channel histogram matching in RGB; blended with the original by `strength`.
    Only visible pixels (alpha > 0) are counted on either side."""
    target = ctx.reference(p.reference, "color_transfer")
    out = _reinhard(image, target) if p.method == "reinhard" else _match_histograms(image, target)
    return _blend(out, image, p.strength)


def _reinhard(image: Image, target: Image) -> Image:
    """Reinhard et al.'s transfer, a band of rows at a time: Lab in float32 is 12 bytes a
    pixel, so the whole picture at once cost 70 bytes a pixel at 12 MP; bands keep the
    working memory to the output and one band."""
    mean_s, std_s = _lab_mean_std(image)
    mean_t, std_t = _lab_mean_std(target)
    gain = np.where(std_s > MIN_STD, std_t / np.maximum(std_s, MIN_STD), 1.0).astype(np.float32)
    rgb = rgb_of(image)
    out = np.empty_like(rgb)
    for rows in _bands(rgb):
        out[rows] = _rgb_of_lab((_lab(rgb[rows]) - mean_s) * gain + mean_t)
    return out


def _bands(image: Image) -> list[slice]:
    """Row slices of about BAND_PIXELS pixels each."""
    height, width = image.shape[:2]
    step = max(1, BAND_PIXELS // max(width, 1))
    return [slice(top, min(height, top + step)) for top in range(0, height, step)]


def _lab_mean_std(image: Image) -> tuple[Float32Array, Float32Array]:
    """Per-channel mean and (population) standard deviation of CIELAB over the visible
    pixels (alpha > 0), summed band by band in float64."""
    rgb, seen = rgb_of(image), _visible(image)
    total = np.zeros(3)
    squares = np.zeros(3)
    count = 0
    for rows in _bands(rgb):
        lab = _lab(rgb[rows]).reshape(-1, 3).astype(np.float64)
        if seen is not None:
            lab = lab[seen[rows].ravel()]
        total += lab.sum(axis=0)
        squares += np.square(lab).sum(axis=0)
        count += lab.shape[0]
    count = max(count, 1)
    mean = total / count
    std = np.sqrt(np.maximum(squares / count - np.square(mean), 0.0))
    return mean.astype(np.float32), std.astype(np.float32)


def _cdf(channel: npt.NDArray[np.uint8], seen: npt.NDArray[np.bool_] | None) -> Float32Array:
    """Mid-point CDF of a channel's 256 levels: P(X < v) + P(X = v) / 2."""
    values = channel.ravel() if seen is None else channel[seen]
    hist = np.bincount(values, minlength=256).astype(np.float64)
    cumulative = np.cumsum(hist) - hist / 2.0
    return np.asarray(cumulative / max(hist.sum(), 1.0), dtype=np.float32)


def _match_histograms(image: Image, target: Image) -> Image:
    source_rgb, target_rgb = rgb_of(image), rgb_of(target)
    seen_s, seen_t = _visible(image), _visible(target)
    levels = code_values()
    table = np.empty((256, 3), dtype=np.float32)
    for c in range(3):
        cdf_s = _cdf(source_rgb[:, :, c], seen_s)
        cdf_t = _cdf(target_rgb[:, :, c], seen_t)
        # only levels that occur in the target are candidates (np.interp wants increasing xp)
        used = np.flatnonzero(np.diff(cdf_t, prepend=-1.0) > 0)
        table[:, c] = np.interp(cdf_s, cdf_t[used], levels[used])
    return apply_lut(source_rgb, table)


# -- graphic looks -----------------------------------------------------------------------------


def sketch(image: Image, p: StyleParams, ctx: OpContext) -> Image:
    """Pencil sketch: grey dodge of the luma by its blurred negative (sigma = 0.6 % of the
    long side), through the curve 255 (v / 255) ** 2, as grey RGB; blended by `strength`."""
    grey = _grey(image)
    sigma = max(1.0, SKETCH_SIGMA * max(grey.shape))
    negative = cv2.GaussianBlur(255 - grey, (0, 0), sigma)
    # colour dodge: Y * 256 / (255 - blur), saturating (cv2.divide gives 0 where it divides by 0)
    dodged = cv2.divide(grey, 255 - negative, scale=256.0)
    dodged[negative == 255] = 255
    # pencil pressure: a power curve darkens the lines and leaves white paper white
    pressed = cv2.LUT(dodged, _PRESSURE)
    out = np.asarray(cv2.merge([pressed, pressed, pressed]), dtype=np.uint8)
    return _blend(out, image, p.strength)


def cartoon(image: Image, p: StyleParams, ctx: OpContext) -> Image:
    """Flat colours and ink lines: bilateral smoothing (2 passes), a 12-colour k-means palette
    in CIELAB, black lines where the median-filtered grey falls 6 levels under its local mean;
    blended with the original by `strength`."""
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    # 1. smooth and quantise the colours, at most CARTOON_WORK_PIXELS
    work = _shrunk(rgb, CARTOON_WORK_PIXELS)
    for _ in range(CARTOON_PASSES):
        work = np.asarray(cv2.bilateralFilter(work, *CARTOON_BILATERAL), dtype=np.uint8)
    centres, labels = _kmeans_palette(_lab(work).reshape(-1, 3), CARTOON_COLORS)
    palette = _rgb_of_lab(centres.reshape(-1, 1, 3)).reshape(-1, 3)
    flat = palette[labels].reshape(work.shape)
    if work.shape[:2] != rgb.shape[:2]:
        flat = np.asarray(
            cv2.resize(flat, (width, height), interpolation=cv2.INTER_NEAREST), dtype=np.uint8
        )
    # 2. ink: an adaptive threshold of the median-filtered grey
    block = max(3, round(CARTOON_BLOCK * max(height, width)) | 1)
    grey = cv2.medianBlur(_grey(image), 5)
    paper = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, CARTOON_INK_C
    )
    out = np.where((paper == 0)[:, :, None], np.uint8(0), flat)
    return _blend(np.ascontiguousarray(out), image, p.strength)


def watercolor(image: Image, p: StyleParams, ctx: OpContext) -> Image:
    """Watercolour after Bousseau et al.: an edge-preserving abstraction (domain transform,
    sigma_s 5 % of the long side, sigma_r 0.4, on a copy of at most 0.6 MP) and a morphological
    closing and opening, then pigment density d from seeded paper grain, a low-frequency flow
    texture and the abstraction's edges, applied as C' = C (1 - (1 - C)(d - 1)); blended by
    `strength`."""
    rgb = rgb_of(image)
    height, width = rgb.shape[:2]
    # 1. abstraction, on a working copy
    work = _shrunk(rgb, WATERCOLOR_WORK_PIXELS)
    sigma_s = min(200.0, max(1.0, WATERCOLOR_SIGMA_S * max(work.shape[:2])))
    abstract = np.asarray(
        cv2.edgePreservingFilter(
            work, flags=cv2.RECURS_FILTER, sigma_s=sigma_s, sigma_r=WATERCOLOR_SIGMA_R
        ),
        dtype=np.uint8,
    )
    # Bousseau's morphological smoothing (a closing, then an opening) gives the blotchy shapes
    size = max(3, round(WATERCOLOR_BLOTCH * max(work.shape[:2])) | 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    closed = cv2.morphologyEx(abstract, cv2.MORPH_CLOSE, disc)
    abstract = np.asarray(cv2.morphologyEx(closed, cv2.MORPH_OPEN, disc), dtype=np.uint8)
    # 2. edge darkening: the normalised gradient magnitude of the abstraction's luma
    grey = _grey(abstract).astype(np.float32) / np.float32(255.0)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    edges = np.clip(cv2.magnitude(gx, gy) / np.float32(EDGE_FULL), 0.0, 1.0)
    edges = np.asarray(cv2.GaussianBlur(edges, (0, 0), 1.0), dtype=np.float32)
    # 3. the wash's texture at full size, one float32 plane: paper grain and turbulent flow
    #    (each made alone and folded in, so at most three planes exist at once)
    wash = _noise(height, width, (1.0, 3.0), PAPER_SEED)
    wash -= np.float32(0.5)
    wash *= np.float32(PAPER_BETA)
    flow = _noise(height, width, (FLOW_SIGMA * max(height, width),), FLOW_SEED)
    flow -= np.float32(0.5)
    flow *= np.float32(FLOW_BETA)
    wash += flow
    del flow
    # 4. colour and edges back at full size as bytes, then the pigment density band by band
    edge_bytes = to_uint8(edges * np.float32(255.0))
    if work.shape[:2] != rgb.shape[:2]:
        abstract = np.asarray(
            cv2.resize(abstract, (width, height), interpolation=cv2.INTER_CUBIC), dtype=np.uint8
        )
        edge_bytes = np.asarray(
            cv2.resize(edge_bytes, (width, height), interpolation=cv2.INTER_LINEAR), np.uint8
        )
    # written over the abstraction band by band (it is this function's own array): a third
    # full-size colour plane took watercolour over 16 bytes a pixel
    effect = abstract
    for top in range(0, height, BAND_ROWS):
        rows = slice(top, min(height, top + BAND_ROWS))
        colour = abstract[rows].astype(np.float32) / np.float32(255.0)
        density = wash[rows] + np.float32(EDGE_BETA / 255.0) * edge_bytes[rows]
        out = colour * (np.float32(1.0) - (np.float32(1.0) - colour) * density[:, :, None])
        effect[rows] = to_uint8(out * np.float32(255.0))
    del wash, edge_bytes
    return _blend(effect, image, p.strength)


def _noise(height: int, width: int, sigmas: tuple[float, ...], seed: int) -> Float32Array:
    """Seeded gaussian noise smoothed at each sigma (px), summed with equal weight, mapped to
    [0, 1] with mean 1/2 (+-2.5 standard deviations span the range)."""
    rng = np.random.default_rng(seed)
    texture: Float32Array | None = None
    for sigma in sigmas:
        # blurs of 2 px and more are drawn on a coarser grid (at least half size; 4 px of blur
        # there when wide) and resized up: only the finest grain needs a full-size draw
        factor = 1.0 if sigma < 2.0 else max(2.0, sigma / 4.0)
        grid = (max(1, round(height / factor)), max(1, round(width / factor)))
        noise = rng.standard_normal(grid, dtype=np.float32)
        # in place, and the first layer is the texture: no plane more than needed at 40 MP
        layer = np.asarray(
            cv2.GaussianBlur(noise, (0, 0), sigma / factor, dst=noise), dtype=np.float32
        )
        if grid != (height, width):
            layer = np.asarray(
                cv2.resize(layer, (width, height), interpolation=cv2.INTER_LINEAR), np.float32
            )
        del noise
        layer *= np.float32(1.0 / max(_std(layer), 1e-6))
        if texture is None:
            texture = layer
        else:
            texture += layer
        del layer
    if texture is None:
        texture = np.zeros((height, width), dtype=np.float32)
    # in place: a full-size plane costs 4 bytes a pixel, and this runs at 40 MP
    texture *= np.float32(1.0 / (5.0 * max(_std(texture), 1e-6)))
    texture += np.float32(0.5)
    return np.clip(texture, 0.0, 1.0, out=texture)


def _std(plane: Float32Array) -> float:
    """The standard deviation without numpy's full-size temporaries (OpenCV sums in double)."""
    _, std = cv2.meanStdDev(plane)
    return float(std[0, 0])


def posterize(image: Image, p: PosterizeParams, ctx: OpContext) -> Image:
    """`levels` evenly spaced values per channel: v' = round(round(v (n-1) / 255) * 255 / (n-1))."""
    step = np.float32(255.0 / (p.levels - 1))
    return apply_lut(image, np.rint(code_values() / step) * step)


def pixel_art(image: Image, p: PixelArtParams, ctx: OpContext) -> Image:
    """Big pixels, few colours: average square blocks of `block` x the long side,
    a k-means palette of `colors` in CIELAB, each block repeated (nearest neighbour).
    Blocks start at the top-left corner; those at the right and bottom edges are cut."""
    height, width = image.shape[:2]
    size = max(1, round(p.block * max(height, width)))
    # 1. one colour per block: the mean of its visible pixels
    small = _block_means(image, size)
    # 2. the palette
    centres, labels = _kmeans_palette(_lab(small).reshape(-1, 3), p.colors)
    palette = _rgb_of_lab(centres.reshape(-1, 1, 3)).reshape(-1, 3)
    blocks = palette[labels].reshape(small.shape)
    # 3. back to full size, block by block
    big = np.repeat(np.repeat(blocks, size, axis=0), size, axis=1)[:height, :width]
    return with_alpha_of(np.ascontiguousarray(big), image)


def _block_means(image: Image, size: int) -> Image:
    """The mean colour of each size x size block (from the top-left; the last ones may be
    cut), weighted by alpha so that hidden colours do not bleed in. Whole rows of blocks are
    summed a band at a time, so float work arrays stay the size of a band."""
    height, width = image.shape[:2]
    step = size * max(1, BAND_PIXELS // (size * max(width, 1)))
    bands = [_band_block_means(image[top : top + step], size) for top in range(0, height, step)]
    return np.concatenate(bands, axis=0)


def _band_block_means(image: Image, size: int) -> Image:
    height, width = image.shape[:2]
    rows, cols = np.arange(0, height, size), np.arange(0, width, size)
    weight = _alpha01(image)
    rgb = rgb_of(image).astype(np.float32)
    sums = np.add.reduceat(np.add.reduceat(rgb * weight[:, :, None], rows, 0), cols, 1)
    weights = np.add.reduceat(np.add.reduceat(weight, rows, 0), cols, 1)
    plain = np.add.reduceat(np.add.reduceat(rgb, rows, 0), cols, 1)
    counts = np.add.reduceat(np.add.reduceat(np.ones_like(weight), rows, 0), cols, 1)
    seen = weights > 1e-6
    means = np.where(
        seen[:, :, None],
        sums / np.where(seen, weights, 1.0)[:, :, None],
        plain / counts[:, :, None],
    )
    return to_uint8(means)


def _alpha01(image: Image) -> Float32Array:
    if image.shape[2] == 3:
        return np.ones(image.shape[:2], dtype=np.float32)
    return image[:, :, 3].astype(np.float32) / np.float32(255.0)


def halftone(image: Image, p: HalftoneParams, ctx: OpContext) -> Image:
    """Black round dots on white at 45 degrees, cell = `cell` x the long side (at least 3 px);
    the dot area in each cell is the darkness 1 - Y'/255 of the (slightly smoothed) luma."""
    height, width = image.shape[:2]
    cell = max(MIN_CELL, p.cell * max(height, width))
    # 1. darkness, smoothed at a quarter of a cell so dots come out whole
    grey = cv2.GaussianBlur(_grey(image).astype(np.float32), (0, 0), HALFTONE_SMOOTH * cell)
    darkness = np.asarray(grey, dtype=np.float32)  # in place: each plane is 4 B/px
    np.divide(darkness, np.float32(255.0), out=darkness)
    np.subtract(np.float32(1.0), darkness, out=darkness)
    # 2. the threshold map of the rotated screen, a band of rows at a time (it takes a dozen
    #    float32 arrays the size of what it covers)
    out = np.empty((height, width, 3), dtype=np.uint8)
    step = max(1, BAND_PIXELS // max(width, 1))
    for top in range(0, height, step):
        rows = slice(top, min(height, top + step))
        threshold = _screen(rows.stop - top, width, cell, HALFTONE_ANGLE, top=top)
        inked = darkness[rows] > threshold
        out[rows] = np.where(
            inked[:, :, None], np.asarray(INK, np.uint8), np.asarray(PAPER, np.uint8)
        )
    return with_alpha_of(out, image)


def _screen(height: int, width: int, cell: float, angle: float, top: int = 0) -> Float32Array:
    """T(x, y): the share of the screen cell within the pixel's distance of the cell centre,
    for rows top .. top + height."""
    theta = math.radians(angle)
    cos, sin = np.float32(math.cos(theta) / cell), np.float32(math.sin(theta) / cell)
    x = np.arange(width, dtype=np.float32)[None, :] + np.float32(0.5)
    y = np.arange(top, top + height, dtype=np.float32)[:, None] + np.float32(0.5)
    u = x * cos + y * sin
    v = y * cos - x * sin
    fu = u - np.floor(u) - np.float32(0.5)
    fv = v - np.floor(v) - np.float32(0.5)
    d = np.sqrt(fu * fu + fv * fv)
    return _disc_share(d.astype(np.float32))


def _disc_share(d: Float32Array) -> Float32Array:
    """Area of (disc of radius d) inside the unit square centred on it, d in [0, sqrt(2)/2]:
    pi d^2 until the disc touches the sides, less four circular segments of height d - 1/2 after."""
    d2 = d * d
    inside = np.float32(math.pi) * d2
    reach = np.maximum(d, np.float32(0.5))
    segments = np.float32(4.0) * (
        d2 * np.arccos(np.clip(np.float32(0.5) / reach, 0.0, 1.0))
        - np.float32(0.5) * np.sqrt(np.maximum(d2 - np.float32(0.25), 0.0))
    )
    return np.asarray(np.where(d <= 0.5, inside, inside - segments), dtype=np.float32)


def duotone(image: Image, p: DuotoneParams, ctx: OpContext) -> Image:
    """Map the luma Y' to the straight line from `dark` (Y' = 0) to `light` (Y' = 255)."""
    t = code_values()[:, None] / np.float32(255.0)
    dark = np.asarray(p.dark, dtype=np.float32)[None, :]
    light = np.asarray(p.light, dtype=np.float32)[None, :]
    table = to_uint8(dark + t * (light - dark))
    grey = _grey(image)
    out = np.stack([table[grey, c] for c in range(3)], axis=2)
    return with_alpha_of(out, image)


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="color_transfer",
        version="1.0.0",
        summary="take the colours of image N (Reinhard in Lab, or histogram matching)",
        params=ColorTransferParams,
        run=color_transfer,
        grade=True,
        keywords=("colours of", "colors of", "color grade like", "match the colours", "palette of"),
        examples=("use the colours of image 2", "match the colors of the second photo"),
    ),
    Operator(
        name="sketch",
        version="1.0.0",
        summary="pencil sketch",
        params=StyleParams,
        run=sketch,
        keywords=("sketch", "pencil", "drawing"),
        examples=("make it a pencil sketch",),
    ),
    Operator(
        name="cartoon",
        version="1.0.0",
        summary="cartoon: flat colours and ink edges",
        params=StyleParams,
        run=cartoon,
        keywords=("cartoon", "comic", "toon"),
        examples=("make it look like a cartoon",),
    ),
    Operator(
        name="watercolor",
        version="1.1.0",
        summary="painterly watercolour",
        params=StyleParams,
        run=watercolor,
        keywords=("watercolor", "watercolour", "painting", "painterly", "painted"),
        examples=("make it a watercolour painting",),
    ),
    Operator(
        name="posterize",
        version="1.0.0",
        summary="posterise to a few levels per channel",
        params=PosterizeParams,
        run=posterize,
        keywords=("posterize", "posterise", "poster"),
        examples=("posterize to 4 levels",),
    ),
    Operator(
        name="pixel_art",
        version="1.0.0",
        summary="pixel art: big pixels, few colours",
        params=PixelArtParams,
        run=pixel_art,
        keywords=("pixel art", "pixelated", "8-bit", "8 bit", "retro game"),
        examples=("turn it into pixel art",),
    ),
    Operator(
        name="halftone",
        version="1.0.0",
        summary="halftone dots, like newsprint",
        params=HalftoneParams,
        run=halftone,
        keywords=("halftone", "newsprint", "dots"),
        examples=("halftone effect",),
    ),
    Operator(
        name="duotone",
        version="1.0.0",
        summary="duotone between two named colours",
        params=DuotoneParams,
        run=duotone,
        keywords=("duotone", "two-tone", "two tone"),
        examples=("duotone navy and gold",),
    ),
]
