"""The routes the web UI added to the native API: masked turns, thumbnails, downloads in three
formats, the heat map and the changed region, a session from a version, renaming a branch;
and local mode, whose user also owns the sessions the CLI made."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image as PILImage
from server_flow import start, turn
from server_harness import LiveServer, live_server, photo, png_bytes

from gouache.errors import InputError
from gouache.images import LoadedImage
from gouache.provenance.keys import make_test_identity, save, signing_dir
from gouache.provenance.metadata import read_recipe
from gouache.provenance.verify import verify_bytes
from gouache.server.config import ServerConfig
from gouache.server.keys import create_key
from gouache.sessions.session import Session
from gouache.settings import Settings


def decoded(data: bytes) -> np.ndarray:
    return np.asarray(PILImage.open(io.BytesIO(data)).convert("RGB"))


def mask_png(width: int = 96, height: int = 64) -> str:
    """A box drawn the way the UI's canvas draws it: opaque red on transparent."""
    picture = np.zeros((height, width, 4), dtype=np.uint8)
    picture[8:40, 30:70] = (255, 40, 40, 255)
    return base64.b64encode(png_bytes(picture)).decode()


def test_a_masked_turn_changes_only_the_pixels_inside_the_mask(client: httpx.Client) -> None:
    session_id = start(client)
    job = turn(client, session_id, "make it much brighter", mask={"data": mask_png()})

    assert job["status"] == "done", job
    before = decoded(client.get(f"/api/sessions/{session_id}/versions/v1/image").content)
    after = decoded(client.get(f"/api/sessions/{session_id}/versions/v2/image").content)
    inside = np.zeros(before.shape[:2], dtype=bool)
    inside[8:40, 30:70] = True
    assert np.array_equal(after[~inside], before[~inside])
    assert np.abs(after[inside].astype(int) - before[inside].astype(int)).mean() > 10
    region = client.get(
        f"/api/sessions/{session_id}/changed-region", params={"a": "v1", "b": "v2"}
    ).json()
    assert region["box"] == [30, 8, 40, 32]
    assert region["changed_share"] == pytest.approx(inside.mean(), abs=0.01)


def test_a_mask_of_the_wrong_size_fails_the_turn_with_the_sizes(client: httpx.Client) -> None:
    session_id = start(client)
    job = turn(client, session_id, "make it brighter", mask={"data": mask_png(32, 32)})

    assert job["status"] == "failed"
    assert "the mask is 32x32 but the picture is 96x64" in job["error"]["message"]
    assert client.get(f"/api/sessions/{session_id}").json()["versions"] == 1


def test_downloads_come_as_png_jpeg_and_webp_with_the_version_in_the_name(
    client: httpx.Client,
) -> None:
    session_id = start(client)
    stored = client.get(f"/api/sessions/{session_id}/versions/v1/image").content
    for fmt, magic, name in (
        ("png", b"\x89PNG", "v1.png"),
        ("jpeg", b"\xff\xd8", "v1.jpg"),
        ("webp", b"RIFF", "v1.webp"),
    ):
        response = client.get(
            f"/api/sessions/{session_id}/versions/v1/download", params={"format": fmt}
        )
        assert response.status_code == 200
        assert response.content.startswith(magic)
        assert name in response.headers["content-disposition"]
        assert decoded(response.content).shape == (64, 96, 3)
    png = client.get(f"/api/sessions/{session_id}/versions/v1/download").content
    assert np.array_equal(decoded(png), decoded(stored))
    recipe = read_recipe(png)
    assert recipe is not None
    assert recipe["version"] == "v1"
    bad = client.get(f"/api/sessions/{session_id}/versions/v1/download", params={"format": "bmp"})
    assert bad.status_code == 400


def test_a_signed_download_carries_a_manifest_that_verifies_against_the_servers_ca(
    server: LiveServer, client: httpx.Client
) -> None:
    session_id = start(client)
    turn(client, session_id, "make it much brighter")
    url = f"/api/sessions/{session_id}/versions/v2/download"
    unsigned_server = client.get(url, params={"sign": "true", "watermark": "false"})
    assert unsigned_server.status_code == 400
    assert "gouache keys init-signing" in unsigned_server.json()["error"]["message"]

    identity = make_test_identity()
    save(identity, signing_dir(Settings(data_dir=server.folder)), force=True)
    signed = client.get(url, params={"sign": "true", "watermark": "false"})

    assert signed.status_code == 200
    report = verify_bytes(signed.content, trust_pem=identity.ca_pem)
    assert report.state == "trusted", report.reason
    assert report.chain is not None
    assert [node.relationship for node in report.chain.ingredients] == ["parentOf"]


def test_a_thumbnail_is_cached_like_the_image_whichever_way_the_version_is_named(
    client: httpx.Client,
) -> None:
    session_id = start(client)
    base = f"/api/sessions/{session_id}/versions"
    for ref in ("v1", "1"):
        cache = client.get(f"{base}/{ref}/thumbnail").headers["cache-control"]
        assert cache == client.get(f"{base}/{ref}/image").headers["cache-control"]
        assert "immutable" in cache
    assert "no-cache" in client.get(f"{base}/head/thumbnail").headers["cache-control"]


def test_a_thumbnail_keeps_the_aspect_within_the_size(client: httpx.Client) -> None:
    session_id = start(client)
    response = client.get(f"/api/sessions/{session_id}/versions/v1/thumbnail", params={"size": 48})
    assert response.headers["content-type"] == "image/webp"
    assert PILImage.open(io.BytesIO(response.content)).size == (48, 32)


def test_the_heat_map_is_black_where_nothing_changed(client: httpx.Client) -> None:
    session_id = start(client)
    turn(client, session_id, "make it much brighter", mask={"data": mask_png()})
    heat = decoded(
        client.get(f"/api/sessions/{session_id}/heatmap", params={"a": "v1", "b": "v2"}).content
    )
    assert heat.shape == (64, 96, 3)
    unchanged = heat[63, 0]
    assert unchanged.max() < 8  # the colour map's black
    assert (heat[50:, :] == unchanged).all()
    assert heat[8:40, 30:70].mean() > 40


def test_a_session_starts_from_another_sessions_version(client: httpx.Client) -> None:
    first = start(client)
    turn(client, first, "flip horizontally")
    response = client.post(
        "/api/sessions/from-version", json={"session_id": first, "ref": "v2", "name": "flipped"}
    )
    assert response.status_code == 201
    made = response.json()
    assert (made["name"], made["versions"]) == ("flipped", 1)
    old = client.get(f"/api/sessions/{first}/versions/v2/image").content
    new = client.get(f"/api/sessions/{made['id']}/versions/v1/image").content
    assert np.array_equal(decoded(old), decoded(new))
    recipe = client.get(f"/api/sessions/{made['id']}/versions/v1/recipe").json()
    assert recipe["params"]["origin"]["version"] == "v2"


def test_renaming_a_branch_moves_the_head_with_it(client: httpx.Client) -> None:
    session_id = start(client)
    response = client.patch(f"/api/sessions/{session_id}/branches/main", json={"name": "draft"})
    assert response.status_code == 200
    assert response.json()["head_branch"] == "draft"
    taken = client.patch(f"/api/sessions/{session_id}/branches/draft", json={"name": "v2"})
    assert taken.status_code == 400
    assert "version number" in taken.json()["error"]["message"]


def test_no_key_may_be_made_for_the_local_tenant(server: LiveServer) -> None:
    with pytest.raises(InputError, match="the user of local mode"):
        create_key(server.store, "local")


def test_local_mode_opens_the_sessions_the_cli_made(tmp_path: Path) -> None:
    config = ServerConfig(local_token="t0ken", threads=1)
    with live_server(tmp_path, config) as running:
        made = Session.start(running.store, LoadedImage(photo(), "PNG", "cli.png"))
        with httpx.Client(base_url=running.url, headers={"Authorization": "Bearer t0ken"}) as c:
            listed = [s["id"] for s in c.get("/api/sessions").json()["sessions"]]
            assert made.id in listed
            job = turn(c, made.id, "make it warmer")
            assert job["status"] == "done", job
            # the page link: the token becomes a cookie, and the address loses it
            page = c.get(f"/ui/s/{made.id}", params={"token": "t0ken"}, follow_redirects=False)
            assert page.status_code == 303
            assert page.headers["location"] == f"/ui/s/{made.id}"
            assert "httponly" in page.headers["set-cookie"].lower()
        with httpx.Client(base_url=running.url, cookies={"gouache_key": "t0ken"}) as browser:
            html = browser.get(f"/ui/s/{made.id}", headers={"Accept": "text/html"})
            assert html.status_code == 200
            assert 'alt="Current version" data-version="v2"' in html.text
        with httpx.Client(base_url=running.url) as stranger:
            refused = stranger.get("/ui", headers={"Accept": "text/html"})
            assert refused.status_code == 401
            assert "gouache ui" in refused.text


def two_faces() -> bytes:
    """The astronaut and Grace Hopper side by side (both ship with installed packages)."""
    from matplotlib import cbook
    from skimage import data

    hopper = PILImage.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    left = PILImage.fromarray(data.astronaut()).resize((300, 300))
    right = hopper.convert("RGB").resize((300 * hopper.width // hopper.height, 300))
    both = PILImage.new("RGB", (left.width + right.width, 300))
    both.paste(left, (0, 0))
    both.paste(right, (left.width, 0))
    buffer = io.BytesIO()
    both.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_misspelling_is_asked_about_and_yes_applies_the_corrected_instruction(
    client: httpx.Client,
) -> None:
    session_id = start(client)
    asked = turn(client, session_id, "mak it brigter")
    assert asked["result"]["made"] is False
    question = asked["result"]["question"]
    assert question["options"] == ["make it brighter"]
    assert 'Did you mean "make it brighter"?' in question["message"]
    answered = turn(client, session_id, "yes", answering="mak it brigter")
    assert answered["result"]["made"] is True, answered
    assert answered["result"]["version"]["instruction"] == "make it brighter"
    before = decoded(client.get(f"/api/sessions/{session_id}/versions/v1/image").content)
    after = decoded(client.get(f"/api/sessions/{session_id}/versions/v2/image").content)
    assert after.astype(float).mean() > before.astype(float).mean() + 5


def test_a_question_comes_with_its_options_and_the_next_turn_can_answer_it(
    client: httpx.Client,
) -> None:
    session_id = start(client, two_faces())
    asked = turn(client, session_id, "blur the face")
    assert asked["result"]["made"] is False
    assert asked["result"]["question"] == {
        "instruction": "blur the face",
        "message": "There are 2 faces: left or right?",
        "options": ["left", "right"],
    }
    answered = turn(client, session_id, "the right one", answering="blur the face")
    assert answered["result"]["made"] is True, answered
    before = decoded(client.get(f"/api/sessions/{session_id}/versions/v1/image").content)
    after = decoded(client.get(f"/api/sessions/{session_id}/versions/v2/image").content)
    assert np.array_equal(after[:, :300], before[:, :300])  # the astronaut, on the left
    assert not np.array_equal(after[:, 300:], before[:, 300:])
