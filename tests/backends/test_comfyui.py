"""The ComfyUI backend against a local server speaking ComfyUI's wire format (`FakeComfyUI`
in tests/servers.py: its "model" inverts the image the graph's LoadImage node names, so pixels
can be followed)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image as PILImage

from gouache.backends.base import EditRequest, GenerateRequest, ImageModel
from gouache.backends.comfyui import ComfyUIBackend
from gouache.backends.comfyui_workflow import load_workflow
from gouache.errors import (
    BackendError,
    CancelledError,
    InputError,
    InvalidReferenceError,
    UnsupportedError,
)
from gouache.progress import CancelToken, Progress
from servers import FakeComfyUI, unused_port

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "comfyui" / "flux-kontext-edit.json"

EDIT_GRAPH: dict[str, Any] = {
    "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "model.safetensors"}},
    "2": {"class_type": "LoadImage", "inputs": {"image": "{{image}}"}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["1", 1]}},
    "4": {
        "class_type": "KSampler",
        "inputs": {
            "model": ["1", 0],
            "positive": ["3", 0],
            "seed": "{{seed}}",
            "steps": 20,
            "cfg": "{{guidance}}",
            "denoise": 1.0,
        },
    },
    "5": {
        "class_type": "SaveImage",
        "inputs": {"images": ["4", 0], "filename_prefix": "gouache/{{seed}}"},
    },
}

TEXT_GRAPH: dict[str, Any] = {
    "1": {
        "class_type": "EmptyLatentImage",
        "inputs": {"width": "{{width}}", "height": "{{height}}"},
    },
    "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}"}},
    "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "g"}},
}


@pytest.fixture
def comfy(comfyui_server: FakeComfyUI) -> FakeComfyUI:
    return comfyui_server


@pytest.fixture
def picture() -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, size=(24, 32, 3), dtype=np.uint8)


def backend(comfy: FakeComfyUI, workflow: Any = EDIT_GRAPH, **kwargs: Any) -> ComfyUIBackend:
    kwargs.setdefault("poll_interval", 0.005)
    kwargs.setdefault("timeout", 5.0)
    return ComfyUIBackend(workflow, base_url=comfy.url, **kwargs)


def test_an_edit_sends_the_image_and_a_filled_graph_and_returns_the_servers_image(
    comfy: FakeComfyUI, picture: np.ndarray
) -> None:
    model = backend(comfy)
    result = model.edit(
        EditRequest(prompt="make it night", image=picture, seed=42, guidance_scale=3.5)
    )

    # the uploaded PNG is the input image, under a content-addressed name
    assert len(comfy.uploads) == 1
    name, png = next(iter(comfy.uploads.items()))
    assert name.startswith("gouache-")
    assert name.endswith(".png")
    np.testing.assert_array_equal(np.asarray(PILImage.open(io.BytesIO(png))), picture)
    assert comfy.upload_fields == [{"overwrite": "true", "type": "input"}]

    # the graph has typed values where a placeholder stood alone, text where it was embedded
    sent = comfy.prompts[0]
    assert sent["client_id"] == model.client_id
    graph = sent["prompt"]
    assert graph["2"]["inputs"]["image"] == name
    assert graph["3"]["inputs"]["text"] == "make it night"
    assert graph["4"]["inputs"]["seed"] == 42
    assert type(graph["4"]["inputs"]["seed"]) is int
    assert graph["4"]["inputs"]["cfg"] == 3.5
    assert type(graph["4"]["inputs"]["cfg"]) is float
    assert graph["5"]["inputs"]["filename_prefix"] == "gouache/42"
    assert graph["3"]["inputs"]["clip"] == ["1", 1]

    # the pixels came back through /view: the fake's model inverts
    np.testing.assert_array_equal(result.image, 255 - picture)
    assert result.seed == 42
    assert result.params["prompt"] == "make it night"
    assert result.params["workflow_sha256"] == model.workflow.sha256


def test_a_missing_seed_is_drawn_at_random_and_recorded_so_the_recipe_reproduces(
    comfy: FakeComfyUI, picture: np.ndarray
) -> None:
    result = backend(comfy).edit(EditRequest(prompt="p", image=picture, guidance_scale=1.0))
    sent_seed = comfy.prompts[0]["prompt"]["4"]["inputs"]["seed"]
    assert isinstance(sent_seed, int)
    assert result.seed == sent_seed
    assert result.params["seed"] == sent_seed


def test_progress_is_reported_while_comfyui_works(comfy: FakeComfyUI, picture: np.ndarray) -> None:
    comfy.polls_before_done = 3
    seen: list[Progress] = []
    backend(comfy).edit(
        EditRequest(prompt="p", image=picture, seed=1, guidance_scale=1.0), progress=seen.append
    )
    waiting = [p for p in seen if p.total == 0]
    assert [p.step for p in waiting] == [1, 2, 3]
    assert "ComfyUI" in waiting[0].message
    assert seen[-1] == Progress(1, 1, "done")


def test_cancelling_interrupts_comfyui_and_raises_cancelled(
    comfy: FakeComfyUI, picture: np.ndarray
) -> None:
    comfy.never_finish = True
    cancel = CancelToken()

    def cancel_on_second_poll(progress: Progress) -> None:
        if progress.step == 2:
            cancel.cancel()

    with pytest.raises(CancelledError, match="interrupted"):
        backend(comfy).edit(
            EditRequest(prompt="p", image=picture, seed=1, guidance_scale=1.0),
            progress=cancel_on_second_poll,
            cancel=cancel,
        )
    prompt_id = next(iter(comfy.polls))
    assert comfy.interrupts == [{"prompt_id": prompt_id}]
    assert comfy.queue_deletes == [{"delete": [prompt_id]}]


def test_a_turn_cancelled_before_it_starts_sends_nothing(
    comfy: FakeComfyUI, picture: np.ndarray
) -> None:
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(CancelledError):
        backend(comfy).edit(
            EditRequest(prompt="p", image=picture, seed=1, guidance_scale=1.0), cancel=cancel
        )
    assert comfy.uploads == {}
    assert comfy.prompts == []


def test_node_errors_name_each_node_its_class_and_the_problem(
    comfy: FakeComfyUI, picture: np.ndarray
) -> None:
    comfy.refuse_with_node_errors = True
    with pytest.raises(
        BackendError,
        match=r"refused the workflow: node 3 \(CLIPTextEncode\): Required input is missing: clip",
    ):
        backend(comfy).edit(EditRequest(prompt="p", image=picture, seed=1, guidance_scale=1.0))


def test_an_execution_error_names_the_failing_node(comfy: FakeComfyUI, picture: np.ndarray) -> None:
    comfy.fail_in_node = "4"
    with pytest.raises(
        BackendError, match=r"failed in node 4 \(KSampler\): OutOfMemoryError: CUDA out of memory"
    ):
        backend(comfy).edit(EditRequest(prompt="p", image=picture, seed=1, guidance_scale=1.0))


def test_an_unfilled_placeholder_is_an_input_error_and_nothing_is_sent(
    comfy: FakeComfyUI, picture: np.ndarray
) -> None:
    with pytest.raises(InputError, match=r"\{\{guidance\}\}.*no guidance_scale"):
        backend(comfy).edit(EditRequest(prompt="p", image=picture, seed=1))
    assert comfy.uploads == {}
    assert comfy.prompts == []


def test_an_unreachable_server_is_a_backend_error_naming_the_url(picture: np.ndarray) -> None:
    port = unused_port()
    url = f"http://127.0.0.1:{port}"
    model = ComfyUIBackend(EDIT_GRAPH, base_url=url, timeout=2.0)
    with pytest.raises(BackendError, match=f"cannot reach ComfyUI at {url}"):
        model.edit(EditRequest(prompt="p", image=picture, seed=1, guidance_scale=1.0))


def test_a_prompt_that_never_finishes_times_out_and_is_interrupted(
    comfy: FakeComfyUI, picture: np.ndarray
) -> None:
    comfy.never_finish = True
    model = backend(comfy, timeout=0.05)
    with pytest.raises(BackendError, match="did not finish"):
        model.edit(EditRequest(prompt="p", image=picture, seed=1, guidance_scale=1.0))
    assert len(comfy.interrupts) == 1


def test_generate_runs_the_text_workflow_with_size_from_the_request(comfy: FakeComfyUI) -> None:
    model = backend(comfy, workflow=TEXT_GRAPH)
    assert model.capabilities.generate
    assert not model.capabilities.edit
    with pytest.raises(InputError, match=r"\{\{width\}\}"):
        model.generate(GenerateRequest(prompt="a lighthouse"))
    assert comfy.prompts == []

    result = model.generate(GenerateRequest(prompt="a lighthouse", width=40, height=16))
    assert result.image.shape == (16, 40, 3)
    assert comfy.prompts[0]["prompt"]["1"]["inputs"] == {"width": 40, "height": 16}
    assert result.seed is None


def test_an_edit_workflow_with_a_generate_workflow_can_do_both(comfy: FakeComfyUI) -> None:
    model = backend(comfy, generate_workflow=TEXT_GRAPH)
    assert isinstance(model, ImageModel)
    assert model.capabilities.edit
    assert model.capabilities.generate
    assert model.capabilities.max_references == 0
    assert not model.capabilities.masks
    assert not model.capabilities.preserves_unedited
    assert not backend(comfy).capabilities.generate


def test_references_and_mask_placeholders_set_the_capabilities(comfy: FakeComfyUI) -> None:
    graph = json.loads(json.dumps(EDIT_GRAPH))
    graph["6"] = {"class_type": "LoadImage", "inputs": {"image": "{{reference_1}}"}}
    graph["7"] = {"class_type": "LoadImage", "inputs": {"image": "{{reference_2}}"}}
    graph["8"] = {"class_type": "LoadImageMask", "inputs": {"image": "{{mask}}", "channel": "red"}}
    caps = backend(comfy, workflow=graph).capabilities
    assert caps.max_references == 2
    assert caps.masks

    del graph["6"]
    with pytest.raises(InputError, match="without gaps"):
        backend(comfy, workflow=graph)


def test_too_many_references_or_an_unusable_mask_are_refused(
    comfy: FakeComfyUI, picture: np.ndarray
) -> None:
    model = backend(comfy)
    with pytest.raises(InvalidReferenceError, match="takes 0 reference"):
        model.edit(
            EditRequest(prompt="p", image=picture, seed=1, guidance_scale=1, references=(picture,))
        )
    with pytest.raises(UnsupportedError, match=r"no \{\{mask\}\}"):
        model.edit(
            EditRequest(prompt="p", image=picture, seed=1, guidance_scale=1, mask_image=picture)
        )
    assert comfy.prompts == []


def test_workflows_that_are_not_api_format_or_name_unknown_placeholders_are_refused(
    tmp_path: Path,
) -> None:
    ui = tmp_path / "ui.json"
    ui.write_text(json.dumps({"nodes": [], "links": [], "version": 0.4}))
    with pytest.raises(InputError, match="UI format"):
        ComfyUIBackend(ui)
    with pytest.raises(InputError, match="node 1 has no class_type"):
        ComfyUIBackend({"1": {"inputs": {}}})
    with pytest.raises(InputError, match=r"unknown placeholder \{\{cfg\}\}"):
        ComfyUIBackend({"1": {"class_type": "KSampler", "inputs": {"cfg": "{{cfg}}"}}})
    with pytest.raises(InputError, match="cannot read"):
        ComfyUIBackend(tmp_path / "missing.json")


def test_config_records_the_workflow_by_name_and_hash_not_the_graph(tmp_path: Path) -> None:
    path = tmp_path / "edit.json"
    path.write_text(json.dumps(EDIT_GRAPH))
    config = ComfyUIBackend(path, base_url="http://gpu-box:8188/", timeout=30).config()
    assert config == {
        "base_url": "http://gpu-box:8188",
        "workflow": "edit.json",
        "workflow_sha256": load_workflow(EDIT_GRAPH).sha256,
        "timeout": 30,
    }


def test_the_example_workflow_loads_and_fills(comfy: FakeComfyUI, picture: np.ndarray) -> None:
    workflow = load_workflow(EXAMPLE)
    assert workflow.placeholders == {"prompt", "image", "seed", "width", "height"}
    filled = workflow.fill(
        {"prompt": "add a hat", "image": "in.png", "seed": 3, "width": 1024, "height": 768}
    )
    assert filled["4"]["inputs"]["image"] == "in.png"
    assert filled["5"]["inputs"]["width"] == 1024
    assert filled["5"]["inputs"]["height"] == 768
    assert filled["11"]["inputs"]["seed"] == 3

    model = backend(comfy, workflow=EXAMPLE)
    assert model.capabilities.edit
    assert not model.capabilities.generate
    result = model.edit(EditRequest(prompt="add a hat", image=picture, seed=9))
    sent = comfy.prompts[0]["prompt"]
    assert (sent["5"]["inputs"]["width"], sent["5"]["inputs"]["height"]) == (32, 24)
    np.testing.assert_array_equal(result.image, 255 - picture)
