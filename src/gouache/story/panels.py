"""One panel on the offline backend: its plan from the script, a preview to score identity,
and a retry without the style when a character is lost.

The plan, every step an operator: start from the source photo, crop to the panel's characters'
faces at the panel's aspect, resize to the panel, the style, what the planner can read of the
panel's instruction, then a caption and a speech balloon pointing at the speaker, which stay
layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gouache.analysis.cache import AnalysisCache
from gouache.analysis.types import Box, Face
from gouache.backends.base import EditRequest, ImageModel
from gouache.characters import Character, match_characters
from gouache.images import Image
from gouache.ops.plan import EditPlan, Step
from gouache.planner.plan import PlanContext, Planner
from gouache.story.script import Panel

# Room around the characters' faces, in face heights: above, below, to each side.
ROOM_ABOVE, ROOM_BELOW, ROOM_SIDE = 0.8, 1.6, 0.9
CAPTION_BOX = (255, 238, 170)
# Letter height of captions, as a share of the panel's height: a comic's narration is small.
CAPTION_SIZE = 0.055


@dataclass(frozen=True)
class PanelPlan:
    plan: EditPlan
    # What could not be carried out offline, said in the report.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preview:
    plan: PanelPlan
    image: Image
    # Every character's score in the panel (None: absent).
    identity: dict[str, float | None] = field(default_factory=dict)
    lost: tuple[str, ...] = ()


def faces_of(
    characters: Sequence[Character], faces: Sequence[Face], wanted: Sequence[str]
) -> dict[str, Box]:
    """The face box of each wanted character found among `faces`."""
    chosen = [c for c in characters if c.name in wanted]
    matches = match_characters(chosen, faces)
    return {
        name: faces[m.face_index].box for name, m in matches.items() if m.face_index is not None
    }


def crop_window(
    size: tuple[int, int], boxes: Sequence[Box], aspect: tuple[int, int]
) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the faces with room around them, grown to the panel's aspect and
    kept inside the picture; the whole picture's largest window of that aspect without faces."""
    width, height = size
    target = aspect[0] / aspect[1]
    if boxes:
        unit = max(b.h for b in boxes)
        x0 = min(b.x for b in boxes) - ROOM_SIDE * unit
        x1 = max(b.right for b in boxes) + ROOM_SIDE * unit
        y0 = min(b.y for b in boxes) - ROOM_ABOVE * unit
        y1 = max(b.bottom for b in boxes) + ROOM_BELOW * unit
    else:
        x0, y0, x1, y1 = 0.0, 0.0, float(width), float(height)
    w, h = x1 - x0, y1 - y0
    if w / h < target:
        w = h * target
    else:
        h = w / target
    # no larger than the picture, at the aspect
    scale = min(1.0, width / w, height / h)
    w, h = w * scale, h * scale
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left = min(max(cx - w / 2, 0.0), width - w)
    top = min(max(cy - h / 2, 0.0), height - h)
    return round(left), round(top), round(left + w), round(top + h)


def panel_plan(
    panel: Panel,
    source: Image,
    size: tuple[int, int],
    characters: Sequence[Character],
    analyses: AnalysisCache,
    planner: Planner,
    style: str | None,
) -> PanelPlan:
    """The operator steps of a panel, with notes on what the offline backend cannot draw."""
    height, width = source.shape[:2]
    faces = analyses.get(source).faces
    found = faces_of(characters, faces, panel.characters)
    x0, y0, x1, y1 = crop_window((width, height), list(found.values()), size)
    steps = [Step(op="use_image", params={"reference": 2}, label="start from the source photo")]
    if (x0, y0, x1, y1) != (0, 0, width, height):
        margins = {
            "left": x0 / width,
            "top": y0 / height,
            "right": (width - x1) / width,
            "bottom": (height - y1) / height,
        }
        who = ", ".join(found) or "the picture"
        steps.append(Step(op="crop", params=margins, label=f"crop to {who}"))
    steps.append(
        Step(
            op="resize",
            params={"width": size[0], "height": size[1]},
            label=f"resize to {size[0]}x{size[1]}",
        )
    )
    notes: list[str] = []
    context = PlanContext(size=size)
    for words, what in ((style, "the style"), (panel.instruction, "the instruction")):
        if not words:
            continue
        outcome = planner.plan(words, context)
        if isinstance(outcome, EditPlan):
            steps += outcome.steps
        elif what == "the instruction":
            notes.append(
                f"not drawn offline: {words!r} needs a generative backend; "
                "the panel shows its source photo"
            )
        else:
            notes.append(f"{what} {words!r} was not understood: {outcome.describe()}")
    if panel.caption:
        params = {
            "text": panel.caption,
            "position": "top left",
            "size": CAPTION_SIZE,
            "style": "box",
            "color": (0, 0, 0),
            "box_color": CAPTION_BOX,
        }
        steps.append(Step(op="caption", params=params, label=f'caption "{panel.caption}"'))
    if panel.say is not None:
        params = {"text": panel.say.text}
        speaker = found.get(panel.say.who)
        if speaker is not None:
            # the face's centre, carried through the crop and resize, as fractions
            fx = (speaker.x + speaker.w / 2 - x0) / (x1 - x0)
            fy = (speaker.y + speaker.h * 0.75 - y0) / (y1 - y0)
            params["point"] = (min(max(fx, 0.0), 1.0), min(max(fy, 0.0), 1.0))
        else:
            notes.append(f"{panel.say.who} was not found in the source, so the balloon points "
                         "at the largest face")  # fmt: skip
        label = f'{panel.say.who} says "{panel.say.text}"'
        steps.append(Step(op="balloon", params=params, label=label))
    plan = EditPlan(instruction=panel.instruction, steps=tuple(steps), planner="story")
    return PanelPlan(plan, tuple(notes))


def milder_style(planned: PanelPlan, style_ops: set[str], factor: float = 0.5) -> PanelPlan:
    """The plan with the style's strength scaled by `factor` (0: no style at all), the retry
    when the style loses a face."""
    steps = []
    for step in planned.plan.steps:
        if step.op not in style_ops:
            steps.append(step)
        elif factor > 0 and "strength" in step.params:
            strength = round(float(step.params["strength"]) * factor, 3)
            steps.append(step.model_copy(update={"params": {**step.params, "strength": strength}}))
    how = f"at {factor:.0%} of its strength" if factor > 0 else "without the style"
    note = f"retried {how}: the style lost a character"
    return PanelPlan(
        planned.plan.model_copy(update={"steps": tuple(steps)}), (*planned.notes, note)
    )


def preview(
    planned: PanelPlan,
    source: Image,
    backend: ImageModel,
    characters: Sequence[Character],
    wanted: Sequence[str],
    analyses: AnalysisCache,
) -> Preview:
    """Render the plan and score every character; `lost` lists the wanted ones missing or
    under their threshold."""
    request = EditRequest(
        prompt=planned.plan.instruction, image=source, references=(source,), plan=planned.plan
    )
    image = backend.edit(request).image
    scores = {
        n: m.score for n, m in match_characters(characters, analyses.get(image).faces).items()
    }
    thresholds = {c.name: c.threshold for c in characters}
    lost = tuple(
        name
        for name in wanted
        if scores.get(name) is None or (scores[name] or 0.0) < thresholds[name]
    )
    return Preview(planned, image, scores, lost)
