"""Backends by name or profile, and why one cannot run here."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gouache.backends.catalog import Profile, availability, create, load_profiles
from gouache.backends.operators import OperatorBackend
from gouache.errors import BackendNotFoundError, InputError
from gouache.ops.plan import EditPlan
from gouache.planner.plan import PlannerReply
from gouache.planner.prompt import PromptPlanner
from servers import unused_port


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_every_backend_type_is_a_profile_and_user_profiles_add_to_them(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        '[backends.klein]\ntype = "diffusers"\nmodel = "black-forest-labs/FLUX.2-klein-4B"\n'
        'device = "cuda"\n',
    )
    profiles = load_profiles(config)
    assert {"operators", "gemini", "openai", "diffusers", "comfyui", "klein"} <= set(profiles)
    assert profiles["klein"] == Profile(
        "klein", "diffusers", {"model": "black-forest-labs/FLUX.2-klein-4B", "device": "cuda"}
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[backends.x]\ntype = "gemini"\napi_key = "sk-123"\n', "secrets come only from"),
        ('[backends.x]\ntype = "dall-e-9"\n', "type 'dall-e-9' is not one of"),
        ("[backends.x]\nmodel = 1\n", "needs a `type`"),
        ("[backends\n", "cannot read the config"),
    ],
)
def test_a_bad_profile_is_refused_with_the_file_and_the_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        load_profiles(write_config(tmp_path, text))


def test_the_secret_itself_is_never_echoed(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[backends.x]\ntype = "openai"\napi_key = "sk-secret"\n')
    with pytest.raises(InputError) as err:
        load_profiles(config)
    assert "sk-secret" not in str(err.value)


def test_the_operators_profile_builds_the_offline_backend() -> None:
    assert isinstance(
        create("operators", {"operators": Profile("operators", "operators")}), OperatorBackend
    )
    with pytest.raises(BackendNotFoundError, match="no backend 'nope'"):
        create("nope", {})


def test_a_backend_needing_a_key_says_which_variable_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    state = availability(Profile("openai", "openai"))
    assert not state.available
    assert "OPENAI_API_KEY" in state.why
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    assert availability(Profile("openai", "openai")).available


@pytest.mark.parametrize(
    ("kind", "config", "needs_key"),
    [
        ("openai", {}, True),
        ("openai", {"base_url": "http://127.0.0.1:9/v1"}, False),  # a local server: no key
        ("gemini", {}, True),
        ("gemini", {"base_url": "http://127.0.0.1:9"}, True),  # the SDK always sends a key
    ],
)
def test_creating_a_profile_and_asking_if_it_can_run_apply_one_key_rule(
    monkeypatch: pytest.MonkeyPatch, kind: str, config: dict[str, str], needs_key: bool
) -> None:
    from gouache.errors import BackendSetupError

    for variable in ("OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(variable, raising=False)
    profiles = {"p": Profile("p", kind, config)}

    state = availability(profiles["p"])

    assert state.available is not needs_key
    if needs_key:
        assert "no API key" in state.why
        with pytest.raises(BackendSetupError, match="needs an API key: set"):
            create("p", profiles)
    else:
        assert create("p", profiles).name == kind


def test_a_built_in_profile_is_built_without_reading_the_entry_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gouache.backends import catalog

    scans: list[str] = []

    def counted(**selection: str) -> object:
        scans.append(selection.get("group", ""))
        return ()

    monkeypatch.setattr(catalog, "entry_points", counted)

    assert isinstance(
        create("operators", {"operators": Profile("operators", "operators")}), OperatorBackend
    )
    assert scans == []
    with pytest.raises(BackendNotFoundError):
        create("somebody-elses", {})
    assert scans == ["gouache.backends"]


@pytest.fixture
def listening() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


def test_a_comfyui_server_is_probed_before_it_is_called_available(listening: int) -> None:
    workflow = "examples/comfyui/flux-kontext-edit.json"
    up = availability(
        Profile("c", "comfyui", {"base_url": f"http://127.0.0.1:{listening}", "workflow": workflow})
    )
    assert up.available
    port = unused_port()
    down = availability(
        Profile("c", "comfyui", {"base_url": f"http://127.0.0.1:{port}", "workflow": workflow})
    )
    assert not down.available
    assert "server unreachable" in down.why


@pytest.mark.parametrize(
    ("kind", "setting"),
    [("diffusers", 'model = "black-forest-labs/FLUX.2-klein-4B"'), ("comfyui", "workflow = ")],
)
def test_a_profile_without_its_model_or_workflow_is_not_called_available(
    listening: int, kind: str, setting: str
) -> None:
    config = {"base_url": f"http://127.0.0.1:{listening}", "device": "cpu"}

    state = availability(Profile(kind, kind, config))

    assert not state.available
    assert state.why.startswith("needs a profile with ")
    assert setting in state.why


def test_the_backends_command_lists_each_profile_with_its_status(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[backends.mine]\ntype = "operators"\n')
    env = {**os.environ, "GOUACHE_CONFIG": str(config), "GOUACHE_DATA_DIR": str(tmp_path)}
    env.pop("OPENAI_API_KEY", None)
    out = subprocess.run(
        [sys.executable, "-m", "gouache", "backends"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    ).stdout
    assert "mine" in out
    assert "operators  available" in out
    assert "OPENAI_API_KEY" in out


def test_a_generative_backend_gets_the_instruction_as_its_prompt() -> None:
    plan = PromptPlanner().plan("make the sky purple")
    assert isinstance(plan, EditPlan)
    assert plan.steps[0].op == "generate_edit"
    assert plan.steps[0].params == {"prompt": "make the sky purple"}
    assert isinstance(PromptPlanner().plan("  "), PlannerReply)


def test_a_third_party_backend_is_chosen_by_its_entry_point_name(plugin_on_path: Path) -> None:
    backend = create("invert", {}, strength=0.5)
    assert backend.name == "invert"
    assert backend.config() == {"strength": 0.5}
    with pytest.raises(BackendNotFoundError, match="invert"):
        create("nope", {})


@pytest.mark.parametrize(
    ("backend", "setting"),
    [
        ("openai", "OPENAI_API_KEY"),
        ("gemini", "GEMINI_API_KEY"),
        ("diffusers", "model = "),
        ("comfyui", "workflow = "),
    ],
)
def test_a_generative_backend_without_its_key_model_or_workflow_fails_in_one_line(
    tmp_path: Path, backend: str, setting: str
) -> None:
    from PIL import Image as PILImage

    photo = tmp_path / "photo.png"
    PILImage.new("RGB", (32, 24), (120, 80, 40)).save(photo)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"}
    }
    env["GOUACHE_CONFIG"] = str(tmp_path / "none.toml")
    env["GOUACHE_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-m", "gouache", "--backend", backend, "edit", str(photo), "warmer"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert setting in lines[0]
    assert "Traceback" not in result.stderr


def test_backend_after_the_command_is_honoured_as_people_type_it(tmp_path: Path) -> None:
    from PIL import Image as PILImage

    photo = tmp_path / "photo.png"
    PILImage.new("RGB", (32, 24), (120, 80, 40)).save(photo)
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    env["GOUACHE_CONFIG"] = str(tmp_path / "none.toml")
    env["GOUACHE_DATA_DIR"] = str(tmp_path / "data")
    command = ["edit", str(photo), "make it warmer", "--backend", "openai"]
    result = subprocess.run(
        [sys.executable, "-m", "gouache", "--backend", "operators", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "gouache: error: backend 'openai' needs an API key: set OPENAI_API_KEY"
    )
    assert not list(tmp_path.glob("photo-edited*"))


def test_any_exception_from_a_backend_constructor_becomes_a_gouache_error(tmp_path: Path) -> None:
    from gouache.errors import BackendSetupError

    profiles = {"bad": Profile("bad", "openai", {"base_url": "http://127.0.0.1:9", "size": "huge"})}
    with pytest.raises(BackendSetupError, match=r"backend 'openai' could not start: .*size"):
        create("bad", profiles)
