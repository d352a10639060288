"""A self-contained HTML page of a session's version tree, with thumbnails and recipes."""

from __future__ import annotations

import html
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image as PILImage

from gouache.images import to_pil
from gouache.planner.plan import EditPlan

if TYPE_CHECKING:
    from gouache.sessions.session import Session
    from gouache.sessions.versions import Version

THUMB_SIDE = 256


@dataclass(frozen=True)
class GalleryPage:
    index: Path
    images: tuple[Path, ...]


def write_gallery(session: Session, folder: Path) -> GalleryPage:
    """Export every version (PNG + recipe JSON), thumbnails, and an index.html drawing the tree."""
    folder.mkdir(parents=True, exist_ok=True)
    thumbs = folder / "thumbs"
    thumbs.mkdir(exist_ok=True)
    versions = session.versions()
    images: list[Path] = []
    for version in versions:
        exported = session.export(version.id, folder)
        images.append(exported.image_path)
        thumb = to_pil(session.image(version.id))
        thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), PILImage.Resampling.LANCZOS)
        thumb.save(thumbs / f"v{version.number}.png", optimize=False)
    index = folder / "index.html"
    index.write_text(_page(session, versions), encoding="utf-8")
    return GalleryPage(index=index, images=tuple(images))


def describe_plan(plan: EditPlan | None) -> str:
    """A version's plan in the words the CLI prints; "" for none."""
    return "" if plan is None else plan.describe()


def _page(session: Session, versions: list[Version]) -> str:
    children: dict[str | None, list[Version]] = defaultdict(list)
    for version in versions:
        children[version.parent_id].append(version)
    tips: dict[str, list[str]] = defaultdict(list)
    for name, version_id in session.branches().items():
        tips[version_id].append(name)
    head_id = session.head.id

    def card(version: Version) -> str:
        branch_tags = "".join(
            f'<span class="branch">{html.escape(name)}</span>' for name in sorted(tips[version.id])
        )
        head = '<span class="head">head</span>' if version.id == head_id else ""
        instruction = version.instruction or "(source image)"
        plan = describe_plan(version.plan)
        ms = version.timings.get("total")
        timing = f"{ms:.0f} ms" if isinstance(ms, (int, float)) else ""
        recipe = html.escape(json.dumps(version.recipe(), indent=2, default=str))
        return (
            f'<div class="card" id="v{version.number}">'
            f'<a href="v{version.number}.png"><img src="thumbs/v{version.number}.png" '
            f'alt="version {version.number}"></a>'
            f'<div class="meta"><b>v{version.number}</b> {head}{branch_tags}'
            f'<div class="instruction">{html.escape(instruction)}</div>'
            f'<div class="plan">{html.escape(plan)}</div>'
            f'<div class="timing">{version.width}x{version.height} {timing}</div>'
            f"<details><summary>recipe</summary><pre>{recipe}</pre></details></div></div>"
        )

    def subtree(parent: str | None) -> str:
        kids = sorted(children.get(parent, []), key=lambda v: v.number)
        if not kids:
            return ""
        items = "".join(f"<li>{card(kid)}{subtree(kid.id)}</li>" for kid in kids)
        return f"<ul>{items}</ul>"

    title = html.escape(f"gouache: {session.name}")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }}
ul {{ list-style: none; margin: 0; padding-left: 2rem; position: relative; }}
li {{ position: relative; padding: .5rem 0 .5rem 1rem; border-left: 2px solid #bbb; }}
li:last-child {{ border-left-color: transparent; }}
li::before {{ content: ""; position: absolute; left: -2px; top: 0; width: 1rem; height: 3.5rem;
  border-left: 2px solid #bbb; border-bottom: 2px solid #bbb; }}
.card {{ display: flex; gap: 1rem; align-items: flex-start; background: #f7f7f7;
  border-radius: 8px; padding: .5rem; max-width: 56rem; }}
.card img {{ max-width: 160px; max-height: 160px; border-radius: 4px; }}
.branch, .head {{ color: #fff; border-radius: 4px; padding: 0 .4rem; margin-left: .3rem; }}
.branch {{ background: #2b6cb0; }}
.head {{ background: #c05621; }}
.plan, .timing {{ color: #555; font-size: 12px; }}
pre {{ font-size: 11px; max-width: 40rem; overflow: auto; }}
</style></head>
<body><h1>{title}</h1>
<p>Session {html.escape(session.id)}: {len(versions)} versions. Every version is kept; click a
thumbnail for the full image, open "recipe" for how it was made.</p>
{subtree(None)}
</body></html>
"""
