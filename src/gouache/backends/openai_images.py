"""The OpenAI images backend: `images.generate` and `images.edit`, on OpenAI or any server that
speaks the same wire format (`POST {base_url}/images/generations`, JSON;
`POST {base_url}/images/edits`, multipart/form-data). It uses the official `openai` SDK
(`pip install 'gouache[openai]'`), imported only when a backend is made.

How a request becomes a call:

1. Inputs are checked: cancellation first, then the mask's shape.
2. The size: the configured `size` when given, else the model's supported size whose aspect is
   closest to the source image (edit) or to `width` x `height` (generate); see `SIZES`. Among
   sizes of the same aspect (dall-e-2's squares) the smallest that covers the source's longer
   side wins, else the largest. A model not in `SIZES` (a name another server uses) gets the
   GPT image sizes; configure `size` to send something else.
3. `edit` sends the current image first, then the references, each as a PNG file: one image
   goes out as the form field `image`, several as `image[]` parts in that order. GPT image
   models take up to 16 images (the SDK's documentation of `image`), so the current image plus
   15 references; dall-e-2 takes one. gouache's `mask_image` (uint8, HxW or HxWx1/3, nonzero =
   "edit here") goes out as `mask`: an RGBA PNG of the first image's size, alpha 0 where the
   edit may happen and 255 elsewhere (the API edits where the mask is fully transparent).
   `generate` with references is an edit of the references with no mask.
4. One call. GPT image models always answer in base64; for other models `response_format`
   is set to `b64_json`. An answer with only a URL is refused: gouache downloads nothing
   from addresses a server hands back.
5. The first image of `data` is decoded. With `n > 1` the others are dropped and a note says
   how many came back: gouache's critique loop asks for more candidates by seed, one call
   each. `revised_prompt`, when a model sends one, becomes the result's text.

The result comes back at the size the API drew (1024x1024, 1536x1024 ...), not the source's:
the session's guard maps it back onto the source's grid. The images API takes no seed and no
negative prompt; a request that carries them gets a note saying they were not sent.

Errors: HTTP 429 -> QuotaError; a 400 whose code is `content_policy_violation` or
`moderation_blocked` -> BlockedError; any other HTTP error -> BackendError with the status and
the server's message; no connection or no answer in time -> BackendError naming the server.
Retries are the SDK's own (`max_retries`, with backoff, on connection errors, 408, 409, 429
and 5xx). With `partial_images` (1 to 3, for models that stream: gouache.backends.models) an
edit is streamed and each partial image is reported as progress. The API key never appears
in a message, a note or `config()`.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from gouache.backends.base import Capabilities, EditRequest, GenerateRequest, ImageResult, JSONValue
from gouache.backends.models import default_model, model_info
from gouache.errors import (
    BackendError,
    BlockedError,
    InputError,
    InvalidImageError,
    QuotaError,
    UnsupportedError,
)
from gouache.images import encode_png, load_image
from gouache.progress import CancelToken, Progress, ProgressCallback

if TYPE_CHECKING:
    import httpx2
    import openai
    from openai.types import ImagesResponse

    from gouache.images import Image

NAME = "openai"
DEFAULT_MODEL = default_model(NAME)
# A free-size model is asked for at least this long an edge (a small source is scaled up).
FREE_MIN_EDGE = 1024
DEFAULT_BASE_URL = "https://api.openai.com/v1"
# The key sent to a server given by base_url when none is configured: local servers ignore it,
# and the SDK refuses to run without one.
NO_KEY = "not-needed"

_GPT_IMAGE_SIZES = ((1024, 1024), (1536, 1024), (1024, 1536))
# (width, height) each fixed-size model draws; the first is the default when nothing says
# otherwise. Models with free sizes (gpt-image-2 and 2.5: gouache.backends.models) are not here.
SIZES: dict[str, tuple[tuple[int, int], ...]] = {
    "gpt-image-1.5": _GPT_IMAGE_SIZES,
    "gpt-image-1-mini": _GPT_IMAGE_SIZES,
    # shut down by OpenAI; kept for compatible servers that still serve the name
    "gpt-image-1": _GPT_IMAGE_SIZES,
    "dall-e-3": ((1024, 1024), (1792, 1024), (1024, 1792)),
    "dall-e-2": ((1024, 1024), (512, 512), (256, 256)),
}
# The images API streams 0 to 3 partial images before the final one.
MAX_PARTIAL_IMAGES = 3
# Images one edit call takes, the current image included.
MAX_IMAGES_GPT_IMAGE = 16
# Error codes the API gives a request its moderation refused.
BLOCKED_CODES = frozenset({"content_policy_violation", "moderation_blocked"})
# How much of a server's error message a BackendError quotes.
_QUOTE = 300
_SIZE_PATTERN = re.compile(r"^(auto|[1-9][0-9]*x[1-9][0-9]*)$")


def is_gpt_image(model: str) -> bool:
    """GPT image models answer in base64 only and refuse `response_format`."""
    return model.startswith(("gpt-image", "chatgpt-image"))


def sizes_for(model: str) -> tuple[tuple[int, int], ...]:
    """The sizes `model` draws; the GPT image sizes for a model the table does not know."""
    return SIZES.get(model, _GPT_IMAGE_SIZES)


def free_size(
    multiple: int,
    max_edge: int,
    width: int,
    height: int,
    *,
    max_pixels: int | None = None,
    max_aspect: float | None = None,
) -> tuple[int, int]:
    """The source's own size for a model that draws free sizes: its aspect, narrowed to
    `max_aspect` when wider (the API refuses more), scaled up to a long edge of FREE_MIN_EDGE
    if shorter, down to `max_edge` and `max_pixels`, each side a multiple of `multiple`."""
    long_side, short_side = max(width, height), min(width, height)
    aspect = long_side / short_side
    if max_aspect is not None:
        aspect = min(aspect, max_aspect)
    long_f, short_f = float(long_side), long_side / aspect
    scale = FREE_MIN_EDGE / long_f if long_f < FREE_MIN_EDGE else 1.0
    scale = min(scale, max_edge / long_f)
    if max_pixels is not None:
        scale = min(scale, (max_pixels / (long_f * short_f)) ** 0.5)
    short = max(multiple, round(short_f * scale / multiple) * multiple)
    long = max(short, round(long_f * scale / multiple) * multiple)
    # Rounding may cross a limit the API enforces: step the long side back until it is within.
    while long > short and (
        long > max_edge
        or (max_aspect is not None and long > short * max_aspect)
        or (max_pixels is not None and long * short > max_pixels)
    ):
        long -= multiple
    return (long, short) if width >= height else (short, long)


def choose_size(model: str, width: int, height: int) -> tuple[int, int]:
    """The size to ask for (step 2 of the recipe): the source's own for a model that draws
    free sizes, else the supported size whose aspect is closest to width/height."""
    if width < 1 or height < 1:
        raise InputError(f"cannot choose a size for a {width}x{height} picture")
    info = model_info(model)
    if info is not None and info.free_sizes and info.max_edge is not None:
        return free_size(
            info.size_multiple,
            info.max_edge,
            width,
            height,
            max_pixels=info.max_pixels,
            max_aspect=info.max_aspect,
        )
    aspect = np.log(width / height)
    longer = max(width, height)

    def key(size: tuple[int, int]) -> tuple[float, int, int]:
        off = round(abs(float(np.log(size[0] / size[1]) - aspect)), 6)
        covers = max(size) >= longer
        # Same aspect: the smallest size that covers the source, else the largest.
        return (off, 0 if covers else 1, max(size) if covers else -max(size))

    return min(sizes_for(model), key=key)


def capabilities_for(model: str) -> Capabilities:
    info = model_info(model)
    if info is not None and info.free_sizes:
        return Capabilities(
            generate=True,
            edit=True,
            max_references=info.max_images - 1,
            masks=info.masks,
            size_multiple=info.size_multiple,
            preserves_unedited=False,
        )
    sizes = sizes_for(model)
    if model == "dall-e-3":  # no edits endpoint for dall-e-3
        return Capabilities(generate=True, edit=False, preferred_sizes=sizes)
    if model == "dall-e-2":  # one square image per edit
        return Capabilities(generate=True, edit=True, masks=True, preferred_sizes=sizes)
    return Capabilities(
        generate=True,
        edit=True,
        max_references=MAX_IMAGES_GPT_IMAGE - 1,
        masks=True,
        preferred_sizes=sizes,
        preserves_unedited=False,
    )


def mask_png(mask_image: Image, width: int, height: int) -> bytes:
    """gouache's mask (nonzero = edit here) as the API's: RGBA, alpha 0 where it may edit."""
    mask = np.asarray(mask_image)
    if mask.dtype != np.uint8 or mask.ndim not in (2, 3):
        raise InputError(
            f"mask_image must be uint8 HxW or HxWx1/3, got {mask.dtype} of shape {mask.shape}"
        )
    if mask.ndim == 3 and mask.shape[2] not in (1, 3):
        raise InputError(f"mask_image must have 1 or 3 channels, got {mask.shape[2]}")
    marked = mask.any(axis=2) if mask.ndim == 3 else mask != 0
    if marked.shape != (height, width):
        raise InputError(
            f"mask_image is {marked.shape[1]}x{marked.shape[0]} but the image is {width}x{height}"
        )
    rgba = np.zeros((height, width, 4), dtype=np.uint8)
    rgba[..., 3] = np.where(marked, 0, 255).astype(np.uint8)
    return encode_png(rgba)


class OpenAIImagesBackend:
    """Images from OpenAI's images API, or any server that speaks its wire format.

    `http_client` is the SDK's HTTP client (an `httpx2.Client` since openai 3.0): inject one for
    proxies, TLS settings or tests. The backend closes only a client it made itself.
    """

    # It takes the instruction as its prompt; no operator plan.
    operators: None = None

    name = NAME

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        size: str | None = None,
        quality: str | None = None,
        n: int = 1,
        timeout: float = 120.0,
        max_retries: int = 2,
        http_client: httpx2.Client | None = None,
        partial_images: int = 0,
    ) -> None:
        if not model.strip():
            raise ValueError(
                f"OpenAIImagesBackend: model is empty; name one, e.g. {DEFAULT_MODEL!r}"
            )
        if base_url is not None and (
            urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc
        ):
            raise ValueError(
                "OpenAIImagesBackend: base_url must be an http(s) URL such as "
                f"'http://localhost:8080/v1', got {_shown(base_url)!r}"
            )
        if size is not None and not _SIZE_PATTERN.match(size):
            raise ValueError(
                f"OpenAIImagesBackend: size must be WIDTHxHEIGHT or 'auto', got {size!r}"
            )
        if not 1 <= n <= 10:
            raise ValueError(f"OpenAIImagesBackend: n must be between 1 and 10, got {n!r}")
        if not timeout > 0:
            raise ValueError(
                "OpenAIImagesBackend: timeout must be a positive number of seconds, "
                f"got {timeout!r}"
            )
        if max_retries < 0:
            raise ValueError(
                f"OpenAIImagesBackend: max_retries must be 0 or more, got {max_retries!r}"
            )
        if not 0 <= partial_images <= MAX_PARTIAL_IMAGES:
            raise ValueError(
                f"OpenAIImagesBackend: partial_images is 0 to {MAX_PARTIAL_IMAGES}, "
                f"got {partial_images!r}"
            )
        known = model_info(model)
        if partial_images and known is not None and not known.partial_images:
            raise ValueError(f"OpenAIImagesBackend: {model} does not stream partial images")
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            if base_url is None:
                raise ValueError(
                    "OpenAIImagesBackend: no API key; set OPENAI_API_KEY or pass api_key "
                    "(a local server given by base_url needs none)"
                )
            key = NO_KEY
        try:
            import openai
        except ModuleNotFoundError as err:
            raise ModuleNotFoundError(
                "the OpenAI images backend needs the openai package: pip install 'gouache[openai]'",
                name="openai",
            ) from err

        self.model = model
        self.base_url = base_url
        self.size = size
        self.quality = quality
        self.n = n
        self.timeout = timeout
        self.max_retries = max_retries
        self.partial_images = partial_images
        self.capabilities = capabilities_for(model)
        info = model_info(model)
        self._free = info is not None and info.free_sizes
        self._key = key
        self._owns_http_client = http_client is None
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=key,
            http_client=http_client,
            timeout=timeout,
            max_retries=max_retries,
        )
        self._server = _shown(base_url or DEFAULT_BASE_URL)

    def __repr__(self) -> str:
        return f"OpenAIImagesBackend(model={self.model!r}, server={self._server!r})"

    def config(self) -> dict[str, JSONValue]:
        """The constructor arguments, without the key or the HTTP client."""
        return {
            "model": self.model,
            "base_url": self.base_url,
            "size": self.size,
            "quality": self.quality,
            "n": self.n,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            # only when set, so recipes made before streaming existed read the same
            **({"partial_images": self.partial_images} if self.partial_images else {}),
        }

    def close(self) -> None:
        """Close the HTTP client the backend made; an injected one is its owner's to close."""
        if self._owns_http_client:
            self._client.close()

    # -- the ImageModel protocol ------------------------------------------------------------

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        # 1. check inputs
        if cancel is not None:
            cancel.raise_if_cancelled()
        if request.references:
            self._check_image_count(len(request.references))
        # 2. the size: configured, else the closest aspect to width x height
        first = request.references[0] if request.references else None
        width = request.width or (int(first.shape[1]) if first is not None else None)
        height = request.height or (int(first.shape[0]) if first is not None else None)
        size = self._size(width, height)
        notes = _unsent(request.seed, request.negative_prompt) + self._narrowed(size, width, height)
        # 3-4. one call: text alone, or an edit of the references with no mask
        _report(progress, 0, f"asking {self.model} at {self._server}")
        if request.references:
            files = [
                _png_file(f"reference-{i}.png", ref) for i, ref in enumerate(request.references, 1)
            ]
            response = self._call_edit(request.prompt, files, None, size, progress)
        else:
            response = self._call_generate(request.prompt, size)
        _report(progress, 1, "done")
        # 5. the first image
        return self._result(response, size, "generate", notes)

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        # 1. check inputs
        if cancel is not None:
            cancel.raise_if_cancelled()
        if not self.capabilities.edit:
            raise UnsupportedError(
                f"{self.model} cannot edit images; use a GPT image model such as {DEFAULT_MODEL}",
                backend=self.name,
            )
        self._check_image_count(1 + len(request.references))
        height, width = (int(side) for side in request.image.shape[:2])
        if self.model == "dall-e-2" and width != height:
            raise UnsupportedError(
                f"dall-e-2 edits only square images; this one is {width}x{height}",
                backend=self.name,
            )
        mask = None
        if request.mask_image is not None:
            mask = ("mask.png", mask_png(request.mask_image, width, height), "image/png")
        # 2. the size: configured, else the closest aspect to the request's or the image's
        size = self._size(request.width or width, request.height or height)
        notes = _unsent(request.seed, request.negative_prompt)
        notes += self._narrowed(size, request.width or width, request.height or height)
        # 3. the files: the current image first, then the references, in order
        files = [_png_file("image.png", request.image)]
        files += [
            _png_file(f"reference-{i}.png", ref) for i, ref in enumerate(request.references, 1)
        ]
        # 4. one call
        _report(progress, 0, f"asking {self.model} at {self._server}")
        response = self._call_edit(request.prompt, files, mask, size, progress)
        _report(progress, 1, "done")
        # 5. the first image
        return self._result(response, size, "edit", notes)

    # -- the steps ------------------------------------------------------------------------------

    def _check_image_count(self, count: int) -> None:
        most = self.capabilities.max_references + 1
        if count > most:
            raise UnsupportedError(
                f"{self.model} takes at most {most} image(s) per edit, "
                f"the current image included; {count} given",
                backend=self.name,
            )

    def _size(self, width: int | None, height: int | None) -> str:
        if self.size is not None:
            return self.size
        if width is None or height is None:
            chosen = choose_size(self.model, 1024, 1024) if self._free else sizes_for(self.model)[0]
        else:
            chosen = choose_size(self.model, width, height)
        return f"{chosen[0]}x{chosen[1]}"

    def _narrowed(self, size: str, width: int | None, height: int | None) -> tuple[str, ...]:
        """A note when the model cannot draw the asked aspect (wider than its limit)."""
        info = model_info(self.model)
        if not (self._free and info is not None and info.max_aspect and width and height):
            return ()
        if max(width, height) / min(width, height) <= info.max_aspect * 1.01:
            return ()
        return (
            f"{self.model} draws aspects up to {info.max_aspect:g}:1; asked for {size} for a "
            f"{width}x{height} picture",
        )

    def _options(self, size: str) -> dict[str, Any]:
        options: dict[str, Any] = {"model": self.model, "n": self.n, "size": size}
        if self.quality is not None:
            options["quality"] = self.quality
        if not is_gpt_image(self.model):
            options["response_format"] = "b64_json"
        return options

    def _call_generate(self, prompt: str, size: str) -> ImagesResponse:
        import openai

        try:
            response: ImagesResponse = self._client.images.generate(
                prompt=prompt, **self._options(size)
            )
        except openai.OpenAIError as err:
            raise self._translated(err) from None
        return response

    def _call_edit(
        self,
        prompt: str,
        files: Sequence[tuple[str, bytes, str]],
        mask: tuple[str, bytes, str] | None,
        size: str,
        progress: ProgressCallback | None,
    ) -> ImagesResponse:
        """One call to `/images/edits`. With `partial_images` set it is streamed
        (`stream=True, partial_images=N`): each partial image is reported as progress and the
        completed one is the answer. Events as the images API documents them:
        `image_edit.partial_image` (`partial_image_index`), then `image_edit.completed`."""
        import openai
        from openai.types import Image as ImageData
        from openai.types import ImagesResponse

        options = self._options(size)
        if mask is not None:
            options["mask"] = mask
        if self.partial_images:
            options.update(stream=True, partial_images=self.partial_images)
        # One image as the field `image` (what dall-e-2 takes), several as `image[]` parts.
        image: Any = files[0] if len(files) == 1 else list(files)
        total = self.partial_images + 1
        try:
            answer = self._client.images.edit(image=image, prompt=prompt, **options)
            if not self.partial_images:
                response: ImagesResponse = answer
                return response
            for event in answer:
                if event.type == "image_edit.partial_image":
                    if progress is not None:
                        step = event.partial_image_index + 1
                        progress(Progress(step, total, f"partial image {step} of {total - 1}"))
                elif event.type == "image_edit.completed":
                    return ImagesResponse(created=0, data=[ImageData(b64_json=event.b64_json)])
        except openai.OpenAIError as err:
            raise self._translated(err) from None
        raise BackendError(f"{self._server} ended the stream without an image", backend=self.name)

    def _result(
        self, response: ImagesResponse, size: str, endpoint: str, notes: tuple[str, ...]
    ) -> ImageResult:
        data = response.data or []
        if not data:
            raise BackendError(f"{self._server} answered with no image", backend=self.name)
        first = data[0]
        if not first.b64_json:
            said = "only a URL" if first.url else "no image data"
            raise BackendError(
                f"{self._server} answered with {said}; gouache asks for b64_json and does not "
                "download images from URLs",
                backend=self.name,
            )
        try:
            encoded = base64.b64decode(first.b64_json, validate=True)
            image = load_image(encoded, name=f"the image from {self._server}").pixels
        except (ValueError, InvalidImageError) as err:
            reason = err.message if isinstance(err, InvalidImageError) else "not base64"
            raise BackendError(
                f"{self._server} answered with an unreadable image ({reason})", backend=self.name
            ) from None
        if len(data) > 1:
            notes = (*notes, f"{len(data)} images came back; the first is kept")
        params: dict[str, JSONValue] = {
            "endpoint": endpoint,
            "model": self.model,
            "size": size,
            "n": self.n,
        }
        if self.quality is not None:
            params["quality"] = self.quality
        return ImageResult(
            image=image,
            seed=None,
            text=first.revised_prompt or "",
            params=params,
            notes=notes,
        )

    def _translated(self, err: openai.OpenAIError) -> BackendError:
        import openai

        if isinstance(err, openai.APITimeoutError):
            message = f"no answer from {self._server} within {self.timeout:g} s"
            return BackendError(self._redacted(message), backend=self.name)
        if isinstance(err, openai.APIConnectionError):
            return BackendError(self._redacted(f"cannot reach {self._server}"), backend=self.name)
        if isinstance(err, openai.APIStatusError):
            said = _server_message(err.body)
            message = f"HTTP {err.status_code} from {self._server}" + (f": {said}" if said else "")
            message = self._redacted(message)
            if isinstance(err, openai.RateLimitError):
                return QuotaError(message, backend=self.name)
            if err.status_code == 400 and err.code in BLOCKED_CODES:
                return BlockedError(message, backend=self.name)
            return BackendError(message, backend=self.name)
        return BackendError(
            f"unreadable response from {self._server} ({type(err).__name__})", backend=self.name
        )

    def _redacted(self, text: str) -> str:
        return text if self._key == NO_KEY else text.replace(self._key, "***")


def _png_file(name: str, image: Image) -> tuple[str, bytes, str]:
    return (name, encode_png(image), "image/png")


def _unsent(seed: int | None, negative_prompt: str | None) -> tuple[str, ...]:
    notes = []
    if seed is not None:
        notes.append(f"seed {seed} not sent: the OpenAI images API takes none")
    if negative_prompt:
        notes.append("negative_prompt not sent: the OpenAI images API takes none")
    return tuple(notes)


def _report(progress: ProgressCallback | None, step: int, message: str) -> None:
    if progress is not None:
        progress(Progress(step=step, total=1, message=message))


def _shown(url: str) -> str:
    """The URL as messages show it: without a user name or password."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


def _server_message(body: object) -> str:
    """What an error response says (`{"error": {"message": ...}}` and the like), on one line."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        body = inner.get("message", inner) if isinstance(inner, dict) else inner
    if body is None or body == "":
        return ""
    line = " ".join((body if isinstance(body, str) else json.dumps(body)).split())
    return line if len(line) <= _QUOTE else line[: _QUOTE - 3] + "..."
