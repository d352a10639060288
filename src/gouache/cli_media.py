"""Commands for layers, sequences and stories: `export --format svg|ora`, `frames`, `animate`,
`story`. Heavy imports happen inside each command, as in cli.py."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gouache.sessions.store import Store

EXIT_OK = 0


def export_layers(args: argparse.Namespace, store: Store) -> int:
    """`gouache export SESSION VERSION --format svg|ora`: the layers kept editable."""
    from gouache.errors import InputError
    from gouache.layers.export import export_layered
    from gouache.sessions.session import Session

    fmt = args.format.strip().lower()
    if getattr(args, "sign", False) or getattr(args, "watermark", None):
        raise InputError(
            f"--sign and --watermark go into png, jpeg or webp files, not {fmt}; "
            "export the picture as png to sign it"
        )
    session = Session.open(store, args.session)
    force = bool(getattr(args, "force", False))
    written = export_layered(session, args.version, Path(args.output), fmt, force=force)
    print("wrote " + " and ".join(str(path) for path in written))
    return EXIT_OK
