"""The OpenAI images backend against a local server that speaks the images API's wire format:
`POST /v1/images/generations` (JSON) and `POST /v1/images/edits` (multipart/form-data), with the
real `openai` SDK in between."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from gouache.backends.base import EditRequest, GenerateRequest, ImageModel
from gouache.backends.openai_images import (
    BlockedError,
    OpenAIImagesBackend,
    QuotaError,
    choose_size,
)
from gouache.errors import BackendError, CancelledError, InputError, UnsupportedError
from gouache.images import Image
from gouache.ops.plan import EditPlan, Step
from gouache.progress import CancelToken, Progress
from gouache.sessions import Session, Store
from servers import PURPLE, FakeImagesServer, decode, unused_port

KEY = "test-key"
# A fixed-size GPT image model: most tests pin its sizes; gpt-image-2 has its own tests.
FIXED = "gpt-image-1.5"


@pytest.fixture
def server(images_server: FakeImagesServer) -> FakeImagesServer:
    return images_server


@pytest.fixture
def backend(server: FakeImagesServer) -> Iterator[OpenAIImagesBackend]:
    made = OpenAIImagesBackend(FIXED, base_url=server.base_url, api_key=KEY, max_retries=0)
    yield made
    made.close()


def photo(height: int = 48, width: int = 64) -> Image:
    rng = np.random.default_rng(3)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 200 // width, y * 200 // height, (x + y) * 100 // (width + height)], -1)
    return np.clip(base + rng.integers(0, 30, size=(height, width, 3)), 0, 255).astype(np.uint8)


# -- generate -----------------------------------------------------------------------------------


def test_generate_posts_json_with_the_size_closest_to_the_asked_aspect(
    server: FakeImagesServer, backend: OpenAIImagesBackend
) -> None:
    result = backend.generate(GenerateRequest(prompt="hills at dusk", width=1200, height=800))

    [request] = server.requests
    assert request.path == "/v1/images/generations"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.json == {
        "model": FIXED,
        "prompt": "hills at dusk",
        "n": 1,
        "size": "1536x1024",
    }
    assert result.image.shape == (1024, 1536, 3)
    assert tuple(result.image[0, 0]) == PURPLE
    assert result.text == "a purple sky over the hills"
    assert result.params == {
        "endpoint": "generate",
        "model": FIXED,
        "size": "1536x1024",
        "n": 1,
    }


def test_a_dall_e_model_is_asked_for_base64_and_a_configured_size_wins(
    server: FakeImagesServer,
) -> None:
    backend = OpenAIImagesBackend(
        "dall-e-3", base_url=server.base_url, api_key=KEY, size="1024x1792", quality="hd"
    )
    result = backend.generate(GenerateRequest(prompt="a tower", width=1000, height=500))

    assert server.requests[0].json == {
        "model": "dall-e-3",
        "prompt": "a tower",
        "n": 1,
        "size": "1024x1792",
        "quality": "hd",
        "response_format": "b64_json",
    }
    assert result.image.shape == (1792, 1024, 3)


def test_several_images_back_keep_the_first_and_say_how_many(server: FakeImagesServer) -> None:
    server.count = 3
    backend = OpenAIImagesBackend(FIXED, base_url=server.base_url, api_key=KEY, n=3)
    result = backend.generate(GenerateRequest(prompt="three cats", seed=5))

    assert server.requests[0].json is not None
    assert server.requests[0].json["n"] == 3
    assert server.requests[0].json["size"] == "1024x1024"
    assert "seed" not in server.requests[0].json
    assert "3 images came back; the first is kept" in result.notes
    assert "seed 5 not sent: the OpenAI images API takes none" in result.notes
    assert result.seed is None


def test_an_answer_with_only_a_url_is_refused_without_downloading(
    server: FakeImagesServer, backend: OpenAIImagesBackend
) -> None:
    server.url_only = True
    with pytest.raises(BackendError, match=r"only a URL.*does not download"):
        backend.generate(GenerateRequest(prompt="hills"))
    assert len(server.requests) == 1


# -- edit ---------------------------------------------------------------------------------------


def test_edit_sends_the_image_then_the_references_as_image_parts_in_order(
    server: FakeImagesServer, backend: OpenAIImagesBackend
) -> None:
    current, wide, tall = photo(48, 64), photo(20, 60), photo(50, 25)
    result = backend.edit(
        EditRequest(prompt="put the dog in the garden", image=current, references=(wide, tall))
    )

    [request] = server.requests
    assert request.path == "/v1/images/edits"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    images = [part for part in request.parts if part.name == "image[]"]
    assert [part.content_type for part in images] == ["image/png"] * 3
    assert [decode(part.data).shape for part in images] == [(48, 64, 3), (20, 60, 3), (50, 25, 3)]
    np.testing.assert_array_equal(decode(images[0].data), current)
    np.testing.assert_array_equal(decode(images[2].data), tall)
    assert request.field("prompt") == "put the dog in the garden"
    assert request.field("model") == FIXED
    assert request.field("size") == "1536x1024"  # 64x48 is closer to 3:2 than to 1:1
    assert request.field("n") == "1"
    assert not any(part.name in ("mask", "response_format") for part in request.parts)
    assert result.image.shape == (1024, 1536, 3)
    assert result.params["endpoint"] == "edit"


def test_one_image_goes_out_as_the_image_field(
    server: FakeImagesServer, backend: OpenAIImagesBackend
) -> None:
    backend.edit(EditRequest(prompt="warmer", image=photo(40, 40)))

    names = [part.name for part in server.requests[0].parts]
    assert names.count("image") == 1
    assert "image[]" not in names
    assert server.requests[0].field("size") == "1024x1024"


@pytest.mark.parametrize("channels", [None, 1, 3])
def test_the_mask_is_transparent_exactly_where_gouache_marks_the_edit(
    server: FakeImagesServer, backend: OpenAIImagesBackend, channels: int | None
) -> None:
    marked = np.zeros((48, 64), dtype=np.uint8)
    marked[5:20, 10:30] = 255
    marked[40, 63] = 1
    mask = marked if channels is None else np.repeat(marked[..., None], channels, axis=2)
    if channels == 3:
        mask[0, 0] = (0, 0, 7)  # any nonzero channel marks the pixel
        marked[0, 0] = 7
    backend.edit(EditRequest(prompt="a hat", image=photo(), mask_image=mask))

    [part] = [p for p in server.requests[0].parts if p.name == "mask"]
    assert part.content_type == "image/png"
    sent = decode(part.data)
    assert sent.shape == (48, 64, 4)
    np.testing.assert_array_equal(sent[..., 3] == 0, marked != 0)
    np.testing.assert_array_equal(sent[..., 3] == 255, marked == 0)


def test_a_mask_of_another_size_is_refused_before_any_call(
    server: FakeImagesServer, backend: OpenAIImagesBackend
) -> None:
    with pytest.raises(InputError, match="mask_image is 10x10 but the image is 64x48"):
        backend.edit(
            EditRequest(prompt="a hat", image=photo(), mask_image=np.ones((10, 10), np.uint8))
        )
    assert server.requests == []


def test_too_many_references_are_refused_with_the_limit(
    server: FakeImagesServer, backend: OpenAIImagesBackend
) -> None:
    assert backend.capabilities.max_references == 15
    with pytest.raises(UnsupportedError, match="at most 16 image"):
        backend.edit(EditRequest(prompt="x", image=photo(), references=(photo(8, 8),) * 16))
    assert server.requests == []


def test_dall_e_3_cannot_edit_and_dall_e_2_edits_only_squares(server: FakeImagesServer) -> None:
    dalle3 = OpenAIImagesBackend("dall-e-3", base_url=server.base_url, api_key=KEY)
    with pytest.raises(UnsupportedError, match="dall-e-3 cannot edit"):
        dalle3.edit(EditRequest(prompt="x", image=photo()))
    dalle2 = OpenAIImagesBackend("dall-e-2", base_url=server.base_url, api_key=KEY)
    with pytest.raises(UnsupportedError, match="only square"):
        dalle2.edit(EditRequest(prompt="x", image=photo()))
    dalle2.edit(EditRequest(prompt="x", image=photo(300, 300)))
    assert server.requests[0].field("size") == "512x512"
    assert server.requests[0].field("response_format") == "b64_json"


def test_a_cancelled_turn_makes_no_call(
    server: FakeImagesServer, backend: OpenAIImagesBackend
) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        backend.edit(EditRequest(prompt="x", image=photo()), cancel=token)
    assert server.requests == []


# -- sizes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "width", "height", "size"),
    [
        ("gpt-image-1", 64, 48, (1536, 1024)),
        ("gpt-image-1", 48, 64, (1024, 1536)),
        ("gpt-image-1", 100, 90, (1024, 1024)),
        ("gpt-image-1", 4000, 1000, (1536, 1024)),
        ("dall-e-3", 1920, 1080, (1792, 1024)),
        ("dall-e-3", 500, 1000, (1024, 1792)),
        ("dall-e-2", 64, 48, (256, 256)),
        ("dall-e-2", 600, 600, (1024, 1024)),
        ("dall-e-2", 3000, 3000, (1024, 1024)),
        ("some-local-model", 30, 60, (1024, 1536)),
    ],
)
def test_the_size_is_the_supported_one_closest_in_aspect(
    model: str, width: int, height: int, size: tuple[int, int]
) -> None:
    assert choose_size(model, width, height) == size


# -- errors and the key -------------------------------------------------------------------------


def test_a_content_policy_refusal_is_a_blocked_error(
    server: FakeImagesServer, backend: OpenAIImagesBackend
) -> None:
    server.answers.append(
        (
            400,
            {
                "error": {
                    "message": "Your request was rejected by the safety system.",
                    "type": "invalid_request_error",
                    "code": "content_policy_violation",
                }
            },
        )
    )
    with pytest.raises(BlockedError, match=r"HTTP 400 from .*rejected by the safety system"):
        backend.generate(GenerateRequest(prompt="something forbidden"))


def test_a_moderation_block_on_an_edit_is_a_blocked_error(
    server: FakeImagesServer, backend: OpenAIImagesBackend
) -> None:
    server.answers.append((400, {"error": {"message": "blocked", "code": "moderation_blocked"}}))
    with pytest.raises(BlockedError):
        backend.edit(EditRequest(prompt="x", image=photo()))


def test_rate_limits_are_quota_errors(
    server: FakeImagesServer, backend: OpenAIImagesBackend
) -> None:
    server.answers.append((429, {"error": {"message": "Rate limit reached", "type": "requests"}}))
    with pytest.raises(QuotaError, match=r"HTTP 429.*Rate limit reached") as caught:
        backend.generate(GenerateRequest(prompt="x"))
    assert isinstance(caught.value, BackendError)
    assert caught.value.backend == "openai"


def test_a_server_error_names_the_status_and_the_sdk_retries_it(
    server: FakeImagesServer,
) -> None:
    backend = OpenAIImagesBackend(FIXED, base_url=server.base_url, api_key=KEY, max_retries=1)
    server.answers += [(500, {"error": {"message": "boom"}})] * 2
    with pytest.raises(BackendError, match=r"HTTP 500 from .*: boom") as caught:
        backend.generate(GenerateRequest(prompt="x"))
    assert type(caught.value) is BackendError
    assert len(server.requests) == 2

    server.answers.append((500, {"error": {"message": "boom"}}))
    assert backend.generate(GenerateRequest(prompt="x")).image.shape == (1024, 1024, 3)


def test_no_server_is_a_backend_error_naming_the_base_url() -> None:
    port = unused_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    backend = OpenAIImagesBackend(FIXED, base_url=base_url, api_key=KEY, max_retries=0, timeout=5)
    with pytest.raises(BackendError, match=f"cannot reach {base_url}"):
        backend.generate(GenerateRequest(prompt="x"))


def test_the_key_is_never_in_errors_or_config(server: FakeImagesServer) -> None:
    secret = "sk-very-secret-123"
    backend = OpenAIImagesBackend(FIXED, base_url=server.base_url, api_key=secret, max_retries=0)
    server.answers.append((401, {"error": {"message": f"Incorrect API key provided: {secret}"}}))
    with pytest.raises(BackendError) as caught:
        backend.generate(GenerateRequest(prompt="x"))
    assert secret not in str(caught.value)
    assert "***" in str(caught.value)
    assert server.requests[0].headers["authorization"] == f"Bearer {secret}"
    assert secret not in json.dumps(backend.config())
    assert secret not in repr(backend)
    assert backend.config() == {
        "model": FIXED,
        "base_url": server.base_url,
        "size": None,
        "quality": None,
        "n": 1,
        "timeout": 120.0,
        "max_retries": 0,
    }


def test_the_key_comes_from_the_environment_and_the_official_api_needs_one(
    server: FakeImagesServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "env-key")
    OpenAIImagesBackend(FIXED, base_url=server.base_url).generate(GenerateRequest(prompt="x"))
    assert server.requests[0].headers["authorization"] == "Bearer env-key"
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        OpenAIImagesBackend(FIXED)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 0}, "n must be between 1 and 10"),
        ({"size": "big"}, "size must be WIDTHxHEIGHT"),
        ({"timeout": 0}, "timeout must be a positive"),
        ({"base_url": "localhost:8080"}, "base_url must be an http"),
    ],
)
def test_a_configuration_that_cannot_work_is_refused(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        OpenAIImagesBackend(FIXED, api_key=KEY, **kwargs)


def test_the_backend_is_an_image_model(backend: OpenAIImagesBackend) -> None:
    assert isinstance(backend, ImageModel)
    assert backend.name == "openai"
    caps = backend.capabilities
    assert (caps.generate, caps.edit, caps.masks, caps.preserves_unedited) == (
        True,
        True,
        True,
        False,
    )
    assert caps.preferred_sizes == ((1024, 1024), (1536, 1024), (1024, 1536))


# -- through a session --------------------------------------------------------------------------


def test_a_session_turn_with_a_given_plan_stores_the_openai_version(
    server: FakeImagesServer, store: Store
) -> None:
    backend = OpenAIImagesBackend(FIXED, base_url=server.base_url, api_key=KEY, max_retries=0)
    session = Session.start(store, photo(), backend=backend)
    plan = EditPlan(
        instruction="make the sky purple",
        steps=(Step(op="generate_edit", params={"prompt": "make the sky purple"}),),
        planner="test",
    )
    turn = session.apply("make the sky purple", plan=plan)

    assert turn.version is not None
    assert turn.version.backend == "openai"
    assert turn.version.backend_config["model"] == FIXED
    [request] = server.requests
    assert request.field("prompt") == "make the sky purple"


def test_a_session_turn_on_the_openai_backend_plans_one_generative_edit(
    server: FakeImagesServer, store: Store
) -> None:
    backend = OpenAIImagesBackend(FIXED, base_url=server.base_url, api_key=KEY, max_retries=0)
    session = Session.start(store, photo(), backend=backend)
    turn = session.apply("make the sky purple")

    assert turn.version is not None
    assert turn.version.backend == "openai"
    assert turn.plan is not None
    assert [step.op for step in turn.plan.steps] == ["generate_edit"]
    [request] = server.requests
    assert request.path == "/v1/images/edits"
    assert "make the sky purple" in request.field("prompt")
    images = [part for part in request.parts if part.name in ("image", "image[]")]
    assert decode(images[0].data).shape == (48, 64, 3)


def test_the_default_model_is_the_tables_and_draws_the_sources_own_size(
    server: FakeImagesServer,
) -> None:
    from gouache.backends.models import default_model

    backend = OpenAIImagesBackend(base_url=server.base_url, api_key=KEY, max_retries=0)
    assert backend.model == default_model("openai") == "gpt-image-2.5-sunburst"
    assert backend.capabilities.max_references == 15
    assert backend.capabilities.size_multiple == 16
    backend.edit(EditRequest(prompt="x", image=photo(height=900, width=1203)))
    assert server.requests[0].field("size") == "1200x896"  # multiples of 16
    backend.close()


@pytest.mark.parametrize("model", ["gpt-image-2", "gpt-image-2.5-sunburst", "gpt-image-2.5-flare"])
@pytest.mark.parametrize(
    ("width", "height", "size"),
    [
        (1203, 900, (1200, 896)),
        (300, 200, (1024, 688)),
        (5000, 2800, (3840, 2144)),  # at most 3840x2160 pixels
        (4000, 4000, (2880, 2880)),
        (8000, 1000, (3840, 1280)),  # 8:1 narrowed to the 3:1 the API takes
        (100, 1000, (336, 1008)),
    ],
)
def test_a_free_size_model_keeps_the_aspect_on_multiples_of_16_within_the_apis_limits(
    model: str, width: int, height: int, size: tuple[int, int]
) -> None:
    chosen = choose_size(model, width, height)

    assert chosen == size
    assert chosen[0] % 16 == chosen[1] % 16 == 0
    assert max(chosen) / min(chosen) <= 3
    assert chosen[0] * chosen[1] <= 3840 * 2160


def test_a_panorama_wider_than_the_model_draws_gets_a_note(server: FakeImagesServer) -> None:
    backend = OpenAIImagesBackend(base_url=server.base_url, api_key=KEY, max_retries=0)

    result = backend.edit(EditRequest(prompt="x", image=photo(height=40, width=400)))

    assert server.requests[0].field("size") == "1008x336"
    assert any("draws aspects up to 3:1; asked for 1008x336" in note for note in result.notes)
    backend.close()


def test_a_streamed_edit_reports_each_partial_image_and_keeps_the_completed_one(
    server: FakeImagesServer,
) -> None:
    backend = OpenAIImagesBackend(
        base_url=server.base_url, api_key=KEY, max_retries=0, partial_images=2
    )
    seen: list[Progress] = []

    result = backend.edit(EditRequest(prompt="purple sky", image=photo()), progress=seen.append)

    [request] = server.requests
    assert request.field("stream") == "true"
    assert request.field("partial_images") == "2"
    assert [p.message for p in seen if p.message.startswith("partial")] == [
        "partial image 1 of 2",
        "partial image 2 of 2",
    ]
    assert tuple(result.image[0, 0]) == PURPLE
    assert backend.config()["partial_images"] == 2
    backend.close()


def test_a_generate_from_references_streams_through_the_same_edit_call(
    server: FakeImagesServer,
) -> None:
    backend = OpenAIImagesBackend(
        base_url=server.base_url, api_key=KEY, max_retries=0, partial_images=1
    )
    seen: list[Progress] = []

    result = backend.generate(
        GenerateRequest(prompt="the same cat, sleeping", references=(photo(),)),
        progress=seen.append,
    )

    [request] = server.requests
    assert request.path == "/v1/images/edits"
    assert request.field("stream") == "true"
    assert [p.message for p in seen if p.message.startswith("partial")] == ["partial image 1 of 1"]
    assert tuple(result.image[0, 0]) == PURPLE
    backend.close()


def test_more_than_three_partial_images_are_refused() -> None:
    with pytest.raises(ValueError, match="partial_images is 0 to 3"):
        OpenAIImagesBackend(api_key=KEY, partial_images=4)
