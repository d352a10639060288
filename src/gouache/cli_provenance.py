"""The provenance commands: `keys init-signing`, `verify`, `import`, and the export options
(`export --sign --format`, `edit -o FILE --sign`).

Kept apart from cli.py, which only registers them and hands over; heavy imports stay inside
the functions so that `gouache --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gouache.usertext import quality_arg

if TYPE_CHECKING:
    from gouache.provenance.export import ExportedFile
    from gouache.provenance.keys import SigningKeys
    from gouache.sessions.session import Session
    from gouache.sessions.store import Store
    from gouache.settings import Settings

EXIT_OK = 0
EXIT_ERROR = 1  # verify: tampered, invalid or unreadable
EXIT_NO_MANIFEST = 2  # verify: no manifest, or c2pa not installed (the mark may still name it)
MAX_FILE_BYTES = 512_000_000
SUFFIX_FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}


def add_key_actions(keys_sub: Any) -> None:
    """`keys init-signing` and `keys show-signing` beside the API's `keys create`."""
    init = keys_sub.add_parser(
        "init-signing",
        help="make a local test CA and signing certificate (self-signed), or use your own",
    )
    init.add_argument("--cert", help="your certificate chain (PEM: signing certificate first)")
    init.add_argument("--key", help="its private key (PEM, unencrypted)")
    init.add_argument("--ca", help="the root CA certificate (PEM), to trust when verifying")
    init.add_argument("--tsa", metavar="URL", help="an RFC 3161 timestamp authority (default none)")
    init.add_argument("--force", action="store_true", help="replace an existing identity")
    keys_sub.add_parser("show-signing", help="which identity signs exports, and where it is kept")


def add_commands(sub: Any) -> None:
    """Register verify and import on the CLI's subparsers."""
    verify = sub.add_parser(
        "verify",
        help="check a file's C2PA manifest, recipe and watermark "
        "(exit 0 valid or trusted, 1 tampered or invalid, 2 no manifest)",
    )
    verify.add_argument("file")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument(
        "--trust", action="append", default=[], metavar="CA.pem", help="also trust this root"
    )

    imp = sub.add_parser("import", help="start a session from a file, remembering its origin")
    imp.add_argument("file")
    imp.add_argument("--name", help="the session's name (default: the file's)")


def add_export_options(parser: argparse.ArgumentParser, *, folder: bool) -> None:
    """--sign, --watermark, and for `export` --format and --quality."""
    parser.add_argument(
        "--sign", action="store_true", help="embed a signed C2PA manifest (and the watermark)"
    )
    parser.add_argument(
        "--watermark",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="embed the invisible watermark (default: with --sign)",
    )
    if folder:
        parser.add_argument(
            "--format", default="png", help="png (default), jpeg, webp, or the layers as svg or ora"
        )
        parser.add_argument(
            "--quality",
            type=quality_arg,
            help="JPEG / WebP quality 1-100 (92 / 90; WebP 100 is lossless)",
        )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "keys":
        return _keys(args, settings)
    if args.command == "verify":
        return _verify(args, settings)
    return _import(args, settings)


# -- keys ------------------------------------------------------------------------------------


def _keys(args: argparse.Namespace, settings: Settings) -> int:
    from gouache.errors import InputError
    from gouache.provenance import keys as signing

    folder = signing.signing_dir(settings)
    if args.keys_command == "show-signing":
        print(f"{signing.load(folder).describe()}\nkept in {folder}")
        return EXIT_OK
    if (args.cert or args.key) and not (args.cert and args.key):
        raise InputError("--cert and --key go together")
    if args.ca and not args.cert:
        raise InputError("--ca goes with --cert and --key")
    signing.check_free(folder, force=args.force)
    if args.cert:
        identity = signing.identity_from_files(
            Path(args.cert), Path(args.key), Path(args.ca) if args.ca else None, args.tsa
        )
    else:
        identity = signing.make_test_identity()
        if args.tsa:
            from dataclasses import replace

            identity = replace(identity, tsa_url=args.tsa)
    _check_signs(identity)
    signing.save(identity, folder, force=args.force)
    print(f"signing identity: {identity.describe()}")
    print(f"kept in {folder} (key.pem is readable by you only)")
    if identity.self_signed:
        print(
            "this is a self-signed test CA: `gouache verify` on this machine reports your "
            "exports as trusted; anywhere else they read as valid but untrusted"
        )
    return EXIT_OK


def _check_signs(identity: SigningKeys) -> None:
    """Sign a tiny image, so a certificate c2pa refuses is refused now, not at export."""
    import numpy as np

    from gouache.png import write_png
    from gouache.provenance.manifest import Signer

    pixels = np.zeros((16, 16, 3), dtype=np.uint8)
    manifest = {
        "title": "check.png",
        "format": "image/png",
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": (
                                "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation"
                            ),
                        }
                    ]
                },
            }
        ],
    }
    Signer(identity).sign(write_png(pixels), "png", manifest, [])


# -- export ----------------------------------------------------------------------------------


def _keys_for(sign: bool, settings: Settings) -> SigningKeys | None:
    if not sign:
        return None
    from gouache.provenance import keys as signing

    return signing.load(signing.signing_dir(settings))


def export(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """`gouache export SESSION VERSION [-o FOLDER] [--format F] [--sign] [--watermark]`:
    the image (with its recipe inside) and the recipe as JSON beside it."""
    from gouache.errors import InputError
    from gouache.outputs import check_target, shown
    from gouache.provenance.export import export_version
    from gouache.provenance.metadata import EXTENSIONS, parse_format
    from gouache.sessions.session import Session

    try:
        fmt = parse_format(args.format)
    except ValueError:
        raise InputError(
            f"unknown format {args.format!r}: choose png, jpeg, webp, svg or ora"
        ) from None
    session = Session.open(store, args.session)
    version = session.resolve(args.version)
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"cannot export to {shown(folder)}: it is a file, not a folder")
    force = bool(getattr(args, "force", False))
    image_path = folder / f"{version.label}{EXTENSIONS[fmt]}"
    recipe_path = folder / f"{version.label}.json"
    for path in (image_path, recipe_path):
        check_target(path, force=force)  # before any signing is done
    exported = export_version(
        session,
        version.id,
        fmt=fmt,
        sign=args.sign,
        keys=_keys_for(args.sign, settings),
        watermark_mark=args.watermark,
        quality=args.quality,
    )
    recipe_text = json.dumps(exported.version.recipe(), indent=2) + "\n"
    write_output(image_path, exported.data, force=force)
    write_output(recipe_path, recipe_text.encode("utf-8"), force=force)
    print(f"wrote {image_path} and {recipe_path}{_carries(exported)}")
    return EXIT_OK


def export_turn(
    session: Session, version_id: str, output: Path, args: argparse.Namespace, settings: Settings
) -> Path:
    """`edit -o FILE --sign`: the version exported in the format the suffix names, at
    `--quality` (the same defaults as `-o` without signing)."""
    from gouache.provenance.export import export_version
    from gouache.provenance.metadata import parse_format

    fmt = parse_format(signed_format(output))
    exported = export_version(
        session,
        version_id,
        fmt=fmt,
        sign=args.sign,
        keys=_keys_for(args.sign, settings),
        watermark_mark=args.watermark,
        quality=getattr(args, "quality", None),
    )
    write_output(output, exported.data, force=bool(getattr(args, "force", False)))
    print("carries: " + _carries(exported).strip(" ()"))
    return output


def signed_format(output: Path) -> str:
    """The format a signed or watermarked `-o` file is written in; InputError for a suffix
    that carries no manifest (TIFF, BMP), before any work is done."""
    from gouache.errors import InputError

    suffix = output.suffix.lower()
    if suffix not in SUFFIX_FORMATS:
        raise InputError(
            f"{output.name}: a signed or watermarked file is PNG, JPEG or WebP "
            f"(.png, .jpg, .webp), not {suffix or 'a name without a suffix'}"
        )
    return SUFFIX_FORMATS[suffix]


def write_output(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write a user's output file whole or not at all (see gouache.outputs)."""
    from gouache.outputs import write_file

    write_file(path, data, force=force)


def _carries(exported: ExportedFile) -> str:
    parts = []
    if exported.signed:
        parts.append("signed C2PA manifest")
    if exported.mark_id:
        parts.append(f"watermark {exported.mark_id}")
    parts.append("recipe inside")
    return " (" + ", ".join(parts) + ")"


# -- verify and import -----------------------------------------------------------------------


def _trust(settings: Settings, extra: list[str]) -> bytes | None:
    from gouache.provenance import keys as signing

    pems = []
    own = signing.signing_dir(settings) / "ca.pem"
    if own.exists():
        pems.append(own.read_bytes())
    for path in extra:
        try:
            pems.append(Path(path).read_bytes())
        except OSError as err:
            from gouache.errors import InputError

            raise InputError(f"cannot read --trust {path}: {err.strerror or err}") from None
    return b"".join(pems) or None


def _lookup(store: Store) -> Any:
    def find(mark_id: str) -> dict[str, str] | None:
        with store.read() as tx:
            found = tx.versions_with_prefix(mark_id, limit=1)
            if not found:
                return None
            version = found[0]
            session = tx.session(version.session_id)
        return {
            "session": session.id,
            "name": session.name,
            "version": version.label,
            "version_id": version.id,
        }

    return find


def _sizes(store: Store) -> Any:
    def sizes() -> list[tuple[int, int]]:
        with store.read() as tx:
            return tx.version_sizes()

    return sizes


def _read_file(path: str) -> bytes:
    """The file's bytes; refused before reading when it is larger than any image we take."""
    from gouache.errors import InputError

    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise InputError(
                    f"{path} is {size / 1e6:.0f} MB: larger than any picture gouache reads "
                    f"({MAX_FILE_BYTES // 1_000_000} MB at most)"
                )
            return fh.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a picture") from None
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    from gouache.provenance.verify import verify_bytes
    from gouache.sessions.store import Store

    data = _read_file(args.file)
    with Store.from_settings(settings) as store:
        report = verify_bytes(
            data,
            args.file,
            trust_pem=_trust(settings, args.trust),
            lookup=_lookup(store),
            sizes=_sizes(store),
        )
    if args.json:
        print(json.dumps(report.to_json(), indent=2, default=str))
    else:
        print(report.describe())
    if report.state in ("trusted", "valid"):
        return EXIT_OK
    unchecked = report.state in ("no manifest", "not checked")
    return EXIT_NO_MANIFEST if unchecked else EXIT_ERROR


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from gouache.errors import UnsupportedError
    from gouache.images import load_image
    from gouache.provenance.metadata import read_recipe
    from gouache.provenance.verify import read_manifest, read_mark
    from gouache.sessions.session import Session
    from gouache.sessions.store import Store

    data = _read_file(args.file)
    loaded = load_image(data, max_pixels=settings.max_pixels, name=args.file)
    origin: dict[str, Any] = {"file": Path(args.file).name}
    recipe = read_recipe(data)
    if recipe is not None:
        origin["recipe"] = recipe
    try:
        state, reason, _, chain = read_manifest(data, _trust(settings, []))
        origin["manifest"] = {"state": state, "reason": reason}
        if chain is not None:
            origin["manifest"]["signer"] = chain.signer
            origin["manifest"]["depth"] = chain.depth()
    except UnsupportedError as err:
        origin["manifest"] = {"state": "not read", "reason": err.message}
    with Store.from_settings(settings) as store:
        if origin["manifest"]["state"] in ("trusted", "valid"):
            from gouache.provenance.originals import keep

            # kept whole, so a signed export of this session names it as its source
            origin["original"] = keep(store.blobs, data)
        mark = read_mark(data, _lookup(store), _sizes(store))
        if mark.get("found"):
            origin["watermark"] = mark
        reply = _origin_text(args.file, origin)
        session = Session.start(
            store,
            loaded,
            name=args.name or Path(args.file).name,
            origin=origin,
            reply=reply,
        )
        print(f"session {session.id[:8]} ({session.name}), at v1: {reply}")
    return EXIT_OK


def _origin_text(path: str, origin: dict[str, Any]) -> str:
    parts = [f"imported {Path(path).name}"]
    recipe = origin.get("recipe")
    if recipe:
        inner = recipe.get("recipe") or {}
        session = recipe.get("session") or {}
        parts.append(
            f"it was {recipe.get('version')} of session {str(session.get('id'))[:8]} "
            f"({session.get('name')}): {inner.get('instruction') or '-'!r}"
        )
    else:
        parts.append("no gouache recipe inside")
    state = (origin.get("manifest") or {}).get("state", "not read")
    parts.append("no C2PA manifest" if state == "no manifest" else f"C2PA manifest {state}")
    mark = origin.get("watermark")
    parts.append(f"watermark {mark.get('id')}" if mark else "no watermark")
    return "; ".join(parts)
