"""The one table of the hosted and local models gouache knows, and each backend's default.

A profile overrides a default by naming its own (`model = "..."` in `[backends.NAME]`); a model
the table does not know still runs, with the cautious capabilities of its family. Each row
names where its figures come from (checked in late 2026).
"""

from __future__ import annotations

from dataclasses import dataclass

GOOGLE_IMAGE_DOCS = (
    "https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/gemini/"
    "3-pro-image-preview (the -preview endpoints are replaced by gemini-3-pro-image and "
    "gemini-3.1-flash-image before 2026-07-17); https://ai.google.dev/gemini-api/docs/"
    "image-generation (up to 14 reference images; image_size 1K, 2K, 4K with an uppercase K)"
)
GOOGLE_CHANGELOG = (
    "https://ai.google.dev/gemini-api/docs/changelog (2026-10-06: gemini-nano-banana-2.1 GA, "
    "1K/2K/4K, adds the 1:4, 4:1, 1:8 and 8:1 ratios; gemini-3.1-flash-image deprecated, "
    "migrate to gemini-nano-banana-2.1)"
)
# The ratios every Gemini image model takes, and the panoramic ones the 3.1 Flash family
# adds (google-genai 3.6.1 lists all 14 in `ImageResponseFormatAspectRatio`).
GEMINI_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
GEMINI_WIDE_RATIOS = (*GEMINI_RATIOS, "1:4", "4:1", "1:8", "8:1")
OPENAI_IMAGE_DOCS = (
    "https://developers.openai.com/api/reference/resources/images/methods/edit (up to 16 "
    "images an edit, masks, partial_images streaming); ComfyUI's OpenAIGPTImage1 node docs, "
    "https://docs.comfy.org/built-in-nodes/OpenAIGPTImage1 (gpt-image-2 custom sizes: "
    "multiples of 16, edges 1024..3840)"
)
OPENAI_SDK_DOCS = (
    "openai-python, src/openai/types/image_edit_params.py and image_model.py (late 2026): "
    "gpt-image-2.5-sunburst and -flare (2026-09-08) replace gpt-image-1, shut down 2026-10-23; "
    "for gpt-image-2 and 2.5 `size` is any WIDTHxHEIGHT divisible by 16, aspect 1:3 to 3:1, "
    "at most 3840x2160; up to 16 images an edit; `input_fidelity` only on gpt-image-1.5 and "
    "-1-mini; quality xhigh and max on 2.5"
)
BFL_DOCS = "https://docs.bfl.ai/guides/prompting_editing_overview (references per model)"


@dataclass(frozen=True)
class ModelInfo:
    """What one model takes. `max_images` counts every image of an edit, the edited one too."""

    backend: str
    name: str
    max_images: int
    source: str
    # Gemini's named output sizes ("1K", "2K", "4K"); empty: the model has none.
    image_sizes: tuple[str, ...] = ()
    # Free output sizes: each side a multiple of `size_multiple`, at most `max_edge` px.
    free_sizes: bool = False
    size_multiple: int = 1
    max_edge: int | None = None
    # ... and at most this many pixels, between 1:max_aspect and max_aspect:1.
    max_pixels: int | None = None
    max_aspect: float | None = None
    masks: bool = False
    # OpenAI's `input_fidelity`: only where the model accepts it (gpt-image-2 refuses it:
    # its edits are high-fidelity always).
    input_fidelity: bool = False
    partial_images: bool = False
    # The diffusers pipeline class a local model's model_index.json names (its family).
    pipeline: str = ""
    # Gemini's aspect ratios; empty: the backend's cautious default (GEMINI_RATIOS).
    aspect_ratios: tuple[str, ...] = ()
    # Which Gemini API serves the model: "generate_content" (models.generateContent) or
    # "interactions" (the Interactions API, POST /{version}/interactions). Every image model
    # Google documents today answers both; a profile picks the other with `api = ...`.
    api: str = "generate_content"


def _gemini_3(name: str, source: str, ratios: tuple[str, ...] = GEMINI_RATIOS) -> ModelInfo:
    return ModelInfo(
        backend="gemini",
        name=name,
        max_images=14,
        source=source,
        image_sizes=("1K", "2K", "4K"),
        aspect_ratios=ratios,
    )


def _gpt_image_2(name: str) -> ModelInfo:
    return ModelInfo(
        backend="openai",
        name=name,
        max_images=16,
        source=f"{OPENAI_SDK_DOCS}; {OPENAI_IMAGE_DOCS}",
        free_sizes=True,
        size_multiple=16,
        max_edge=3840,
        max_pixels=3840 * 2160,
        max_aspect=3.0,
        masks=True,
        partial_images=True,
    )


def _klein(name: str, pipeline: str = "Flux2KleinPipeline") -> ModelInfo:
    return ModelInfo(
        backend="diffusers",
        name=name,
        max_images=4,  # BFL: "FLUX.2 [klein] 4B/9B: up to 4" reference images (API)
        source=f"{BFL_DOCS}; diffusers {pipeline}",
        size_multiple=16,
        pipeline=pipeline,
    )


def _qwen_edit(name: str) -> ModelInfo:
    return ModelInfo(
        backend="diffusers",
        name=name,
        max_images=3,
        source=f"https://huggingface.co/{name}; diffusers QwenImageEditPlusPipeline (1 to 3 "
        "images)",
        size_multiple=16,
        pipeline="QwenImageEditPlusPipeline",
    )


MODELS: dict[str, ModelInfo] = {
    info.name: info
    for info in (
        _gemini_3("gemini-nano-banana-2.1", GOOGLE_CHANGELOG, GEMINI_WIDE_RATIOS),
        _gemini_3("gemini-3.1-flash-image", GOOGLE_IMAGE_DOCS, GEMINI_WIDE_RATIOS),
        _gemini_3("gemini-3-pro-image", GOOGLE_IMAGE_DOCS),
        ModelInfo(
            backend="gemini",
            name="gemini-2.5-flash-image",
            max_images=3,
            source="https://ai.google.dev/gemini-api/docs/image-generation (best with up to 3); "
            "https://ai.google.dev/gemini-api/docs/deprecations (shutdown 2026-10-02)",
        ),
        _gpt_image_2("gpt-image-2.5-sunburst"),
        _gpt_image_2("gpt-image-2.5-flare"),
        _gpt_image_2("gpt-image-2"),
        ModelInfo(
            backend="openai",
            name="gpt-image-1.5",
            max_images=16,
            source=OPENAI_IMAGE_DOCS,
            masks=True,
            input_fidelity=True,
            partial_images=True,
        ),
        ModelInfo(
            backend="openai",
            name="gpt-image-1-mini",
            max_images=16,
            source=OPENAI_IMAGE_DOCS,
            masks=True,
            partial_images=True,
        ),
        _klein("black-forest-labs/FLUX.2-klein-4B"),
        _klein("black-forest-labs/FLUX.2-klein-9B"),
        _klein("black-forest-labs/FLUX.2-klein-9b-kv", "Flux2KleinKVPipeline"),
        ModelInfo(
            backend="diffusers",
            name="black-forest-labs/FLUX.2-dev",
            max_images=6,  # BFL: "FLUX.2 [dev]: recommended max 6"
            source=f"{BFL_DOCS}; diffusers Flux2Pipeline",
            size_multiple=16,
            pipeline="Flux2Pipeline",
        ),
        _qwen_edit("Qwen/Qwen-Image-Edit-2511"),
        _qwen_edit("Qwen/Qwen-Image-Edit-2509"),
        ModelInfo(
            backend="diffusers",
            name="black-forest-labs/FLUX.1-Kontext-dev",
            max_images=1,
            source="https://huggingface.co/black-forest-labs/FLUX.1-Kontext-dev; diffusers "
            "FluxKontextPipeline (one image)",
            size_multiple=16,
            pipeline="FluxKontextPipeline",
        ),
    )
}

# What each backend runs when its profile names no model.
DEFAULTS: dict[str, str] = {
    "gemini": "gemini-nano-banana-2.1",
    "openai": "gpt-image-2.5-sunburst",
}


def default_model(backend: str) -> str:
    """The model `backend` uses unless a profile names another."""
    return DEFAULTS[backend]


def model_info(name: str) -> ModelInfo | None:
    """What the table knows of `name`; None for a model it does not list."""
    return MODELS.get(name)
