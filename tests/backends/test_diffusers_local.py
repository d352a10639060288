"""The local diffusers backend, on tiny random-weight pipelines built and saved here.

Each family's components are sized after diffusers' own fast tests
(tests/pipelines/flux2/test_pipeline_flux2_klein.py, tests/pipelines/flux/
test_pipeline_flux_kontext.py); the tokenizers are built with the `tokenizers` library, so
nothing comes from the hub. Every pipeline is loaded through the same
`DiffusionPipeline.from_pretrained` path that a user's model id takes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

# `make test` installs torch==2.13.0 and the [diffusers] extra: these imports must work there.
import diffusers
import numpy as np
import pytest
import tokenizers
import torch
import transformers

from gouache.backends.base import EditRequest, GenerateRequest, ImageModel
from gouache.backends.diffusers_families import KONTEXT_SIZES
from gouache.backends.diffusers_local import DiffusersBackend, plan_size
from gouache.errors import CancelledError, InvalidParameterError, UnsupportedError
from gouache.progress import CancelToken, Progress

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
    "green",
    "make",
    "it",
    "paint",
    "sky",
    "sea",
]
KLEIN_PIXELS = 96 * 96
FLUX_PIXELS = 64 * 64


def _word_tokenizer(specials: list[str]) -> object:
    vocab = {token: i for i, token in enumerate(specials + WORDS)}
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    return tok


def _save_klein(folder: Path, pipeline: str = "Flux2KleinPipeline") -> None:
    tokenizer = transformers.Qwen2TokenizerFast(
        tokenizer_object=_word_tokenizer(["<unk>", "<pad>", "<eos>"]),
        unk_token="<unk>",
        pad_token="<pad>",
        eos_token="<eos>",
    )
    tokenizer.chat_template = "{% for m in messages %}{{ m['content'] }} {% endfor %}"
    torch.manual_seed(0)
    # 28 layers so that the pipeline's default text_encoder_out_layers (9, 18, 27) exist.
    text_encoder = transformers.Qwen3ForCausalLM(
        transformers.Qwen3Config(
            intermediate_size=16,
            hidden_size=16,
            num_hidden_layers=28,
            num_attention_heads=2,
            num_key_value_heads=2,
            head_dim=8,
            vocab_size=len(tokenizer),
            max_position_embeddings=512,
        )
    )
    transformer = diffusers.Flux2Transformer2DModel(
        patch_size=1,
        in_channels=4,
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=48,  # 3 text layers x hidden 16
        timestep_guidance_channels=256,
        axes_dims_rope=[4, 4, 4, 4],
        guidance_embeds=False,
    )
    vae = diffusers.AutoencoderKLFlux2(
        sample_size=32,
        in_channels=3,
        out_channels=3,
        # Two blocks: latents at half size, so that 96 px images stay cheap to denoise.
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        block_out_channels=(4, 4),
        layers_per_block=1,
        latent_channels=1,
        norm_num_groups=1,
        use_quant_conv=False,
        use_post_quant_conv=False,
    )
    getattr(diffusers, pipeline)(
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(),
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        transformer=transformer,
        vae=vae,
        is_distilled=True,
    ).save_pretrained(folder)


def _save_flux2_dev(folder: Path) -> None:
    """FLUX.2 [dev] after diffusers' tests/pipelines/flux2/test_pipeline_flux2.py. The real
    checkpoint's `tokenizer` is a PixtralProcessor, which transformers refuses to build without
    torchvision (not installable beside this machine's CPU torch); the pipeline only calls its
    chat template for text, so a tokenizer with a chat template stands in for it."""
    fast = transformers.PreTrainedTokenizerFast
    tokenizer = fast(
        tokenizer_object=_word_tokenizer(["<unk>", "<pad>", "<s>", "</s>", "[IMG]"]),
        unk_token="<unk>",
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
    )
    tokenizer.chat_template = (
        "{% for m in messages %}{% for c in m['content'] %}{% if c['type'] == 'text' %}"
        "{{ c['text'] }} {% endif %}{% endfor %}{% endfor %}"
    )
    torch.manual_seed(0)
    # 31 layers so that the pipeline's default text_encoder_out_layers (10, 20, 30) exist.
    text_config = {
        "model_type": "mistral",
        "vocab_size": len(tokenizer),
        "hidden_size": 16,
        "intermediate_size": 16,
        "max_position_embeddings": 512,
        "num_attention_heads": 2,
        "num_hidden_layers": 31,
        "num_key_value_heads": 2,
        "head_dim": 8,
        "sliding_window": None,
        "pad_token_id": 1,
    }
    vision_config = {
        "model_type": "pixtral",
        "hidden_size": 16,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "intermediate_size": 16,
        "image_size": 30,
        "patch_size": 6,
        "num_channels": 3,
    }
    text_encoder = transformers.Mistral3ForConditionalGeneration(
        transformers.Mistral3Config(
            text_config=text_config,
            vision_config=vision_config,
            image_token_index=4,
            image_seq_length=4,
            vision_feature_layer=-1,
        )
    )
    transformer = diffusers.Flux2Transformer2DModel(
        patch_size=1,
        in_channels=4,
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=48,  # 3 text layers x hidden 16
        timestep_guidance_channels=256,
        axes_dims_rope=[4, 4, 4, 4],
    )
    vae = diffusers.AutoencoderKLFlux2(
        sample_size=32,
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        block_out_channels=(4, 4),
        layers_per_block=1,
        latent_channels=1,
        norm_num_groups=1,
        use_quant_conv=False,
        use_post_quant_conv=False,
    )
    diffusers.Flux2Pipeline(
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(),
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        transformer=transformer,
        vae=vae,
    ).save_pretrained(folder)


def _save_flux(text_to_image: Path, kontext: Path) -> None:
    """FLUX.1 and FLUX.1 Kontext share their components, so one set is saved as both."""
    fast = transformers.PreTrainedTokenizerFast
    clip_tokenizer = fast(
        tokenizer_object=_word_tokenizer(["<unk>", "<pad>", "<eos>", "<bos>"]),
        unk_token="<unk>",
        pad_token="<pad>",
        eos_token="<eos>",
        bos_token="<bos>",
        model_max_length=77,
    )
    t5_tokenizer = fast(
        tokenizer_object=_word_tokenizer(["<unk>", "<pad>", "<eos>"]),
        unk_token="<unk>",
        pad_token="<pad>",
        eos_token="<eos>",
        model_max_length=512,
    )
    torch.manual_seed(0)
    clip = transformers.CLIPTextModel(
        transformers.CLIPTextConfig(
            bos_token_id=3,
            eos_token_id=2,
            pad_token_id=1,
            hidden_size=32,
            intermediate_size=37,
            num_attention_heads=4,
            num_hidden_layers=2,
            vocab_size=len(clip_tokenizer),
            projection_dim=32,
            max_position_embeddings=77,
        )
    )
    t5 = transformers.T5EncoderModel(
        transformers.T5Config(
            vocab_size=len(t5_tokenizer), d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4
        )
    )
    transformer = diffusers.FluxTransformer2DModel(
        patch_size=1,
        in_channels=4,
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=32,
        pooled_projection_dim=32,
        axes_dims_rope=[4, 4, 8],
    )
    vae = diffusers.AutoencoderKL(
        sample_size=32,
        in_channels=3,
        out_channels=3,
        block_out_channels=(4,),
        layers_per_block=1,
        latent_channels=1,
        norm_num_groups=1,
        use_quant_conv=False,
        use_post_quant_conv=False,
        shift_factor=0.0609,
        scaling_factor=1.5035,
    )
    components = {
        "scheduler": diffusers.FlowMatchEulerDiscreteScheduler(),
        "text_encoder": clip,
        "text_encoder_2": t5,
        "tokenizer": clip_tokenizer,
        "tokenizer_2": t5_tokenizer,
        "transformer": transformer,
        "vae": vae,
    }
    diffusers.FluxPipeline(**components).save_pretrained(text_to_image)
    diffusers.FluxKontextPipeline(
        **components, image_encoder=None, feature_extractor=None
    ).save_pretrained(kontext)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("tiny-diffusers")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        _save_klein(root / "klein")
        _save_klein(root / "klein-kv", "Flux2KleinKVPipeline")
        _save_flux2_dev(root / "flux2-dev")
        _save_flux(root / "flux", root / "kontext")
        names = ("klein", "klein-kv", "flux2-dev", "flux", "kontext")
        yield {name: os.fspath(root / name) for name in names}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def klein(models: dict[str, str]) -> DiffusersBackend:
    backend = DiffusersBackend(models["klein"], target_pixels=KLEIN_PIXELS, num_inference_steps=2)
    backend.load()
    return backend


@pytest.fixture(scope="module")
def kontext(models: dict[str, str]) -> DiffusersBackend:
    return DiffusersBackend(models["kontext"], target_pixels=FLUX_PIXELS, num_inference_steps=2)


@pytest.fixture(scope="module")
def flux(models: dict[str, str]) -> DiffusersBackend:
    return DiffusersBackend(models["flux"], target_pixels=FLUX_PIXELS, num_inference_steps=2)


def _image(width: int, height: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (height, width, 3), dtype=np.uint8)


# The resolution policy


def test_a_plain_size_keeps_the_source_aspect_on_the_multiple() -> None:
    width, height = plan_size(3000, 2000, target_pixels=1024 * 1024, multiple=16)
    assert (width % 16, height % 16) == (0, 0)
    assert width / height == pytest.approx(1.5, rel=0.02)
    assert width * height == pytest.approx(1024 * 1024, rel=0.05)


def test_a_preferred_size_is_the_one_nearest_the_source_aspect() -> None:
    size = plan_size(1600, 900, target_pixels=1024 * 1024, multiple=16, preferred=KONTEXT_SIZES)
    assert size == (1392, 752)


def test_no_side_falls_below_the_model_minimum() -> None:
    assert plan_size(400, 100, target_pixels=64 * 64, multiple=2, min_side=64)[1] == 64


# Loading and families


def test_the_family_is_read_from_the_saved_pipeline_class(models: dict[str, str]) -> None:
    families = {
        name: DiffusersBackend(path, target_pixels=FLUX_PIXELS).family
        for name, path in models.items()
    }
    assert families == {
        "klein": "flux2-klein",
        "klein-kv": "flux2-klein-kv",
        "flux2-dev": "flux2-dev",
        "flux": "text-to-image",
        "kontext": "flux-kontext",
    }


def test_the_backend_is_an_image_model_whose_config_rebuilds_it(klein: DiffusersBackend) -> None:
    assert isinstance(klein, ImageModel)
    config = klein.config()
    assert config["model"] == klein.model
    assert config["target_pixels"] == KLEIN_PIXELS
    assert DiffusersBackend(**config).config() == config


def test_the_size_multiple_comes_from_the_loaded_pipeline(klein: DiffusersBackend) -> None:
    # Two VAE blocks: vae_scale_factor 2, times 2 for FLUX's 2x2 latent packing.
    assert klein.capabilities.size_multiple == 4
    assert klein.capabilities.max_references == 3
    assert klein.capabilities.edit


def test_an_unknown_dtype_is_refused(models: dict[str, str]) -> None:
    with pytest.raises(InvalidParameterError, match="dtype must be one of"):
        DiffusersBackend(models["klein"], dtype="int8")


# FLUX.2 klein


def test_a_klein_edit_comes_back_at_the_source_size_and_is_deterministic(
    klein: DiffusersBackend,
) -> None:
    request = EditRequest(
        prompt="paint the sky red", image=_image(123, 77), references=(_image(70, 90, 1),), seed=7
    )
    first = klein.edit(request)
    again = klein.edit(request)
    other = klein.edit(EditRequest(prompt=request.prompt, image=request.image, seed=8))
    assert first.image.shape == (77, 123, 3)
    assert first.image.dtype == np.uint8
    assert np.abs(first.image.astype(int) - again.image.astype(int)).max() <= 1
    assert np.abs(first.image.astype(int) - other.image.astype(int)).mean() > 1
    assert first.seed == 7
    assert first.params["num_inference_steps"] == 2
    assert first.params["guidance_scale"] == 1.0  # a step-distilled klein runs without CFG
    assert first.params["references"] == 2


def test_klein_generates_at_the_requested_size(klein: DiffusersBackend) -> None:
    result = klein.generate(GenerateRequest(prompt="a red dog", width=100, height=70, seed=1))
    assert result.image.shape == (70, 100, 3)


def test_the_progress_callback_fires_once_per_step(klein: DiffusersBackend) -> None:
    seen: list[Progress] = []
    klein.edit(EditRequest(prompt="a cat", image=_image(96, 96), seed=0), progress=seen.append)
    assert [(p.step, p.total) for p in seen] == [(1, 2), (2, 2)]


def test_cancelling_stops_between_steps(klein: DiffusersBackend) -> None:
    cancel = CancelToken()
    seen: list[Progress] = []

    def cancel_after_the_first_step(update: Progress) -> None:
        seen.append(update)
        cancel.cancel()

    with pytest.raises(CancelledError):
        klein.edit(
            EditRequest(prompt="a cat", image=_image(96, 96), seed=0),
            progress=cancel_after_the_first_step,
            cancel=cancel,
        )
    assert [p.step for p in seen] == [1]


def test_more_references_than_klein_takes_are_refused_with_the_limit(
    klein: DiffusersBackend,
) -> None:
    refs = tuple(_image(64, 64, i) for i in range(4))
    with pytest.raises(UnsupportedError, match=r"at most 4 image\(s\).*this turn has 5.*collage"):
        klein.edit(EditRequest(prompt="a collage", image=_image(64, 64), references=refs))


def test_klein_refuses_a_negative_prompt(klein: DiffusersBackend) -> None:
    with pytest.raises(UnsupportedError, match="no negative prompt"):
        klein.edit(EditRequest(prompt="a cat", image=_image(64, 64), negative_prompt="blur"))


# Plain text-to-image (FLUX.1)


def test_a_text_to_image_pipeline_generates_at_the_requested_size(flux: DiffusersBackend) -> None:
    seen: list[Progress] = []
    first = flux.generate(
        GenerateRequest(prompt="a blue sea", width=90, height=60, seed=3), progress=seen.append
    )
    again = flux.generate(GenerateRequest(prompt="a blue sea", width=90, height=60, seed=3))
    assert first.image.shape == (60, 90, 3)
    assert np.abs(first.image.astype(int) - again.image.astype(int)).max() <= 1
    assert len(seen) == 2


def test_a_text_to_image_pipeline_refuses_to_edit(flux: DiffusersBackend) -> None:
    assert not flux.capabilities.edit
    with pytest.raises(UnsupportedError, match="cannot edit"):
        flux.edit(EditRequest(prompt="a cat", image=_image(64, 64)))


# FLUX.1 Kontext


def test_a_kontext_edit_comes_back_at_the_source_size(kontext: DiffusersBackend) -> None:
    result = kontext.edit(EditRequest(prompt="make it blue", image=_image(150, 100), seed=2))
    assert result.image.shape == (100, 150, 3)
    # The working size is Kontext's preferred 1392x752 aspect, scaled to the target.
    assert result.params["run_width"] > result.params["run_height"]


def test_kontext_takes_one_image(kontext: DiffusersBackend) -> None:
    with pytest.raises(UnsupportedError, match=r"at most 1 image\(s\)"):
        kontext.edit(
            EditRequest(prompt="a cat", image=_image(64, 64), references=(_image(64, 64),))
        )


# FLUX.2 klein KV and the model table


def test_a_klein_kv_edit_reads_its_own_family_and_comes_back_at_the_source_size(
    models: dict[str, str],
) -> None:
    backend = DiffusersBackend(
        models["klein-kv"], target_pixels=KLEIN_PIXELS, num_inference_steps=2
    )
    source = _image(80, 60)

    result = backend.edit(EditRequest(prompt="paint the sky red", image=source, seed=3))

    assert backend.family == "flux2-klein-kv"
    assert result.image.shape == source.shape
    assert result.params["family"] == "flux2-klein-kv"
    assert result.params["guidance_scale"] is None


def test_klein_kv_refuses_a_guidance_scale_it_has_no_argument_for(models: dict[str, str]) -> None:
    backend = DiffusersBackend(
        models["klein-kv"], target_pixels=KLEIN_PIXELS, num_inference_steps=2
    )

    with pytest.raises(UnsupportedError, match="step-distilled and takes no guidance_scale"):
        backend.generate(GenerateRequest(prompt="a red dog", guidance_scale=3.5))


def test_every_diffusers_row_of_the_model_table_names_a_shipped_pipeline_of_its_family() -> None:
    from gouache.backends.diffusers_families import family_for_class
    from gouache.backends.models import MODELS

    rows = [info for info in MODELS.values() if info.backend == "diffusers"]
    assert {info.pipeline for info in rows} == {
        "Flux2KleinPipeline",
        "Flux2KleinKVPipeline",
        "Flux2Pipeline",
        "QwenImageEditPlusPipeline",
        "FluxKontextPipeline",
    }
    for info in rows:
        assert hasattr(diffusers, info.pipeline), info.name
        adapter = family_for_class(info.pipeline, takes_image=True)
        assert adapter.max_images == info.max_images, info.name


# FLUX.2 dev


def test_a_flux2_dev_edit_with_references_comes_back_at_the_source_size(
    models: dict[str, str],
) -> None:
    backend = DiffusersBackend(
        models["flux2-dev"], target_pixels=KLEIN_PIXELS, num_inference_steps=2
    )
    source = _image(96, 72)
    references = (_image(80, 80, seed=1), _image(64, 96, seed=2))

    result = backend.edit(
        EditRequest(prompt="paint the sky red", image=source, references=references, seed=5)
    )

    assert backend.family == "flux2-dev"
    assert backend.capabilities.max_references == 5
    assert result.image.shape == source.shape
    assert result.params["guidance_scale"] == 4.0
    with pytest.raises(UnsupportedError, match="at most"):
        backend.edit(EditRequest(prompt="x", image=source, references=(source,) * 6))


# FLUX.2 klein inpainting (a mask)


def test_a_klein_mask_repaints_inside_and_keeps_the_source_latents_outside(
    klein: DiffusersBackend,
) -> None:
    source = _image(96, 96, seed=4)
    mask = np.zeros((96, 96), dtype=np.uint8)
    mask[:, :32] = 255  # the left third

    def run(seed: int) -> np.ndarray:
        request = EditRequest(prompt="paint it red", image=source, mask_image=mask, seed=seed)
        result = klein.edit(request)
        assert result.params["mask"] is True
        assert result.params["strength"] == 1.0
        return result.image.astype(np.int16)

    first, second = run(1), run(2)

    assert klein.capabilities.masks
    # Outside the mask every step is blended back to the source's latents, so two seeds nearly
    # agree there (away from the edge, where the decoder mixes both; measured about 2 levels
    # of 255 on this tiny model); inside they differ (about 50), as everywhere without a mask.
    outside = np.abs(first[:, 56:] - second[:, 56:]).mean()
    inside = np.abs(first[:, :24] - second[:, :24]).mean()
    assert outside < 4
    assert inside > 20


def test_a_mask_of_the_wrong_size_or_marking_nothing_is_refused(klein: DiffusersBackend) -> None:
    source = _image(96, 96)
    with pytest.raises(InvalidParameterError, match="mask_image is 48x48 but the image is 96x96"):
        klein.edit(EditRequest(prompt="x", image=source, mask_image=np.ones((48, 48), np.uint8)))
    with pytest.raises(InvalidParameterError, match="marks nothing"):
        klein.edit(EditRequest(prompt="x", image=source, mask_image=np.zeros((96, 96), np.uint8)))
    with pytest.raises(UnsupportedError, match="strength only with a mask"):
        klein.edit(EditRequest(prompt="x", image=source, strength=0.5))


def test_a_family_without_an_inpainting_pipeline_refuses_a_mask(kontext: DiffusersBackend) -> None:
    source = _image(64, 64)

    assert not kontext.capabilities.masks
    with pytest.raises(UnsupportedError, match="takes no mask"):
        kontext.edit(EditRequest(prompt="x", image=source, mask_image=np.ones((64, 64), np.uint8)))
