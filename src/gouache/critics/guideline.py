"""A guideline: the criteria an image must meet, read from a YAML file, and its verdict.

A guideline file names the checkable criteria with their weights, and free-text rules
that no critic here checks (they are kept for model-based critics):

    name: Gouache summer campaign         # required
    description: ...                      # optional
    criteria:                             # required, at least one
      <criterion name>:                   # letters, digits, "_" and "-"
        kind: <kind>                      # optional; defaults to the criterion's name
        weight: 1.0                       # optional, >= 0; default 1
        ...                               # the kind's own settings, below
    rules:                                # optional free text
      - Keep the tone warm.

Kinds and their settings (every setting optional unless marked; defaults in brackets):

    text          required (a string or a list, required), tolerance [0.2]
    forbidden     words (a string or a list, required), tolerance [0.2]
    palette       colors (CSS names or hex, required), tolerance [10 ΔE00],
                  min_share [0.8], dominant [5]
    logo          file (required; relative to the YAML file), corners [all four],
                  min_width [0.08], max_width [0.4], min_score [0.7]
    margins       margin [0.05], elements [text, logo], logo (the logo criterion's name;
                  needed only when there are several)
    geometry      aspect ("4:5", 0.8, or a list of them), tolerance [0.01], min_width,
                  min_height, max_width, max_height (pixels)
    identity      threshold [each character's own, by default 0.45], characters
                  ({name: photo or [photos]}, relative to the YAML file; more can be
                  given when evaluating)
    preservation  min_psnr [30 dB], min_ssim [0.9]
    exposure      max_clipped [0.05], min_mean [0.2], max_mean [0.8]
    sharpness     floor [50]

Every mistake raises a `GuidelineError` that names the file and the key, e.g.
`brand.yaml: criteria.palette.colors.1: unknown colour 'blu'; use a CSS name or #rrggbb`.

`Guideline.evaluate` runs every criterion on one image and returns an `Evaluation`:
the scores, the criteria skipped and why (no source image for preservation, no character
for identity), whether all passed, the worst margin and the weighted mean margin, as a
text table (`table()`) or JSON (`to_json()`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.types import Face
from gouache.characters import Character, check_character_name
from gouache.colors import Color
from gouache.critics.base import Critic, CriticContext, Score, Skipped, score_all
from gouache.critics.exposure import Exposure
from gouache.critics.forbidden import ForbiddenWords
from gouache.critics.geometry import AspectSize, parse_ratio
from gouache.critics.identity import Identity
from gouache.critics.logo import Corner, LogoPlacement
from gouache.critics.margins import DEFAULT_ELEMENTS, Element, SafeMargins
from gouache.critics.palette import Palette
from gouache.critics.preservation import Preservation
from gouache.critics.sharpness import Sharpness
from gouache.critics.text import RequiredText
from gouache.errors import InputError, InvalidImageError
from gouache.images import Image, LoadedImage, load_image

_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


class GuidelineError(InputError):
    """A guideline file that cannot be used; `path` is the file, `key` where in it."""

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        where = ": ".join(part for part in (path, key) if part)
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.key = key


# -- the file's schema -------------------------------------------------------------------------
def _listed(value: object) -> object:
    """A single value where a list is expected is a list of one."""
    return (
        [value] if isinstance(value, str | int | float) and not isinstance(value, bool) else value
    )


_Strings = Annotated[list[str], BeforeValidator(_listed)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str | None = None
    weight: float = 1.0


class _TextSpec(_Spec):
    required: _Strings
    tolerance: float | None = None


class _ForbiddenSpec(_Spec):
    words: _Strings
    tolerance: float | None = None


class _PaletteSpec(_Spec):
    colors: list[Color]
    tolerance: float | None = None
    min_share: float | None = None
    dominant: int | None = None


class _LogoSpec(_Spec):
    file: str
    corners: Annotated[list[Corner], BeforeValidator(_listed)] | None = None
    min_width: float | None = None
    max_width: float | None = None
    min_score: float | None = None


class _MarginsSpec(_Spec):
    margin: float | None = None
    elements: Annotated[list[Element], BeforeValidator(_listed)] | None = None
    logo: str | None = None


def _ratios(value: object) -> list[float]:
    """One aspect ratio or a list of them; a bare pair of integers is refused as ambiguous."""
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ValueError(f'write {value!r} as "{value[0]}:{value[1]}" (or list ratios as text)')
        return [parse_ratio(item) for item in value]
    return [parse_ratio(value)]


class _GeometrySpec(_Spec):
    aspect: Annotated[list[float], BeforeValidator(_ratios)] = []
    tolerance: float | None = None
    min_width: int | None = None
    min_height: int | None = None
    max_width: int | None = None
    max_height: int | None = None


class _IdentitySpec(_Spec):
    threshold: float | None = None
    characters: dict[str, _Strings] = {}


class _PreservationSpec(_Spec):
    min_psnr: float | None = None
    min_ssim: float | None = None


class _ExposureSpec(_Spec):
    max_clipped: float | None = None
    min_mean: float | None = None
    max_mean: float | None = None


class _SharpnessSpec(_Spec):
    floor: float | None = None


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    # a criterion written with nothing after its colon takes every default
    criteria: dict[str, dict[str, Any] | None]
    rules: _Strings = []


_SPECS: dict[str, type[_Spec]] = {
    "text": _TextSpec,
    "forbidden": _ForbiddenSpec,
    "palette": _PaletteSpec,
    "logo": _LogoSpec,
    "margins": _MarginsSpec,
    "geometry": _GeometrySpec,
    "identity": _IdentitySpec,
    "preservation": _PreservationSpec,
    "exposure": _ExposureSpec,
    "sharpness": _SharpnessSpec,
}
KINDS: tuple[str, ...] = tuple(_SPECS)


# -- loading -----------------------------------------------------------------------------------
@dataclass
class _Loader:
    """Builds a Guideline from a parsed document; knows the file for every message."""

    label: str
    base_dir: Path
    references: dict[str, Image] = field(default_factory=dict)
    characters: dict[str, tuple[LoadedImage, ...]] = field(default_factory=dict)

    def error(self, key: str, message: str) -> GuidelineError:
        return GuidelineError(message, path=self.label, key=key)

    def validation_error(self, prefix: str, err: ValidationError) -> GuidelineError:
        """Pydantic's errors as "key.path: message", the first one's key as `key`."""
        found: list[tuple[str, str]] = []
        for item in err.errors():
            loc = ".".join([prefix, *(str(part) for part in item["loc"])]).strip(".")
            text = str(item["msg"]).removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                text = "unknown setting"
            elif item["type"] == "missing":
                text = "is required"
            found.append((loc, text))
        (key, first), rest = found[0], found[1:]
        message = "; ".join([first, *(f"{loc}: {text}" for loc, text in rest)])
        return GuidelineError(message, path=self.label, key=key or None)

    def document(self, data: object) -> _Document:
        if not isinstance(data, dict):
            raise self.error("", "a guideline is a YAML mapping with name and criteria")
        try:
            document = _Document.model_validate(data)
        except ValidationError as err:
            raise self.validation_error("", err) from None
        if not document.criteria:
            raise self.error("criteria", "give at least one criterion")
        return document

    def critics(self, criteria: dict[str, dict[str, Any] | None]) -> tuple[Critic, ...]:
        # 1. each criterion's spec, by kind
        specs: dict[str, _Spec] = {}
        for name, raw in criteria.items():
            key = f"criteria.{name}"
            if not _NAME.match(name):
                raise self.error(key, "criterion names use letters, digits, '_' and '-' only")
            if raw is None:
                raw = {}
            if not isinstance(raw, dict):
                raise self.error(key, "settings are a mapping (write {} for the defaults)")
            kind = raw.get("kind", name)
            model = _SPECS.get(kind) if isinstance(kind, str) else None
            if model is None:
                known = ", ".join(KINDS)
                hint = "" if "kind" in raw else " (add `kind:` to give a criterion another name)"
                raise self.error(
                    f"{key}.kind", f"unknown criterion kind {kind!r}; known: {known}{hint}"
                )
            try:
                specs[name] = model.model_validate(raw)
            except ValidationError as err:
                raise self.validation_error(key, err) from None
            if specs[name].weight < 0 or not math.isfinite(specs[name].weight):
                raise self.error(f"{key}.weight", "must be a finite number >= 0")

        # 2. logos first: margins may refer to them
        built: dict[str, Critic] = {}
        for name, spec in specs.items():
            if isinstance(spec, _LogoSpec):
                built[name] = self.build(name, spec, built)
        for name, spec in specs.items():
            if name not in built:
                built[name] = self.build(name, spec, built)
        return tuple(built[name] for name in specs)

    def build(self, name: str, spec: _Spec, built: Mapping[str, Critic]) -> Critic:
        key = f"criteria.{name}"
        given = spec.model_dump(exclude_unset=True, exclude={"kind"})
        settings = {k: v for k, v in given.items() if v is not None}
        settings["name"] = name
        try:
            return self._build(name, spec, settings, built)
        except ValueError as err:
            raise self.error(key, str(err)) from None

    def _build(
        self, name: str, spec: _Spec, settings: dict[str, Any], built: Mapping[str, Critic]
    ) -> Critic:
        key = f"criteria.{name}"
        match spec:
            case _TextSpec():
                return RequiredText(**_tupled(settings, "required"))
            case _ForbiddenSpec():
                return ForbiddenWords(**_tupled(settings, "words"))
            case _PaletteSpec():
                return Palette(**_tupled(settings, "colors"))
            case _LogoSpec():
                self.references[name] = self.image(f"{key}.file", spec.file)
                settings.pop("file")
                return LogoPlacement(**_tupled(settings, "corners"), reference=name)
            case _MarginsSpec():
                settings = _tupled(settings, "elements")
                elements = settings.get("elements", DEFAULT_ELEMENTS)
                if "logo" in elements:
                    settings["logo"] = self.logo_for(key, spec.logo, built)
                elif spec.logo is not None:
                    raise self.error(f"{key}.logo", "is set but 'logo' is not in elements")
                return SafeMargins(**settings)
            case _GeometrySpec():
                settings = _tupled(settings, "aspect")
                if "aspect" in settings:
                    settings["ratios"] = settings.pop("aspect")
                return AspectSize(**settings)
            case _IdentitySpec():
                for character, files in spec.characters.items():
                    where = f"{key}.characters.{character}"
                    try:
                        check_character_name(character)
                    except InputError as err:
                        raise self.error(where, err.message) from None
                    if not files:
                        raise self.error(where, "give at least one photo")
                    self.characters[character] = tuple(
                        self.load(f"{where}.{i}" if len(files) > 1 else where, file)
                        for i, file in enumerate(files)
                    )
                settings.pop("characters", None)
                return Identity(**settings)
            case _PreservationSpec():
                return Preservation(**settings)
            case _ExposureSpec():
                return Exposure(**settings)
            case _SharpnessSpec():
                return Sharpness(**settings)
        raise AssertionError(f"no builder for {type(spec).__name__}")  # pragma: no cover

    def logo_for(self, key: str, wanted: str | None, built: Mapping[str, Critic]) -> LogoPlacement:
        logos = {name: c for name, c in built.items() if isinstance(c, LogoPlacement)}
        if wanted is not None:
            if wanted not in logos:
                raise self.error(f"{key}.logo", f"no logo criterion named {wanted!r}")
            return logos[wanted]
        if len(logos) == 1:
            return next(iter(logos.values()))
        if not logos:
            raise self.error(
                f"{key}.elements", "'logo' needs a logo criterion (kind: logo, with its file)"
            )
        names = ", ".join(sorted(logos))
        raise self.error(f"{key}.logo", f"name the logo criterion to use: one of {names}")

    def image(self, key: str, file: str) -> Image:
        return self.load(key, file).pixels

    def load(self, key: str, file: str) -> LoadedImage:
        path = Path(file)
        if not path.is_absolute():
            path = self.base_dir / path
        if not path.is_file():
            raise self.error(key, f"no such file {file!r} (looked for {path})")
        try:
            return load_image(path)
        except InvalidImageError as err:
            raise self.error(key, err.message) from None


def _tupled(settings: dict[str, Any], key: str) -> dict[str, Any]:
    if key in settings:
        settings = {**settings, key: tuple(settings[key])}
    return settings


# -- the guideline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Guideline:
    """The criteria an image must meet, with the images they refer to."""

    name: str
    criteria: tuple[Critic, ...]
    # free text for model-based critics; no critic here checks them
    rules: tuple[str, ...] = ()
    description: str = ""
    # reference images by name: each logo criterion's file under the criterion's name
    references: Mapping[str, Image] = field(default_factory=dict)
    # reference photos by character name, for identity criteria
    characters: Mapping[str, tuple[LoadedImage, ...]] = field(default_factory=dict)
    path: Path | None = None

    def __post_init__(self) -> None:
        names = [critic.name for critic in self.criteria]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"criterion names must be unique: {', '.join(duplicates)}")

    @classmethod
    def load(cls, path: str | Path) -> Guideline:
        """Read a guideline file; referenced files are relative to it."""
        import yaml

        file = Path(path)
        label = str(path)
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise GuidelineError("no such file", path=label) from None
        except (OSError, UnicodeDecodeError) as err:
            raise GuidelineError(f"cannot read it ({err})", path=label) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            problem = getattr(err, "problem", None) or str(err)
            raise GuidelineError(f"not valid YAML ({where}{problem})", path=label) from None
        return cls.from_mapping(data, base_dir=file.resolve().parent, label=label, path=file)

    @classmethod
    def from_mapping(
        cls,
        data: object,
        *,
        base_dir: str | Path = ".",
        label: str = "<guideline>",
        path: Path | None = None,
    ) -> Guideline:
        """Build a guideline from already parsed YAML (a dict)."""
        loader = _Loader(label=label, base_dir=Path(base_dir))
        document = loader.document(data)
        critics = loader.critics(document.criteria)
        return cls(
            name=document.name,
            criteria=critics,
            rules=tuple(document.rules),
            description=document.description,
            references=dict(loader.references),
            characters=dict(loader.characters),
            path=path,
        )

    def evaluate(
        self,
        image: Image,
        analysis_cache: AnalysisCache,
        *,
        source: Image | None = None,
        edit_mask: Any = None,
        characters: Sequence[Character] | None = None,
    ) -> Evaluation:
        """Judge `image` on every criterion.

        `characters` are added to those the file names (a character given here replaces
        the file's of the same name). The file's reference photos are read through
        `analysis_cache`; each must show exactly one face.
        """
        # 1. what the critics may consult
        given = {character.name: character for character in characters or ()}
        faces_of = _faces_through(analysis_cache)
        from_file = [
            Character.from_photos(name, photos, faces_of=faces_of)
            for name, photos in self.characters.items()
            if name not in given
        ]
        context = CriticContext(
            analysis=analysis_cache.get(image),
            source=source,
            edit_mask=edit_mask,
            references=self.references,
            characters=(*from_file, *given.values()),
        )

        # 2. every criterion: its scores, or why it was skipped
        scores: list[Score] = []
        skipped: list[Skipped] = []
        for critic in self.criteria:
            result = score_all(critic, image, context)
            if isinstance(result, Skipped):
                skipped.append(result)
            else:
                scores.extend(result)
        return Evaluation(
            guideline=self.name, scores=tuple(scores), skipped=tuple(skipped), rules=self.rules
        )


def _faces_through(cache: AnalysisCache) -> Callable[[Image], Sequence[Face]]:
    def faces_of(image: Image) -> Sequence[Face]:
        return cache.get(image).faces

    return faces_of


# -- the verdict -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evaluation:
    """Every score of one image under one guideline.

    passed          every score passed (criteria that were skipped do not count)
    worst_margin    the smallest margin: below 0 when something failed
    weighted_margin the mean of the margins weighted by the criteria's weights
    """

    guideline: str
    scores: tuple[Score, ...]
    skipped: tuple[Skipped, ...] = ()
    rules: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return all(score.passed for score in self.scores)

    @property
    def failed(self) -> tuple[Score, ...]:
        return tuple(score for score in self.scores if not score.passed)

    @property
    def worst_margin(self) -> float:
        return min((score.margin for score in self.scores), default=1.0)

    @property
    def weighted_margin(self) -> float:
        total = sum(score.weight for score in self.scores)
        if total <= 0.0:
            return min(1.0, sum(s.margin for s in self.scores) / max(1, len(self.scores)))
        return sum(score.weight * score.margin for score in self.scores) / total

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; every number is finite."""
        return {
            "guideline": self.guideline,
            "passed": self.passed,
            "worst_margin": _finite(self.worst_margin),
            "weighted_margin": _finite(self.weighted_margin),
            "scores": [
                {**score.to_json(), "value": _finite(score.value), "target": _finite(score.target)}
                for score in self.scores
            ],
            "skipped": [item.to_json() for item in self.skipped],
            "rules": list(self.rules),
        }

    def summary(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        counts = f"{len(self.scores) - len(self.failed)} of {len(self.scores)} passed"
        if self.skipped:
            counts += f", {len(self.skipped)} skipped"
        return (
            f"{self.guideline}: {verdict} ({counts}; worst margin {self.worst_margin:+.2f}, "
            f"weighted margin {self.weighted_margin:+.2f})"
        )

    def table(self) -> str:
        """The summary line, one row per criterion, then the unchecked rules."""
        header = ("criterion", "result", "value", "target", "margin", "detail")
        rows = [
            (
                score.criterion,
                "pass" if score.passed else "FAIL",
                format_value(score.value, score.unit),
                f"{score.comparison} {format_value(score.target, score.unit)}",
                f"{score.margin:+.2f}",
                score.detail,
            )
            for score in self.scores
        ]
        rows += [(item.criterion, "skip", "-", "-", "-", item.reason) for item in self.skipped]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
        lines = [self.summary(), ""]
        for row in [header, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            lines.append("  ".join([*cells, row[-1]]).rstrip())
        if self.rules:
            lines += ["", "Rules (not checked by these critics):"]
            lines += [f"  - {rule}" for rule in self.rules]
        return "\n".join(lines)


_PERCENT_UNITS = frozenset({"share", "share clipped", "share of short side"})
_FORMATS: dict[str, Callable[[float], str]] = {
    "dB": lambda v: f"{v:.1f} dB",
    "px": lambda v: f"{v:.0f} px",
    "words": lambda v: f"{v:.0f}",
    "W/H": lambda v: f"{v:.3f}",
    "Laplacian variance": lambda v: f"{v:.0f}",
}


def format_value(value: float, unit: str) -> str:
    """A value as the table shows it: shares as percentages, dB and px with their unit."""
    if not math.isfinite(value):
        return str(value)
    if unit in _PERCENT_UNITS:
        return f"{value:.1%}"
    formatter = _FORMATS.get(unit)
    return formatter(value) if formatter else f"{value:.3f}"


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
