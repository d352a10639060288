"""Identity cosine (SFace) of the astronaut before and after the guard, for drifted edits.

The edit is a real caption through the drift injector; the cosine is between the face in
the source and the face in the output, as the character check computes it each turn.
"""

from __future__ import annotations

import sys

import numpy as np

from gouache.analysis.cache import AnalysisCache
from gouache.backends.base import EditRequest
from gouache.backends.drift import Drift, DriftInjector
from gouache.backends.operators import OperatorBackend
from gouache.characters import Character, identity_scores
from gouache.guard import guard
from gouache.ops.plan import EditPlan, Step

DRIFTS = {
    "shift 2 %": Drift(shift_x=0.02),
    "zoom 3 %, turn 1 deg": Drift(scale=1.03, rotation_deg=1.0),
    "colour 8 %": Drift(gain=1.08, offset=0.03),
    "all + JPEG 60 + noise 5": Drift(
        shift_x=0.02, scale=1.03, rotation_deg=1.0, gain=1.08, jpeg_quality=60, noise_sigma=5
    ),
}


def bench_identity(quick: bool = False) -> list[dict[str, object]]:
    from skimage import data

    source = np.ascontiguousarray(data.astronaut())
    cache = AnalysisCache()
    face = cache.get(source).faces[0]
    ana = Character(name="Ana", embeddings=(face.vector,))
    plan = EditPlan(
        instruction="caption",
        steps=(Step(op="caption", params={"text": "Ad astra", "position": "bottom"}),),
    )
    rows: list[dict[str, object]] = []
    drifts = list(DRIFTS.items())[-1:] if quick else DRIFTS.items()
    for label, drift in drifts:
        backend = DriftInjector(OperatorBackend(), drift)
        output = backend.edit(EditRequest(prompt="caption", image=source, plan=plan)).image
        guarded = guard(source, output, scope="local").image
        before = identity_scores([ana], cache.get(output).faces)["Ana"]
        after = identity_scores([ana], cache.get(guarded).faces)["Ana"]
        rows.append({"drift": label, "before": before, "after": after})
    return rows


def main(quick: bool = False) -> dict[str, object]:
    print("identity cosine of the astronaut's face (SFace), caption edit through the drift")
    print(f"{'drift':<26} {'before guard':>13} {'after guard':>12}")
    rows = bench_identity(quick)
    for row in rows:
        before, after = row["before"], row["after"]
        cell_b = "absent" if before is None else f"{before:.3f}"
        cell_a = "absent" if after is None else f"{after:.3f}"
        print(f"{row['drift']!s:<26} {cell_b:>13} {cell_a:>12}")
    return {"rows": rows}


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
