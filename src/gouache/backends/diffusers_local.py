"""A local diffusers pipeline behind the ImageModel protocol.

The pipeline is loaded by model id or local path through `DiffusionPipeline.from_pretrained`,
on the first call that needs it; how to call it is the business of its family's adapter
(`gouache.backends.diffusers_families`).

Resolution policy: a call runs at the model's preferred size closest to the source's aspect, at
about `target_pixels` on the pipeline's size multiple (`vae_scale_factor * 2` for pipelines that
pack 2x2 latent patches, as FLUX and Qwen-Image do), and its result is resized back to the
source's exact size, so that the guard compares aligned images.

Masks: a family with an inpainting pipeline (FLUX.2 klein) takes `mask_image`; the call then
goes to that pipeline, built once over the loaded components with `from_pipe`, with
`strength` (default 1: the masked region is repainted whole). Other families refuse a mask.

torch and diffusers are imported inside the methods that need them (the base install has
neither); they are typed `Any` at this edge.
"""

from __future__ import annotations

import importlib
import math
import random
from typing import Any

import numpy as np
from PIL import Image as PILImage

from gouache.backends.base import Capabilities, EditRequest, GenerateRequest, ImageResult
from gouache.backends.diffusers_families import (
    FamilyAdapter,
    call_takes_image,
    family_for_class,
    family_named,
)
from gouache.errors import BackendError, InvalidParameterError, UnsupportedError
from gouache.images import Image, check_image
from gouache.progress import CancelToken, Progress, ProgressCallback

DEFAULT_TARGET_PIXELS = 1024 * 1024
DTYPES = ("bfloat16", "float16", "float32")
# The size multiple assumed until the pipeline is loaded and says its own.
DEFAULT_MULTIPLE = 16
BACKEND_NAME = "diffusers"


def plan_size(
    width: int,
    height: int,
    *,
    target_pixels: int,
    multiple: int,
    preferred: tuple[tuple[int, int], ...] = (),
    min_side: int = 0,
) -> tuple[int, int]:
    """The (width, height) to run at for a source of `width` x `height`.

    With preferred sizes, the one closest in aspect (log ratio) is scaled to `target_pixels`;
    without, the source aspect is kept. Each side is rounded to the nearest `multiple`, and
    never below `min_side` nor one multiple.
    """
    aspect = width / height
    if preferred:
        pw, ph = min(preferred, key=lambda wh: abs(math.log((wh[0] / wh[1]) / aspect)))
        scale = math.sqrt(target_pixels / (pw * ph))
        w, h = pw * scale, ph * scale
    else:
        w, h = math.sqrt(target_pixels * aspect), math.sqrt(target_pixels / aspect)
    smallest = max(multiple, math.ceil(min_side / multiple) * multiple)
    return (
        max(smallest, round(w / multiple) * multiple),
        max(smallest, round(h / multiple) * multiple),
    )


class DiffusersBackend:
    """A diffusers pipeline on this machine (CUDA, MPS or CPU)."""

    # It takes the instruction as its prompt; no operator plan.
    operators: None = None

    name = BACKEND_NAME

    def __init__(
        self,
        model: str,
        *,
        family: str | None = None,
        dtype: str | None = None,
        device: str | None = None,
        cpu_offload: bool = False,
        vae_tiling: bool = False,
        lora: str | None = None,
        lora_weight_name: str | None = None,
        lora_scale: float = 1.0,
        target_pixels: int = DEFAULT_TARGET_PIXELS,
        num_inference_steps: int | None = None,
        guidance_scale: float | None = None,
    ) -> None:
        if dtype is not None and dtype not in DTYPES:
            raise InvalidParameterError(
                f"dtype must be one of {', '.join(DTYPES)} (or unset to choose by device), "
                f"not {dtype!r}",
                param="dtype",
            )
        if target_pixels < 64 * 64:
            raise InvalidParameterError(
                f"target_pixels must be at least {64 * 64}, not {target_pixels}",
                param="target_pixels",
            )
        if num_inference_steps is not None and num_inference_steps < 1:
            raise InvalidParameterError(
                f"num_inference_steps must be at least 1, not {num_inference_steps}",
                param="num_inference_steps",
            )
        self.model = model
        self.dtype = dtype
        self.device = device
        self.cpu_offload = cpu_offload
        self.vae_tiling = vae_tiling
        self.lora = lora
        self.lora_weight_name = lora_weight_name
        self.lora_scale = lora_scale
        self.target_pixels = target_pixels
        self.num_inference_steps = num_inference_steps
        self.guidance_scale = guidance_scale
        self.adapter: FamilyAdapter = (
            family_named(family) if family is not None else _detect_family(model)
        )
        self.family = self.adapter.name
        self._pipe: Any = None
        self._inpaint: Any = None
        self._device = ""
        self._dtype = ""
        self.capabilities = self._capabilities(DEFAULT_MULTIPLE)

    def config(self) -> dict[str, Any]:
        # As given, except the family, which is resolved once; None means "chosen here".
        return {
            "model": self.model,
            "family": self.family,
            "dtype": self.dtype,
            "device": self.device,
            "cpu_offload": self.cpu_offload,
            "vae_tiling": self.vae_tiling,
            "lora": self.lora,
            "lora_weight_name": self.lora_weight_name,
            "lora_scale": self.lora_scale,
            "target_pixels": self.target_pixels,
            "num_inference_steps": self.num_inference_steps,
            "guidance_scale": self.guidance_scale,
        }

    def generate(
        self,
        request: GenerateRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        # 1. check inputs
        images = [check_image(ref) for ref in request.references]
        self._check_images(len(images), generating=True)
        width = request.width or (images[0].shape[1] if images else 1024)
        height = request.height or (images[0].shape[0] if images else 1024)
        # 2.-7. as for an edit, with the requested size as the source size
        return self._run(
            prompt=request.prompt,
            negative_prompt=request.negative_prompt,
            images=images,
            mask=None,
            strength=None,
            has_source=False,
            out_size=(width, height),
            num_inference_steps=request.num_inference_steps,
            guidance_scale=request.guidance_scale,
            seed=request.seed,
            progress=progress,
            cancel=cancel,
        )

    def edit(
        self,
        request: EditRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ImageResult:
        # 1. check inputs
        if not self.capabilities.edit:
            raise UnsupportedError(
                f"{self.adapter.label} ({self.model}) cannot edit images, it only generates; "
                "use an editing model (FLUX.2 klein, Qwen-Image-Edit, FLUX.1 Kontext) "
                "or `generate`",
                backend=self.name,
            )
        if request.mask_image is not None and not self.adapter.inpaint_class:
            raise UnsupportedError(
                f"{self.adapter.label} takes no mask; describe the region in the prompt, "
                "or use a backend with masks (FLUX.2 klein takes one)",
                backend=self.name,
            )
        if request.strength is not None and request.mask_image is None:
            raise UnsupportedError(
                f"{self.adapter.label} takes a strength only with a mask; leave it unset",
                backend=self.name,
            )
        if request.strength is not None and not 0 < request.strength <= 1:
            raise InvalidParameterError(
                f"strength is above 0 and at most 1, not {request.strength}", param="strength"
            )
        source = check_image(request.image)
        mask = None if request.mask_image is None else _mask(request.mask_image, source)
        images = [source, *(check_image(ref) for ref in request.references)]
        self._check_images(len(images), generating=False)
        if (request.width is None) != (request.height is None):
            raise InvalidParameterError(
                "give both width and height, or neither (the source's size)", param="width"
            )
        out_size = (request.width or source.shape[1], request.height or source.shape[0])
        return self._run(
            prompt=request.prompt,
            negative_prompt=request.negative_prompt,
            images=images,
            mask=mask,
            strength=request.strength,
            has_source=True,
            out_size=out_size,
            num_inference_steps=request.num_inference_steps,
            guidance_scale=request.guidance_scale,
            seed=request.seed,
            progress=progress,
            cancel=cancel,
        )

    def load(self) -> Any:
        """Load the pipeline now (otherwise the first call does); returns it."""
        if self._pipe is not None:
            return self._pipe
        torch = _import("torch")
        diffusers = _import("diffusers")
        # 1. device and dtype
        device = self.device or _best_device(torch)
        dtype_name = self.dtype or ("float32" if device == "cpu" else "bfloat16")
        if self.cpu_offload and device == "cpu":
            raise UnsupportedError(
                "cpu_offload moves models between an accelerator and the CPU; there is no "
                "accelerator here, so leave cpu_offload off",
                backend=self.name,
            )
        # 2. the pipeline, by model id or local path
        try:
            pipe = diffusers.DiffusionPipeline.from_pretrained(
                self.model, dtype=getattr(torch, dtype_name)
            )
        except OSError as err:
            raise BackendError(
                f"could not load the diffusers pipeline {self.model!r}: {err}; give a local "
                "folder or a model id that is cached or reachable (HF_HUB_OFFLINE=1 forbids "
                "downloads)",
                backend=self.name,
            ) from err
        # 3. LoRA weights, fused for speed (for example a few-step Lightning LoRA)
        if self.lora is not None:
            pipe.load_lora_weights(self.lora, weight_name=self.lora_weight_name)
            pipe.fuse_lora(lora_scale=self.lora_scale)
        # 4. placement and memory options
        if self.cpu_offload:
            pipe.enable_model_cpu_offload(device=device)
        else:
            pipe.to(device)
        if self.vae_tiling:
            pipe.vae.enable_tiling()
        pipe.set_progress_bar_config(disable=True)
        # 5. what the loaded pipeline says about sizes
        self._pipe, self._device, self._dtype = pipe, device, dtype_name
        self.capabilities = self._capabilities(_size_multiple(pipe))
        return pipe

    def _inpainter(self, pipe: Any) -> Any:
        """The family's inpainting pipeline over the loaded components, made once."""
        if self._inpaint is None:
            diffusers = _import("diffusers")
            inpaint = getattr(diffusers, self.adapter.inpaint_class).from_pipe(pipe)
            if self.cpu_offload:
                inpaint.enable_model_cpu_offload(device=self._device)
            inpaint.set_progress_bar_config(disable=True)
            self._inpaint = inpaint
        return self._inpaint

    def _capabilities(self, multiple: int) -> Capabilities:
        adapter = self.adapter
        preferred = tuple(
            plan_size(
                w,
                h,
                target_pixels=self.target_pixels,
                multiple=multiple,
                preferred=adapter.preferred_sizes,
                min_side=adapter.min_side,
            )
            for w, h in adapter.preferred_sizes
        )
        return Capabilities(
            generate=True,
            edit=adapter.max_images > 0,
            max_references=max(0, adapter.max_images - 1),
            masks=bool(adapter.inpaint_class),
            preferred_sizes=preferred,
            size_multiple=multiple,
            preserves_unedited=False,
        )

    def _check_images(self, count: int, *, generating: bool) -> None:
        limit = self.adapter.max_images
        if count <= limit:
            return
        label = f"{self.adapter.label} ({self.model})"
        if limit == 0:
            raise UnsupportedError(
                f"{label} takes no images; drop the {count} reference(s) or use an editing "
                "model (FLUX.2 klein takes 4, Qwen-Image-Edit 3, FLUX.1 Kontext 1)",
                backend=self.name,
            )
        what = (
            f"{limit} reference image(s)"
            if generating
            else f"{limit} image(s): the source and {limit - 1} reference(s)"
        )
        raise UnsupportedError(
            f"{label} takes at most {what}; this turn has {count}. Options: drop "
            f"{count - limit} reference(s), combine references into one collage image, "
            "or use a model that takes more (FLUX.2 klein takes 4, Qwen-Image-Edit 3)",
            backend=self.name,
        )

    def _run(
        self,
        *,
        prompt: str,
        negative_prompt: str | None,
        images: list[Image],
        mask: np.ndarray | None,
        strength: float | None,
        has_source: bool,
        out_size: tuple[int, int],
        num_inference_steps: int | None,
        guidance_scale: float | None,
        seed: int | None,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> ImageResult:
        if cancel is not None:
            cancel.raise_if_cancelled()
        # 2. load the pipeline, and check what only it can say
        pipe = self.load()
        adapter = self.adapter
        if negative_prompt is not None and not adapter.takes_negative_prompt(pipe):
            raise UnsupportedError(
                f"{adapter.label} takes no negative prompt; say what to avoid in the prompt",
                backend=self.name,
            )
        defaults = adapter.defaults(pipe)
        steps = num_inference_steps or self.num_inference_steps or defaults.num_inference_steps
        guidance = next(
            (g for g in (guidance_scale, self.guidance_scale) if g is not None),
            defaults.guidance_scale,
        )

        # 3. the working size: preferred size nearest the source aspect, on the multiple
        def fit(size: tuple[int, int]) -> tuple[int, int]:
            return plan_size(
                *size,
                target_pixels=self.target_pixels,
                multiple=self.capabilities.size_multiple,
                preferred=adapter.preferred_sizes,
                min_side=adapter.min_side,
            )

        width, height = fit(out_size)
        # 4. the images: the source at the working size, each reference at its own aspect
        notes: list[str] = []
        if any(image.shape[2] == 4 for image in images):
            notes.append("transparency was dropped: the model works in RGB")
        pil_images = [
            _to_rgb(image, (width, height) if has_source and i == 0 else fit(_size(image)))
            for i, image in enumerate(images)
        ]
        # 5. the seed, through a CPU generator so that a seed means the same on every device
        torch = _import("torch")
        if seed is None:
            seed = random.SystemRandom().randrange(2**32)
        generator = torch.Generator(device="cpu").manual_seed(seed)

        # 6. denoise, reporting every step and stopping between steps when cancelled
        def on_step_end(
            pipeline: Any, step: int, timestep: Any, tensors: dict[str, Any]
        ) -> dict[str, Any]:
            total = int(getattr(pipeline, "num_timesteps", steps) or steps)
            if progress is not None:
                progress(Progress(step + 1, total, f"denoising {step + 1}/{total}"))
            if cancel is not None:
                cancel.raise_if_cancelled()
            return tensors

        if mask is None:
            kwargs = adapter.call_kwargs(
                pipe,
                images=pil_images,
                negative_prompt=negative_prompt,
                guidance_scale=guidance,
                width=width,
                height=height,
            )
        else:
            # Inpainting: the family's inpainting pipeline on the same components, the mask
            # white where it repaints, at the working size; strength 1 repaints it whole.
            pipe = self._inpainter(pipe)
            strength = 1.0 if strength is None else strength
            white = PILImage.fromarray(np.where(mask, 255, 0).astype(np.uint8), mode="L")
            kwargs = adapter.inpaint_kwargs(
                images=pil_images,
                mask=white.resize((width, height), PILImage.Resampling.NEAREST),
                strength=strength,
                guidance_scale=guidance,
            )
        output = pipe(
            prompt=prompt,
            height=height,
            width=width,
            num_inference_steps=steps,
            generator=generator,
            output_type="pil",
            callback_on_step_end=on_step_end,
            **kwargs,
        )
        # 7. back to the source's exact size
        result: PILImage.Image = output.images[0].convert("RGB")
        if result.size != out_size:
            result = result.resize(out_size, PILImage.Resampling.LANCZOS)
        return ImageResult(
            image=np.asarray(result, dtype=np.uint8).copy(),
            seed=seed,
            params={
                "family": adapter.name,
                "prompt": prompt,
                "negative_prompt": negative_prompt,
                "num_inference_steps": steps,
                "guidance_scale": guidance,
                "seed": seed,
                "width": out_size[0],
                "height": out_size[1],
                "run_width": width,
                "run_height": height,
                "references": len(images),
                **({} if mask is None else {"mask": True, "strength": strength}),
                "device": self._device,
                "dtype": self._dtype,
            },
            notes=tuple(notes),
        )


def _mask(mask_image: Image, source: Image) -> np.ndarray:
    """gouache's mask (uint8, nonzero = edit here) as booleans of the source's size."""
    mask = np.asarray(mask_image)
    if mask.dtype != np.uint8 or mask.ndim not in (2, 3):
        raise InvalidParameterError(
            f"mask_image must be uint8 HxW or HxWx1/3, got {mask.dtype} of shape {mask.shape}",
            param="mask_image",
        )
    marked: np.ndarray = np.asarray(mask.any(axis=2) if mask.ndim == 3 else mask != 0)
    if marked.shape != source.shape[:2]:
        raise InvalidParameterError(
            f"mask_image is {marked.shape[1]}x{marked.shape[0]} but the image is "
            f"{source.shape[1]}x{source.shape[0]}",
            param="mask_image",
        )
    if not marked.any():
        raise InvalidParameterError("mask_image marks nothing to edit", param="mask_image")
    return marked


def _import(module: str) -> Any:
    """torch and diffusers, imported on first use and typed Any at this edge."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise UnsupportedError(
            f"the diffusers backend needs {module}: pip install 'gouache[diffusers]'",
            backend=BACKEND_NAME,
        ) from err


def _best_device(torch: Any) -> str:
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def _detect_family(model: str) -> FamilyAdapter:
    """The family from the pipeline class named in model_index.json (no weights are read)."""
    diffusers = _import("diffusers")
    try:
        index = diffusers.DiffusionPipeline.load_config(model)
    except OSError as err:
        raise BackendError(
            f"could not read model_index.json of {model!r}: {err}; give family= or a model "
            "that is cached or reachable",
            backend=BACKEND_NAME,
        ) from err
    class_name = str(index["_class_name"])
    pipeline_class = getattr(diffusers, class_name, None)
    takes_image = None if pipeline_class is None else call_takes_image(pipeline_class)
    return family_for_class(class_name, takes_image=takes_image)


def _size_multiple(pipe: Any) -> int:
    """What height and width must divide by: twice the VAE factor when latents are packed 2x2."""
    factor = int(getattr(pipe, "vae_scale_factor", 8))
    return factor * 2 if hasattr(pipe, "_pack_latents") else factor


def _size(image: Image) -> tuple[int, int]:
    return image.shape[1], image.shape[0]


def _to_rgb(image: Image, size: tuple[int, int]) -> PILImage.Image:
    pil = PILImage.fromarray(image[:, :, :3])
    return pil if pil.size == size else pil.resize(size, PILImage.Resampling.LANCZOS)
