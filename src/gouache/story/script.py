"""The story script (YAML): characters by photo, a style, and 2 to 9 panels.

title: Launch day
style: make it a cartoon        # any instruction the planner reads, applied to every panel
layout: grid                    # grid or strip
panel: [480, 360]               # the panels' width and height in pixels
characters:
  Eileen: eileen.jpg            # a photo with one face; paths are relative to the script
  Grace: grace.jpg
panels:
  - instruction: Eileen arrives at the pad
    characters: [Eileen]
    source: eileen.jpg          # the photo the panel starts from (required offline)
    caption: Monday, 6 am
  - instruction: Grace says hello
    characters: [Eileen, Grace]
    source: both.jpg
    say: {who: Grace, text: "Ready, Eileen?"}
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gouache.errors import InputError

MIN_PANELS, MAX_PANELS = 2, 9


class Speech(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    who: str = Field(min_length=1)
    text: str = Field(min_length=1, max_length=200)


class Panel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    instruction: str = Field(min_length=1, max_length=500)
    characters: tuple[str, ...] = ()
    source: Path | None = None
    caption: str | None = Field(default=None, max_length=200)
    say: Speech | None = None

    def key(self, style: str | None, panel: tuple[int, int], source_digest: str | None) -> str:
        """What the panel's pixels depend on: the same key, the same panel."""
        data = self.model_dump(mode="json", exclude={"source"})
        data.update(style=style, panel=list(panel), source=source_digest)
        text = json.dumps(data, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Script(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(default="", max_length=120)
    style: str | None = None
    layout: Literal["grid", "strip"] = "grid"
    panel: tuple[int, int] = (480, 360)
    characters: dict[str, Path] = Field(default_factory=dict)
    panels: tuple[Panel, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Script:
        if not MIN_PANELS <= len(self.panels) <= MAX_PANELS:
            raise ValueError(
                f"a page has {MIN_PANELS} to {MAX_PANELS} panels, not {len(self.panels)}"
            )
        if not all(64 <= side <= 2000 for side in self.panel):
            raise ValueError("panel: width and height are 64 to 2000 pixels")
        for number, panel in enumerate(self.panels, start=1):
            named = [*panel.characters, *([panel.say.who] if panel.say else [])]
            for name in named:
                if name not in self.characters:
                    raise ValueError(
                        f"panel {number} names {name!r}, who is not among the characters "
                        f"({', '.join(self.characters) or 'none'})"
                    )
            if panel.say is not None and panel.say.who not in panel.characters:
                raise ValueError(f"panel {number}: {panel.say.who} speaks but is not in it")
        return self


def load_script(path: Path) -> Script:
    """Read and check a script; paths become relative to its folder. InputError says what is
    wrong and where."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None
    except yaml.YAMLError as err:
        raise InputError(f"{path} is not valid YAML: {err}") from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: a script is a mapping with characters and panels")
    try:
        script = Script.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "script"
        raise InputError(f"{path}: {where}: {first['msg']}") from None
    folder = path.parent
    characters = {name: _found(folder / photo, path) for name, photo in script.characters.items()}
    panels = tuple(
        p.model_copy(update={"source": _found(folder / p.source, path)}) if p.source else p
        for p in script.panels
    )
    return script.model_copy(update={"characters": characters, "panels": panels})


def _found(photo: Path, script: Path) -> Path:
    if not photo.is_file():
        raise InputError(f"{script}: {photo} does not exist")
    return photo
