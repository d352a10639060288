"""The native API, /api/..., through a real server: sessions, versions, turns as jobs with
progress, branches, characters, checks, suggestions, backends."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import httpx
import numpy as np
from PIL import Image as PILImage
from server_doubles import GateBackend
from server_flow import start, turn, wait_job
from server_harness import LiveServer, png_bytes

from gouache.images import decode_png


def test_a_session_starts_from_an_upload_and_lists_renames_and_deletes(
    client: httpx.Client, other: httpx.Client
) -> None:
    session_id = start(client, name="poster")
    listed = client.get("/api/sessions").json()["sessions"]
    assert any(s["id"] == session_id and s["name"] == "poster" for s in listed)
    assert all(s["id"] != session_id for s in other.get("/api/sessions").json()["sessions"])

    renamed = client.patch(f"/api/sessions/{session_id}", json={"name": "summer poster"})
    assert renamed.json()["name"] == "summer poster"
    assert client.delete(f"/api/sessions/{session_id}").status_code == 204
    gone = client.get(f"/api/sessions/{session_id}")
    assert gone.status_code == 404
    assert gone.json()["error"]["type"] == "SessionNotFoundError"


def test_a_turn_is_a_job_whose_events_end_with_the_new_version(client: httpx.Client) -> None:
    session_id = start(client)
    response = client.post(
        f"/api/sessions/{session_id}/turns", json={"instruction": "make it warmer"}
    )
    assert response.status_code == 202
    job_id = response.json()["id"]

    events: list[tuple[str, dict[str, object]]] = []
    with client.stream("GET", f"/api/jobs/{job_id}/events") as stream:
        name = ""
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[len("data: ") :])))
    assert events[-1][0] == "done"
    progress = [data for name, data in events if name == "progress"]
    assert progress
    assert progress[-1]["percent"] == 100.0
    result = events[-1][1]["result"]
    assert isinstance(result, dict)
    assert result["version"]["label"] == "v2"
    assert result["branch"] == "main"
    assert "warmth" in result["reply"]


def test_version_images_are_the_stored_bytes_with_an_etag_and_immutable_caching(
    client: httpx.Client, server: LiveServer
) -> None:
    session_id = start(client)
    turn(client, session_id, "make it black and white")
    version = client.get(f"/api/sessions/{session_id}/versions/v2").json()

    fixed = client.get(f"/api/sessions/{session_id}/versions/v2/image")
    assert fixed.headers["content-type"] == "image/png"
    assert fixed.content == server.store.blobs.get_bytes(version["blob"])
    assert fixed.headers["etag"] == f'"{version["blob"]}"'
    assert "immutable" in fixed.headers["cache-control"]
    pixels = decode_png(fixed.content)
    assert np.ptp(pixels.astype(int)[..., 0] - pixels[..., 1]) == 0  # grey

    again = client.get(
        f"/api/sessions/{session_id}/versions/v2/image",
        headers={"If-None-Match": fixed.headers["etag"]},
    )
    assert again.status_code == 304
    assert again.content == b""
    # "head" may point elsewhere later: same ETag, but revalidated every time
    head = client.get(f"/api/sessions/{session_id}/versions/head/image")
    assert head.headers["etag"] == fixed.headers["etag"]
    assert "no-cache" in head.headers["cache-control"]


def test_recipe_diff_and_export_describe_the_same_version(client: httpx.Client) -> None:
    session_id = start(client)
    turn(client, session_id, "add a vignette")
    recipe = client.get(f"/api/sessions/{session_id}/versions/v2/recipe").json()
    assert recipe["instruction"] == "add a vignette"
    assert recipe["backend"] == "operators"

    diff = client.get(f"/api/sessions/{session_id}/diff", params={"a": "v1", "b": "v2"}).json()
    assert diff["a"] == "v1"
    assert diff["b"] == "v2"
    assert 0 < diff["changed_share"] <= 1
    assert any(change["field"] == "instruction" for change in diff["recipe_changes"])

    exported = client.get(f"/api/sessions/{session_id}/versions/v2/export")
    archive = zipfile.ZipFile(io.BytesIO(exported.content))
    assert sorted(archive.namelist()) == ["v2.json", "v2.png"]
    assert json.loads(archive.read("v2.json")) == recipe
    image = client.get(f"/api/sessions/{session_id}/versions/v2/image").content
    assert archive.read("v2.png") == image


def test_branches_checkout_undo_and_redo_move_the_head_and_lose_nothing(
    client: httpx.Client,
) -> None:
    session_id = start(client)
    turn(client, session_id, "make it brighter")
    turn(client, session_id, "add a vignette")
    undone = client.post(f"/api/sessions/{session_id}/undo").json()
    assert undone["head"]["label"] == "v2"
    redone = client.post(f"/api/sessions/{session_id}/redo").json()
    assert redone["head"]["label"] == "v3"

    branched = client.post(
        f"/api/sessions/{session_id}/branches", json={"name": "mono", "at": "v1"}
    ).json()
    assert branched["head_branch"] == "mono"
    made = turn(client, session_id, "black and white")
    assert made["result"]["branch"] == "mono"
    assert made["result"]["version"]["label"] == "v4"

    back = client.post(f"/api/sessions/{session_id}/checkout", json={"ref": "main"}).json()
    assert back["head"]["label"] == "v3"
    tree = client.get(f"/api/sessions/{session_id}/versions").json()
    assert [v["label"] for v in tree["versions"]] == ["v1", "v2", "v3", "v4"]
    assert tree["branches"].keys() == {"main", "mono"}


def test_a_turn_at_an_old_version_with_n_candidates_keeps_each_as_a_version(
    client: httpx.Client,
) -> None:
    session_id = start(client)
    turn(client, session_id, "make it warmer")
    made = turn(client, session_id, "make it cooler", at="v1", n=2)
    labels = [v["label"] for v in made["result"]["versions"]]
    assert labels == ["v3", "v4"]
    assert all(
        v["parent_id"] == made["result"]["versions"][0]["parent_id"]
        for v in made["result"]["versions"]
    )


def test_an_instruction_gouache_cannot_do_makes_no_version_and_says_what_it_can(
    client: httpx.Client,
) -> None:
    session_id = start(client)
    job = turn(client, session_id, "put a hat on her")
    assert job["status"] == "done"
    assert job["result"]["made"] is False
    assert "generative model" in job["result"]["reply"]
    # the way to a generative backend as an HTTP client takes it, not a command line
    assert "the Backend menu in the web UI" in job["result"]["reply"]
    assert "--backend" not in job["result"]["reply"]
    assert client.get(f"/api/sessions/{session_id}").json()["versions"] == 1
    # the web UI says it is the client: its page names the menu alone
    said = {"instruction": "put a hat on her", "client": "web"}
    posted = client.post(f"/api/sessions/{session_id}/turns", json=said)
    shown = wait_job(client, posted.json()["id"])["result"]["reply"]
    assert "choose gemini, openai, diffusers or comfyui in the Backend menu" in shown
    assert "/api/backends" not in shown


def test_a_running_job_is_cancelled_and_leaves_no_version(
    client: httpx.Client, gate: GateBackend
) -> None:
    gate.gate.clear()
    gate.started.clear()
    session_id = start(client)
    job = client.post(
        f"/api/sessions/{session_id}/turns", json={"instruction": "invert", "model": "gate"}
    ).json()
    assert gate.started.wait(20)
    cancelled = client.post(f"/api/jobs/{job['id']}/cancel")
    assert cancelled.status_code == 200
    finished = wait_job(client, job["id"])
    assert finished["status"] == "cancelled"
    assert finished["error"]["code"] == 499
    assert client.get(f"/api/sessions/{session_id}").json()["versions"] == 1


def test_a_text_session_is_drawn_by_a_backend_that_can_generate(client: httpx.Client) -> None:
    job = client.post(
        "/api/sessions/from-text",
        json={"prompt": "a blue gradient", "model": "drawing", "width": 80, "height": 40},
    ).json()
    done = wait_job(client, job["id"])
    assert done["status"] == "done"
    session_id = done["result"]["session_id"]
    image = client.get(f"/api/sessions/{session_id}/versions/v1/image").content
    assert decode_png(image).shape == (40, 80, 3)

    refused = client.post("/api/sessions/from-text", json={"prompt": "a fox"}).json()
    failed = wait_job(client, refused["id"])
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == 422
    assert "cannot generate" in failed["error"]["message"]


def test_a_guideline_scores_a_version_and_drives_a_critique_loop(client: httpx.Client) -> None:
    session_id = start(client)
    guideline = "name: square\ncriteria:\n  geometry:\n    aspect: ['1:1']\n    tolerance: 0.01\n"
    checked = client.post(
        f"/api/sessions/{session_id}/versions/v1/check", json={"guidelines": {"yaml": guideline}}
    ).json()
    assert checked["passed"] is False
    assert "geometry" in checked["table"]

    job = turn(
        client,
        session_id,
        "make it warmer",
        guidelines={"yaml": guideline},
        candidates=1,
        budget=3,
    )
    assert job["status"] == "done", job
    best = job["result"]["version"]
    assert best["width"] == best["height"]  # the loop cropped to the guideline's 1:1
    escaping = client.post(
        f"/api/sessions/{session_id}/versions/v1/check",
        json={
            "guidelines": {"yaml": "name: x\ncriteria:\n  logo:\n    file: ../../etc/logo.png\n"}
        },
    )
    assert escaping.status_code == 400
    assert "files sent with it" in escaping.json()["error"]["message"]


def test_characters_are_added_from_photos_and_listed(client: httpx.Client) -> None:
    from skimage import data

    buffer = io.BytesIO()
    PILImage.fromarray(data.astronaut()).save(buffer, "PNG")
    photo = base64.b64encode(buffer.getvalue()).decode()
    session_id = start(client, buffer.getvalue())
    added = client.post(
        f"/api/sessions/{session_id}/characters",
        json={"name": "Ana", "photos": [{"name": "ana.png", "data": photo}]},
    )
    assert added.status_code == 201, added.text
    listed = client.get(f"/api/sessions/{session_id}/characters").json()["characters"]
    assert [c["name"] for c in listed] == ["Ana"]

    faceless = base64.b64encode(png_bytes()).decode()
    refused = client.post(
        f"/api/sessions/{session_id}/characters",
        json={"name": "Nobody", "photos": [{"name": "wall.png", "data": faceless}]},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["type"] == "InvalidReferenceError"


def test_suggestions_and_backends_are_listed(client: httpx.Client) -> None:
    session_id = start(client)
    ideas = client.get(f"/api/sessions/{session_id}/versions/v1/suggestions").json()
    assert ideas["suggestions"]
    assert all(i["instruction"] and i["reason"] for i in ideas["suggestions"])
    models = {b["model"]: b for b in client.get("/api/backends").json()["backends"]}
    assert models["gouache-operators"]["available"] is True
    assert models["gouache-gemini"]["available"] in (True, False)
    assert models["gouache-gemini"]["why"]


def test_a_job_asked_with_wait_is_answered_when_it_ends(
    client: httpx.Client, gate: GateBackend
) -> None:
    import threading
    import time

    gate.gate.clear()
    session_id = start(client)
    job = client.post(
        f"/api/sessions/{session_id}/turns", json={"instruction": "invert", "model": "gate"}
    ).json()
    started = time.monotonic()
    still = client.get(f"/api/jobs/{job['id']}", params={"wait": 0.3}).json()
    assert still["status"] in ("queued", "running")
    assert time.monotonic() - started >= 0.3
    threading.Timer(0.3, gate.gate.set).start()
    done = client.get(f"/api/jobs/{job['id']}", params={"wait": 30}).json()
    assert done["status"] == "done"
    assert client.get(f"/api/jobs/{job['id']}", params={"wait": 61}).status_code == 400
