"""Dust and scratches (`gouache.ops.marks`) on generated damage (`gouache.evals.damage`):
thin light and dark scratches and specks drawn over five photos at their own size, found,
filled, and compared with the clean photo.

    repaired   share of the damaged pixels ending within 20 levels of luma of the clean photo,
               or within the range it holds in the 3 x 3 pixels around (`strict`: the first)
    changed    share of the clean pixels (untouched by the damage) moved by over 10 levels
    psnr       against the clean photo, of the damaged photo and of the repair (dB)
    ceiling    the same scores when exactly the pixels the damage touched are filled: what
               the fill alone allows (the grain under a mark cannot be known)
    clean      on the undamaged photos: the share of pixels the repair moves by over 10
               levels, and the specks and scratches found (ideally none)
    held out   the same photos damaged with seeds 4-7, which no threshold was tuned on:
               what to expect of damage not seen before

`--quick` runs one photo and one seed.
"""

from __future__ import annotations

import numpy as np

from benchmarks.common import machine
from gouache.evals.damage import PHOTOS, Case, measure, photo, pooled, score, scratch_and_dust
from gouache.images import Image
from gouache.ops.marks import find_marks, repair


def _restore(image: Image) -> Image:
    return repair(image, find_marks(image).mask)


def main(quick: bool = False) -> dict[str, object]:
    photos, seeds = (("chelsea",), (0,)) if quick else (PHOTOS, (0, 1))
    cases = measure(_restore, photos, seeds)
    print(f"dust and scratches on generated damage ({machine()})")
    print(f"{'photo':14s} seed  damaged  repaired  strict  changed  psnr before -> after  s")
    rows = []
    for c in cases:
        s = c.score
        print(
            f"{c.photo:14s} {c.seed:4d} {s.damaged_pixels:8d} {s.repaired:9.1%} "
            f"{s.strictly_repaired:7.1%} {s.false_change:8.2%}  {s.psnr_before:6.1f} -> "
            f"{s.psnr_after:5.1f}  {c.seconds:5.2f}"
        )
        rows.append(
            {
                "photo": c.photo,
                "seed": c.seed,
                "damaged_pixels": s.damaged_pixels,
                "repaired": round(s.repaired, 4),
                "strictly_repaired": round(s.strictly_repaired, 4),
                "false_change": round(s.false_change, 4),
                "psnr_before": round(s.psnr_before, 2),
                "psnr_after": round(s.psnr_after, 2),
                "seconds": round(c.seconds, 2),
            }
        )
    total = {
        "repaired": round(pooled(cases), 4),
        "strictly_repaired": round(pooled(cases, strict=True), 4),
        "mean_false_change": round(sum(c.score.false_change for c in cases) / len(cases), 4),
    }
    print(
        f"all: {total['repaired']:.1%} repaired ({total['strictly_repaired']:.1%} strictly), "
        f"{total['mean_false_change']:.2%} of the clean pixels changed on average, "
        f"{sum(c.score.psnr_after > c.score.psnr_before for c in cases)} of {len(cases)} "
        "closer to the clean photo"
    )
    ceiling = _ceiling(photos, seeds)
    total["ceiling_repaired"] = round(pooled(ceiling), 4)
    total["ceiling_strictly_repaired"] = round(pooled(ceiling, strict=True), 4)
    print(
        f"ceiling (the damage's own footprint filled): {total['ceiling_repaired']:.1%} "
        f"repaired ({total['ceiling_strictly_repaired']:.1%} strictly)"
    )
    if not quick:
        held = measure(_restore, photos, (4, 5, 6, 7))
        total["held_out_repaired"] = round(pooled(held), 4)
        total["held_out_mean_false_change"] = round(
            sum(c.score.false_change for c in held) / len(held), 4
        )
        print(
            f"held out (seeds 4-7): {total['held_out_repaired']:.1%} repaired, "
            f"{total['held_out_mean_false_change']:.2%} of the clean pixels changed"
        )
    clean = []
    for name in photos:
        picture = photo(name)
        found = find_marks(picture)
        moved = np.abs(repair(picture, found.mask).astype(np.int16) - picture).max(axis=2) > 10
        clean.append(
            {
                "photo": name,
                "moved": round(float(moved.mean()), 4),
                "spots": found.spots,
                "scratches": found.scratches,
            }
        )
        print(
            f"clean {name:14s} {float(moved.mean()):.2%} of the pixels moved, "
            f"{found.spots} speck(s) and {found.scratches} scratch(es) found"
        )
    return {"cases": rows, "total": total, "clean": clean}


def _ceiling(photos: tuple[str, ...], seeds: tuple[int, ...]) -> list[Case]:
    cases = []
    for name in photos:
        clean = photo(name)
        for seed in seeds:
            damage = scratch_and_dust(clean, seed)
            out = repair(damage.image, damage.alpha > 0)
            cases.append(Case(name, seed, score(clean, damage, out), 0.0))
    return cases


if __name__ == "__main__":
    main()
