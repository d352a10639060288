"""An evaluation suite: cases of an image, turns of instructions and what must hold after.

A suite file (YAML):

    name: my suite                          # required
    description: ...                        # optional
    cases:                                  # required, at least one
      - id: caption-bottom                  # unique: letters, digits, "-", "_" and "."
        category: text                      # groups the report's tables [general]
        image: photo.jpg                    # a file (relative to the suite), builtin:NAME
                                            # (astronaut, coffee, chelsea, rocket, camera,
                                            # page, text, coins, grace_hopper ...) or
                                            # generated:NAME (poster, document, sign, shapes)
        turns: ['add the caption "Hi" at the bottom']   # one or more instructions
        references: [logo.png]              # images 2, 3 ... of every turn
        characters: {Ana: builtin:astronaut}  # a photo with one face each
        guideline: brand.yaml               # its critics judge the last version too
        region: {box: [0, 0.75, 1, 1]}      # where the edits were meant to happen:
                                            # whole, faces, text, {box: [x0, y0, x1, y1]}
                                            # in fractions of the width and height, or a
                                            # list of these; [] or absent = nowhere
        expect:
          text: ["Hi"]                      # read by OCR (normalised edit distance <= 0.2)
          absent_text: ["SALE"]             # no longer readable
          aspect: "4:5"                     # width / height within 1 %
          size: [800, 600]                  # exact width and height
          changed: true                     # the region changed (mean difference >= 1 level)
          min_psnr: 30                      # preservation outside the region [30 dB]
          min_ssim: 0.9                     # [0.9]
          min_identity: 0.45                # each character's cosine [the character's own]

Every mistake raises `SuiteError` naming the file and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from gouache.errors import InputError

_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


class SuiteError(InputError):
    """A suite that cannot be used; the message names the file and the key."""


def _listed(value: object) -> object:
    return [value] if isinstance(value, str | dict) else value


class Box(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    box: tuple[float, float, float, float]

    def model_post_init(self, context: Any, /) -> None:
        x0, y0, x1, y1 = self.box
        if not (0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0):
            raise ValueError(
                "a box is [x0, y0, x1, y1] with 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1"
            )


RegionPart = Literal["whole", "faces", "text"] | Box
Region = Annotated[list[RegionPart], BeforeValidator(_listed)]
_Strings = Annotated[list[str], BeforeValidator(_listed)]


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: _Strings = Field(default_factory=list)
    absent_text: _Strings = Field(default_factory=list)
    aspect: str | float | None = None
    size: tuple[int, int] | None = None
    changed: bool = False
    min_psnr: float = 30.0
    min_ssim: float = 0.9
    min_identity: float | None = None


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: str = "general"
    image: str
    turns: Annotated[list[str], BeforeValidator(_listed)] = Field(min_length=1)
    references: _Strings = Field(default_factory=list)
    characters: dict[str, str] = Field(default_factory=dict)
    guideline: str | None = None
    region: Region = Field(default_factory=list)
    expect: Expect = Field(default_factory=Expect)

    def model_post_init(self, context: Any, /) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"id {self.id!r}: use letters, digits, '-', '_' and '.'")
        if any(not turn.strip() for turn in self.turns):
            raise ValueError("a turn is an instruction, not an empty string")

    @property
    def whole(self) -> bool:
        return "whole" in self.region


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    cases: list[Case] = Field(min_length=1)


@dataclass(frozen=True)
class Suite:
    """Cases and where their files are looked for."""

    name: str
    cases: tuple[Case, ...]
    description: str = ""
    base_dir: Path = field(default_factory=Path.cwd)

    def __post_init__(self) -> None:
        ids = [case.id for case in self.cases]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise SuiteError(
                f"suite {self.name!r}: case ids must be unique: {', '.join(duplicates)}"
            )

    def only(self, ids: set[str]) -> Suite:
        unknown = sorted(ids - {case.id for case in self.cases})
        if unknown:
            raise SuiteError(f"suite {self.name!r} has no case {', '.join(unknown)}")
        kept = tuple(case for case in self.cases if case.id in ids)
        return Suite(self.name, kept, self.description, self.base_dir)

    def to_yaml(self) -> str:
        import yaml

        cases = [case.model_dump(mode="json", exclude_defaults=True) for case in self.cases]
        document = {"name": self.name, "description": self.description, "cases": cases}
        return str(
            yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=None)
        )


def load_suite(path: str | Path) -> Suite:
    """Read a suite file; files it names are relative to it."""
    import yaml

    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SuiteError(f"{path}: cannot read it ({err})") from None
    except yaml.YAMLError as err:
        raise SuiteError(f"{path}: not valid YAML ({err})") from None
    return suite_from_mapping(data, base_dir=file.resolve().parent, label=str(path))


def suite_from_mapping(data: object, *, base_dir: Path, label: str) -> Suite:
    if not isinstance(data, dict):
        raise SuiteError(f"{label}: a suite is a mapping with name and cases")
    try:
        document = _Document.model_validate(data)
    except ValidationError as err:
        # a union reports every alternative: the check that ran says most
        errors = err.errors()
        first = next((e for e in errors if e["type"] == "value_error"), errors[0])
        where = ".".join(str(p) for p in first["loc"] if "[" not in str(p) and p != "Box")
        raise SuiteError(f"{label}: {where}: {first['msg']}") from None
    return Suite(document.name, tuple(document.cases), document.description, base_dir)
