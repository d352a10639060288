"""The Gemini backend: the real google-genai client against a local server speaking the
documented generateContent JSON (POST /{version}/models/{model}:generateContent)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from google import genai
from google.genai import types

from gouache.backends.base import EditRequest, GenerateRequest, ImageModel
from gouache.backends.gemini import (
    BlockedError,
    GeminiBackend,
    QuotaError,
    closest_aspect_ratio,
)
from gouache.backends.retry import retry
from gouache.errors import BackendError, CancelledError, UnsupportedError
from gouache.images import BlobStore, Image, decode_png
from gouache.progress import CancelToken, Progress
from gouache.sessions import Session, Store
from servers import GeminiServer, error_answer, image_answer, inline

KEY = "test-key-0123456789"
MODEL = "gemini-nano-banana-2.1"  # the default of gouache.backends.models


def picture(height: int, width: int, seed: int = 3) -> Image:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)


@pytest.fixture
def gemini_backend(gemini_server: GeminiServer) -> GeminiBackend:
    return GeminiBackend(
        api_key=KEY, base_url=gemini_server.url, api_version="v1beta", retry_delay=0.01
    )


def test_the_backend_is_an_image_model_that_edits_and_generates_without_masks() -> None:
    backend = GeminiBackend(api_key=KEY)
    assert isinstance(backend, ImageModel)
    assert backend.name == "gemini"
    caps = backend.capabilities
    assert (caps.generate, caps.edit, caps.masks, caps.preserves_unedited) == (
        True,
        True,
        False,
        False,
    )
    assert caps.max_references == 13  # 14 images an edit, the edited one included


def test_the_model_table_sets_the_references_and_the_image_sizes_a_model_takes() -> None:
    assert (
        GeminiBackend(api_key=KEY, model="gemini-2.5-flash-image").capabilities.max_references == 2
    )
    assert (
        GeminiBackend(api_key=KEY, model="gemini-3-pro-image", image_size="4K").image_size == "4K"
    )
    with pytest.raises(UnsupportedError, match=r"takes image sizes 1K, 2K, 4K, not '4k'"):
        GeminiBackend(api_key=KEY, image_size="4k")
    with pytest.raises(UnsupportedError, match=r"gemini-2\.5-flash-image takes image sizes none"):
        GeminiBackend(api_key=KEY, model="gemini-2.5-flash-image", image_size="2K")


def test_an_edit_sends_the_prompt_the_image_as_png_and_the_references(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    source, reference, out = picture(48, 64), picture(20, 20, seed=4), picture(96, 128, seed=5)
    gemini_server.answer((200, image_answer(out)))

    result = gemini_backend.edit(
        EditRequest(prompt="make the sky purple", image=source, references=(reference,), seed=7)
    )

    np.testing.assert_array_equal(result.image, out)
    assert result.text == ""
    assert result.seed == 7
    assert result.params["aspect_ratio"] == "4:3"
    (sent,) = gemini_server.requests
    assert sent.path == f"/v1beta/models/{MODEL}:generateContent"
    assert sent.headers["x-goog-api-key"] == KEY
    parts = sent.body["contents"][0]["parts"]
    assert parts[0] == {"text": "make the sky purple"}
    assert [inline(p)[0] for p in parts[1:]] == ["image/png", "image/png"]
    np.testing.assert_array_equal(decode_png(inline(parts[1])[1]), source)
    np.testing.assert_array_equal(decode_png(inline(parts[2])[1]), reference)
    config = sent.body["generationConfig"]
    assert "IMAGE" in config["responseModalities"]
    assert config["imageConfig"] == {"aspectRatio": "4:3"}
    assert config["seed"] == 7


def test_generate_sends_the_prompt_and_the_closest_ratio_to_the_requested_size(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    gemini_server.answer((200, image_answer(picture(32, 56), text="Here is your harbour.")))

    result = gemini_backend.generate(GenerateRequest(prompt="a harbour", width=1920, height=1080))

    assert result.text == "Here is your harbour."
    assert result.image.shape == (32, 56, 3)
    body = gemini_server.requests[0].body
    assert body["contents"][0]["parts"] == [{"text": "a harbour"}]
    assert body["generationConfig"]["imageConfig"] == {"aspectRatio": "16:9"}


def test_a_configured_aspect_ratio_and_image_size_win_over_the_image_shape(
    gemini_server: GeminiServer,
) -> None:
    backend = GeminiBackend(
        "gemini-3-pro-image-preview",
        api_key=KEY,
        base_url=gemini_server.url,
        api_version="v1",
        aspect_ratio="21:9",
        image_size="2K",
    )
    gemini_server.answer((200, image_answer(picture(8, 8))))

    backend.edit(EditRequest(prompt="wider", image=picture(40, 40)))

    sent = gemini_server.requests[0]
    assert sent.path == "/v1/models/gemini-3-pro-image-preview:generateContent"
    assert sent.body["generationConfig"]["imageConfig"] == {
        "aspectRatio": "21:9",
        "imageSize": "2K",
    }


def test_an_injected_client_is_used_as_it_is(gemini_server: GeminiServer) -> None:
    client = genai.Client(
        api_key="other-key",
        http_options=types.HttpOptions(base_url=gemini_server.url, api_version="v1beta"),
    )
    gemini_server.answer((200, image_answer(picture(8, 8))))

    GeminiBackend(client=client).generate(GenerateRequest(prompt="a dot"))

    assert gemini_server.requests[0].headers["x-goog-api-key"] == "other-key"


@pytest.mark.parametrize(
    ("width", "height", "ratio"),
    [(64, 48, "4:3"), (48, 64, "3:4"), (100, 100, "1:1"), (2400, 1000, "21:9"), (800, 1000, "4:5")],
)
def test_the_closest_gemini_aspect_ratio_is_chosen(width: int, height: int, ratio: str) -> None:
    assert closest_aspect_ratio(width, height) == ratio


def test_text_and_image_parts_are_split_into_text_and_image(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    answer = image_answer(picture(16, 16), text="I made the sky purple.")
    answer["candidates"][0]["content"]["parts"].append({"text": "Anything else?"})
    gemini_server.answer((200, answer))

    result = gemini_backend.edit(EditRequest(prompt="purple sky", image=picture(16, 16)))

    assert result.text == "I made the sky purple.\nAnything else?"


def test_a_blocked_prompt_raises_blocked_error_with_the_reason(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    gemini_server.answer((200, {"promptFeedback": {"blockReason": "SAFETY"}}))

    with pytest.raises(BlockedError, match="blocked the prompt \\(SAFETY\\)") as caught:
        gemini_backend.edit(EditRequest(prompt="something bad", image=picture(16, 16)))

    assert caught.value.reason == "SAFETY"
    assert caught.value.backend == "gemini"
    assert len(gemini_server.requests) == 1


def test_an_answer_withheld_for_image_safety_raises_blocked_error(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    withheld = {"candidates": [{"finishReason": "IMAGE_SAFETY", "index": 0}]}
    gemini_server.answer((200, withheld))

    with pytest.raises(BlockedError, match="IMAGE_SAFETY") as caught:
        gemini_backend.generate(GenerateRequest(prompt="something bad"))

    assert caught.value.reason == "IMAGE_SAFETY"


def test_an_answer_without_an_image_says_what_came_back(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    text_only = {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": "I cannot draw that."}]},
                "finishReason": "STOP",
            }
        ]
    }
    gemini_server.answer((200, text_only))

    with pytest.raises(BackendError, match=r"no image, only text: 'I cannot draw that\.'"):
        gemini_backend.generate(GenerateRequest(prompt="a square circle"))


def test_quota_exhaustion_is_retried_then_raises_quota_error(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    gemini_server.answer(error_answer(429, "RESOURCE_EXHAUSTED", "Quota exceeded for the day."))

    with pytest.raises(QuotaError, match="HTTP 429, Quota exceeded for the day") as caught:
        gemini_backend.generate(GenerateRequest(prompt="a cat"))

    assert caught.value.http_status == 429
    assert len(gemini_server.requests) == 4  # the first try and max_retries=3 more
    assert KEY not in str(caught.value)


def test_a_server_error_is_retried_and_the_next_answer_is_used(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    gemini_server.answer(
        error_answer(500, "INTERNAL", "An internal error has occurred."),
        (200, image_answer(picture(8, 8), text="Done.")),
    )
    seen: list[Progress] = []

    result = gemini_backend.generate(GenerateRequest(prompt="a cat"), progress=seen.append)

    assert result.text == "Done."
    assert len(gemini_server.requests) == 2
    assert any("HTTP 500; trying again" in p.message for p in seen)


def test_server_errors_past_the_retries_raise_backend_error_with_the_status(
    gemini_server: GeminiServer,
) -> None:
    backend = GeminiBackend(api_key=KEY, base_url=gemini_server.url, max_retries=1, retry_delay=0.0)
    gemini_server.answer(error_answer(503, "UNAVAILABLE", "The model is overloaded."))

    with pytest.raises(BackendError, match=r"HTTP 503 \(The model is overloaded\.\) after 2 tries"):
        backend.generate(GenerateRequest(prompt="a cat"))

    assert len(gemini_server.requests) == 2


def test_a_bad_request_raises_backend_error_with_the_servers_message_and_no_retry(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    gemini_server.answer(
        error_answer(400, "INVALID_ARGUMENT", f"API key not valid: {KEY}. Pass a valid key.")
    )

    with pytest.raises(BackendError, match="HTTP 400: API key not valid") as caught:
        gemini_backend.edit(EditRequest(prompt="x", image=picture(8, 8)))

    assert not isinstance(caught.value, QuotaError)
    assert KEY not in str(caught.value)
    assert len(gemini_server.requests) == 1


def test_the_config_is_the_constructor_arguments_without_the_key(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    config = gemini_backend.config()

    assert config["model"] == MODEL
    assert config["base_url"] == gemini_server.url
    assert config["api_version"] == "v1beta"
    assert "api_key" not in config
    assert KEY not in json.dumps(config)
    assert KEY not in repr(gemini_backend)
    rebuilt = GeminiBackend(api_key=KEY, **config)
    assert rebuilt.config() == config


def test_the_key_comes_from_the_environment_and_its_absence_is_explained(
    monkeypatch: pytest.MonkeyPatch, gemini_server: GeminiServer
) -> None:
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    with pytest.raises(UnsupportedError, match="set GEMINI_API_KEY"):
        GeminiBackend()

    monkeypatch.setenv("GEMINI_API_KEY", "env-key")
    gemini_server.answer((200, image_answer(picture(8, 8))))
    GeminiBackend(base_url=gemini_server.url).generate(GenerateRequest(prompt="a dot"))
    assert gemini_server.requests[0].headers["x-goog-api-key"] == "env-key"


def test_masks_negative_prompts_and_too_many_references_are_refused(
    gemini_backend: GeminiBackend,
) -> None:
    image = picture(8, 8)
    with pytest.raises(UnsupportedError, match="no mask"):
        gemini_backend.edit(EditRequest(prompt="x", image=image, mask_image=image[..., 0]))
    with pytest.raises(UnsupportedError, match="no negative prompt"):
        gemini_backend.edit(EditRequest(prompt="x", image=image, negative_prompt="blur"))
    with pytest.raises(UnsupportedError, match="at most 13 reference images; 14 given"):
        gemini_backend.generate(GenerateRequest(prompt="x", references=(image,) * 14))


def test_a_cancelled_turn_sends_nothing(
    gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    cancel = CancelToken()
    cancel.cancel()

    with pytest.raises(CancelledError):
        gemini_backend.generate(GenerateRequest(prompt="a cat"), cancel=cancel)

    assert gemini_server.requests == []


def test_retry_stops_at_the_first_error_it_should_not_retry() -> None:
    calls = []

    def call() -> int:
        calls.append(1)
        raise KeyError(len(calls))

    with pytest.raises(KeyError):
        retry(call, attempts=5, base_delay=0.0, is_retryable=lambda e: len(calls) < 2)

    assert len(calls) == 2


def test_a_session_turn_shows_the_models_text_and_records_the_backend_without_the_key(
    tmp_path: Path, gemini_server: GeminiServer, gemini_backend: GeminiBackend
) -> None:
    source = picture(48, 64)
    gemini_server.answer((200, image_answer(source, text="The sky is purple now.")))

    with Store(f"sqlite:///{tmp_path / 'gouache.db'}", BlobStore(tmp_path / "blobs")) as store:
        session = Session.start(store, source, backend=gemini_backend)
        turn = session.apply("make the sky purple")

        assert turn.plan is not None
        assert [(s.op, s.params) for s in turn.plan.steps] == [
            ("generate_edit", {"prompt": "make the sky purple"})
        ]
        assert turn.version is not None
        assert "The sky is purple now." in turn.reply
        version = turn.version
        assert version.backend == "gemini"
        assert version.backend_config == gemini_backend.config()
        assert KEY not in json.dumps(version.backend_config)
        assert all(KEY not in note for note in version.notes)
    sent = gemini_server.requests[0].body["contents"][0]["parts"]
    assert sent[0] == {"text": "make the sky purple"}


def test_the_servers_retry_hint_sets_the_wait_and_the_sdk_adds_no_tries_of_its_own(
    gemini_server: GeminiServer,
) -> None:
    # retry_delay 0: any wait comes from the server's RetryInfo, as the Gemini API sends it
    backend = GeminiBackend(api_key=KEY, base_url=gemini_server.url, max_retries=2, retry_delay=0)
    busy = error_answer(429, "RESOURCE_EXHAUSTED", "Slow down.")
    busy[1]["error"]["details"] = [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.3s"}
    ]
    gemini_server.answer(busy, busy, (200, image_answer(picture(8, 8))))
    seen: list[Progress] = []

    started = time.monotonic()
    backend.generate(GenerateRequest(prompt="a cat"), progress=seen.append)

    assert len(gemini_server.requests) == 3  # one layer: 1 + max_retries, never more
    assert time.monotonic() - started >= 0.6
    assert sum("trying again in 0.3 s" in p.message for p in seen) == 2


def test_backoff_has_jitter_and_a_hint_wins_over_it() -> None:
    waits: list[float] = []

    def failing() -> int:
        raise OSError("busy")

    with pytest.raises(OSError, match="busy"):
        retry(
            failing,
            attempts=4,
            base_delay=1.0,
            is_retryable=lambda e: True,
            sleep=waits.append,
            draw=iter([0.0, 1.0, 0.5]).__next__,
        )
    assert waits == [1.0, 1.0, 3.0]  # 1 * (1 - 0), 2 * (1 - 0.5), 4 * (1 - 0.25)

    waits.clear()
    with pytest.raises(OSError, match="busy"):
        retry(
            failing,
            attempts=2,
            base_delay=1.0,
            is_retryable=lambda e: True,
            sleep=waits.append,
            hint=lambda e: 7.0,
        )
    assert waits == [7.0]
