"""Writing a version with its layers: SVG or OpenRaster, beside the recipe JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from gouache.layers.model import LayerStack, stack_of
from gouache.outputs import check_target, write_file

if TYPE_CHECKING:
    from gouache.sessions.session import Session

LayeredFormat = Literal["svg", "ora"]


def export_layered(
    session: Session, ref: str, folder: Path, fmt: LayeredFormat, *, force: bool = False
) -> list[Path]:
    """Write v{n}.svg or v{n}.ora and v{n}.json; a flat version is one base layer.

    An existing v{n}.svg or .ora is kept unless `force`; the recipe beside it is the same
    version's, so it is written again.
    """
    version = session.resolve(ref)
    stack = stack_of(version.params) or LayerStack(base=version.blob)
    blobs = session.store.blobs
    target = folder / f"v{version.number}.{fmt}"
    recipe = folder / f"v{version.number}.json"
    check_target(target, force=force)  # before the work: an existing file is kept
    if fmt == "svg":
        from gouache.layers.svg import to_svg

        data = to_svg(stack, blobs.get, blobs.get_bytes).encode("utf-8")
    else:
        from gouache.layers.ora import ora_bytes

        data = ora_bytes(stack, session.image(version.id), blobs.get, session.analyses)
    write_file(target, data, force=force)
    write_file(recipe, (json.dumps(version.recipe(), indent=2) + "\n").encode(), force=True)
    return [target, recipe]
