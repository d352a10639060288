"""Step 3 of the guard: a global gain, offset and gamma per channel, estimated and undone.

Model, per RGB channel c, on values scaled to 0..1 (s a source value, o the aligned output's):

    o = g_c * s ** gamma_c + b_c            (g: gain, b: offset, gamma)

fitted by iteratively reweighted Gauss-Newton with Huber weights (P. J. Huber, "Robust
estimation of a location parameter", Ann. Math. Statist. 35(1), 1964; tuning constant 1.345
times a MAD estimate of the residual spread), so that the edited pixels, which the model does
not explain, lose their say. Samples where the output is clipped (0 or 255) carry no
information about the curve and are left out. The inverse, s = ((o - b) / g) ** (1 / gamma),
is applied through a 256-entry lookup table per channel.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from gouache.images import Image

Triple = tuple[float, float, float]
Samples = npt.NDArray[np.uint8]  # (N, 3)

HUBER_K = 1.345
ITERATIONS = 8
# A faint pull towards no change keeps a channel with a narrow range of values from trading
# gamma against gain; per sample, in units of squared 0..1 values.
RIDGE = 1e-5
# Clipped levels, excluded from the fit.
LOW_CLIP, HIGH_CLIP = 1, 254
MIN_SAMPLES = 200


@dataclass(frozen=True)
class Photometric:
    """A per-channel curve, output = gain * source ** gamma + offset (0..1 values)."""

    gain: Triple = (1.0, 1.0, 1.0)
    offset: Triple = (0.0, 0.0, 0.0)
    gamma: Triple = (1.0, 1.0, 1.0)

    @property
    def magnitude(self) -> float:
        """The largest of |gain - 1|, |offset| and |gamma - 1| over the channels."""
        values = [abs(g - 1.0) for g in self.gain] + [abs(b) for b in self.offset]
        return max(values + [abs(y - 1.0) for y in self.gamma])

    def within(self, max_gain: float, max_offset: float, max_gamma: float) -> bool:
        return (
            all(abs(g - 1.0) <= max_gain for g in self.gain)
            and all(abs(b) <= max_offset for b in self.offset)
            and all(abs(y - 1.0) <= max_gamma for y in self.gamma)
        )

    def inverse_tables(self) -> npt.NDArray[np.uint8]:
        """(3, 256): for each channel, the source level each output level came from."""
        levels = np.arange(256, dtype=np.float64) / 255.0
        tables = np.empty((3, 256), dtype=np.uint8)
        for c in range(3):
            base = np.clip((levels - self.offset[c]) / self.gain[c], 0.0, 1.0)
            tables[c] = np.clip(np.rint(base ** (1.0 / self.gamma[c]) * 255.0), 0, 255)
        return tables

    def undo(self, image: Image) -> Image:
        """The image with the curve taken out of its RGB channels; alpha is kept."""
        if self == Photometric():
            return image
        tables = self.inverse_tables()
        channels = [cv2.LUT(np.ascontiguousarray(image[:, :, c]), tables[c]) for c in range(3)]
        if image.shape[2] == 4:
            channels.append(image[:, :, 3])
        return np.ascontiguousarray(np.dstack(channels))


def fit_photometric(source: Samples, output: Samples) -> Photometric:
    """The curve taking source samples to output samples, (N, 3) uint8 each, robustly."""
    gains, offsets, gammas = [], [], []
    for c in range(3):
        g, b, y = _fit_channel(source[:, c], output[:, c])
        gains.append(g)
        offsets.append(b)
        gammas.append(y)
    return Photometric(
        gain=(gains[0], gains[1], gains[2]),
        offset=(offsets[0], offsets[1], offsets[2]),
        gamma=(gammas[0], gammas[1], gammas[2]),
    )


def _fit_channel(source: npt.NDArray[np.uint8], output: npt.NDArray[np.uint8]) -> Triple:
    keep = (output > LOW_CLIP) & (output < HIGH_CLIP) & (source > 0)
    if int(keep.sum()) < MIN_SAMPLES:
        return 1.0, 0.0, 1.0
    s = source[keep].astype(np.float64) / 255.0
    o = output[keep].astype(np.float64) / 255.0
    log_s = np.log(s)
    n = s.size
    params = np.array([1.0, 0.0, 1.0])  # gain, offset, gamma
    prior = np.array([1.0, 0.0, 1.0])
    for _ in range(ITERATIONS):
        g, b, y = params
        powered = s**y
        residual = g * powered + b - o
        spread = 1.4826 * float(np.median(np.abs(residual - np.median(residual)))) + 1e-4
        weights = np.minimum(1.0, HUBER_K * spread / np.maximum(np.abs(residual), 1e-12))
        jacobian = np.stack([powered, np.ones_like(s), g * powered * log_s], axis=1)
        weighted = jacobian * weights[:, None]
        normal = weighted.T @ jacobian + RIDGE * n * np.eye(3)
        rhs = weighted.T @ residual + RIDGE * n * (params - prior)
        step = np.linalg.solve(normal, rhs)
        params = params - step
        params[0] = max(params[0], 0.05)
        params[2] = float(np.clip(params[2], 0.2, 5.0))
        if np.abs(step).max() < 1e-6:
            break
    return float(params[0]), float(params[1]), float(params[2])
