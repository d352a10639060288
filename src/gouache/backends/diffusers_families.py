"""How to call each family of diffusers pipeline: one small adapter per family.

An adapter knows what the local backend cannot read off a loaded pipeline: how many images the
model takes and under which argument, whether it takes a negative prompt, its preferred sizes,
and its default step count and guidance. Everything else (loading, devices, seeds, progress,
cancellation, the resolution policy) lives in `diffusers_local.py`.

    family          pipeline class                 images    negative prompt
    flux2-klein     Flux2KleinPipeline             0..4      no (masks: Flux2KleinInpaintPipeline)
    flux2-klein-kv  Flux2KleinKVPipeline           0..4      no (and no guidance)
    flux2-dev       Flux2Pipeline                  0..6      no
    flux-kontext    FluxKontextPipeline            0..1      no (needs true CFG)
    qwen-image-edit QwenImageEditPlusPipeline      1..3      yes (true CFG)
    text-to-image   any pipeline without `image`   0         when the pipeline takes one

A new family is one subclass of `FamilyAdapter` added to `FAMILIES`.

Nothing here imports torch or diffusers; a pipeline is an opaque `Any`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from PIL import Image as PILImage

from gouache.errors import UnsupportedError


@dataclass(frozen=True)
class CallDefaults:
    num_inference_steps: int
    guidance_scale: float | None


class FamilyAdapter:
    """The base adapter: a pipeline that takes a prompt and no image."""

    name = "text-to-image"
    label = "text-to-image pipeline"
    pipeline_classes: tuple[str, ...] = ()
    # How many images (source plus references) one call takes; 0 for text-to-image only.
    max_images = 0
    # The pipeline refuses input images smaller than this on a side.
    min_side = 0
    # Sizes the model was trained at (width, height), about 1 MP; empty: any size on the multiple.
    preferred_sizes: tuple[tuple[int, int], ...] = ()
    # The diffusers pipeline that inpaints with this family's loaded components (built with
    # `from_pipe`, no second copy of the weights); empty: the family takes no mask.
    inpaint_class = ""

    def takes_negative_prompt(self, pipe: Any) -> bool:
        return "negative_prompt" in _call_parameters(pipe)

    def defaults(self, pipe: Any) -> CallDefaults:
        return CallDefaults(num_inference_steps=28, guidance_scale=None)

    def inpaint_kwargs(
        self,
        *,
        images: list[PILImage.Image],
        mask: PILImage.Image,
        strength: float,
        guidance_scale: float | None,
    ) -> dict[str, Any]:
        """The keyword arguments of one call of `inpaint_class`."""
        raise UnsupportedError(f"{self.label} takes no mask", backend="diffusers")

    def call_kwargs(
        self,
        pipe: Any,
        *,
        images: list[PILImage.Image],
        negative_prompt: str | None,
        guidance_scale: float | None,
        width: int,
        height: int,
    ) -> dict[str, Any]:
        """The family-specific keyword arguments of one pipeline call."""
        kwargs: dict[str, Any] = {}
        if negative_prompt is not None:
            kwargs["negative_prompt"] = negative_prompt
        if guidance_scale is not None:
            kwargs["guidance_scale"] = guidance_scale
        return kwargs


class Flux2KleinAdapter(FamilyAdapter):
    """FLUX.2 [klein]: text-to-image and multi-reference editing, `image=[...]`."""

    name = "flux2-klein"
    label = "FLUX.2 klein"
    pipeline_classes = ("Flux2KleinPipeline",)
    max_images = 4
    min_side = 64
    # diffusers `pipelines/flux2/pipeline_flux2_klein_inpaint.py`: the same components, the
    # source as `image`, the references as `image_reference`, `mask_image` white where it
    # repaints; outside the mask each step's latents are blended back to the source's.
    inpaint_class = "Flux2KleinInpaintPipeline"

    def inpaint_kwargs(
        self,
        *,
        images: list[PILImage.Image],
        mask: PILImage.Image,
        strength: float,
        guidance_scale: float | None,
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "image": images[0],
            "mask_image": mask,
            "strength": strength,
            "guidance_scale": guidance_scale,
        }
        if len(images) > 1:
            kwargs["image_reference"] = images[1:]
        return kwargs

    def takes_negative_prompt(self, pipe: Any) -> bool:
        return False

    def defaults(self, pipe: Any) -> CallDefaults:
        # The step-distilled checkpoints run in 4 steps without CFG; the base ones need 50 and CFG.
        if bool(getattr(pipe.config, "is_distilled", False)):
            return CallDefaults(num_inference_steps=4, guidance_scale=1.0)
        return CallDefaults(num_inference_steps=50, guidance_scale=4.0)

    def call_kwargs(
        self,
        pipe: Any,
        *,
        images: list[PILImage.Image],
        negative_prompt: str | None,
        guidance_scale: float | None,
        width: int,
        height: int,
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"guidance_scale": guidance_scale}
        if images:
            kwargs["image"] = images
        return kwargs


class Flux2KleinKVAdapter(Flux2KleinAdapter):
    """FLUX.2 [klein] 9B KV (`black-forest-labs/FLUX.2-klein-9b-kv`): klein with the reference
    images' attention keys and values cached after the first step. diffusers
    `pipelines/flux2/pipeline_flux2_klein_kv.py`: step-distilled, so its `__call__` has no
    `guidance_scale` (it passes `guidance=None`); 4 steps in its example."""

    name = "flux2-klein-kv"
    label = "FLUX.2 klein KV"
    pipeline_classes = ("Flux2KleinKVPipeline",)
    inpaint_class = ""  # the KV attention processors are not the inpainting pipeline's

    def defaults(self, pipe: Any) -> CallDefaults:
        return CallDefaults(num_inference_steps=4, guidance_scale=None)

    def call_kwargs(
        self,
        pipe: Any,
        *,
        images: list[PILImage.Image],
        negative_prompt: str | None,
        guidance_scale: float | None,
        width: int,
        height: int,
    ) -> dict[str, Any]:
        if guidance_scale is not None:
            raise UnsupportedError(
                f"{self.label} is step-distilled and takes no guidance_scale; leave it unset "
                "(the steps still apply)",
                backend="diffusers",
            )
        return {"image": images} if images else {}


class Flux2DevAdapter(Flux2KleinAdapter):
    """FLUX.2 [dev] (`black-forest-labs/FLUX.2-dev`), diffusers
    `pipelines/flux2/pipeline_flux2.py`: `image=[...]`, guidance-distilled (`guidance_scale`
    is embedded, no true CFG, no negative prompt); its `__call__` defaults are 50 steps and
    guidance 4.0. BFL recommends at most 6 reference images for [dev]
    (https://docs.bfl.ai/guides/prompting_editing_overview)."""

    name = "flux2-dev"
    label = "FLUX.2 dev"
    pipeline_classes = ("Flux2Pipeline",)
    max_images = 6
    inpaint_class = ""  # diffusers ships no FLUX.2 dev inpainting pipeline

    def defaults(self, pipe: Any) -> CallDefaults:
        return CallDefaults(num_inference_steps=50, guidance_scale=4.0)


# diffusers' PREFERRED_KONTEXT_RESOLUTIONS (pipelines/flux/pipeline_flux_kontext.py), (w, h).
KONTEXT_SIZES: tuple[tuple[int, int], ...] = (
    (672, 1568),
    (688, 1504),
    (720, 1456),
    (752, 1392),
    (800, 1328),
    (832, 1248),
    (880, 1184),
    (944, 1104),
    (1024, 1024),
    (1104, 944),
    (1184, 880),
    (1248, 832),
    (1328, 800),
    (1392, 752),
    (1456, 720),
    (1504, 688),
    (1568, 672),
)


class FluxKontextAdapter(FamilyAdapter):
    """FLUX.1 Kontext [dev]: one reference image, guidance-distilled."""

    name = "flux-kontext"
    label = "FLUX.1 Kontext"
    pipeline_classes = ("FluxKontextPipeline",)
    max_images = 1
    preferred_sizes = KONTEXT_SIZES

    def takes_negative_prompt(self, pipe: Any) -> bool:
        # Kontext only honours a negative prompt with true CFG, which doubles the cost.
        return False

    def defaults(self, pipe: Any) -> CallDefaults:
        return CallDefaults(num_inference_steps=28, guidance_scale=2.5)

    def call_kwargs(
        self,
        pipe: Any,
        *,
        images: list[PILImage.Image],
        negative_prompt: str | None,
        guidance_scale: float | None,
        width: int,
        height: int,
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"guidance_scale": guidance_scale}
        if images:
            # The backend has already sized the image; stop the pipeline from resizing it again.
            kwargs.update(image=images[0], max_area=width * height, _auto_resize=False)
        return kwargs


class QwenImageEditAdapter(FamilyAdapter):
    """Qwen-Image-Edit-2509/2511: one to three images, `image=[source, *references]`.

    Guidance is true CFG (`true_cfg_scale`): above 1 it runs the model twice a step, against the
    negative prompt, or against " " when none is given, as the model card does. `guidance_scale`
    only matters to guidance-distilled transformers, which these are not, so it is not passed.
    The pipeline keeps each image's aspect and sizes it itself (about 384x384 for the vision
    encoder, 1 MP for the VAE), so there are no preferred sizes: any size on the multiple.
    """

    name = "qwen-image-edit"
    label = "Qwen-Image-Edit"
    pipeline_classes = ("QwenImageEditPlusPipeline",)
    max_images = 3

    def takes_negative_prompt(self, pipe: Any) -> bool:
        return True

    def defaults(self, pipe: Any) -> CallDefaults:
        # The model card's settings; a Lightning LoRA wants about 4-8 steps and guidance 1.
        return CallDefaults(num_inference_steps=40, guidance_scale=4.0)

    def call_kwargs(
        self,
        pipe: Any,
        *,
        images: list[PILImage.Image],
        negative_prompt: str | None,
        guidance_scale: float | None,
        width: int,
        height: int,
    ) -> dict[str, Any]:
        if not images:
            raise UnsupportedError(
                f"{self.label} edits images and cannot generate from text alone; give a "
                "reference image, or use a text-to-image model (Qwen-Image, FLUX.2 klein)",
                backend="diffusers",
            )
        true_cfg = 1.0 if guidance_scale is None else guidance_scale
        if negative_prompt is not None and true_cfg <= 1:
            raise UnsupportedError(
                f"{self.label} only honours a negative prompt with guidance_scale above 1 "
                f"(true CFG), not {true_cfg}; raise guidance_scale or drop the negative prompt",
                backend="diffusers",
            )
        kwargs: dict[str, Any] = {"image": images, "true_cfg_scale": true_cfg}
        if true_cfg > 1:
            kwargs["negative_prompt"] = " " if negative_prompt is None else negative_prompt
        return kwargs


TEXT_TO_IMAGE = FamilyAdapter()

FAMILIES: dict[str, FamilyAdapter] = {
    adapter.name: adapter
    for adapter in (
        Flux2KleinAdapter(),
        Flux2KleinKVAdapter(),
        Flux2DevAdapter(),
        FluxKontextAdapter(),
        QwenImageEditAdapter(),
        TEXT_TO_IMAGE,
    )
}


def family_named(name: str) -> FamilyAdapter:
    try:
        return FAMILIES[name]
    except KeyError:
        known = ", ".join(sorted(FAMILIES))
        raise UnsupportedError(
            f"unknown diffusers family {name!r}; known families: {known}", backend="diffusers"
        ) from None


def family_for_class(class_name: str, *, takes_image: bool | None) -> FamilyAdapter:
    """The adapter for a pipeline class; `takes_image` is None when the class is not importable."""
    for adapter in FAMILIES.values():
        if class_name in adapter.pipeline_classes:
            return adapter
    if takes_image is False:
        return TEXT_TO_IMAGE
    known = ", ".join(sorted(FAMILIES))
    raise UnsupportedError(
        f"no adapter for the diffusers pipeline {class_name!r}, which takes an input image; "
        f"pass family= one of: {known}, or add an adapter in gouache.backends.diffusers_families",
        backend="diffusers",
    )


def _call_parameters(pipe: Any) -> frozenset[str]:
    return frozenset(inspect.signature(pipe.__call__).parameters)


def call_takes_image(pipeline_class: Any) -> bool:
    return "image" in inspect.signature(pipeline_class.__call__).parameters
