"""The Gemini backend on the Interactions API: the real google-genai client
(`client.interactions.create`) against a local server answering POST /{version}/interactions
as google-genai 3.6.1's types describe it."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from gouache.backends.base import EditRequest, GenerateRequest
from gouache.backends.gemini import GeminiBackend
from gouache.backends.models import default_model, model_info
from gouache.errors import BackendError, BlockedError, QuotaError, UnsupportedError
from gouache.images import Image, decode_png
from servers import GeminiServer, error_answer, interaction_answer, unused_port

KEY = "test-key-0123456789"


def picture(height: int, width: int, seed: int = 3) -> Image:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)


@pytest.fixture
def backend(gemini_server: GeminiServer) -> GeminiBackend:
    return GeminiBackend(
        api_key=KEY,
        base_url=gemini_server.url,
        api_version="v1beta",
        api="interactions",
        retry_delay=0.01,
    )


def test_the_model_table_says_which_api_serves_a_model_and_a_profile_may_pick_the_other() -> None:
    info = model_info(default_model("gemini"))
    assert info is not None
    assert info.api == "generate_content"
    assert GeminiBackend(api_key=KEY).api == "generate_content"
    chosen = GeminiBackend(api_key=KEY, api="interactions")
    assert chosen.api == "interactions"
    assert chosen.config()["api"] == "interactions"
    with pytest.raises(UnsupportedError, match=r"speaks generate_content or interactions, not"):
        GeminiBackend(api_key=KEY, api="rest")


def test_an_edit_sends_one_user_turn_with_the_prompt_the_image_and_the_references(
    gemini_server: GeminiServer, backend: GeminiBackend
) -> None:
    source, reference, out = picture(48, 64), picture(20, 20, seed=4), picture(96, 128, seed=5)
    gemini_server.answer((200, interaction_answer(out, text="Warmer now.")))

    result = backend.edit(
        EditRequest(prompt="make it warmer", image=source, references=(reference,), seed=7)
    )

    np.testing.assert_array_equal(result.image, out)
    assert result.text == "Warmer now."
    assert result.seed == 7
    (sent,) = gemini_server.requests
    assert sent.path == "/v1beta/interactions"
    assert sent.headers["x-goog-api-key"] == KEY
    assert sent.body["model"] == default_model("gemini")
    (turn,) = sent.body["input"]
    assert turn["type"] == "user_input"
    text, image, ref = turn["content"]
    assert text == {"type": "text", "text": "make it warmer"}
    assert (image["type"], image["mime_type"]) == ("image", "image/png")
    np.testing.assert_array_equal(decode_png(base64.b64decode(image["data"])), source)
    np.testing.assert_array_equal(decode_png(base64.b64decode(ref["data"])), reference)
    assert sent.body["response_format"] == [
        {"type": "image", "aspect_ratio": "4:3"},
        {"type": "text"},
    ]
    assert sent.body["generation_config"] == {"seed": 7}
    assert sent.body["store"] is False


def test_generate_asks_for_the_closest_ratio_among_the_models_own_and_the_size(
    gemini_server: GeminiServer,
) -> None:
    backend = GeminiBackend(
        api_key=KEY, base_url=gemini_server.url, api="interactions", image_size="2K"
    )
    gemini_server.answer((200, interaction_answer(picture(16, 128))))

    result = backend.generate(GenerateRequest(prompt="a long harbour", width=4096, height=512))

    assert result.image.shape == (16, 128, 3)
    assert result.params == {
        "model": default_model("gemini"),
        "aspect_ratio": "8:1",
        "image_size": "2K",
    }
    body = gemini_server.requests[0].body
    assert body["input"][0]["content"] == [{"type": "text", "text": "a long harbour"}]
    assert body["response_format"][0] == {
        "type": "image",
        "aspect_ratio": "8:1",
        "image_size": "2K",
    }
    assert "generation_config" not in body


def test_each_model_takes_its_own_aspect_ratios() -> None:
    assert GeminiBackend(api_key=KEY, aspect_ratio="8:1").aspect_ratio == "8:1"
    with pytest.raises(UnsupportedError, match=r"gemini-3-pro-image takes aspect ratios 1:1, .*"):
        GeminiBackend("gemini-3-pro-image", api_key=KEY, aspect_ratio="8:1")


def test_quota_is_retried_after_the_servers_hint_then_the_answer_is_used(
    gemini_server: GeminiServer, backend: GeminiBackend
) -> None:
    quota = error_answer(429, "RESOURCE_EXHAUSTED", "slow down")
    quota[1]["error"]["details"] = [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.02s"}
    ]
    gemini_server.answer(quota, (200, interaction_answer(picture(8, 8))))

    result = backend.generate(GenerateRequest(prompt="a dot"))

    assert result.image.shape == (8, 8, 3)
    assert len(gemini_server.requests) == 2  # one retry layer: the SDK's own is off


def test_quota_past_the_retries_raises_quota_error(gemini_server: GeminiServer) -> None:
    backend = GeminiBackend(
        api_key=KEY, base_url=gemini_server.url, api="interactions", max_retries=1, retry_delay=0.01
    )
    gemini_server.answer(error_answer(429, "RESOURCE_EXHAUSTED", "quota exceeded"))

    with pytest.raises(QuotaError, match=r"HTTP 429, quota exceeded\) after 2 tries"):
        backend.generate(GenerateRequest(prompt="a dot"))

    assert len(gemini_server.requests) == 2


def test_a_bad_request_raises_backend_error_with_the_servers_message_and_no_retry(
    gemini_server: GeminiServer, backend: GeminiBackend
) -> None:
    gemini_server.answer(error_answer(400, "INVALID_ARGUMENT", "image_size 512 is not supported"))

    with pytest.raises(BackendError, match=r"HTTP 400: image_size 512 is not supported"):
        backend.edit(EditRequest(prompt="x", image=picture(8, 8)))

    assert len(gemini_server.requests) == 1


def test_an_output_withheld_by_a_safety_filter_raises_blocked_error(
    gemini_server: GeminiServer, backend: GeminiBackend
) -> None:
    answer = interaction_answer(None, status="failed")
    answer["steps"][-1]["error"] = {
        "code": 3,
        "message": "The image was blocked.",
        "details": [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "IMAGE_SAFETY"}
        ],
    }
    gemini_server.answer((200, answer))

    with pytest.raises(BlockedError, match=r"withheld the answer \(IMAGE_SAFETY\)") as caught:
        backend.generate(GenerateRequest(prompt="something bad"))

    assert caught.value.reason == "IMAGE_SAFETY"


def test_an_answer_without_an_image_says_what_came_back_and_how_it_ended(
    gemini_server: GeminiServer, backend: GeminiBackend
) -> None:
    gemini_server.answer(
        (200, interaction_answer(None, text="I cannot draw that.", status="incomplete"))
    )

    with pytest.raises(
        BackendError, match=r"sent no image, only text: 'I cannot draw that.' \(status incomplete\)"
    ):
        backend.generate(GenerateRequest(prompt="a dot"))


def test_a_refused_connection_is_retried_then_named_without_a_traceback() -> None:
    port = unused_port()
    backend = GeminiBackend(
        api_key=KEY,
        base_url=f"http://127.0.0.1:{port}",
        api="interactions",
        max_retries=1,
        retry_delay=0.01,
        timeout=5,
    )

    with pytest.raises(BackendError, match=r"after 2 tries") as caught:
        backend.generate(GenerateRequest(prompt="a dot"))

    assert KEY not in str(caught.value)
