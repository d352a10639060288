"""Guideline files: loading, their errors, and the example evaluated on built posters."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from gouache.analysis.cache import AnalysisCache
from gouache.characters import Character
from gouache.critics.base import Score
from gouache.critics.exposure import Exposure
from gouache.critics.guideline import Evaluation, Guideline, GuidelineError, format_value
from gouache.critics.identity import Identity
from gouache.critics.logo import LogoPlacement
from gouache.critics.margins import SafeMargins
from gouache.critics.palette import Palette
from gouache.critics.preservation import Preservation
from gouache.errors import InputError, InvalidReferenceError
from gouache.images import Image

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAVY, SAND, SKY = "#1d3557", "#f1faee", "#a8dadc"


@pytest.fixture(scope="module")
def brand() -> Guideline:
    return Guideline.load(EXAMPLES / "brand.yaml")


@pytest.fixture(scope="module")
def collins(cache: AnalysisCache, astronaut: Image) -> Character:
    (face,) = cache.get(astronaut).faces
    return Character("astronaut", (face.embedding,))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / "logo.png", tmp_path / "logo.png")
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "guide.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def poster(headline: str, portrait: Image, logo: Image, *, logo_centre: bool = False) -> Image:
    """A 1080 x 1350 post in the brand colours: headline, a photo, a line, the logo."""
    im = PILImage.new("RGB", (1080, 1350), NAVY)
    draw = ImageDraw.Draw(im)
    draw.text((540, 260), headline, font=ImageFont.load_default(size=110), fill=SAND, anchor="mm")
    draw.text(
        (540, 1100), "all week long", font=ImageFont.load_default(size=60), fill=SKY, anchor="mm"
    )
    photo = PILImage.fromarray(portrait)
    im.paste(photo.resize((420, round(420 * photo.height / photo.width))), (330, 430))
    mark = PILImage.fromarray(logo).resize((150, 150), PILImage.Resampling.LANCZOS)
    xy = (465, 600) if logo_centre else (1080 - 60 - 150, 1350 - 60 - 150)
    im.paste(mark, xy, mark)
    return np.ascontiguousarray(np.asarray(im))


# -- loading -------------------------------------------------------------------------------------
def test_the_example_guideline_loads_every_kind_of_criterion(brand: Guideline) -> None:
    names = [critic.name for critic in brand.criteria]
    assert names == [
        "text",
        "forbidden",
        "palette",
        "logo",
        "margins",
        "geometry",
        "identity",
        "preservation",
        "exposure",
        "sharpness",
    ]
    assert brand.name == "Gouache summer campaign"
    assert len(brand.rules) == 3
    assert brand.references["logo"].shape == (256, 256, 4)
    palette = brand.criteria[2]
    assert isinstance(palette, Palette)
    assert palette.colors[0] == (29, 53, 87)
    margins = brand.criteria[4]
    assert isinstance(margins, SafeMargins)
    assert margins.logo is brand.criteria[3]
    assert brand.criteria[0].weight == 2


def test_defaults_fill_what_a_file_leaves_out(folder: Path) -> None:
    guide = Guideline.load(write(folder, "name: x\ncriteria:\n  exposure: {}\n  preservation:\n"))
    exposure, preservation = guide.criteria
    assert exposure == Exposure(name="exposure")
    assert preservation == Preservation(name="preservation")


def test_a_kind_lets_two_criteria_of_one_kind_have_their_own_names(folder: Path) -> None:
    guide = Guideline.load(
        write(
            folder,
            "name: x\ncriteria:\n"
            "  logo: {file: logo.png}\n"
            "  partner: {kind: logo, file: logo.png, corners: top-left}\n"
            "  margins: {logo: partner}\n",
        )
    )
    _, partner, margins = guide.criteria
    assert isinstance(partner, LogoPlacement)
    assert partner.reference == "partner"
    assert partner.corners == ("top-left",)
    assert isinstance(margins, SafeMargins)
    assert margins.logo is partner
    assert set(guide.references) == {"logo", "partner"}


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "name: x\ncriteria:\n  colour: {}\n",
            r"criteria\.colour\.kind: unknown criterion kind 'colour'",
        ),
        (
            "name: x\ncriteria:\n  text: {required: sale, size: 3}\n",
            r"criteria\.text\.size: unknown setting",
        ),
        ("name: x\ncriteria:\n  text: {}\n", r"criteria\.text\.required: is required"),
        (
            "name: x\ncriteria:\n  palette: {colors: [navy, blu]}\n",
            r"criteria\.palette\.colors\.1: unknown colour 'blu'",
        ),
        (
            "name: x\ncriteria:\n  text: {required: sale, tolerance: 2}\n",
            r"criteria\.text: tolerance must be in",
        ),
        (
            "name: x\ncriteria:\n  text: {required: sale, tolerance: lots}\n",
            r"criteria\.text\.tolerance: Input should be a valid number",
        ),
        (
            "name: x\ncriteria:\n  sharpness: {weight: -1}\n",
            r"criteria\.sharpness\.weight: must be",
        ),
        (
            "name: x\ncriteria:\n  logo: {file: missing.png}\n",
            r"criteria\.logo\.file: no such file 'missing\.png'",
        ),
        (
            "name: x\ncriteria:\n  margins: {}\n",
            r"criteria\.margins\.elements: 'logo' needs a logo criterion",
        ),
        (
            "name: x\ncriteria:\n  logo: {file: logo.png, corners: [middle]}\n",
            r"criteria\.logo\.corners\.0: Input should be 'top-left'",
        ),
        (
            "name: x\ncriteria:\n  geometry: {aspect: [4, 5]}\n",
            r"criteria\.geometry\.aspect: write \[4, 5\] as \"4:5\"",
        ),
        (
            "name: x\ncriteria:\n  identity: {characters: {ada: ada.jpg}}\n",
            r"criteria\.identity\.characters\.ada: no such file 'ada\.jpg'",
        ),
        ("criteria:\n  sharpness: {}\n", r"guide\.yaml: name: is required"),
        (
            "name: x\ncriteria:\n  identity: {characters: {'a=b': x.png}}\n",
            r"criteria\.identity\.characters\.a=b: a character's name is one line without '='",
        ),
        ("name: x\ncriteria: {}\n", r"criteria: give at least one criterion"),
        ("name: x\nextra: 1\ncriteria:\n  sharpness: {}\n", r"extra: unknown setting"),
        ("- just\n- a list\n", r"a guideline is a YAML mapping"),
        ("name: x\ncriteria: [oops\n", r"not valid YAML \(line 3"),
    ],
)
def test_mistakes_in_a_guideline_name_the_file_and_the_key(
    folder: Path, yaml_text: str, message: str
) -> None:
    path = write(folder, yaml_text)
    with pytest.raises(GuidelineError, match=message) as caught:
        Guideline.load(path)
    assert isinstance(caught.value, InputError)
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(str(path))


def test_a_missing_guideline_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(GuidelineError, match="no such file"):
        Guideline.load(tmp_path / "nope.yaml")


def test_a_logo_file_that_is_not_an_image_is_refused(folder: Path) -> None:
    (folder / "logo.png").write_bytes(b"not a png")
    with pytest.raises(GuidelineError, match=r"criteria\.logo\.file: .*not an image"):
        Guideline.load(write(folder, "name: x\ncriteria:\n  logo: {file: logo.png}\n"))


# -- evaluating ----------------------------------------------------------------------------------
def test_the_example_passes_a_poster_built_to_follow_it(
    brand: Guideline, cache: AnalysisCache, astronaut: Image, collins: Character
) -> None:
    image = poster("SUMMER SALE", astronaut, brand.references["logo"])
    result = brand.evaluate(image, cache, characters=[collins])
    assert result.passed, result.table()
    criteria = [score.criterion for score in result.scores]
    assert "identity:astronaut" in criteria
    assert [item.criterion for item in result.skipped] == ["preservation"]
    assert 0 <= result.worst_margin <= result.weighted_margin <= 1


def test_the_example_fails_a_poster_built_to_break_it_and_says_which_criteria(
    brand: Guideline, cache: AnalysisCache, grace_hopper: Image, collins: Character
) -> None:
    image = poster("FREE SALE", grace_hopper, brand.references["logo"], logo_centre=True)
    result = brand.evaluate(image, cache, characters=[collins])
    assert not result.passed
    failed = {score.criterion for score in result.failed}
    assert failed == {"text", "forbidden", "logo", "identity:astronaut"}
    assert result.worst_margin < 0


def test_the_table_and_the_json_say_the_same_thing(
    brand: Guideline, cache: AnalysisCache, grace_hopper: Image, collins: Character
) -> None:
    image = poster("FREE SALE", grace_hopper, brand.references["logo"], logo_centre=True)
    result = brand.evaluate(image, cache, characters=[collins])
    table = result.table()
    data = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert table.splitlines()[0].startswith("Gouache summer campaign: FAIL (")
    assert data["passed"] is False
    assert len(data["scores"]) == len(result.scores)
    for row in data["scores"]:
        line = next(x for x in table.splitlines() if x.startswith(row["criterion"] + " "))
        assert ("pass" if row["passed"] else "FAIL") in line
    assert data["skipped"] == [{"criterion": "preservation", "reason": "no source image was given"}]
    assert "Rules (not checked by these critics):" in table
    assert data["rules"] == list(brand.rules)


def test_with_a_source_and_a_mask_preservation_is_judged(
    brand: Guideline, cache: AnalysisCache, astronaut: Image
) -> None:
    before = poster("SUMMER SALE", astronaut, brand.references["logo"])
    after = before.copy()
    mask = np.zeros(before.shape[:2], dtype=bool)
    mask[1050:1150, 200:880] = True
    after[mask] = (29, 53, 87)  # the second line painted out, nothing else
    result = brand.evaluate(after, cache, source=before, edit_mask=mask)
    (preservation,) = [s for s in result.scores if s.criterion == "preservation"]
    assert preservation.passed
    assert [item.criterion for item in result.skipped] == ["identity"]


def test_a_reference_photo_in_the_file_must_show_exactly_one_face(
    folder: Path, cache: AnalysisCache, astronaut: Image, grace_hopper: Image
) -> None:
    both = np.ascontiguousarray(np.concatenate([astronaut, grace_hopper[:512]], axis=1))
    PILImage.fromarray(both).save(folder / "both.png")
    PILImage.fromarray(np.full((64, 64, 3), 9, np.uint8)).save(folder / "nobody.png")
    two = Guideline.load(
        write(folder, "name: x\ncriteria:\n  identity: {characters: {a: both.png}}\n")
    )
    with pytest.raises(InvalidReferenceError, match=r"both\.png has 2 faces"):
        two.evaluate(astronaut, cache)
    none = Guideline.load(
        write(folder, "name: x\ncriteria:\n  identity: {characters: {a: nobody.png}}\n")
    )
    with pytest.raises(InvalidReferenceError, match=r"no face found in .*nobody\.png"):
        none.evaluate(astronaut, cache)


def test_identity_characters_named_in_the_file_are_loaded_relative_to_it(
    folder: Path, cache: AnalysisCache, astronaut: Image
) -> None:
    PILImage.fromarray(astronaut).save(folder / "collins.png")
    guide = Guideline.load(
        write(folder, "name: x\ncriteria:\n  identity: {characters: {collins: collins.png}}\n")
    )
    assert isinstance(guide.criteria[0], Identity)
    result = guide.evaluate(astronaut, cache)
    assert [s.criterion for s in result.scores] == ["identity:collins"]
    assert result.passed


def test_the_verdict_weighs_margins_by_weight() -> None:
    scores = (
        Score("a", 1.0, 0.5, True, weight=3.0, margin=1.0),
        Score("b", 0.0, 0.5, False, weight=1.0, margin=-1.0),
    )
    result = Evaluation(guideline="g", scores=scores)
    assert not result.passed
    assert result.worst_margin == -1.0
    assert result.weighted_margin == pytest.approx(0.5)
    assert Evaluation(guideline="g", scores=()).passed


def test_values_are_shown_in_their_units() -> None:
    assert format_value(0.8234, "share") == "82.3%"
    assert format_value(31.26, "dB") == "31.3 dB"
    assert format_value(1080, "px") == "1080 px"
    assert format_value(0.91234, "cosine") == "0.912"
