"""Writing a version with its layers: SVG or OpenRaster, beside the recipe JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from gouache.errors import InputError
from gouache.layers.model import LayerStack, stack_of

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
    if target.exists() and not force:
        raise InputError(f"{target} exists; --force replaces it")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if fmt == "svg":
            from gouache.layers.svg import to_svg

            target.write_text(to_svg(stack, blobs.get, blobs.get_bytes), "utf-8")
        else:
            from gouache.layers.ora import write_ora

            write_ora(target, stack, session.image(version.id), blobs.get, session.analyses)
        recipe.write_text(json.dumps(version.recipe(), indent=2) + "\n", "utf-8")
    except OSError as err:
        raise InputError(f"cannot export to {folder}: {err.strerror or err}") from None
    return [target, recipe]
