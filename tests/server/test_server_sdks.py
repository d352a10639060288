"""The wire formats of others, spoken to by the real SDKs: google-genai's chat and
generate_content (and its SSE stream), openai's images.edit and images.generate."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from PIL import Image as PILImage
from server_harness import LiveServer, live_server, photo, png_bytes

from gouache.images import decode_png


@pytest.fixture
def gemini(server: LiveServer) -> genai.Client:
    # kept in a variable by the caller: a temporary client is closed before its request
    return genai.Client(
        api_key=server.key,
        http_options=types.HttpOptions(base_url=server.url, api_version="v1beta"),
    )


@pytest.fixture
def oai(server: LiveServer) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(base_url=server.url + "/v1", api_key=server.key, max_retries=0)
    yield client
    client.close()


def _parts(response: types.GenerateContentResponse) -> tuple[str, bytes | None]:
    assert response.candidates
    content = response.candidates[0].content
    assert content is not None
    assert content.parts is not None
    text = "".join(p.text or "" for p in content.parts)
    images = [p.inline_data.data for p in content.parts if p.inline_data is not None]
    return text, images[0] if images else None


def test_a_gemini_chat_continues_one_session_and_branch_turn_after_turn(
    gemini: genai.Client, server: LiveServer, client: httpx.Client
) -> None:
    chat = gemini.chats.create(model="gouache-operators")
    first = chat.send_message(
        [types.Part.from_bytes(data=png_bytes(), mime_type="image/png"), "make it warmer"]
    )
    text, image = _parts(first)
    assert "warmth" in text
    assert image is not None
    version_id = first.response_id
    assert version_id is not None
    assert version_id in text

    # the SDK resends the whole history; gouache finds v2 by its image and goes on from it
    second = chat.send_message("add a vignette")
    text2, image2 = _parts(second)
    assert "vignette" in text2
    third = chat.send_message("make it black and white")
    _, image3 = _parts(third)
    assert image2 is not None
    assert image3 is not None

    with server.store.read() as tx:
        found = tx.versions_with_blob(hashlib.sha256(image3).hexdigest(), owner="acme")
    assert len(found) == 1
    session_id = found[0].session_id
    tree = client.get(f"/api/sessions/{session_id}/versions").json()
    assert [v["label"] for v in tree["versions"]] == ["v1", "v2", "v3", "v4"]
    assert tree["branches"] == {"main": found[0].id}
    by_label = {v["label"]: v for v in tree["versions"]}
    assert [by_label[f"v{n}"]["parent_id"] for n in (2, 3, 4)] == [
        by_label[f"v{n}"]["id"] for n in (1, 2, 3)
    ]
    grey = decode_png(image3).astype(int)
    assert np.abs(grey[..., 0] - grey[..., 1]).max() <= 1


def test_a_gemini_chat_that_rewinds_its_history_branches_from_the_older_version(
    gemini: genai.Client, client: httpx.Client
) -> None:
    chat = gemini.chats.create(model="gouache-operators")
    start = chat.send_message(
        [types.Part.from_bytes(data=png_bytes(), mime_type="image/png"), "make it brighter"]
    )
    chat.send_message("add a vignette")
    # a new chat whose history ends at the first reply: the conversation forks at v2
    history = chat.get_history()[:2]
    fork = gemini.chats.create(model="gouache-operators", history=history)
    forked = fork.send_message("make it black and white")
    assert start.response_id is not None
    session_id = forked_session(client, forked)
    tree = client.get(f"/api/sessions/{session_id}/versions").json()
    by_label = {v["label"]: v for v in tree["versions"]}
    assert by_label["v4"]["parent_id"] == start.response_id
    assert set(tree["branches"]) == {"main", "b2"}


def forked_session(client: httpx.Client, response: types.GenerateContentResponse) -> str:
    text, _ = _parts(response)
    return text.rsplit("session ", 1)[1].rstrip("]")


def test_gemini_streaming_answers_with_one_sse_chunk_holding_the_image(
    gemini: genai.Client,
) -> None:
    chunks = list(
        gemini.models.generate_content_stream(
            model="gouache-operators",
            contents=[
                types.Part.from_bytes(data=png_bytes(), mime_type="image/png"),
                "add a white border",
            ],
        )
    )
    assert len(chunks) == 1
    text, image = _parts(chunks[0])
    assert "border" in text
    assert image is not None
    assert decode_png(image).shape[0] > 64  # the border grew the picture


def test_gemini_errors_come_back_as_google_errors_with_the_gouache_message(
    gemini: genai.Client,
) -> None:
    with pytest.raises(genai_errors.ClientError, match="no backend 'no-such-model'") as raised:
        gemini.models.generate_content(model="no-such-model", contents="a fox")
    assert raised.value.code == 404
    with pytest.raises(genai_errors.ClientError, match="cannot generate") as refused:
        gemini.models.generate_content(model="gouache-operators", contents="draw a fox")
    assert refused.value.code == 422


def test_the_openai_client_edits_and_continues_from_the_image_it_got_back(
    oai: openai.OpenAI, client: httpx.Client
) -> None:
    first = oai.images.edit(
        model="gouache-operators",
        image=("photo.png", png_bytes(), "image/png"),
        prompt="make it warmer",
    )
    assert first.data
    assert first.data[0].b64_json is not None
    import base64

    returned = base64.b64decode(first.data[0].b64_json)
    second = oai.images.edit(
        model="gouache-operators",
        image=("again.png", returned, "image/png"),
        prompt="add a vignette",
    )
    assert second.data
    extra = second.data[0].model_extra or {}
    session_id = extra["gouache_session"]
    tree = client.get(f"/api/sessions/{session_id}/versions").json()
    assert [v["label"] for v in tree["versions"]] == ["v1", "v2", "v3"]


def test_the_openai_client_sends_several_images_as_references(
    oai: openai.OpenAI, client: httpx.Client
) -> None:
    logo = np.zeros((20, 40, 4), np.uint8)
    logo[..., 0] = 230
    logo[..., 3] = 255
    buffer = io.BytesIO()
    PILImage.fromarray(logo).save(buffer, "PNG")
    made = oai.images.edit(
        model="gouache-operators",
        image=[
            ("poster.png", png_bytes(), "image/png"),
            ("logo.png", buffer.getvalue(), "image/png"),
        ],
        prompt="add the logo in the bottom right",
    )
    assert made.data
    extra = made.data[0].model_extra or {}
    recipe = client.get(
        f"/api/sessions/{extra['gouache_session']}/versions/{extra['gouache_version']}/recipe"
    ).json()
    assert [ref["name"] for ref in recipe["references"]] == ["logo.png"]


def test_the_openai_client_generates_with_a_backend_that_draws_and_is_refused_otherwise(
    oai: openai.OpenAI,
) -> None:
    import base64

    drawn = oai.images.generate(model="drawing", prompt="a gradient", size="64x32", n=2)
    assert drawn.data
    assert len(drawn.data) == 2
    shapes = {decode_png(base64.b64decode(d.b64_json or "")).shape for d in drawn.data}
    assert shapes == {(32, 64, 3)}
    with pytest.raises(openai.UnprocessableEntityError, match="cannot generate"):
        oai.images.generate(model="gouache-operators", prompt="a fox")
    with pytest.raises(openai.NotFoundError, match="no backend 'dall-e-9'"):
        oai.images.generate(model="dall-e-9", prompt="a fox")


def test_a_hosted_model_behind_gouache_gets_the_guard_and_the_tree_around_it(
    server: LiveServer, tmp_path: Path
) -> None:
    # The hosted model is a second gouache speaking Gemini's wire format: the real
    # GeminiBackend (google-genai) calls it as it would call Google, nothing faked.
    from gouache.backends.gemini import GeminiBackend

    def hosted() -> GeminiBackend:
        return GeminiBackend(
            "gouache-operators",
            api_key=server.key,
            base_url=server.url,
            api_version="v1beta",
            retry_delay=0.01,
        )

    with live_server(tmp_path, models={"nano": hosted}) as front:
        client = genai.Client(
            api_key=front.key,
            http_options=types.HttpOptions(base_url=front.url, api_version="v1beta"),
        )
        chat = client.chats.create(model="nano")
        first = chat.send_message(
            [types.Part.from_bytes(data=png_bytes(), mime_type="image/png"), "make it warmer"]
        )
        second = chat.send_message("make it black and white")
        _, image = _parts(second)
        assert image is not None
        with front.store.read() as tx:
            found = tx.versions_with_blob(hashlib.sha256(image).hexdigest(), owner="acme")
            versions = tx.versions(found[0].session_id)
    assert first.response_id == versions[1].id
    assert [v.backend for v in versions] == [None, "gemini", "gemini"]
    assert all(v.scores.guard is not None for v in versions[1:])  # the guard ran on each
    grey = decode_png(image).astype(int)
    assert np.abs(grey[..., 0] - grey[..., 2]).max() <= 2


def test_an_openai_mask_edits_only_where_it_is_transparent(oai: openai.OpenAI) -> None:
    import base64

    picture = photo(96, 64)
    mask = np.full((64, 96, 4), 255, np.uint8)
    mask[:, :48, 3] = 0  # OpenAI's convention: transparent where to edit
    buffer = io.BytesIO()
    PILImage.fromarray(mask).save(buffer, "PNG")
    made = oai.images.edit(
        model="gouache-operators",
        image=("photo.png", png_bytes(picture), "image/png"),
        mask=("mask.png", buffer.getvalue(), "image/png"),
        prompt="make it black and white",
    )
    assert made.data
    result = decode_png(base64.b64decode(made.data[0].b64_json or "")).astype(int)
    assert np.array_equal(result[:, 48:], picture[:, 48:])  # outside the mask: untouched
    left = result[:, :40]
    assert np.abs(left[..., 0] - left[..., 2]).max() <= 2  # inside: grey
    opaque = np.zeros((64, 96, 3), np.uint8)
    with pytest.raises(openai.BadRequestError, match="alpha channel"):
        oai.images.edit(
            model="gouache-operators",
            image=("photo.png", png_bytes(picture), "image/png"),
            mask=("mask.png", png_bytes(opaque), "image/png"),
            prompt="make it black and white",
        )


def test_a_gemini_candidate_count_makes_one_version_per_candidate(gemini: genai.Client) -> None:
    response = gemini.models.generate_content(
        model="drawing",
        contents=[
            types.Part.from_bytes(data=png_bytes(), mime_type="image/png"),
            "invert it",
        ],
        config=types.GenerateContentConfig(candidate_count=2, seed=7),
    )
    assert response.candidates is not None
    assert len(response.candidates) == 2
    labels = []
    for candidate in response.candidates:
        assert candidate.content is not None
        assert candidate.content.parts is not None
        text = "".join(p.text or "" for p in candidate.content.parts)
        labels.append(text.split("[gouache ", 1)[1].split(" ", 1)[0])
    assert labels == ["v2", "v3"]


def test_both_clients_list_the_backends_as_models(gemini: genai.Client, oai: openai.OpenAI) -> None:
    names = [m.name for m in gemini.models.list()]
    assert "models/gouache-operators" in names
    assert "models/gouache-drawing" in names
    one = gemini.models.get(model="gouache-operators")
    assert one.supported_actions is None or "generateContent" in one.supported_actions
    assert "available" in (one.description or "")
    ids = [m.id for m in oai.models.list()]
    assert "gouache-operators" in ids
    with pytest.raises(genai_errors.ClientError, match="no backend"):
        gemini.models.get(model="nope")
