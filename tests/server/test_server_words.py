"""Conversation words sent as turns of the native API (what the web UI's chat sends) act on
the version tree as in `gouache chat`: checked on the head, the versions and their pixels."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import numpy as np
import openai
import pytest
from PIL import Image as PILImage
from server_flow import start, turn
from server_harness import LiveServer, png_bytes


def pixels(client: httpx.Client, session_id: str, ref: str) -> np.ndarray:
    data = client.get(f"/api/sessions/{session_id}/versions/{ref}/image").content
    return np.asarray(PILImage.open(io.BytesIO(data)).convert("RGB")).astype(np.int16)


def tree(client: httpx.Client, session_id: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/api/sessions/{session_id}/versions").json()
    return found


def said(client: httpx.Client, session_id: str, words: str, **fields: Any) -> dict[str, Any]:
    job = turn(client, session_id, words, **fields)
    assert job["status"] == "done", job
    result: dict[str, Any] = job["result"]
    return result


def test_warmer_undo_redo_retry_less_and_explain_move_and_grow_the_tree_as_chat_does(
    client: httpx.Client,
) -> None:
    session_id = start(client)
    original = pixels(client, session_id, "v1")

    warmer = said(client, session_id, "make it warmer")
    assert warmer["made"]
    assert warmer["version"]["label"] == "v2"
    assert "word" not in warmer  # an edit's result is as it was
    warm = pixels(client, session_id, "v2")
    assert (warm[..., 0] - warm[..., 2]).mean() > (original[..., 0] - original[..., 2]).mean() + 5

    undone = said(client, session_id, "undo that")
    assert (undone["word"], undone["made"], undone["head"]["label"]) == ("undo", False, "v1")
    assert undone["reply"] == "back at v1"
    assert tree(client, session_id)["head"] == "v1"
    assert np.array_equal(pixels(client, session_id, "head"), original)

    redone = said(client, session_id, "redo")
    assert (redone["word"], redone["head"]["label"], redone["reply"]) == (
        "redo",
        "v2",
        "forward to v2",
    )
    assert np.array_equal(pixels(client, session_id, "head"), warm)

    retried = said(client, session_id, "go back to the first version and try sepia instead")
    assert retried["word"] == "retry"
    assert retried["made"]
    assert retried["version"]["label"] == retried["head"]["label"] == "v3"
    assert retried["reply"].startswith("from the original (v1): sepia")
    versions = {v["label"]: v for v in tree(client, session_id)["versions"]}
    assert versions["v3"]["parent_id"] == versions["v1"]["id"]
    assert versions["v3"]["instruction"] == "sepia"
    sepia = pixels(client, session_id, "v3")
    # sepia: red over green over blue everywhere, far from the original
    assert (sepia[..., 0] >= sepia[..., 1]).mean() > 0.99
    assert (sepia[..., 1] >= sepia[..., 2]).mean() > 0.99

    less = said(client, session_id, "a bit less")
    assert less["word"] == "rescale"
    assert less["made"]
    assert less["head"]["label"] == "v4"
    versions = {v["label"]: v for v in tree(client, session_id)["versions"]}
    # the sepia it rescaled stays: the weaker one is its sibling, from v1
    assert versions["v4"]["parent_id"] == versions["v1"]["id"]
    assert versions["v4"]["instruction"] == "sepia (a bit less)"
    recipe = client.get(f"/api/sessions/{session_id}/versions/v4/recipe").json()
    assert recipe["plan"]["steps"][0]["params"]["strength"] == 0.75
    weaker = pixels(client, session_id, "v4")
    full = np.abs(sepia - original).mean()
    part = np.abs(weaker - original).mean()
    assert 0.5 * full < part < 0.9 * full  # measured 0.75 of the way

    explained = said(client, session_id, "what did you change?")
    assert (explained["word"], explained["made"], explained["head"]["label"]) == (
        "explain",
        False,
        "v4",
    )
    assert explained["reply"] == (
        "From the original (v1) to v4:\n  v4: sepia 75 %   (you said: 'sepia (a bit less)')\n"
        "4 versions in all, on other branches too (the version tree shows them)"
    )
    # nothing is lost: every version is there, the head where the last word left it
    final = tree(client, session_id)
    assert sorted(v["label"] for v in final["versions"]) == ["v1", "v2", "v3", "v4"]
    assert final["head"] == "v4"


def test_compare_save_and_suggest_answer_in_words_and_move_nothing(client: httpx.Client) -> None:
    session_id = start(client)
    said(client, session_id, "make it much brighter")

    compared = said(client, session_id, "compare with the original")
    assert compared["reply"].startswith("The original (v1) against now (v2):")
    assert "% of the pixels changed" in compared["reply"]
    assert "/diff" not in compared["reply"]  # the UI has its Compare view, not chat's commands
    assert compared["compare"] == {"a": "v1", "b": "v2"}

    saved = said(client, session_id, "save it as a jpg")
    assert "/save" not in saved["reply"]
    assert "Export panel" in saved["reply"]
    download = client.get(saved["download"])
    assert download.status_code == 200
    assert download.content[:2] == b"\xff\xd8"
    assert "v2.jpg" in download.headers["content-disposition"]
    tiff = said(client, session_id, "save it as a tiff")
    assert "download" not in tiff
    assert "tiff is not one of them" in tiff["reply"]

    ideas = said(client, session_id, "any suggestions?")
    assert ideas["word"] == "suggest"
    assert ideas["reply"]
    final = tree(client, session_id)
    assert final["head"] == "v2"
    assert len(final["versions"]) == 2


def test_a_bit_less_after_a_masked_edit_changes_only_the_same_region(
    client: httpx.Client,
) -> None:
    session_id = start(client)
    box = np.zeros((64, 96, 4), dtype=np.uint8)
    box[8:40, 30:70] = (255, 40, 40, 255)
    mask = {"data": base64.b64encode(png_bytes(box)).decode()}
    said(client, session_id, "make it much brighter", mask=mask)

    less = said(client, session_id, "a bit less")
    assert less["made"]
    assert less["head"]["label"] == "v3"
    original, bright, weaker = (pixels(client, session_id, v) for v in ("v1", "v2", "v3"))
    inside = np.zeros((64, 96), dtype=bool)
    inside[8:40, 30:70] = True
    assert np.array_equal(weaker[~inside], original[~inside])
    gained = (weaker[inside] - original[inside]).mean()
    assert 0 < gained < (bright[inside] - original[inside]).mean()


def test_without_conversation_or_at_an_old_version_the_words_are_not_acted(
    client: httpx.Client,
) -> None:
    session_id = start(client)
    said(client, session_id, "make it warmer")

    planned = said(client, session_id, "undo that", conversation=False)
    assert "word" not in planned
    assert not planned["made"]
    assert tree(client, session_id)["head"] == "v2"

    job = turn(client, session_id, "undo that", at="v1")
    assert job["status"] == "failed"
    assert "takes no `at` or `branch`" in job["error"]["message"]
    first = turn(client, session_id, "undo that")
    assert first["result"]["head"]["label"] == "v1"
    again = turn(client, session_id, "undo that")
    assert again["status"] == "failed"
    assert "nothing to undo: v1 is the first version" in again["error"]["message"]
    assert len(tree(client, session_id)["versions"]) == 2


def test_a_prompt_through_the_openai_format_is_always_an_edit(
    server: LiveServer, client: httpx.Client
) -> None:
    oai = openai.OpenAI(base_url=server.url + "/v1", api_key=server.key, max_retries=0)
    with oai:
        first = oai.images.edit(
            model="gouache-operators",
            image=("photo.png", png_bytes(), "image/png"),
            prompt="make it warmer",
        )
        assert first.data
        session_id = (first.data[0].model_extra or {})["gouache_session"]
        returned = base64.b64decode(first.data[0].b64_json or "")
        with pytest.raises(openai.UnprocessableEntityError, match='not understand "undo that"'):
            oai.images.edit(
                model="gouache-operators",
                image=("again.png", returned, "image/png"),
                prompt="undo that",
            )
    # the planner answered; the head did not move back
    final = tree(client, session_id)
    assert final["head"] == "v2"
    assert len(final["versions"]) == 2


def test_a_follow_up_redoes_the_last_turn_from_its_parent_as_chat_does(
    client: httpx.Client,
) -> None:
    session_id = start(client)
    thick = said(client, session_id, "add a thick border")
    assert thick["version"]["label"] == "v2"
    thinner = said(client, session_id, "the border is too thick")
    assert thinner["made"]
    assert thinner["reply"].startswith("Adjusted the last edit: border width")
    versions = {v["label"]: v for v in tree(client, session_id)["versions"]}
    assert versions["v3"]["parent_id"] == versions["v2"]["parent_id"] == versions["v1"]["id"]
    # one thinner border round the original, not a second border round the first
    sizes = [pixels(client, session_id, v).shape[:2] for v in ("v1", "v2", "v3")]
    assert sizes[0] < sizes[2] < sizes[1]

    asked = said(client, session_id, "only the one on the right")
    assert not asked["made"]
    assert "edits no faces" in asked["reply"]
