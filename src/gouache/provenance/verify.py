"""Reading a file's provenance back: its C2PA manifest, its recipe and its watermark.

The manifest's state is one of:

    trusted     the signature holds and its certificate chains to a trusted root
    valid       the signature holds; the certificate is not one this reader trusts
    tampered    the image data no longer matches the signed hash (a byte was changed)
    invalid     the manifest is there but broken (another validation failure)
    no manifest nothing to read (never signed, or re-saved by a tool that drops metadata)
    not checked c2pa-python is not installed (the recipe and the watermark are still read)

The watermark is read from the pixels whatever the manifest says, so a stripped copy still
names its version; `lookup` (the local store) turns the id into a session and version.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from gouache.errors import UnsupportedError
from gouache.provenance import watermark
from gouache.provenance.manifest import RECIPE_LABEL, c2pa_module, context, recipe_hash
from gouache.provenance.metadata import MEDIA_TYPES, format_of, read_recipe

State = Literal[
    "trusted", "valid", "tampered", "invalid", "no manifest", "unreadable", "not checked"
]
TAMPER_CODES = ("assertion.dataHash.mismatch", "assertion.boxesHash.mismatch")
MAX_DEPTH = 64
NO_MANIFEST = (
    "no C2PA data in the file: never signed, or re-saved by a tool that drops metadata; "
    "the watermark below is what is left"
)


@dataclass(frozen=True)
class ManifestNode:
    """One manifest in the chain: its title, actions, recipe assertion and ingredients."""

    title: str
    relationship: str  # "active", "parentOf", "componentOf"
    signer: str | None
    actions: tuple[dict[str, Any], ...]
    recipe: dict[str, Any] | None
    ingredients: tuple[ManifestNode, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "relationship": self.relationship,
            "signer": self.signer,
            "actions": list(self.actions),
            "recipe": self.recipe,
            "ingredients": [node.to_json() for node in self.ingredients],
        }

    def depth(self) -> int:
        """How many signed manifests deep the chain goes, this one included."""
        signed = [n.depth() for n in self.ingredients if n.signer is not None]
        return 1 + max(signed, default=0)


@dataclass(frozen=True)
class VerifyReport:
    path: str
    state: State
    reason: str  # why, in words
    failures: tuple[str, ...] = ()
    chain: ManifestNode | None = None
    recipe: dict[str, Any] | None = None
    recipe_matches: bool | None = None  # the carried recipe's hash equals the signed one
    watermark: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "manifest": {
                "state": self.state,
                "reason": self.reason,
                "failures": list(self.failures),
                "chain": self.chain.to_json() if self.chain else None,
            },
            "recipe": self.recipe,
            "recipe_matches_signature": self.recipe_matches,
            "watermark": self.watermark,
        }

    def describe(self) -> str:
        lines = [f"{self.path}", f"manifest: {self.state} ({self.reason})"]
        lines += [f"  failure: {code}" for code in self.failures]
        if self.chain is not None:
            lines.append("chain (newest first):")
            lines += _tree(self.chain, "  ")
        if self.recipe is not None:
            inner = self.recipe.get("recipe") or {}
            session = self.recipe.get("session") or {}
            match = {True: "matches the signed hash", False: "DOES NOT match the signed hash"}
            tail = f", {match[self.recipe_matches]}" if self.recipe_matches is not None else ""
            lines.append(
                f"recipe: {self.recipe.get('version')} of session {str(session.get('id'))[:8]} "
                f"({session.get('name')}): {inner.get('instruction') or '-'!r}{tail}"
            )
        else:
            lines.append("recipe: none in the file")
        lines.append("watermark: " + _describe_mark(self.watermark))
        return "\n".join(lines)


def _describe_mark(mark: dict[str, Any]) -> str:
    if mark.get("error"):
        return str(mark["error"])
    if not mark.get("found"):
        return f"none found (confidence {mark.get('confidence', 0):.2f})"
    where = " after a crop search" if mark.get("searched") else ""
    if mark.get("read_at_size"):
        width, height = mark["read_at_size"]
        where = f" after scaling back to {width}x{height}"
    text = f"id {mark['id']} (confidence {mark['confidence']:.2f}{where})"
    located = mark.get("version")
    if located:
        text += f": {located['version']} of session {located['session'][:8]} ({located['name']})"
    elif "version" in mark:
        text += ": not in this store"
    return text


def _tree(node: ManifestNode, indent: str) -> list[str]:
    signer = f" signed by {node.signer}" if node.signer else " (no manifest)"
    lines = [f"{indent}{node.title} [{node.relationship}]{signer}"]
    for action in node.actions:
        what = action.get("action", "?")
        desc = action.get("description")
        source = str(action.get("digitalSourceType") or "").rsplit("/", 1)[-1]
        agent = action.get("softwareAgent")
        agent_name = agent.get("name") if isinstance(agent, dict) else agent
        bits = [what]
        if desc:
            bits.append(repr(desc))
        if source:
            bits.append(source)
        if agent_name:
            bits.append(f"by {agent_name}")
        lines.append(f"{indent}  - " + " ".join(bits))
    for child in node.ingredients:
        lines += _tree(child, indent + "    ")
    return lines


def _node(
    store: dict[str, Any], label: str, relationship: str, title: str, depth: int
) -> ManifestNode:
    manifest = store.get(label) or {}
    actions: list[dict[str, Any]] = []
    recipe = None
    for assertion in manifest.get("assertions") or ():
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            actions += list((assertion.get("data") or {}).get("actions") or ())
        elif assertion.get("label") == RECIPE_LABEL:
            recipe = assertion.get("data")
    children = []
    if depth < MAX_DEPTH:
        for ing in manifest.get("ingredients") or ():
            child_label = ing.get("active_manifest")
            rel = str(ing.get("relationship", "?"))
            name = str(ing.get("title", "?"))
            if child_label and child_label in store:
                children.append(_node(store, child_label, rel, name, depth + 1))
            else:
                children.append(ManifestNode(name, rel, None, (), None, ()))
    info = manifest.get("signature_info") or {}
    signer = info.get("common_name") or info.get("issuer")
    return ManifestNode(
        title or str(manifest.get("title", "?")),
        relationship,
        str(signer) if signer else "unknown signer",
        tuple(a for a in actions if isinstance(a, dict)),
        recipe if isinstance(recipe, dict) else None,
        tuple(children),
    )


def read_manifest(
    data: bytes, trust_pem: bytes | None = None
) -> tuple[State, str, tuple[str, ...], ManifestNode | None]:
    """The manifest's state, why, its failure codes and its chain."""
    c2pa = c2pa_module()
    fmt = format_of(data)
    if fmt is None:
        return "unreadable", "not a PNG, JPEG or WebP file", (), None
    try:
        reader = c2pa.Reader(MEDIA_TYPES[fmt], io.BytesIO(data), context=context(trust_pem))
    except c2pa.C2paError.ManifestNotFound:
        return "no manifest", NO_MANIFEST, (), None
    except c2pa.C2paError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return "invalid", f"the manifest cannot be read: {first}", (), None
    with reader:
        report = json.loads(reader.json())
        state_text = reader.get_validation_state() or ""
    store = report.get("manifests") or {}
    active = report.get("active_manifest")
    chain = _node(store, active, "active", "", 0) if active in store else None
    results = (report.get("validation_results") or {}).get("activeManifest") or {}
    failures = tuple(
        str(item.get("code")) for item in results.get("failure") or () if item.get("code")
    )
    if any(code in TAMPER_CODES for code in failures):
        return "tampered", "the image data does not match the signed hash", failures, chain
    if state_text == "Trusted":
        return "trusted", "signature valid, certificate trusted", failures, chain
    if state_text == "Valid":
        untrusted = "signingCredential.untrusted" in failures
        why = "signature valid, but the certificate is not one this reader trusts"
        return "valid", why if untrusted else "signature valid", failures, chain
    return "invalid", "the manifest failed validation", failures, chain


def verify_bytes(
    data: bytes,
    path: str = "<bytes>",
    *,
    trust_pem: bytes | None = None,
    lookup: Callable[[str], dict[str, str] | None] | None = None,
    sizes: Callable[[], Sequence[tuple[int, int]]] | None = None,
) -> VerifyReport:
    """Everything `gouache verify` prints, for encoded bytes (see read_mark for `lookup` and
    `sizes`)."""
    try:
        state, reason, failures, chain = read_manifest(data, trust_pem)
    except UnsupportedError as err:  # c2pa is not installed: the recipe and mark still read
        state, reason, failures, chain = "not checked", err.message, (), None
    recipe = read_recipe(data)
    matches = None
    if recipe is not None and chain is not None and chain.recipe is not None:
        inner = recipe.get("recipe")
        if isinstance(inner, dict):
            matches = recipe_hash(inner) == chain.recipe.get("recipe_sha256")
    return VerifyReport(
        path, state, reason, failures, chain, recipe, matches, read_mark(data, lookup, sizes)
    )


def read_mark(
    data: bytes,
    lookup: Callable[[str], dict[str, str] | None] | None = None,
    sizes: Callable[[], Sequence[tuple[int, int]]] | None = None,
) -> dict[str, Any]:
    """The watermark in the decoded pixels, as JSON values. `sizes` (the sizes of the local
    store's versions) lets a copy at another scale be read at its original size."""
    from gouache.errors import GouacheError
    from gouache.images import load_image

    try:
        pixels = load_image(data, name="<verify>").pixels
    except GouacheError as err:
        return {"found": False, "error": f"cannot decode the pixels: {err.message}"}
    try:
        reading = watermark.extract(pixels)
    except watermark.WatermarkError as err:
        return {"found": False, "error": f"not read: {err}"}
    rescaled = None
    if not reading.found and sizes is not None:
        again = watermark.extract_rescaled(pixels, sizes())
        if again is not None:
            reading, rescaled = again
    result: dict[str, Any] = {
        "found": reading.found,
        "id": reading.mark_id,
        "confidence": round(reading.confidence, 3),
        "searched": reading.searched,
        "offset": list(reading.offset),
        "read_at_size": list(rescaled) if rescaled else None,
    }
    if reading.mark_id is not None and lookup is not None:
        result["version"] = lookup(reading.mark_id)
    return result
