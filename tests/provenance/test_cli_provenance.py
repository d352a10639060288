"""keys, export --sign, edit -o --sign, verify and import, run as a user runs them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from skimage import data

from gouache.provenance.metadata import _png_chunks


def gouache(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOUACHE_DATA_DIR": str(home / "data")}
    env.pop("GOUACHE_STORE", None)
    result = subprocess.run(
        [sys.executable, "-m", "gouache", *args],
        capture_output=True,
        text=True,
        cwd=home,
        env=env,
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "coffee.jpg"
    Image.fromarray(data.coffee()).save(path, quality=92)
    return path


def test_sign_export_verify_and_import_from_the_command_line(tmp_path: Path, photo: Path) -> None:
    init = gouache(tmp_path, "keys", "init-signing")
    assert "self-signed" in init.stdout
    again = gouache(tmp_path, "keys", "init-signing", check=False)
    assert again.returncode == 1
    assert "--force replaces it" in again.stderr

    edited = gouache(tmp_path, "edit", str(photo), "make it warmer", "-o", "warm.jpg", "--sign")
    assert "signed C2PA manifest" in edited.stdout
    session = gouache(tmp_path, "sessions").stdout.splitlines()[1].split()[0]
    gouache(tmp_path, "edit", "--session", session, "add a vignette", "-o", "v3.png")
    gouache(tmp_path, "export", session, "v3", "-o", "out", "--sign", "--format", "webp")

    verified = gouache(tmp_path, "verify", "out/v3.webp")
    assert "manifest: trusted" in verified.stdout
    assert "'add a vignette' humanEdits" in verified.stdout
    assert "'make it warmer' humanEdits" in verified.stdout
    assert "matches the signed hash" in verified.stdout
    assert "v3 of session" in verified.stdout.split("watermark:")[1]
    assert json.loads((tmp_path / "out" / "v3.json").read_text())["instruction"] == (
        "add a vignette"
    )

    report = json.loads(gouache(tmp_path, "verify", "out/v3.webp", "--json").stdout)
    assert report["manifest"]["state"] == "trusted"
    assert report["manifest"]["chain"]["ingredients"][0]["title"] == "v2.png"

    # a screenshot at 80 % and a re-save: no metadata left, the watermark still names the
    # version once the picture is scaled back to a size the store knows
    shot = io.BytesIO()
    with Image.open(tmp_path / "out" / "v3.webp") as im:
        small = im.convert("RGB").resize((480, 320), Image.Resampling.LANCZOS)
        small.save(shot, "JPEG", quality=80)
    (tmp_path / "shot.jpg").write_bytes(shot.getvalue())
    stripped = gouache(tmp_path, "verify", "shot.jpg", check=False)
    assert stripped.returncode == 2
    assert "no manifest" in stripped.stdout
    assert "v3 of session" in stripped.stdout
    assert "after scaling back to 600x400" in stripped.stdout

    imported = gouache(tmp_path, "import", "out/v3.webp")
    assert "it was v3 of session" in imported.stdout
    assert "C2PA manifest trusted" in imported.stdout
    new = imported.stdout.split()[1]
    assert "it was v3 of session" in gouache(tmp_path, "history", new).stdout
    # the imported file was kept whole: a signed export of the new session carries its chain
    gouache(tmp_path, "edit", "--session", new, "flip horizontally", "-o", "again.png", "--sign")
    again = gouache(tmp_path, "verify", "again.png").stdout
    assert "v3.webp [parentOf] signed by gouache signer" in again
    assert "'make it warmer' humanEdits" in again


def test_a_tampered_file_exits_1_and_bad_inputs_get_one_line(tmp_path: Path, photo: Path) -> None:
    gouache(tmp_path, "keys", "init-signing")
    gouache(tmp_path, "edit", str(photo), "flip", "-o", "flip.png", "--sign")
    data_ = bytearray((tmp_path / "flip.png").read_bytes())
    (idat,) = [(s, e) for kind, s, e in _png_chunks(bytes(data_)) if kind == b"IDAT"]
    data_[idat[0] + 300] ^= 0x10
    (tmp_path / "tampered.png").write_bytes(bytes(data_))
    tampered = gouache(tmp_path, "verify", "tampered.png", check=False)
    assert tampered.returncode == 1
    assert "manifest: tampered" in tampered.stdout

    (tmp_path / "notes.txt").write_text("hello")
    for args, message in [
        (("verify", "missing.png"), "cannot read missing.png"),
        (("keys", "init-signing", "--cert", "x.pem"), "--cert and --key go together"),
        (("export", "nosuch", "v1", "--format", "gif"), "choose png, jpeg, webp, svg or ora"),
    ]:
        result = gouache(tmp_path, *args, check=False)
        assert result.returncode == 1, args
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    text = gouache(tmp_path, "verify", "notes.txt", check=False)
    assert text.returncode == 1
    assert "not a PNG, JPEG or WebP file" in text.stdout


def test_export_sign_without_an_identity_says_how_to_make_one(tmp_path: Path, photo: Path) -> None:
    gouache(tmp_path, "edit", str(photo), "flip", "-o", "flip.png")
    session = gouache(tmp_path, "sessions").stdout.splitlines()[1].split()[0]
    result = gouache(tmp_path, "export", session, "v2", "--sign", check=False)
    assert result.returncode == 1
    assert "gouache keys init-signing" in result.stderr
    assert not list(tmp_path.glob("v2.*"))


def test_verify_trusts_a_root_given_with_trust(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gouache.cli import main
    from gouache.images import LoadedImage
    from gouache.provenance.export import export_version
    from gouache.provenance.keys import make_test_identity
    from gouache.sessions.session import Session
    from gouache.sessions.store import Store
    from gouache.settings import Settings

    stranger = make_test_identity("a stranger")
    with Store.from_settings(Settings(data_dir=tmp_path / "theirs")) as store:
        session = Session.start(store, LoadedImage(data.chelsea(), "PNG", "chelsea.png"))
        session.apply("flip horizontally")
        (tmp_path / "cat.png").write_bytes(export_version(session, sign=True, keys=stranger).data)
    (tmp_path / "root.pem").write_bytes(stranger.ca_pem or b"")
    mine = ["--data-dir", str(tmp_path / "mine")]

    assert main([*mine, "verify", str(tmp_path / "cat.png")]) == 0
    assert "manifest: valid (signature valid, but the certificate" in capsys.readouterr().out
    trusted = [*mine, "verify", str(tmp_path / "cat.png"), "--trust", str(tmp_path / "root.pem")]
    assert main(trusted) == 0
    out = capsys.readouterr().out
    assert "manifest: trusted" in out
    assert "not in this store" in out  # the mark's version lives in their store, not ours


def test_an_export_never_replaces_a_file_without_force_and_signs_nothing_first(
    tmp_path: Path, photo: Path
) -> None:
    gouache(tmp_path, "keys", "init-signing")
    gouache(tmp_path, "edit", str(photo), "flip", "-o", "flip.png")
    session = gouache(tmp_path, "sessions").stdout.splitlines()[1].split()[0]
    (tmp_path / "v2.jpg").write_bytes(b"mine")
    refused = gouache(tmp_path, "export", session, "v2", "--format", "jpeg", "--sign", check=False)
    assert refused.returncode == 1
    assert "v2.jpg exists; --force replaces it" in refused.stderr
    assert (tmp_path / "v2.jpg").read_bytes() == b"mine"
    gouache(tmp_path, "export", session, "v2", "--format", "jpeg", "--sign", "--force")
    assert "manifest: trusted" in gouache(tmp_path, "verify", "v2.jpg").stdout


def test_a_signed_output_keeps_the_quality_asked_and_refuses_a_format_without_a_manifest(
    tmp_path: Path, photo: Path
) -> None:
    args = ("edit", str(photo), "flip", "-o", "out.tif", "--watermark")
    tiff = gouache(tmp_path, *args, check=False)
    assert tiff.returncode == 1
    assert "PNG, JPEG or WebP" in tiff.stderr
    assert not (tmp_path / "out.tif").exists()
    assert len(gouache(tmp_path, "sessions").stdout.splitlines()) <= 1  # no session was made

    for quality in ("40", "95"):
        gouache(
            tmp_path,
            "edit",
            str(photo),
            "flip",
            "-o",
            f"q{quality}.jpg",
            "--watermark",
            "--quality",
            quality,
        )
    low, high = (tmp_path / "q40.jpg").stat().st_size, (tmp_path / "q95.jpg").stat().st_size
    assert low < 0.6 * high
