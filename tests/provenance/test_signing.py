"""Signed exports: the manifest of each turn, the lineage as nested ingredients, tampering."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import numpy as np
import pytest
from PIL import Image

from gouache.backends.base import Capabilities, EditRequest, GenerateRequest, ImageResult
from gouache.errors import InputError
from gouache.progress import CancelToken, ProgressCallback
from gouache.provenance.export import export_version
from gouache.provenance.keys import SigningKeys, identity_from_files, make_test_identity
from gouache.provenance.manifest import CLASSICAL, GENERATIVE
from gouache.provenance.metadata import SIGNATURE, _png_chunks
from gouache.provenance.verify import ManifestNode, verify_bytes
from gouache.sessions.session import Session
from gouache.sessions.store import Store


def edits(node: ManifestNode) -> list[dict[str, Any]]:
    return [a for a in node.actions if a.get("action") == "c2pa.edited"]


def parent_of(node: ManifestNode) -> ManifestNode:
    (parent,) = [n for n in node.ingredients if n.relationship == "parentOf"]
    return parent


def test_a_signed_export_three_turns_deep_reads_back_as_ingredients_of_ingredients(
    three_turns: Session, keys: SigningKeys
) -> None:
    exported = export_version(three_turns, "head", sign=True, keys=keys)
    report = verify_bytes(exported.data, "v4.png", trust_pem=keys.ca_pem)

    assert report.state == "trusted"
    chain = report.chain
    assert chain is not None
    assert chain.depth() == 4  # v4 -> v3 -> v2 -> v1, each signed
    instructions = []
    node = chain
    for _ in range(3):
        (edit,) = edits(node)
        instructions.append(edit["description"])
        assert edit["digitalSourceType"] == CLASSICAL
        assert node.actions[0]["action"] == "c2pa.opened"
        node = parent_of(node)
    assert instructions == ['add the caption "espresso"', "add a vignette", "make it warmer"]
    assert node.title == "v1.png"
    assert node.recipe is not None
    assert node.recipe["version"] == "v1"
    source = parent_of(node)
    assert (source.title, source.signer) == ("coffee", None)  # the opened file, unsigned


def test_the_manifest_names_backend_model_and_the_recipe_hash_the_file_carries(
    three_turns: Session, keys: SigningKeys
) -> None:
    exported = export_version(three_turns, "v3", sign=True, keys=keys)
    report = verify_bytes(exported.data, trust_pem=keys.ca_pem)
    assert report.chain is not None
    assert report.chain.recipe is not None
    signed = report.chain.recipe
    assert (signed["backend"], signed["version"], signed["generative"]) == (
        "operators",
        "v3",
        False,
    )
    assert signed["version_id"] == three_turns.resolve("v3").id
    assert report.recipe is not None
    assert report.recipe["recipe"]["instruction"] == "add a vignette"
    assert report.recipe_matches is True


class Painter:
    """A generative backend that runs here: it paints the prompt's length as a colour."""

    name = "painter"
    capabilities = Capabilities(generate=True, edit=True, max_references=0)
    operators = None

    def config(self) -> dict[str, Any]:
        return {"model": "painter-1"}

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        rng = np.random.default_rng(len(request.prompt))
        return ImageResult(image=rng.integers(30, 220, (160, 192, 3), dtype=np.uint8))

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        return ImageResult(image=(255 - request.image).astype(np.uint8))


def test_generative_turns_say_trained_algorithmic_media_and_a_text_root_is_created(
    store: Store, keys: SigningKeys
) -> None:
    session = Session.start_from_text(store, "a field of noise", backend=Painter())
    session.guard_mode = "off"
    assert session.apply("invert the colours").version is not None
    report = verify_bytes(export_version(session, sign=True, keys=keys).data)

    assert report.chain is not None
    (edit,) = edits(report.chain)
    assert edit["digitalSourceType"] == GENERATIVE
    assert edit["softwareAgent"]["model"] == "painter-1"
    root = parent_of(report.chain)
    assert root.actions[0]["action"] == "c2pa.created"
    assert root.actions[0]["digitalSourceType"] == GENERATIVE
    assert root.ingredients == ()


def test_references_are_component_ingredients(store: Store, coffee: Any) -> None:
    from gouache.images import LoadedImage

    keys = make_test_identity()
    logo = LoadedImage(np.full((40, 60, 3), 200, np.uint8), "PNG", "logo.png")
    session = Session.start(store, coffee)
    turn = session.apply("add the logo in the bottom right", references=[logo])
    assert turn.version is not None
    report = verify_bytes(export_version(session, sign=True, keys=keys).data)
    assert report.chain is not None
    components = [n for n in report.chain.ingredients if n.relationship == "componentOf"]
    assert [n.title for n in components] == ["logo.png"]
    assert [a["action"] for a in report.chain.actions] == [
        "c2pa.opened",
        "c2pa.placed",
        "c2pa.edited",
    ]


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_jpeg_and_webp_exports_are_signed_marked_and_carry_the_recipe(
    three_turns: Session, keys: SigningKeys, fmt: Any
) -> None:
    exported = export_version(three_turns, sign=True, keys=keys, fmt=fmt)
    report = verify_bytes(exported.data, trust_pem=keys.ca_pem)
    assert report.state == "trusted"
    assert report.recipe_matches is True
    assert report.watermark["id"] == exported.mark_id == three_turns.head.id[:8]


def _refresh_crc(data: bytearray, start: int, end: int) -> None:
    crc = zlib.crc32(bytes(data[start + 4 : end - 4]))
    data[end - 4 : end] = struct.pack(">I", crc)


def test_a_flipped_byte_in_the_image_data_is_reported_as_tampered(
    three_turns: Session, keys: SigningKeys
) -> None:
    data = bytearray(export_version(three_turns, sign=True, keys=keys).data)
    (idat,) = [(s, e) for kind, s, e in _png_chunks(bytes(data)) if kind == b"IDAT"]
    data[idat[0] + 200] ^= 0x01
    _refresh_crc(data, *idat)  # a careful forger fixes the chunk's CRC too
    report = verify_bytes(bytes(data), trust_pem=keys.ca_pem)
    assert report.state == "tampered"
    assert "assertion.dataHash.mismatch" in report.failures


def test_a_resaved_copy_has_no_manifest_and_falls_back_to_the_watermark(
    three_turns: Session, keys: SigningKeys
) -> None:
    exported = export_version(three_turns, sign=True, keys=keys)
    resaved = io.BytesIO()
    Image.open(io.BytesIO(exported.data)).save(resaved, "JPEG", quality=85)
    report = verify_bytes(resaved.getvalue(), lookup=lambda mark: {"version": f"found {mark}"})
    assert report.state == "no manifest"
    assert report.recipe is None
    assert report.watermark["found"]
    assert report.watermark["version"] == {"version": f"found {three_turns.head.id[:8]}"}


def test_a_file_never_signed_has_no_manifest(three_turns: Session) -> None:
    exported = export_version(three_turns)  # unsigned, unmarked: the stored pixels + recipe
    assert exported.data.startswith(SIGNATURE)
    report = verify_bytes(exported.data)
    assert (report.state, report.watermark["found"]) == ("no manifest", False)
    assert report.recipe is not None


def test_a_corrupted_manifest_is_invalid_not_a_crash(
    three_turns: Session, keys: SigningKeys
) -> None:
    data = bytearray(export_version(three_turns, sign=True, keys=keys).data)
    (box,) = [(s, e) for kind, s, e in _png_chunks(bytes(data)) if kind == b"caBX"]
    data[box[0] + 40 : box[0] + 48] = b"\xff" * 8
    report = verify_bytes(bytes(data))
    assert report.state == "invalid"
    assert "cannot be read" in report.reason


def test_a_certificate_the_reader_does_not_trust_is_valid_but_not_trusted(
    three_turns: Session, keys: SigningKeys
) -> None:
    stranger = make_test_identity("someone else")
    data = export_version(three_turns, sign=True, keys=stranger).data
    report = verify_bytes(data, trust_pem=keys.ca_pem)  # trusts our CA, not theirs
    assert report.state == "valid"
    assert "signingCredential.untrusted" in report.failures
    assert "not one this reader trusts" in report.reason


def test_signing_needs_an_identity(three_turns: Session) -> None:
    with pytest.raises(InputError, match="gouache keys init-signing"):
        export_version(three_turns, sign=True)


def test_a_bare_self_signed_certificate_is_refused_with_what_to_do(tmp_path: Any) -> None:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "me")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "me.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    other = make_test_identity()
    (tmp_path / "other.pem").write_bytes(other.key_pem)
    with pytest.raises(InputError, match="bare self-signed certificate"):
        identity_from_files(tmp_path / "me.pem", tmp_path / "key.pem")
    with pytest.raises(InputError, match="does not belong to the first certificate"):
        identity_from_files(tmp_path / "me.pem", tmp_path / "other.pem")
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(InputError, match="no readable PEM certificate"):
        identity_from_files(tmp_path / "junk.pem", tmp_path / "key.pem")


def test_a_flat_white_picture_still_carries_the_mark_a_few_levels_darker(
    store: Store,
) -> None:
    from gouache.images import LoadedImage, load_image

    white = LoadedImage(np.full((200, 200, 3), 255, np.uint8), "PNG", "white.png")
    exported = export_version(Session.start(store, white), watermark_mark=True)
    pixels = load_image(exported.data).pixels
    assert pixels.min() >= 250
    assert verify_bytes(exported.data).watermark["id"] == exported.mark_id


def test_your_own_certificate_and_key_sign_and_are_trusted_through_their_root(
    three_turns: Session, tmp_path: Any
) -> None:
    from gouache.provenance import keys as signing

    theirs = make_test_identity("Studio Ana")  # stands for a CA-issued certificate
    (tmp_path / "chain.pem").write_bytes(theirs.chain_pem)
    (tmp_path / "key.pem").write_bytes(theirs.key_pem)
    own = identity_from_files(tmp_path / "chain.pem", tmp_path / "key.pem", tsa_url=None)
    assert (own.self_signed, own.subject, own.alg) == (False, "Studio Ana", "es256")
    assert own.ca_pem == theirs.ca_pem  # the chain's last certificate is its root

    folder = signing.save(own, tmp_path / "signing")
    assert (folder / "key.pem").stat().st_mode & 0o777 == 0o600
    with pytest.raises(InputError, match="--force replaces it"):
        signing.save(own, folder)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary left
    loaded = signing.load(folder)
    assert loaded == own

    data = export_version(three_turns, sign=True, keys=loaded).data
    report = verify_bytes(data, trust_pem=loaded.ca_pem)
    assert report.state == "trusted"
    assert report.chain is not None
    assert report.chain.signer == "Studio Ana"
    with pytest.raises(InputError, match="no signing identity"):
        signing.load(tmp_path / "nowhere")


def test_a_signing_identity_is_never_written_through_a_link(tmp_path: Any) -> None:
    from gouache.errors import OutputExistsError
    from gouache.provenance import keys as signing

    folder = tmp_path / "signing"
    folder.mkdir()
    stolen = tmp_path / "where-an-attacker-reads.pem"
    (folder / "key.pem").symlink_to(stolen)
    with pytest.raises(OutputExistsError, match="symbolic link"):
        signing.save(make_test_identity("Me"), folder, force=True)
    assert not stolen.exists()


def test_a_quality_too_low_for_the_mark_is_refused_not_exported_unmarked(
    three_turns: Session,
) -> None:
    with pytest.raises(InputError, match="cannot carry the watermark at jpeg quality 5"):
        export_version(three_turns, fmt="jpeg", quality=5, watermark_mark=True)
    assert export_version(three_turns, fmt="jpeg", quality=5).mark_id is None


def test_the_store_lists_its_version_sizes_and_finds_a_version_by_its_mark(
    three_turns: Session, store: Store
) -> None:
    with store.read() as tx:
        assert tx.version_sizes() == [(600, 400)]
        head = three_turns.head
        assert tx.versions_with_prefix(head.id[:8]) == [head]
        assert tx.versions_with_prefix("zz%_") == []


def test_without_c2pa_installed_signing_says_how_to_install_and_verify_still_reads_the_mark(
    three_turns: Session, keys: SigningKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from gouache.errors import UnsupportedError

    signed = export_version(three_turns, sign=True, keys=keys).data
    monkeypatch.setitem(sys.modules, "c2pa", None)  # what an install without the extra has
    with pytest.raises(UnsupportedError, match=r'pip install "gouache\[provenance\]"'):
        export_version(three_turns, sign=True, keys=keys)
    report = verify_bytes(signed)
    assert report.state == "not checked"
    assert report.recipe is not None
    assert report.watermark["id"] == three_turns.head.id[:8]


def test_the_chain_goes_on_across_an_import_of_a_signed_file(
    three_turns: Session, keys: SigningKeys, store: Store
) -> None:
    from gouache.images import load_image
    from gouache.provenance.originals import keep

    exported = export_version(three_turns, sign=True, keys=keys)  # v4, four manifests deep
    kept = keep(store.blobs, exported.data)
    imported = Session.start(
        store,
        load_image(exported.data, name="v4.png"),
        origin={"file": "v4.png", "original": kept},
    )
    assert imported.apply("flip horizontally").version is not None
    report = verify_bytes(
        export_version(imported, sign=True, keys=keys).data, trust_pem=keys.ca_pem
    )

    assert report.state == "trusted"
    assert report.chain is not None
    root = parent_of(report.chain)  # v1 of the new session
    source = parent_of(root)  # the imported file, with its own manifest
    assert (source.title, source.signer) == ("v4.png", "gouache signer")
    (edit,) = edits(source)
    assert edit["description"] == 'add the caption "espresso"'
    assert report.chain.depth() == 2 + 4
