"""C2PA manifests for versions: what each turn did, signed, with its parent as an ingredient.

A version's manifest holds (C2PA 2.x, through c2pa-python):

    c2pa.actions.v2     c2pa.opened (the parent, or the source image for a root),
                        c2pa.placed for each reference image, then c2pa.edited with the
                        instruction, the backend and model, and a digitalSourceType:
                        trainedAlgorithmicMedia for a generative backend, humanEdits for the
                        operators (a person asked, non-generative tools did it);
                        a root drawn from text is c2pa.created (trainedAlgorithmicMedia)
    ingredients         the parent version, signed the same way (relationship parentOf),
                        so a version several turns deep carries its whole lineage as
                        ingredients of ingredients; references as componentOf
    org.gouache.recipe  session and version ids, backend, model, and the sha256 of the
                        recipe's canonical JSON (the file carries the recipe itself)

Ancestors are signed as the stored lossless PNG (with their recipe); only the exported version
takes the requested format and watermark. Signing is offline: no timestamp authority unless
the identity names one, no remote manifests, no OCSP.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from gouache.errors import InputError, UnsupportedError
from gouache.planner.prompt import GENERATIVE_OP
from gouache.provenance.metadata import MEDIA_TYPES, Format, png_with_recipe, recipe_json

if TYPE_CHECKING:
    from gouache.provenance.keys import SigningKeys
    from gouache.sessions.versions import Version

RECIPE_LABEL = "org.gouache.recipe"
SOURCE_TYPES = "http://cv.iptc.org/newscodes/digitalsourcetype/"
GENERATIVE = SOURCE_TYPES + "trainedAlgorithmicMedia"
CLASSICAL = SOURCE_TYPES + "humanEdits"
INSTALL_HINT = 'signing needs the provenance extra: pip install "gouache[provenance]"'


def c2pa_module() -> Any:
    """The c2pa package, or UnsupportedError saying how to install it."""
    try:
        import c2pa
    except ImportError:
        raise UnsupportedError(INSTALL_HINT) from None
    return c2pa


def context(
    trust_pem: bytes | None = None, *, signing: bool = False, check_signed: bool = True
) -> Any:
    """A c2pa Context for offline work: no thumbnails, no network, `trust_pem` trusted.

    For `signing`, the ingredients (our own just-signed ancestors) are not validated again
    as they are added, and the signed result is validated only with `check_signed`: each
    ingredient carries its whole lineage, so validating every level at every step made an
    export n levels deep cost n squared."""
    from gouache import __version__

    c2pa = c2pa_module()
    verify: dict[str, Any] = {"remote_manifest_fetch": False, "ocsp_fetch": False}
    settings: dict[str, Any] = {"verify": verify, "builder": {"thumbnail": {"enabled": False}}}
    if signing:
        verify.update(verify_after_reading=False, verify_after_sign=check_signed)
        settings["builder"]["claim_generator_info"] = {"name": "gouache", "version": __version__}
    if trust_pem:
        settings["trust"] = {"user_anchors": trust_pem.decode("ascii", "replace")}
    return c2pa.Context.from_dict(settings)


def recipe_hash(recipe: Mapping[str, Any]) -> str:
    return hashlib.sha256(recipe_json(dict(recipe))).hexdigest()


def model_of(version: Version) -> str | None:
    model = version.backend_config.get("model")
    return str(model) if model else None


def is_generative(version: Version) -> bool:
    """Whether a model drew the pixels (a generative step, or a root made from text)."""
    steps = version.plan.steps if version.plan is not None else ()
    if any(step.op == GENERATIVE_OP for step in steps):
        return True
    return version.kind == "root" and version.backend is not None


def _agent(version: Version) -> dict[str, str]:
    from gouache import __version__

    backend = version.backend or "operators"
    agent = {"name": f"gouache {backend}", "version": __version__}
    model = model_of(version)
    if model:
        agent["model"] = model
    return agent


def version_manifest(
    version: Version, session_name: str, title: str, fmt: Format
) -> tuple[dict[str, Any], list[tuple[dict[str, Any], str]]]:
    """The manifest definition of `version` and its ingredients as (definition, key) pairs,
    where key is "parent", "source" or "ref<i>" (the caller supplies the bytes)."""
    agent = _agent(version)
    actions: list[dict[str, Any]] = []
    ingredients: list[tuple[dict[str, Any], str]] = []
    generative = is_generative(version)
    if version.parent_id is None and generative:
        actions.append(
            {
                "action": "c2pa.created",
                "digitalSourceType": GENERATIVE,
                "description": version.instruction,
                "softwareAgent": agent,
            }
        )
    else:
        key = "source" if version.parent_id is None else "parent"
        # the parent's title (v2.png) is set by sign_lineage, which knows its number
        name = session_name if version.parent_id is None else "parent"
        ingredients.append(({"title": name, "relationship": "parentOf", "label": key}, key))
        actions.append({"action": "c2pa.opened", "parameters": {"ingredientIds": [key]}})
    for i, ref in enumerate(version.references, start=1):
        label = f"ref{i}"
        ingredients.append(
            ({"title": ref.name, "relationship": "componentOf", "label": label}, label)
        )
        actions.append({"action": "c2pa.placed", "parameters": {"ingredientIds": [label]}})
    if version.parent_id is not None:
        steps = version.plan.steps if version.plan is not None else ()
        actions.append(
            {
                "action": "c2pa.edited",
                "description": version.instruction,
                "digitalSourceType": GENERATIVE if generative else CLASSICAL,
                "softwareAgent": agent,
                "parameters": {
                    "org.gouache.backend": version.backend or "operators",
                    "org.gouache.model": model_of(version),
                    "org.gouache.steps": [step.describe() for step in steps],
                },
            }
        )
    recipe = version.recipe()
    manifest = {
        "title": title,
        "format": MEDIA_TYPES[fmt],
        "assertions": [
            {"label": "c2pa.actions.v2", "data": {"actions": actions}},
            {
                "label": RECIPE_LABEL,
                "data": {
                    "session": version.session_id,
                    "session_name": session_name,
                    "version": version.label,
                    "version_id": version.id,
                    "backend": version.backend or "operators",
                    "model": model_of(version),
                    "generative": generative,
                    "recipe_sha256": recipe_hash(recipe),
                },
            },
        ],
    }
    return manifest, ingredients


class Signer:
    """Signs manifests with one identity; c2pa objects are made once per export."""

    def __init__(self, keys: SigningKeys) -> None:
        c2pa = c2pa_module()
        self.keys = keys
        info = c2pa.C2paSignerInfo(
            keys.alg.encode(),
            keys.chain_pem,
            keys.key_pem,
            keys.tsa_url.encode() if keys.tsa_url else None,
        )
        try:
            self._signer = c2pa.Signer.from_info(info)
        except c2pa.C2paError as err:
            raise InputError(f"the signing identity is not usable: {_first_line(err)}") from None
        self._fast = context(keys.ca_pem, signing=True, check_signed=False)
        self._checked = context(keys.ca_pem, signing=True)
        self._c2pa = c2pa

    def sign(
        self,
        data: bytes,
        fmt: Format,
        manifest: dict[str, Any],
        ingredients: list[tuple[dict[str, Any], bytes, Format]],
        *,
        check: bool = True,
    ) -> bytes:
        """`data` with `manifest` embedded and signed; each ingredient is (definition, its
        bytes, their format). With `check` the signed result is validated (c2pa's
        verify_after_sign); ancestors signed on the way to an export skip it."""
        c2pa = self._c2pa
        try:
            chosen = self._checked if check else self._fast
            builder = c2pa.Builder(json.dumps(manifest), context=chosen)
            for definition, blob, blob_fmt in ingredients:
                builder.add_ingredient(
                    json.dumps(definition), MEDIA_TYPES[blob_fmt], io.BytesIO(blob)
                )
            out = io.BytesIO()
            builder.sign(self._signer, MEDIA_TYPES[fmt], io.BytesIO(data), out)
        except c2pa.C2paError as err:
            raise InputError(f"signing failed: {_first_line(err)}") from None
        return out.getvalue()


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def sign_lineage(
    signer: Signer,
    version: Version,
    data: bytes,
    fmt: Format,
    *,
    session_name: str,
    title: str,
    lookup: Callable[[str], Version],
    blob: Callable[[str], bytes],
    record: Callable[[Version], dict[str, Any]],
    source: Callable[[Version], tuple[bytes, Format, str] | None] = lambda _: None,
) -> bytes:
    """Sign `data` (the export of `version`) with its ancestors as nested ingredients.

    `lookup(id)` gives a version, `blob(digest)` stored PNG bytes, `record(version)` the
    recipe record an ancestor's PNG carries, `source(root)` the file a root was imported
    from when it was kept (its bytes, format and name), so its own manifest chain goes on.
    """
    line = [version]
    while line[-1].parent_id is not None:
        line.append(lookup(line[-1].parent_id))
    line.reverse()  # root first
    signed_parent: bytes | None = None
    for depth, current in enumerate(line):
        last = depth == len(line) - 1
        asset = data if last else png_with_recipe(blob(current.blob), record(current))
        asset_fmt: Format = fmt if last else "png"
        name = title if last else f"{current.label}.png"
        manifest, wanted = version_manifest(current, session_name, name, asset_fmt)
        ingredients: list[tuple[dict[str, Any], bytes, Format]] = []
        for definition, key in wanted:
            if key == "parent":
                assert signed_parent is not None
                definition = {**definition, "title": f"{line[depth - 1].label}.png"}
                ingredients.append((definition, signed_parent, "png"))
            elif key == "source":
                kept = source(current)
                if kept is None:
                    ingredients.append((definition, blob(current.blob), "png"))
                else:
                    original, original_fmt, name = kept
                    ingredients.append(({**definition, "title": name}, original, original_fmt))
            else:
                ref = current.references[int(key[3:]) - 1]
                ingredients.append((definition, blob(ref.digest), "png"))
        signed = signer.sign(asset, asset_fmt, manifest, ingredients, check=last)
        signed_parent = signed
    assert signed_parent is not None
    return signed_parent
