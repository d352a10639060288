"""Sharpness: the variance of the Laplacian is above a floor.

    J. L. Pech-Pacheco, G. Cristóbal, J. Chamorro-Martínez, J. Fernández-Valdivia,
    "Diatom autofocusing in brightfield microscopy: a comparative study", ICPR 2000,
    vol. 3, 314-317.

Notation (paper -> code):

    I(x, y)        the image's grey level, 0-255, at the working size       `grey`
    L(x, y)        its Laplacian, the 3 x 3 kernel [0 1 0; 1 -4 1; 0 1 0]   `laplacian`
    LAP_VAR        the variance of L over the image                         the value

The variance grows as an image is shrunk (the same edges over fewer pixels), so it is
normalised for size by measuring at a working size: images with a long side over
WORK_SIDE px are first reduced to it (area averaging); smaller ones are measured as they
are, since enlarging them would only measure the interpolation.

Measured (OpenCV 5.0): scikit-image's sample photographs at their own size give 399
(the cat), 861 (the astronaut) and 1541 (the coffee); the astronaut enlarged 2.25x to
1152 x 896 gives 91, and then blurred with a Gaussian of sigma 1, 2 and 4 gives 32, 9 and
3. A 1080 x 1350 plain navy poster with one line of 90 px white text gives 122, and 2
once blurred with sigma 3. Hence DEFAULT_FLOOR = 50: soft but acceptable enlargements and
plain graphics pass, anything visibly blurred fails. Large flat areas lower the value, so
a plain graphic needs a lower floor than a photograph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gouache.analysis.measures import SHARPNESS_SIDE, laplacian_variance
from gouache.critics.base import CriticContext, Score, margin_at_least
from gouache.images import Image

DEFAULT_FLOOR = 50.0
WORK_SIDE = SHARPNESS_SIDE


@dataclass(frozen=True, kw_only=True)
class Sharpness:
    """The variance of the Laplacian at the working size is at least `floor`."""

    floor: float = DEFAULT_FLOOR
    name: str = "sharpness"
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.floor > 0.0:
            raise ValueError(f"the sharpness floor must be positive, not {self.floor}")

    def score(self, image: Image, context: CriticContext) -> Score:
        variance = laplacian_variance(image)
        # a tenfold ratio above (or below) the floor is a full margin
        ratio = math.log10(max(variance, 1e-9) / self.floor)
        return Score(
            criterion=self.name,
            value=variance,
            target=self.floor,
            passed=variance >= self.floor,
            weight=self.weight,
            unit="Laplacian variance",
            detail=f"variance of the Laplacian {variance:.0f} (floor {self.floor:g})",
            margin=margin_at_least(ratio, 0.0, 1.0),
        )
