"""Layers, sequences and stories: a layer edit against the same edit painted flat, the SVG
and OpenRaster exports, writing 24 frames as MP4, GIF and WebP, and one offline story panel."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import astronaut, bench_size, median_ms, repeats
from gouache.images import BlobStore, LoadedImage
from gouache.layers.export import export_layered
from gouache.sequences.offline import camera_move, find_target
from gouache.sequences.video import write_video
from gouache.sessions import Session, Store

REPEATS = 5
FRAMES = 24


def main(quick: bool = False) -> dict[str, object]:
    size = bench_size(quick)
    rounds = repeats(REPEATS, quick)
    image = astronaut(size)
    figures: dict[str, object] = {"size": f"{size[0]}x{size[1]}", "repeats": rounds}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = Store(f"sqlite:///{root / 'g.db'}", BlobStore(root / "blobs"))
        with store:
            session = Session.start(store, LoadedImage(image, "PNG", "astronaut.png"))
            session.apply('add the caption "Ad astra" and a speech balloon "Hello"')
            layered = session.head

            def edit_layer() -> None:
                session.apply("change the caption to Hello", at=layered.id)

            flat = Session.start(store, LoadedImage(image, "PNG", "astronaut.png"))

            def paint_flat() -> None:
                flat.apply('make it a bit warmer and add the caption "Hello"', at="v1")

            figures["layer_edit_ms"] = round(median_ms(edit_layer, rounds), 1)
            figures["flat_caption_turn_ms"] = round(median_ms(paint_flat, rounds), 1)
            for fmt in ("svg", "ora"):
                out = root / fmt

                def export(out: Path = out, fmt: str = fmt) -> None:
                    export_layered(session, layered.id, out, fmt, force=True)  # type: ignore[arg-type]

                figures[f"export_{fmt}_ms"] = round(median_ms(export, rounds), 1)
            target = find_target(image, session.analyses, "face")
            count = 6 if quick else FRAMES
            frames = camera_move(image, target, count, "zoom")
            for suffix in (".mp4", ".gif", ".webp"):
                path = root / f"zoom{suffix}"

                def write(path: Path = path) -> None:
                    write_video(frames, path, fps=24, size=512, force=True)

                figures[f"write_{suffix[1:]}_ms"] = round(median_ms(write, rounds), 1)
    print(
        f"layers at {figures['size']}: a layer edit {figures['layer_edit_ms']} ms (a warmer "
        f"turn painting a caption flat {figures['flat_caption_turn_ms']} ms); export SVG "
        f"{figures['export_svg_ms']} ms, ORA {figures['export_ora_ms']} ms"
    )
    print(
        f"{6 if quick else FRAMES} frames at 512 px: MP4 {figures['write_mp4_ms']} ms, GIF "
        f"{figures['write_gif_ms']} ms, WebP {figures['write_webp_ms']} ms"
    )
    return figures


if __name__ == "__main__":
    main()
