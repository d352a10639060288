"""Conversation words: "undo that", "go back", "redo", "start over", "compare with the
original", "any suggestions?", "what did you change?", "go back to the first version and try
sepia instead", and "more" / "a bit less" / "too much" about the last edit.

"more" and "less" redo the last turn from the version it started at, with its strengths
(amount, strength, stops, radius, opacity, shadows, highlights) times RESCALE factors, kept
inside each parameter's bounds: the turn it rescales stays in the tree, and the new version
is its sibling. A last turn with nothing to scale (a crop, black and white at full strength)
is said so, and nothing is made.

In `gouache chat` and the web UI's chat (the native API's turns) they act on the version tree
(`act`, and `turn_request` for the two that run a turn); `gouache edit` makes one version from
one image, so there they get a reply naming `--session ID --at vN` and `gouache history`
(`edit_reply`). Only whole sentences are read here; "undo the vignette" (an edit named) is not
a conversation word, and goes to the planner, which asks or refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from gouache.errors import InputError

if TYPE_CHECKING:
    from gouache.ops.plan import EditPlan
    from gouache.sessions.session import Session
    from gouache.sessions.turn import TurnRequest
    from gouache.sessions.versions import Version

# Formats people ask for that a picture is not written in (a story page is a PDF, though).
_NOT_WRITTEN = "pdf|gif|heic|avif|svg"

Kind = Literal[
    "undo", "redo", "original", "compare", "suggest", "explain", "retry", "rescale", "save"
]


@dataclass(frozen=True)
class Command:
    kind: Kind
    steps: int = 1  # undo: how many turns
    then: str = ""  # retry: the instruction to apply at the first version
    factor: float = 1.0  # rescale: the last turn's strengths times this


# "more" / "less" and how much, by the word before them ("a bit more", "much less").
RESCALE = {"more": 1.5, "less": 0.5}
_SIZES = {"a bit": 0.5, "a little": 0.5, "a touch": 0.5, "a tad": 0.5, "slightly": 0.5,
          "much": 2.0, "way": 2.0, "a lot": 2.0, "lots": 2.0}  # fmt: skip
# The parameters "more" and "less" scale: each operator's strength.
SCALED = ("amount", "strength", "stops", "radius", "opacity", "shadows", "highlights")

_POLITE = (
    r"^(?:(?:ok|okay|hmm|no|nah|oops|ugh|please|pls|can you|could you|let'?s|just|actually|"
    r"maybe|now|mm+|erm|um+|yeah|yes|but)[,!]?\s+)*"
)
_TAIL = r"(?:\s+(?:please|pls|thanks|thank you))?[.!?]*$"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "last": 1}
_BODIES: tuple[tuple[Kind | Literal["reverse"], str], ...] = (
        ("retry", r"(?:go back|revert|return) to the (?:first|original) (?:version|one|photo|image"
                  r"|picture)?\s*(?:,)?\s*(?:and|then)\s+(?:try|do|make it|apply)\s+(?P<then>.+?)"
                  r"(?:\s+instead)?"),
        ("undo", r"(?:(?:that'?s|it'?s) (?:too much|worse|not (?:it|right|good)|wrong)[,.!]*\s*)?"
                 r"(?:undo|revert|reverse|take back|cancel)(?: (?:that|this|it|the last "
                 r"(?:one|change|edit|step|turn)|(?:the )?last (?P<count>two|three|four|\d+)"
                 r"(?: changes| edits| steps| turns)?))?"),
        ("undo", r"(?:go|step) back(?: one step| a step| (?P<back>two|three|four|\d+) "
                 r"(?:steps|versions|edits|turns))?|back|previous version|i liked it "
                 r"better before|that'?s worse"),
        ("rescale", r"(?:(?P<size>a bit|a little|a touch|a tad|slightly|much|way|a lot|lots|"
                    r"even|some) )?(?P<way>more|stronger|less|weaker|softer|subtler)(?: (?:of "
                    r"(?:that|it)|than that|please))?"),
        ("rescale", r"(?:(?:that'?s|it'?s|its|way|a bit|a little|slightly|much) )*too "
                    r"(?P<way>much|strong|far|heavy|intense|subtle|weak|little)"),
        ("rescale", r"(?P<way>not (?:so|that|as|too) (?:much|strong)|tone it down|dial it "
                    r"(?:back|down)|turn it down|overdone|(?:it'?s|that'?s) overdone|(?:make it"
                    r" )?more subtle|half (?:as much|that)|not enough|crank it up|turn it up|"
                    r"push it(?: further)?|go further|do (?:it|that) (?:again|more)|"
                    r"(?:make it )?(?:even )?stronger)"),
        ("reverse", r"(?:(?:the )?other way(?: round| around)?|the opposite(?: way)?|"
                    r"(?:in )?the other direction|(?:do )?the reverse)"),
        ("redo", r"redo(?: that| it)?|(?:go )?forward(?: again)?|bring it back|put it back"),
        ("original", r"(?:start over|start again|(?:start |begin )?(?:all over )?from scratch"
                     r"|begin again|start afresh|back to square one|reset(?: it)?|revert to the "
                     r"original|go back to the (?:original|start|beginning|first version)"
                     r"|back to the original|(?:show|let) me (?:see )?the original(?: again)?"
                     r"|show the original)"),
        ("compare", r"(?:compare(?: (?:it|this|them|the two|the versions))?|(?:show (?:me )?)?"
                    r"(?:the )?before and after|compare (?:it |this )?(?:with|to|against) the "
                    r"original|how does it "
                    r"compare(?: to the original)?|what(?:'s| is) (?:the )?(?:difference|changed)"
                    r" (?:from|since) the original|show (?:me )?the difference)"),
        ("suggest", r"(?:any (?:suggestions|ideas|tips)|(?:got |have you got |do you have )?"
                    r"(?:any )?(?:suggestions|ideas)|what (?:should|could|would) (?:i|we|you) "
                    r"(?:try|do)(?: next| now)?|what now|suggest something|surprise me"
                    r"|what would you (?:do|change|suggest)|make a suggestion)"),
        ("save", r"(?:(?:save|export|download)(?: (?:it|this|that|the (?:image|picture|"
                 r"photo|result)))?(?: (?:as|to|in) (?:an? )?(?P<format>jpe?g|png|webp|tiff?|"
                 rf"bmp|{_NOT_WRITTEN}|file|\S+\.(?:jpe?g|png|webp|tiff?|bmp|{_NOT_WRITTEN})))?"
                 r"|(?:turn|convert|make) (?:it|this|that) (?:in)?to (?:an? )?(?P<format2>jpe?g|"
                 rf"png|webp|tiff?|bmp|{_NOT_WRITTEN})(?: file)?)"),
        ("explain", r"(?:what (?:did|have) you (?:change|changed|do|done)(?: so far)?|what "
                    r"(?:have we|did we) (?:done|do|change|changed)(?: so far)?|what changed|"
                    r"what'?s been done|show (?:me )?the history|history|how many versions"
                    r"(?: (?:are there|do we have|have we made|so far))?|(?:show|list) (?:me )?"
                    r"(?:all )?(?:the )?versions)"),
)  # fmt: skip
_PATTERNS = tuple(
    (kind, re.compile(_POLITE + "(?:" + body + ")" + _TAIL)) for kind, body in _BODIES
)
# "the other way" turns these strengths round, by operator; an adjust_region only for a
# signed tone edit (a blur radius or a pop has no other way)
SIGNED = {"brightness": "amount", "contrast": "amount", "saturation": "amount",
          "warmth": "amount", "exposure": "stops", "rotate": "degrees",
          "adjust_region": "amount"}  # fmt: skip
_SIGNED_EDITS = ("brightness", "contrast", "saturation", "warmth", "exposure")


# Where a line of several conversation words splits: "too much, tone it down".
_SEVERAL = re.compile(r"\s*[,;.!]+\s*|\s+(?:and|then|so)\s+")


def read(text: str) -> Command | None:
    """The conversation word a whole line is, or None. A line of several that say the same
    ("too much, tone it down", "undo that, it's worse") is that one, and so is a going back
    given its reason ("too much. undo"); words that disagree are none (the planner then
    says what it understood)."""
    said = " ".join(text.lower().replace("’", "'").split())
    command = _read_one(said)
    if command is not None:
        return command
    parts = [part for part in _SEVERAL.split(said) if part]
    if len(parts) < 2:
        return None
    commands = [_read_one(part) for part in parts]
    first = commands[0]
    if first is None or first.kind in ("retry", "save"):
        return None
    if all(c is not None and _agree(c, first) for c in commands):
        return first
    backs = [c for c in commands if c is not None and c.kind in ("undo", "original")]
    reasons = [c for c in commands if c is not None and c.kind == "rescale"]
    # "too much", "too strong" said with it is why, not a second edit: only a "less"
    alone = len(backs) == 1 and len(backs) + len(reasons) == len(commands)
    if alone and all(0.0 < c.factor < 1.0 for c in reasons):
        return backs[0]
    return None


def _agree(one: Command, other: Command) -> bool:
    if one.kind != other.kind:
        return False
    way = (one.factor > 1.0, one.factor < 0.0)
    return one.kind != "rescale" or way == (other.factor > 1.0, other.factor < 0.0)


def _read_one(said: str) -> Command | None:
    for kind, pattern in _PATTERNS:
        found = pattern.match(said)
        if found is None:
            continue
        if kind == "retry":
            return Command("retry", then=found.group("then"))
        if kind == "rescale":
            return Command("rescale", factor=_factor(found.groupdict()))
        if kind == "save":
            named = found.groupdict().get("format") or found.groupdict().get("format2")
            return Command("save", then=str(named or ""))
        if kind == "reverse":  # "no, the other way": the last edit's signed strengths
            return Command("rescale", factor=-1.0)
        if kind == "undo":
            count = found.groupdict().get("count") or found.groupdict().get("back")
            steps = int(count) if count and count.isdigit() else _NUMBERS.get(count or "", 1)
            return Command("undo", steps=steps)
        return Command(kind)
    return None


_WEAKER = re.compile(
    r"\b(?:less|weaker|softer|subtler|much|strong|far|heavy|intense|not|down|back|overdone|"
    r"subtle|half)\b"
)
_STRONGER_AFTER_TOO = ("subtle", "weak", "little")


def _factor(groups: dict[str, Any]) -> float:
    """The factor a rescale line asks for: more 1.5, less 0.5, a bit more 1.25, much less 0.25."""
    way = str(groups.get("way") or "")
    if way in _STRONGER_AFTER_TOO:  # "too subtle": more
        weaker = False
    else:
        weaker = _WEAKER.search(way) is not None and not way.startswith(("not enough", "more"))
    size = _SIZES.get(str(groups.get("size") or ""), 1.0)
    base = RESCALE["less" if weaker else "more"]
    return round(1.0 + (base - 1.0) * size, 4) if size <= 1.0 else base**size


def rescaled(session: Session, command: Command) -> tuple[EditPlan, str]:
    """The last turn's plan with its strengths times `command.factor`, and the version to
    apply it at (the one the last turn started from). InputError when there is nothing to
    rescale."""
    from gouache import followups
    from gouache.ops.registry import default_operators
    from gouache.planner.labels import describe

    head = session.head
    plan = head.plan
    if head.parent_id is None or plan is None or not plan.steps:
        raise InputError(
            '"more" and "less" change the last edit, and there is none yet here: say what to '
            'do, e.g. "make it warmer"'
        )
    parent = session.resolve(head.parent_id)
    # after "a bigger shadow", "a bit less" scales that change, not the shadow's strengths
    change = followups.rescaled(session, head, command.factor)
    if change is not None:
        return change, str(parent.number)
    registry = default_operators()
    steps = []
    changed = False
    for step in plan.steps:
        if step.op not in registry:
            steps.append(step)
            continue
        operator = registry.get(step.op)
        params = dict(step.params)
        if command.factor < 0:
            changed |= _turned_round(params, step.op)
            full = operator.validate(params).model_dump()
            steps.append(
                step.model_copy(update={"params": params, "label": describe(step.op, full)})
            )
            continue
        for name in SCALED:
            value = params.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value:
                scaled = bounded(operator.params, name, value * command.factor)
                changed |= scaled != value
                params[name] = scaled
        full = operator.validate(params).model_dump()
        steps.append(step.model_copy(update={"params": params, "label": describe(step.op, full)}))
    said = "stronger" if command.factor > 1 else "weaker"
    if command.factor < 0 and not changed:
        raise InputError(
            f'the last edit ("{plan.describe()}") has no other way (only brightness, contrast, '
            "saturation, warmth, exposure and a turn do); say what to change instead, or "
            '"undo" (/undo)'
        )
    if not changed:
        raise InputError(
            f'the last edit ("{plan.describe()}") cannot be made {said}: it is at its limit or '
            'has no strength to change; say what to change instead, or "undo" (/undo)'
        )
    return plan.model_copy(update={"steps": tuple(steps)}), str(parent.number)


def _turned_round(params: dict[str, Any], op: str) -> bool:
    """The step's signed strength negated in place ("warmer" becomes as much cooler, a turn
    clockwise one counterclockwise); False when it has none."""
    name = SIGNED.get(op)
    value = params.get(name or "")
    if name is None or not isinstance(value, int | float) or isinstance(value, bool) or not value:
        return False
    if op == "adjust_region" and params.get("edit") not in _SIGNED_EDITS:
        return False
    params[name] = -value
    return True


def bounded(model: Any, name: str, value: float) -> float:
    """`value` inside the bounds the parameter model gives `name` (ge/le, gt/lt)."""
    field = model.model_fields.get(name)
    low, high = float("-inf"), float("inf")
    for rule in getattr(field, "metadata", ()):
        for attr, side in (("ge", "low"), ("gt", "low"), ("le", "high"), ("lt", "high")):
            bound = getattr(rule, attr, None)
            if bound is None:
                continue
            if side == "low":
                low = max(low, float(bound) + (1e-6 if attr == "gt" else 0.0))
            else:
                high = min(high, float(bound) - (1e-6 if attr == "lt" else 0.0))
    return round(min(high, max(low, value)), 4)


def rescaled_from(session: Session, version: Version) -> Version | None:
    """The version a "more" or "less" turn made `version` in place of: its newest older
    sibling of the same instruction (a rescale records "<that instruction> (<what was said>)"),
    for undo to go back to what was there before; its parent would take the rescaled edit away
    too. None for any other version."""
    made = re.fullmatch(r"(?P<was>.+) \((?P<said>[^()]+)\)", version.instruction)
    said = read(made.group("said")) if made is not None else None
    if made is None or said is None or said.kind != "rescale":
        return None
    siblings = [
        v
        for v in session.versions()
        if v.parent_id == version.parent_id
        and v.kind == "turn"
        and v.number < version.number
        and (v.instruction == made.group("was") or v.instruction.startswith(f"{made['was']} ("))
    ]
    return max(siblings, key=lambda v: v.number) if siblings else None


def turn_request(session: Session, command: Command, said: str) -> TurnRequest:
    """The turn a retry or a rescale runs, `said` being the whole line. Retry checks out v1
    first (nothing is deleted) and asks for the rest; rescale asks for the last turn's plan,
    scaled, from the version that turn started at, so the new version is its sibling."""
    from gouache.sessions.turn import TurnRequest

    if command.kind == "retry":
        session.checkout("1")
        return TurnRequest(instruction=command.then)
    if command.kind == "rescale":
        plan, at = rescaled(session, command)
        # the version records what was said with the plan it scaled
        return TurnRequest(
            instruction=f"{plan.instruction} ({said})", at=at, plan=plan, replacing=session.head.id
        )
    raise ValueError(f"{command.kind} is acted, not run as a turn: {command}")  # pragma: no cover


def act(session: Session, command: Command, *, web: bool = False) -> str:
    """Carry out a conversation word in chat; the reply to print. `web`: the reply points at
    the web UI (its Compare view, its downloads) instead of chat's slash commands."""
    if command.kind == "undo":
        from gouache import followups

        version = session.head
        for _ in range(command.steps):
            replaced = rescaled_from(session, version) or followups.revised(session, version)
            version = session.move_to(str(replaced.number)) if replaced else session.undo()
        return f"back at v{version.number}" + (
            f" ({command.steps} turns undone)" if command.steps > 1 else ""
        )
    if command.kind == "redo":
        return f"forward to v{session.redo().number}"
    if command.kind == "original":
        return f"back at the original, v{session.checkout('1').number} (nothing is deleted)"
    if command.kind == "compare":
        return compare(session, web=web)
    if command.kind == "suggest":
        ideas = session.suggestions()
        if not ideas:
            offered = session.ideas()
            listed = "; ".join(f'"{idea.instruction}" ({idea.reason})' for idea in offered)
            return f"Nothing needs fixing here. Ideas to try: {listed}."
        return "try: " + "; ".join(f'"{idea.instruction}" ({idea.reason})' for idea in ideas)
    if command.kind == "explain":
        return explain(session, web=web)
    if command.kind == "save":
        if web:
            return _how_to_download(command.then, session.head.label)
        return _how_to_save(command.then, session.name)
    raise ValueError(f"{command.kind} is run as a turn, not acted: {command}")  # pragma: no cover


def _how_to_save(asked: str, name: str) -> str:
    """Where "save it as a jpg" points: /save with a file name, whose extension is the format."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", name) or "picture"
    ext = asked.rsplit(".", 1)[-1].lower()
    if re.fullmatch(_NOT_WRITTEN, ext):
        return (
            f"A picture is written as .png, .jpg, .webp, .tiff or .bmp, not .{ext}: /save "
            f"{stem}-edited.png (or .jpg) writes the current version"
            + ("; `gouache story` lays panels out on a PDF page" if ext == "pdf" else "")
        )
    if "." in asked:
        target = asked
    else:
        target = f"{stem}-edited.{'jpg' if asked.startswith('jp') else asked or 'png'}"
    return (
        f"/save {target} writes the current version (the extension picks the format: .png, "
        ".jpg, .webp); `gouache export SESSION` writes it with its recipe"
    )


def download_format(asked: str) -> str | None:
    """The web UI's download format for what "save it as ..." named (a format or a file
    name): png (nothing named), jpeg or webp; None for one it does not offer (tiff)."""
    ext = asked.rsplit(".", 1)[-1].lower() if asked else "png"
    if ext in ("jpg", "jpeg"):
        return "jpeg"
    return ext if ext in ("png", "webp") else None


def _how_to_download(asked: str, label: str) -> str:
    """Where "save it as a jpg" points in the web UI: its download links."""
    fmt = download_format(asked)
    offered = f"The Export panel downloads {label} as PNG, JPEG or WebP, its recipe inside"
    if fmt is None:
        return f"{offered}; {asked} is not one of them (`gouache export` writes a file)."
    return f"{offered}; here is {label} as {'JPEG' if fmt == 'jpeg' else fmt.upper()}."


def compare(session: Session, *, web: bool = False) -> str:
    """The original against the current version, in words: the edits between them and how
    much of the picture they moved (`/diff` gives the whole recipes; in the web UI, the
    Compare view)."""
    head = session.head.number
    if head == 1:
        return "This is the original (v1): nothing to compare yet."
    diff = session.diff("1", "head")
    lines = explain(session).splitlines()
    lines[0] = f"The original (v1) against now (v{head}):"
    if not diff.same_size:
        (wa, ha), (wb, hb) = diff.size_a, diff.size_b
        lines.append(f"  size: {wa}x{ha} -> {wb}x{hb}")
    elif diff.changed_share == 0.0:
        lines.append("  the pixels are the same")
    else:
        lines.append(
            f"  {100 * (diff.changed_share or 0.0):.1f}% of the pixels changed, by "
            f"{diff.mean_abs_diff:.1f} levels on average"
        )
    if web:
        lines.append(f"  (Compare shows v1 and v{head} side by side, as a slider and a heat map)")
    else:
        lines.append(f"  (/diff 1 {head} shows both recipes in full)")
    return "\n".join(lines)


def explain(session: Session, *, web: bool = False) -> str:
    """Every turn from the original to the head, with what each did."""
    chain = []
    version = session.head
    while version.parent_id is not None:
        chain.append(version)
        version = session.resolve(version.parent_id)
    if not chain:
        return "Nothing yet: this is the original (v1)."
    lines = [f"From the original (v1) to v{session.head.number}:"]
    for done in reversed(chain):
        what = done.plan.describe() if done.plan is not None else done.instruction
        lines.append(f"  v{done.number}: {what}   (you said: {done.instruction!r})")
    total = len(session.versions())
    if total > len(chain) + 1:  # other branches: nothing is lost, and this says where
        tree = "the version tree shows them" if web else "the tree: /history"
        lines.append(f"{total} versions in all, on other branches too ({tree})")
    return "\n".join(lines)


def edit_reply(command: Command, session_id: str | None) -> str:
    """What `gouache edit` says: it makes one version, so the tree is worked in chat or by
    naming a version."""
    where = f"--session {session_id[:8]}" if session_id else "--session ID"
    if command.kind in ("suggest",):
        return "`gouache suggest IMAGE` lists edits worth trying on a picture."
    if command.kind == "save":
        return (
            '`gouache edit IMAGE "..." -o out.jpg` writes the result (the extension picks the '
            "format)"
        )
    if command.kind == "rescale":
        return (
            '"more" and "less" change the last edit of a conversation: say it in `gouache '
            "chat` right after the edit; with `gouache edit`, say how strong in the instruction, "
            'e.g. "make it much warmer" or "a bit warmer"'
        )
    return (
        f'"{command.kind}" works on a conversation\'s versions: in `gouache chat` say it as '
        f'it is; with `gouache edit`, apply at an earlier version with {where} --at v1 "...", '
        "and `gouache history SESSION` shows the versions."
    )
