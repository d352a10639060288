"""Gemini's Interactions API: the request gouache sends and how it reads the answer.

    POST {base_url}/{api_version}/interactions                        header x-goog-api-key
    {"model": "gemini-nano-banana-2.1",
     "input": [{"type": "user_input", "content": [{"type": "text", "text": prompt},
                                                   {"type": "image", "mime_type": "image/png",
                                                    "data": base64}, ...]}],
     "response_format": [{"type": "image", "aspect_ratio": "4:3", "image_size": "2K"},
                         {"type": "text"}],
     "generation_config": {"seed": 7}, "store": false}

    -> {"id": "...", "status": "completed",
        "steps": [{"type": "user_input", ...},
                  {"type": "model_output", "content": [{"type": "text", "text": "..."},
                                                       {"type": "image", "data": base64}]}]}

Sources: google-genai 3.6.1, `Client.interactions.create` and its generated types
(`google/genai/_gaos/types/interactions/createmodelinteraction.py`, `imageresponseformat.py`,
`interaction.py`, whose `output_image` / `output_text` the SDK derives from the last model
output); https://ai.google.dev/static/api/interactions-v1.openapi.json (CreateInteraction).
`response_format` replaces the deprecated `response_modalities` / `generation_config.image_config`.

`store` is false: an interaction is otherwise kept on Google's side so that a later one can
continue it (`previous_interaction_id`); gouache keeps its own history and sends each turn
whole, so nothing needs to stay there.

The SDK raises its own errors for this API (`google.genai._interactions_errors`, a private
module): they are read by attribute (`status_code`, `body`, `response`), never imported.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from gouache.errors import BackendError, BlockedError
from gouache.images import Image, encode_png

NAME = "gemini"


def request(
    model: str,
    prompt: str,
    images: Sequence[Image],
    *,
    aspect_ratio: str | None,
    image_size: str | None,
    seed: int | None,
) -> dict[str, Any]:
    """The keyword arguments of `client.interactions.create` for one image turn."""
    content: list[dict[str, Any]] = [{"type": "text", "text": prompt}]
    for image in images:
        data = base64.b64encode(encode_png(image)).decode("ascii")
        content.append({"type": "image", "mime_type": "image/png", "data": data})
    image_format: dict[str, Any] = {"type": "image"}
    if aspect_ratio:
        image_format["aspect_ratio"] = aspect_ratio
    if image_size:
        image_format["image_size"] = image_size
    body: dict[str, Any] = {
        "model": model,
        "input": [{"type": "user_input", "content": content}],
        "response_format": [image_format, {"type": "text"}],
        "store": False,
    }
    if seed is not None:
        body["generation_config"] = {"seed": seed}
    return body


def read(interaction: Any, model: str, blocking: frozenset[str]) -> tuple[bytes, str]:
    """The image's bytes and what the model said; a withheld or failed answer raises."""
    # 1. an error the model reported inside its output (a safety block among them)
    for step in interaction.steps or []:
        error = getattr(step, "error", None)
        if getattr(step, "type", None) == "model_output" and error is not None:
            reason = _blocking_reason(error.details or [], blocking)
            message = error.message or "no message"
            if reason is not None:
                raise BlockedError(
                    f"Gemini withheld the answer ({reason}): {message}", reason=reason, backend=NAME
                )
            raise BackendError(f"{model}: the model reported an error: {message}", backend=NAME)

    # 2. the picture, inline
    text = (interaction.output_text or "").strip()
    image = interaction.output_image
    status = str(interaction.status)
    if image is None or not image.data:
        if image is not None and image.uri:
            raise BackendError(f"{model} sent a link to the image, not the image", backend=NAME)
        said = f"only text: {text!r}" if text else "neither an image nor text"
        problems = "; ".join(e.message or e.code or "" for e in interaction.errors or [])
        ending = f" (status {status}{': ' + problems if problems else ''})"
        raise BackendError(
            f"{model} sent no image, {said}{ending if status != 'completed' else ''}",
            backend=NAME,
        )
    data = image.data
    try:
        raw = base64.b64decode(data) if isinstance(data, str) else bytes(data)
    except ValueError:
        raise BackendError(f"{model} sent an image that is not base64", backend=NAME) from None
    return raw, text


def is_api_error(err: BaseException) -> bool:
    """An error raised by the SDK's Interactions client (matched by its root class's name)."""
    return any(
        cls.__name__ == "GeminiNextGenAPIClientError" and cls.__module__.startswith("google.genai")
        for cls in type(err).__mro__
    )


def status_code(err: BaseException) -> int | None:
    """The HTTP status of an Interactions error; None for a network failure."""
    code = getattr(err, "status_code", None) if is_api_error(err) else None
    return code if isinstance(code, int) else None


def is_connection_error(err: BaseException) -> bool:
    """A timeout or refused connection, as the Interactions client reports it."""
    return is_api_error(err) and any(
        cls.__name__ == "APIConnectionError" for cls in type(err).__mro__
    )


def error_body(err: BaseException) -> dict[str, Any]:
    """The server's JSON error (`{"error": {"code", "message", "status", "details"}}`)."""
    body = getattr(err, "body", None)
    return body if isinstance(body, dict) else {}


def _blocking_reason(details: Sequence[dict[str, Any]], blocking: frozenset[str]) -> str | None:
    """A google.rpc.ErrorInfo `reason` that names a safety or policy filter."""
    for detail in details:
        reason = str(detail.get("reason", "")) if isinstance(detail, dict) else ""
        if reason in blocking:
            return reason
    return None
