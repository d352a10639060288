"""Gemini image models ("Nano Banana") through the `google-genai` SDK.

One call per request, text and images in, text and images out. The model table
(gouache.backends.models) says which API serves a model; a profile may pick the other with
`api = "interactions"`. The Interactions API's request and answer are in
gouache.backends.gemini_interactions; `generate_content`'s are:

    POST {base_url}/{api_version}/models/{model}:generateContent      header x-goog-api-key
    {"contents": [{"role": "user", "parts": [{"text": prompt},
                                             {"inlineData": {"mimeType": "image/png", "data": ...}},
                                             ...]}],
     "generationConfig": {"responseModalities": ["TEXT", "IMAGE"],
                          "imageConfig": {"aspectRatio": "4:3", "imageSize": "2K"}, "seed": 7}}

The answer's first image part is the new image; its text parts are what the model said, shown
in the conversation. An edit sends the prompt, the current image as PNG, then the references.
The table sets how many references a model takes (13 for the 3.x models, 2 for 2.5 Flash
Image, 3 for a model it does not list) and its aspect ratios and sizes. Gemini keeps no
pixels by construction (`preserves_unedited` is False): the guard aligns and copies back.
Masks and negative prompts are refused (write what to avoid in the prompt); steps, guidance
and strength do not apply and are noted as ignored.

Errors: a prompt or an answer blocked by the safety filters -> `BlockedError` (with the
reason), HTTP 429 -> `QuotaError`, 5xx and network failures are retried with exponential
backoff within `max_retries`, any other HTTP error -> `BackendError` with the server's message.
The API key is never recorded, logged or put in a message.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from gouache.backends import gemini_interactions
from gouache.backends.base import Capabilities, EditRequest, GenerateRequest, ImageResult, JSONValue
from gouache.backends.models import GEMINI_RATIOS, default_model, model_info
from gouache.backends.retry import retry
from gouache.errors import (
    BackendError,
    BlockedError,
    GouacheError,
    InvalidImageError,
    QuotaError,
    UnsupportedError,
)
from gouache.images import Image, encode_png, load_image
from gouache.progress import CancelToken, Progress, ProgressCallback

if TYPE_CHECKING:
    from google.genai import Client, types

NAME = "gemini"
DEFAULT_MODEL = default_model(NAME)
API_KEY_VARIABLES = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
INSTALL_HINT = 'the Gemini backend needs google-genai: pip install "gouache[gemini]"'

# The ratios every Gemini image model accepts in `image_config.aspect_ratio`; the table
# lists more for the models that take them.
ASPECT_RATIOS = GEMINI_RATIOS
APIS = ("generate_content", "interactions")
# Finish reasons that mean a safety or policy filter withheld the answer (any prompt
# `blockReason` is a block too).
BLOCKING_REASONS = frozenset(
    {
        "SAFETY",
        "RECITATION",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
        "MODEL_ARMOR",
    }
)
# Images besides the edited one, for a model the table (gouache.backends.models) lacks.
MAX_REFERENCES = 3


class GeminiBackend:
    """Gemini image generation and editing; the constructor arguments are the recipe."""

    # It takes the instruction as its prompt; no operator plan.
    operators: None = None

    name = NAME

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        api_version: str | None = None,
        aspect_ratio: str | None = None,
        image_size: str | None = None,
        api: str | None = None,
        max_retries: int = 3,
        timeout: float = 120.0,
        retry_delay: float = 1.0,
        client: Any = None,
    ) -> None:
        info = model_info(model)
        ratios = info.aspect_ratios if info is not None and info.aspect_ratios else ASPECT_RATIOS
        if aspect_ratio is not None and aspect_ratio not in ratios:
            raise UnsupportedError(
                f"{model} takes aspect ratios {', '.join(ratios)}, not {aspect_ratio!r}",
                backend=NAME,
            )
        if api is not None and api not in APIS:
            raise UnsupportedError(
                f"the Gemini backend speaks {' or '.join(APIS)}, not api={api!r}", backend=NAME
            )
        if image_size is not None and info is not None and image_size not in info.image_sizes:
            sizes = ", ".join(info.image_sizes) or "none (leave image_size unset)"
            raise UnsupportedError(
                f"{model} takes image sizes {sizes}, not {image_size!r}", backend=NAME
            )
        if max_retries < 0:
            raise ValueError(f"max_retries must not be negative, not {max_retries}")
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout}")
        self.model = model
        self.base_url = base_url
        self.api_version = api_version
        self.aspect_ratio = aspect_ratio
        self.image_size = image_size
        self.api = api or (info.api if info is not None else APIS[0])
        self.aspect_ratios = ratios
        self.max_retries = max_retries
        self.timeout = timeout
        self.retry_delay = retry_delay
        self.capabilities = Capabilities(
            generate=True,
            edit=True,
            max_references=info.max_images - 1 if info is not None else MAX_REFERENCES,
            masks=False,
            preserves_unedited=False,
        )
        _sdk()  # fail now, with the install hint, rather than on the first turn
        if client is None:
            key = api_key or next(
                (os.environ[v] for v in API_KEY_VARIABLES if os.environ.get(v)), ""
            )
            if not key:
                raise UnsupportedError(
                    "the Gemini backend needs an API key: set GEMINI_API_KEY (or GOOGLE_API_KEY)",
                    backend=NAME,
                )
            client = self._make_client(key)
        self._client: Client = client
        # Only to scrub from messages; never stored anywhere else.
        self._secret = api_key or getattr(getattr(client, "_api_client", None), "api_key", None)

    def __repr__(self) -> str:
        return f"GeminiBackend(model={self.model!r})"

    def config(self) -> dict[str, JSONValue]:
        """The constructor arguments, without the API key or the client."""
        return {
            "model": self.model,
            "base_url": self.base_url,
            "api_version": self.api_version,
            "aspect_ratio": self.aspect_ratio,
            "image_size": self.image_size,
            "api": self.api,
            "max_retries": self.max_retries,
            "timeout": self.timeout,
            "retry_delay": self.retry_delay,
        }

    # -- the protocol -----------------------------------------------------------------------

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        """Draw an image from `request.prompt`, with the references after it."""
        # 1. check inputs
        notes = _unsupported(request.negative_prompt, None)
        notes += _ignored(
            num_inference_steps=request.num_inference_steps,
            guidance_scale=request.guidance_scale,
        )
        self._check_references(request.references)

        # 2. choose the aspect ratio: configured, else the closest to the requested size
        size = (request.width, request.height) if request.width and request.height else None
        ratio = self.aspect_ratio or (
            closest_aspect_ratio(*size, ratios=self.aspect_ratios) if size else None
        )

        # 3. call the model with the prompt, then the references, and read its answer
        images = tuple(request.references)
        return self._run(request.prompt, images, ratio, request.seed, notes, progress, cancel)

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        """Change `request.image` as `request.prompt` says, with the references after it."""
        # 1. check inputs
        notes = _unsupported(request.negative_prompt, request.mask_image)
        notes += _ignored(
            num_inference_steps=request.num_inference_steps,
            guidance_scale=request.guidance_scale,
            strength=request.strength,
        )
        self._check_references(request.references)

        # 2. choose the aspect ratio: configured, else the requested size's, else the image's
        if request.width and request.height:
            width, height = request.width, request.height
        else:
            height, width = int(request.image.shape[0]), int(request.image.shape[1])
        ratio = self.aspect_ratio or closest_aspect_ratio(width, height, ratios=self.aspect_ratios)

        # 3. call the model with the prompt, the current image as PNG, then the references,
        #    and read its answer
        images = (request.image, *request.references)
        return self._run(request.prompt, images, ratio, request.seed, notes, progress, cancel)

    # -- the call ---------------------------------------------------------------------------

    def _run(
        self,
        prompt: str,
        images: tuple[Image, ...],
        ratio: str | None,
        seed: int | None,
        notes: tuple[str, ...],
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> ImageResult:
        from google.genai import errors

        send = self._sender(prompt, images, ratio, seed)
        tries = self.max_retries + 1

        def attempt() -> Any:
            if cancel is not None:
                cancel.raise_if_cancelled()
            return send()

        def waiting(number: int, err: BaseException, delay: float) -> None:
            if progress is not None:
                why = self._describe(err)
                progress(Progress(number, tries, f"{why}; trying again in {delay:g} s"))

        if progress is not None:
            progress(Progress(0, tries, f"asking {self.model}"))
        try:
            response = retry(
                attempt,
                attempts=tries,
                base_delay=self.retry_delay,
                is_retryable=_retryable,
                sleep=_sleeper(cancel),
                on_retry=waiting,
                hint=_retry_hint,
            )
        except GouacheError:
            raise
        except errors.APIError as err:
            raise self._api_error(int(err.code or 0), err.message or err.status, tries) from None
        except Exception as err:
            code = gemini_interactions.status_code(err)
            if code is not None:
                error = gemini_interactions.error_body(err).get("error", {})
                message = error.get("message") if isinstance(error, dict) else None
                raise self._api_error(code, message or str(err), tries) from None
            if _transient(err):
                raise BackendError(
                    f"{self.model}: {self._describe(err)} after {tries} tries", backend=NAME
                ) from None
            raise
        if progress is not None:
            progress(Progress(tries, tries, "answer received"))

        params: dict[str, JSONValue] = {"model": self.model, "aspect_ratio": ratio}
        if self.image_size:
            params["image_size"] = self.image_size
        if self.api == "interactions":
            data, text = gemini_interactions.read(response, self.model, BLOCKING_REASONS)
            return self._result(data, text, seed, params, notes)
        return self._read(response, seed, params, notes)

    def _sender(
        self, prompt: str, images: tuple[Image, ...], ratio: str | None, seed: int | None
    ) -> Callable[[], Any]:
        """One call to the model's API, ready to repeat."""
        from google.genai import types

        if self.api == "interactions":
            body = gemini_interactions.request(
                self.model,
                prompt,
                images,
                aspect_ratio=ratio,
                image_size=self.image_size,
                seed=seed,
            )
            create: Callable[..., Any] = self._client.interactions.create
            return lambda: create(**body)

        contents: list[Any] = [prompt, *(_png_part(image) for image in images)]
        config = types.GenerateContentConfig(
            response_modalities=["TEXT", "IMAGE"],
            image_config=(
                types.ImageConfig(aspect_ratio=ratio, image_size=self.image_size)
                if ratio or self.image_size
                else None
            ),
            seed=seed,
        )
        return lambda: self._client.models.generate_content(
            model=self.model, contents=contents, config=config
        )

    def _read(
        self,
        response: types.GenerateContentResponse,
        seed: int | None,
        params: dict[str, JSONValue],
        notes: tuple[str, ...],
    ) -> ImageResult:
        """The first image part and the joined text parts; blocked answers raise."""
        # 1. a prompt blocked before the model saw it
        feedback = response.prompt_feedback
        if feedback is not None and feedback.block_reason is not None:
            reason = _enum_name(feedback.block_reason)
            detail = f": {feedback.block_reason_message}" if feedback.block_reason_message else ""
            raise BlockedError(
                f"Gemini blocked the prompt ({reason}){detail}", reason=reason, backend=NAME
            )

        # 2. an answer withheld by a filter
        candidates = response.candidates or []
        if not candidates:
            raise BackendError(f"{self.model} sent no answer (no candidates)", backend=NAME)
        candidate = candidates[0]
        finish = _enum_name(candidate.finish_reason) if candidate.finish_reason else None
        if finish in BLOCKING_REASONS:
            detail = f": {candidate.finish_message}" if candidate.finish_message else ""
            raise BlockedError(
                f"Gemini withheld the answer ({finish}){detail}", reason=finish, backend=NAME
            )

        # 3. the first image and what the model said
        parts = candidate.content.parts if candidate.content and candidate.content.parts else []
        texts = [part.text.strip() for part in parts if part.text and not part.thought]
        text = "\n".join(t for t in texts if t)
        blob = next(
            (
                part.inline_data
                for part in parts
                if part.inline_data is not None
                and part.inline_data.data
                and (part.inline_data.mime_type or "").startswith("image/")
            ),
            None,
        )
        if blob is None or blob.data is None:
            said = f"only text: {text!r}" if text else "neither an image nor text"
            ending = f" (finish reason {finish})" if finish and finish != "STOP" else ""
            raise BackendError(f"{self.model} sent no image, {said}{ending}", backend=NAME)
        return self._result(blob.data, text, seed, params, notes)

    def _result(
        self,
        data: bytes,
        text: str,
        seed: int | None,
        params: dict[str, JSONValue],
        notes: tuple[str, ...],
    ) -> ImageResult:
        try:
            loaded = load_image(data, name=f"{self.model} answer")
        except InvalidImageError as err:
            message = f"{self.model} sent an unreadable image: {err}"
            raise BackendError(message, backend=NAME) from None
        return ImageResult(
            image=loaded.pixels,
            seed=seed,
            text=self._scrub(text),
            params=params,
            notes=(*notes, *loaded.notes),
        )

    # -- helpers ----------------------------------------------------------------------------

    def _make_client(self, key: str) -> Client:
        from google import genai
        from google.genai import types

        options = types.HttpOptions(
            base_url=self.base_url,
            api_version=self.api_version,
            timeout=max(1, round(self.timeout * 1000)),  # milliseconds
            # One retry layer (gouache.backends.retry, with progress and cancellation): the
            # SDK's own is off. google-genai `types.HttpRetryOptions.attempts`: "If 0 or 1, it
            # means no retries"; without retry_options it also retries connection errors.
            retry_options=types.HttpRetryOptions(attempts=1),
        )
        return genai.Client(api_key=key, http_options=options)

    def _check_references(self, references: Sequence[Image]) -> None:
        limit = self.capabilities.max_references
        if len(references) > limit:
            raise UnsupportedError(
                f"{self.model} takes at most {limit} reference images; {len(references)} given",
                backend=NAME,
            )

    def _api_error(self, code: int, message: str | None, tries: int) -> BackendError:
        message = self._scrub(str(message or "no message"))
        if code == 429:
            return QuotaError(
                f"{self.model}: quota or rate limit reached (HTTP 429, {message}) "
                f"after {tries} tries; try again later",
                backend=NAME,
            )
        if code >= 500:
            return BackendError(
                f"{self.model}: server error HTTP {code} ({message}) after {tries} tries",
                backend=NAME,
            )
        return BackendError(f"{self.model}: HTTP {code}: {message}", backend=NAME)

    def _describe(self, err: BaseException) -> str:
        code = getattr(err, "code", None)
        code = code if isinstance(code, int) else gemini_interactions.status_code(err)
        if isinstance(code, int):
            return f"HTTP {code}"
        return self._scrub(f"{type(err).__name__}: {err}")

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text


def closest_aspect_ratio(width: int, height: int, *, ratios: Sequence[str] = ASPECT_RATIOS) -> str:
    """The Gemini aspect ratio among `ratios` nearest to width:height (on a log scale)."""
    if width < 1 or height < 1:
        raise ValueError(f"width and height must be positive, not {width}x{height}")
    target = math.log(width / height)

    def distance(ratio: str) -> float:
        w, h = ratio.split(":")
        return abs(math.log(int(w) / int(h)) - target)

    return min(ratios, key=distance)


def _sdk() -> None:
    try:
        import google.genai  # noqa: F401
    except ImportError:
        raise UnsupportedError(INSTALL_HINT, backend=NAME) from None


def _png_part(image: Image) -> types.Part:
    from google.genai import types

    return types.Part.from_bytes(data=encode_png(image), mime_type="image/png")


def _unsupported(negative_prompt: str | None, mask_image: Image | None) -> tuple[str, ...]:
    if mask_image is not None:
        raise UnsupportedError(
            "Gemini takes no mask; say in the prompt which part to change", backend=NAME
        )
    if negative_prompt:
        raise UnsupportedError(
            "Gemini takes no negative prompt; say in the prompt what to avoid", backend=NAME
        )
    return ()


def _ignored(**values: float | int | None) -> tuple[str, ...]:
    given = [name for name, value in values.items() if value is not None]
    return (f"ignored by Gemini: {', '.join(given)}",) if given else ()


def _enum_name(value: Any) -> str:
    return str(getattr(value, "value", value))


def _transient(err: BaseException) -> bool:
    """A network failure (timeout, refused connection) of httpx or its fork httpx2, which
    google-genai uses depending on its version; matched by name so neither is imported."""
    if gemini_interactions.is_connection_error(err):
        return True
    return any(
        cls.__name__ == "TransportError" and cls.__module__.split(".")[0] in {"httpx", "httpx2"}
        for cls in type(err).__mro__
    )


def _retryable(err: BaseException) -> bool:
    from google.genai import errors

    if isinstance(err, errors.APIError):
        return err.code == 429 or err.code >= 500
    code = gemini_interactions.status_code(err)
    if code is not None:
        return code == 429 or code >= 500
    return _transient(err)


def _retry_hint(err: BaseException) -> float | None:
    """How long the server asked to wait, in seconds: a google.rpc.RetryInfo detail
    (`"retryDelay": "17s"`, as the Gemini API sends with 429) or a Retry-After header."""
    from google.genai import errors

    if isinstance(err, errors.APIError):
        body = err.details if isinstance(err.details, dict) else {}
    elif gemini_interactions.status_code(err) is not None:
        body = gemini_interactions.error_body(err)
    else:
        return None
    error = body.get("error", body)
    for detail in error.get("details", []) if isinstance(error, dict) else []:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
            text = str(detail.get("retryDelay", "")).strip()
            try:
                return float(text.removesuffix("s"))
            except ValueError:
                return None
    headers = getattr(getattr(err, "response", None), "headers", None)
    after = headers.get("retry-after") if headers is not None else None
    try:
        return float(after) if after is not None else None
    except ValueError:
        return None  # an HTTP date: rare for this API; the backoff applies


def _sleeper(cancel: CancelToken | None) -> Callable[[float], None]:
    """Wait between tries, waking early (and stopping) when the turn is cancelled."""
    import time

    def sleep(seconds: float) -> None:
        if cancel is None:
            time.sleep(seconds)
            return
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            cancel.raise_if_cancelled()
            time.sleep(min(left, 0.05))
        cancel.raise_if_cancelled()

    return sleep
