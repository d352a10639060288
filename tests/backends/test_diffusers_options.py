"""The diffusers backend's memory and LoRA options, on the tiny FLUX.1 text-to-image pipeline.

The tiny pipeline is built by the helpers of test_diffusers_local.py (imported through
pytest's default `prepend` import mode, which puts this folder on sys.path). The LoRA is
made here with peft, with random non-zero weights, and saved in the diffusers LoRA format.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import diffusers
import numpy as np
import pytest
import torch
from test_diffusers_local import FLUX_PIXELS, _save_flux

from gouache.backends.base import GenerateRequest
from gouache.backends.diffusers_local import DiffusersBackend
from gouache.errors import UnsupportedError

LORA_WEIGHT_NAME = "tiny_lora.safetensors"
LORA_B_GAIN = 20.0
REQUEST = GenerateRequest(prompt="a blue sea", width=90, height=60, seed=3)


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def flux_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("tiny-flux")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        _save_flux(root / "flux", root / "kontext")
        yield os.fspath(root / "flux")


@pytest.fixture(scope="module")
def lora_folder(flux_model: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A rank-4 LoRA on the tiny transformer's attention projections, B not zero."""
    import peft  # diffusers loads LoRAs through peft, part of the [diffusers] extra
    import peft.utils as peft_utils

    folder = tmp_path_factory.mktemp("tiny-lora")
    transformer = diffusers.FluxTransformer2DModel.from_pretrained(
        flux_model, subfolder="transformer"
    )
    torch.manual_seed(1)
    transformer.add_adapter(
        peft.LoraConfig(
            r=4,
            lora_alpha=4,
            target_modules=["to_q", "to_k", "to_v", "to_out.0"],
            init_lora_weights=False,  # random A and B, so that the LoRA changes the output
        )
    )
    layers = peft_utils.get_peft_model_state_dict(transformer)
    # The saved file keeps no alpha, so strengthen B itself for a visible change.
    layers = {k: t * LORA_B_GAIN if "lora_B" in k else t for k, t in layers.items()}
    assert any("lora_B" in key for key in layers)
    assert all(bool(t.abs().sum() > 0) for key, t in layers.items() if "lora_B" in key)
    diffusers.FluxPipeline.save_lora_weights(
        folder, transformer_lora_layers=layers, weight_name=LORA_WEIGHT_NAME
    )
    return os.fspath(folder)


@pytest.fixture(scope="module")
def plain(flux_model: str) -> DiffusersBackend:
    return DiffusersBackend(
        flux_model, device="cpu", target_pixels=FLUX_PIXELS, num_inference_steps=2
    )


# VAE tiling


def test_vae_tiling_is_switched_on_and_the_run_keeps_the_size(flux_model: str) -> None:
    backend = DiffusersBackend(
        flux_model,
        device="cpu",
        vae_tiling=True,
        target_pixels=FLUX_PIXELS,
        num_inference_steps=2,
    )
    pipe = backend.load()
    assert pipe.vae.use_tiling
    assert backend.config()["vae_tiling"] is True
    result = backend.generate(REQUEST)
    assert result.image.shape == (60, 90, 3)
    assert result.image.dtype == np.uint8


# CPU offload


def test_cpu_offload_without_an_accelerator_is_refused_before_loading(
    flux_model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pipeline was loaded")

    monkeypatch.setattr(diffusers.DiffusionPipeline, "from_pretrained", no_loading)
    backend = DiffusersBackend(
        flux_model, device="cpu", cpu_offload=True, target_pixels=FLUX_PIXELS
    )
    with pytest.raises(UnsupportedError, match="no accelerator here, so leave cpu_offload off"):
        backend.load()
    assert backend._pipe is None


# LoRA


def test_a_lora_loads_and_changes_the_output(
    flux_model: str, lora_folder: str, plain: DiffusersBackend
) -> None:
    backend = DiffusersBackend(
        flux_model,
        device="cpu",
        lora=lora_folder,
        lora_weight_name=LORA_WEIGHT_NAME,
        lora_scale=1.0,
        target_pixels=FLUX_PIXELS,
        num_inference_steps=2,
    )
    pipe = backend.load()
    assert pipe.get_list_adapters()  # the adapter is on the pipeline, fused into the weights
    fused = pipe.transformer.transformer_blocks[0].attn.to_q.weight
    base = plain.load().transformer.transformer_blocks[0].attn.to_q.weight
    assert not torch.allclose(fused, base)
    with_lora = backend.generate(REQUEST)
    without = plain.generate(REQUEST)
    assert with_lora.image.shape == without.image.shape == (60, 90, 3)
    assert np.abs(with_lora.image.astype(int) - without.image.astype(int)).mean() > 5
    config = backend.config()
    assert (config["lora"], config["lora_weight_name"], config["lora_scale"]) == (
        lora_folder,
        LORA_WEIGHT_NAME,
        1.0,
    )
    assert DiffusersBackend(**config).config() == config


def test_a_missing_lora_weight_file_fails_to_load(flux_model: str, lora_folder: str) -> None:
    backend = DiffusersBackend(
        flux_model,
        device="cpu",
        lora=lora_folder,
        lora_weight_name="absent.safetensors",
        target_pixels=FLUX_PIXELS,
    )
    with pytest.raises((OSError, ValueError)):
        backend.load()
    assert backend._pipe is None
