"""Whether an edit that looks at the picture before it changes it would take this one, read
without running it: a refusal's closest edits offer only edits that do something here.

    replace_color   the colour named, in a flat graphic (a grey picture has none)
    recolor         a cut-out, or a subject on a plain ground
    auto_straighten a tilt to level, of `framing.MIN_TILT` or more
    crop            a window of the aspect asked that is not the whole picture
    invert          dark (light) mode of a picture not dark (light) already

Every other edit is taken: planning it on the picture checks what it needs (a face, text).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gouache.analysis.measures import MAX_TILT, luma, tilt
from gouache.images import Image
from gouache.ops import framing, keying, replacecolor, tone
from gouache.ops._pixels import has_transparency


def takes(image: Image, op: str, params: Mapping[str, Any]) -> bool:
    """Whether `op` with `params` would change `image` rather than refuse it (module doc)."""
    if op == "replace_color":
        return replacecolor.finds(image, tuple(params["source"]))
    if op == "recolor":
        return has_transparency(image) or bool(keying.frame_colour(image)[1] >= keying.PLAIN_SHARE)
    if op == "auto_straighten":
        turned = tilt(luma(image), float(params.get("max_tilt", MAX_TILT)))
        return turned is not None and abs(turned) >= framing.MIN_TILT
    if op == "invert":
        return not tone.already(image, params.get("to"))
    if op == "crop" and params.get("aspect") is not None and not _margins(params):
        width, height = (int(n) for n in params["aspect"])
        rows, cols = (int(n) for n in image.shape[:2])
        # the window is the whole picture when it is under half a pixel off
        return abs(cols * height - rows * width) * 2 >= min(width, height)
    return True


def _margins(params: Mapping[str, Any]) -> bool:
    return any(params.get(side) for side in ("left", "right", "top", "bottom"))
