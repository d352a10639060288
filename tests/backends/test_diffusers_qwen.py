"""The Qwen-Image-Edit-2509/2511 family, on a tiny random-weight QwenImageEditPlusPipeline.

The components are sized after diffusers' fast test (tests/pipelines/qwenimage/
test_qwenimage_edit_plus.py), except the VAE, which downsamples 8x instead of 4x: the pipeline
encodes every input image at a fixed 1 MP, and 4x makes that too slow on a CPU. The tokenizer is
a word-level one built with the `tokenizers` library and the image processor is built from its
defaults, so nothing comes from the hub; the pipeline is saved and loaded back through the same
`DiffusionPipeline.from_pretrained` path that a user's model id takes.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import diffusers
import numpy as np
import pytest
import tokenizers
import torch
import transformers

from gouache.backends.base import EditRequest
from gouache.backends.diffusers_local import DiffusersBackend
from gouache.errors import UnsupportedError
from gouache.progress import Progress

SPECIALS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
    "<unk>",
]
WORDS = [
    "a",
    "the",
    "of",
    "and",
    "to",
    "in",
    "dog",
    "cat",
    "red",
    "blue",
    "make",
    "it",
    "paint",
    "sky",
    "sea",
    "picture",
    "image",
]


def _save_qwen(folder: Path) -> None:
    vocab = {token: i for i, token in enumerate(SPECIALS + WORDS)}
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    tok.add_special_tokens(SPECIALS)
    tokenizer = transformers.Qwen2TokenizerFast(
        tokenizer_object=tok,
        unk_token="<unk>",
        pad_token="<|endoftext|>",
        eos_token="<|im_end|>",
    )
    processor = transformers.Qwen2VLProcessor(
        image_processor=transformers.Qwen2VLImageProcessor(), tokenizer=tokenizer
    )
    torch.manual_seed(0)
    text_encoder = transformers.Qwen2_5_VLForConditionalGeneration(
        transformers.Qwen2_5_VLConfig(
            text_config={
                "hidden_size": 16,
                "intermediate_size": 16,
                "num_hidden_layers": 2,
                "num_attention_heads": 2,
                "num_key_value_heads": 2,
                "rope_scaling": {"mrope_section": [1, 1, 2], "rope_type": "default"},
                "rope_theta": 1000000.0,
                "vocab_size": len(vocab),
                "bos_token_id": None,
                "eos_token_id": vocab["<|im_end|>"],
            },
            vision_config={
                "depth": 2,
                "hidden_size": 16,
                "intermediate_size": 16,
                "num_heads": 2,
                "out_hidden_size": 16,
            },
            hidden_size=16,
            vocab_size=len(vocab),
            image_token_id=vocab["<|image_pad|>"],
            video_token_id=vocab["<|video_pad|>"],
            vision_start_token_id=vocab["<|vision_start|>"],
            vision_end_token_id=vocab["<|vision_end|>"],
        )
    )
    torch.manual_seed(0)
    transformer = diffusers.QwenImageTransformer2DModel(
        patch_size=2,
        in_channels=16,
        out_channels=4,
        num_layers=2,
        attention_head_dim=16,
        num_attention_heads=3,
        joint_attention_dim=16,
        guidance_embeds=False,
        axes_dims_rope=(8, 4, 4),
    )
    z_dim = 4
    vae = diffusers.AutoencoderKLQwenImage(
        base_dim=8,
        z_dim=z_dim,
        dim_mult=[1, 2, 4, 4],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
        latents_mean=[0.0] * z_dim,
        latents_std=[1.0] * z_dim,
    )
    diffusers.QwenImageEditPlusPipeline(
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(),
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        processor=processor,
        transformer=transformer,
    ).save_pretrained(folder)


def _without_video_processor(mp: pytest.MonkeyPatch) -> None:
    """transformers 5 cannot build or load a Qwen2VLProcessor without torchvision (its video
    processor needs it; huggingface/transformers#48558). These image-only tests drop it."""
    if importlib.util.find_spec("torchvision") is not None:
        return
    cls: Any = transformers.Qwen2VLProcessor
    attributes = cls.get_attributes.__func__

    def get_attributes(klass: type) -> list[str]:
        return [a for a in attributes(klass) if a != "video_processor"]

    mp.setattr(cls, "get_attributes", classmethod(get_attributes))


@pytest.fixture(scope="module")
def qwen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DiffusersBackend]:
    folder = tmp_path_factory.mktemp("tiny-qwen") / "qwen-edit"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        _without_video_processor(mp)
        _save_qwen(folder)
        backend = DiffusersBackend(
            os.fspath(folder), target_pixels=64 * 64, num_inference_steps=2, guidance_scale=1.0
        )
        backend.load()
        yield backend


def _image(width: int, height: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (height, width, 3), dtype=np.uint8)


def test_the_qwen_edit_family_is_read_from_the_saved_pipeline(qwen: DiffusersBackend) -> None:
    assert qwen.family == "qwen-image-edit"
    assert qwen.capabilities.edit
    assert qwen.capabilities.max_references == 2
    assert qwen.capabilities.size_multiple == 16  # VAE factor 8, times 2 for the 2x2 packing


def test_a_qwen_edit_comes_back_at_the_source_size_and_is_deterministic(
    qwen: DiffusersBackend,
) -> None:
    request = EditRequest(
        prompt="paint the sky red", image=_image(90, 60), references=(_image(50, 70, 1),), seed=5
    )
    seen: list[Progress] = []
    first = qwen.edit(request, progress=seen.append)
    again = qwen.edit(request)
    assert first.image.shape == (60, 90, 3)
    assert first.image.dtype == np.uint8
    assert np.abs(first.image.astype(int) - again.image.astype(int)).max() <= 1
    assert [(p.step, p.total) for p in seen] == [(1, 2), (2, 2)]
    assert first.params["family"] == "qwen-image-edit"
    assert first.params["references"] == 2


def test_more_than_three_qwen_images_are_refused_with_the_limit(qwen: DiffusersBackend) -> None:
    refs = tuple(_image(64, 64, i) for i in range(3))
    with pytest.raises(UnsupportedError, match=r"at most 3 image\(s\).*this turn has 4.*Options"):
        qwen.edit(EditRequest(prompt="a collage", image=_image(64, 64), references=refs))
