"""Short human labels for validated steps: "brightness +30 %", "rotate 90° clockwise"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import ImageColor

from gouache.colors import RGB

_SIDES = ("left", "top", "right", "bottom")
_NAMES = {ImageColor.getrgb(n)[:3]: n for n in sorted(ImageColor.colormap, reverse=True)}


def _color(rgb: RGB) -> str:
    return _NAMES.get(rgb, "#{:02x}{:02x}{:02x}".format(*rgb))


def _percent(value: float, signed: bool = False) -> str:
    return f"{value * 100:+.4g} %" if signed else f"{value * 100:.4g} %"


def _weather(name: str, p: dict[str, Any]) -> str:
    wind = f", wind {p['wind']:g}°" if p["wind"] != 12.0 else ""
    return f"{name} {_percent(p['amount'])}{wind} (seed {p['seed']})"


def describe(op: str, p: dict[str, Any]) -> str:
    """A short human label for a validated step: "brightness +30 %", "rotate 90° clockwise"."""
    if op in ("brightness", "contrast", "saturation", "warmth"):
        return f"{op} {_percent(p['amount'], signed=True)}"
    if op == "exposure":
        unit = "stop" if abs(p["stops"]) == 1 else "stops"
        return f"exposure {p['stops']:+g} {unit}"
    if op == "tint":
        return f"tint {_color(p['color'])} {_percent(p['amount'])}"
    if op == "vignette":  # its default is 50 %, so full strength is worth saying
        return f"vignette {_percent(p['strength'])}"
    if op in ("grayscale", "sepia", "auto_enhance", "denoise"):
        name = op.replace("_", " ")
        return name if p["strength"] == 1 else f"{name} {_percent(p['strength'])}"
    if op == "blur":
        return f"blur radius {p['radius']:g} px"
    if op == "red_eye":
        return "remove red eyes"
    if op in ("brighten_eyes", "whiten_teeth"):
        name = "brighten the eyes" if op == "brighten_eyes" else "whiten the teeth"
        where = f" of {_numbered(list(p['faces']))}" if p["faces"] else ""
        return f"{name}{where}" if p["amount"] == 1 else f"{name}{where} {_percent(p['amount'])}"
    if op == "document":
        name = "clean up the document (white paper, darker text)"
        return name if p["strength"] == 1 else f"{name} {_percent(p['strength'])}"
    if op == "grain":
        return f"film grain {_percent(p['amount'])}"
    if op == "clarity":
        return f"clarity {_percent(p['amount'], signed=True)}"
    if op == "sharpen":
        return f"sharpen ×{p['amount']:g} (radius {p['radius']:g} px)"
    if op == "crop":
        parts = [f"to {p['aspect'][0]}:{p['aspect'][1]}"] if p["aspect"] else []
        if len({p[s] for s in _SIDES}) == 1 and p["left"]:
            parts.append(f"{_percent(p['left'])} off every side")
        else:
            parts += [f"{_percent(p[s])} off the {s}" for s in _SIDES if p[s]]
        return "crop " + ", ".join(parts)
    if op == "resize":
        if p["scale"] is not None:
            return f"resize ×{p['scale']:g}"
        if p["width"] and p["height"]:
            return f"resize to {p['width']}×{p['height']} px"
        return (
            f"resize to {p['width']} px wide" if p["width"] else f"resize to {p['height']} px tall"
        )
    if op == "rotate":
        turn = " clockwise" if p["degrees"] > 0 else " counter-clockwise"
        label = f"rotate {abs(p['degrees']):g}°" + ("" if abs(p["degrees"]) in (180, 360) else turn)
        return label + (
            " (expand the canvas)" if p["fit"] == "expand" and p["degrees"] % 90 else ""
        )
    if op == "flip":
        return f"flip {p['direction']}"
    if op == "border":
        size = f"{p['pixels']} px" if p["pixels"] else _percent(p["size"])
        return f"{_color(p['color'])} border {size}"
    if op == "caption":
        box = ""
        if p["style"] == "box":
            box = f" on a {_color(p['box_color'])} box" if p["box_color"] else " on a box"
        return f'caption "{p["text"]}" at the {p["position"]} in {_color(p["color"])}{box}'
    if op == "balloon":
        where = f" at the {p['position']}" if p["position"] else ""
        return f'speech balloon "{p["text"]}"{where}'
    return (
        _LABELS[op](p)
        if op in _LABELS
        else op + "(" + ", ".join(f"{k}={v}" for k, v in p.items()) + ")"
    )


def _face(target: str | int) -> str:
    if target == "all":
        return "every face"
    if isinstance(target, int):
        return f"face {target} from the left"
    return f"the face on the {target}" if target in ("left", "right") else f"the {target} face"


def _strength(name: str, p: dict[str, Any]) -> str:
    return name if p["strength"] == 1 else f"{name} {_percent(p['strength'])}"


def _background(p: dict[str, Any]) -> str:
    old = f"the {_color(p['key'])} background" if p.get("key") is not None else "the background"
    if p["color"] is not None:
        return f"replace {old} with {_color(p['color'])}"
    if p["gradient"] is not None:
        top, bottom = (_color(c) for c in p["gradient"])
        return f"replace the background with a {top} to {bottom} gradient"
    return f"replace the background with image {p['reference']}"


def _logo(p: dict[str, Any]) -> str:
    return (
        f"logo (image {p['reference']}) in the {p['position']}, {_percent(p['scale'])} wide, "
        f"at {_percent(p['opacity'])} opacity"
    )


_LABELS: dict[str, Callable[[dict[str, Any]], str]] = {
    "blur_faces": lambda p: (
        f"{p['method']} {_face(p['target']) if not p['faces'] else _numbered(p['faces'])}"
        + ("" if p["strength"] == 1 else f" ({_percent(p['strength'])})")
    ),
    "crop_face": lambda p: _face_crop(p),
    "smart_crop": lambda p: (
        f"crop to {p['aspect'][0]}:{p['aspect'][1]} keeping "
        + ("every face whole" if p["everyone"] else "the faces (or the subject) in frame")
    ),
    "remove_text": lambda p: (
        (
            f'remove the lines with "{p["match"]}"'
            if p["lines"]
            else f'remove the text "{p["match"]}"'
        )
        if p["match"]
        else "remove the title"
        if p["title"]
        else "remove all text"
    ),
    "replace_text": lambda p: (
        f'replace "{p["old"]}" with "{p["new"]}"'
        + (f" in {_color(p['color'])}" if p.get("color") else "")
    ),
    "blur_background": lambda p: f"blur the background (radius {p['radius']:g} px)",
    "remove_background": lambda p: (
        f"remove the {_color(p['key'])} background" if p.get("key") else "remove the background"
    ),
    "replace_background": _background,
    "restore": lambda p: _strength(
        "remove dust and scratches" if p.get("marks_only") else "restore", p
    ),
    "color_transfer": lambda p: (
        f"colours of image {p['reference']}"
        + (" (histogram)" if p["method"] == "histogram" else "")
        + ("" if p["strength"] == 1 else f" {_percent(p['strength'])}")
    ),
    "sketch": lambda p: _strength("pencil sketch", p),
    "cartoon": lambda p: _strength("cartoon", p),
    "watercolor": lambda p: _strength("watercolour", p),
    "snow": lambda p: _weather("snow", p),
    "rain": lambda p: _weather("rain", p),
    "add_fog": lambda p: f"fog {_percent(p['amount'])}",
    "darken_text": lambda p: f"darker text (ink {_percent(p['amount'])} deeper)",
    "crop_bars": lambda p: (
        f"crop off the {_color(p['color']) + ' ' if p['color'] else ''}"
        + ("side panel" if p["panel"] else "bar")
        + (f" at the {' and '.join(p['sides'])}" if p["sides"] else "")
        + ("" if p["sides"] else " at the left or right" if p["panel"] else "s at the edges")
    ),
    "oil_paint": lambda p: (
        _strength("oil painting", p) + {1.0: ""}.get(p["brush"], f", brush x{p['brush']:g}")
    ),
    "posterize": lambda p: f"posterize to {p['levels']} levels",
    "pixel_art": lambda p: f"pixel art ({p['colors']} colours)",
    "halftone": lambda p: "halftone",
    "duotone": lambda p: f"duotone {_color(p['dark'])} and {_color(p['light'])}",
    "paste_subject": lambda p: (
        f"paste the subject of image {p['reference']} at the "
        f"{p['position']}, {_percent(p['scale'])} tall"
        + (" (seamless)" if p["method"] == "seamless" else "")
    ),
    "collage": lambda p: f"{p['layout']} collage with the attached images",
    "picture_in_picture": lambda p: (
        f"inset image {p['reference']} in the {p['position']}, {_percent(p['scale'])} wide"
    ),
    "logo": _logo,
    "extend": lambda p: (
        f"extend to {p['aspect'][0]}:{p['aspect'][1]}"
        + (f" with {_color(p['color'])}" if p["fill"] == "color" else f" ({p['fill']})")
    ),
    "upscale": lambda p: f"upscale ×{p['factor']}",
    "look": lambda p: _strength(f"{p['name']} look", p),
    "adjust_region": lambda p: _region(p),
    "shadows_highlights": lambda p: _shadows_highlights(p),
    "replace_color": lambda p: (
        f"the {_color(p['source'])} {'pixels' if p['things'] == 'all' else p['things']} in "
        f"{_color(p['color'])}"
    ),
    "adjust_color": lambda p: _hues(p),
    "binarize": lambda p: (
        "pure black and white (an adaptive threshold)"
        if p["level"] is None
        else f"pure black and white (threshold at {_percent(p['level'])})"
    ),
    "dehaze": lambda p: f"take out the haze (strength {_percent(p['strength'])})",
    "invert": lambda p: (
        "invert the colours (a negative)"
        if p["mode"] == "negative"
        else f"{p.get('to') or 'dark'} mode (light and dark swapped, colours kept)"
    ),
    "drop_shadow": lambda p: (
        f"a drop shadow to the {p['direction']} ({_percent(p['opacity'])} opacity"
        + (f", {_percent(p['distance'])} of the shorter side away" if p["distance"] != 0.02 else "")
        + (f", edge blurred {_percent(p['softness'])}" if p["softness"] != 0.015 else "")
        + ")"
    ),
    "auto_straighten": lambda p: "straighten (level the measured tilt)",
    "crop_subject": lambda p: (
        "crop around the subject, in the middle" if p.get("centre") else "crop to the subject"
    ),
    "redact": lambda p: _redact(p),
    "bold_text": lambda p: (
        f'"{p["match"]}" in bold'
        if p.get("match") and not p.get("title")
        else f"the {'title' if p.get('title') else 'text'} in bold"
    ),
    "recolor_text": lambda p: (
        f'"{p["match"]}" in {_color(p["color"])}'
        if p.get("match") and not p.get("title")
        else f"the {'title' if p.get('title') else 'text'} in {_color(p['color'])}"
    ),
    "recolor": lambda p: f"recolour the subject {_color(p['color'])}",
    "outline_text": lambda p: _outline(p),
    "resize_text": lambda p: (
        f"{'title' if p.get('title') else 'text'} {'up to ' if p.get('fit') else ''}"
        f"{_percent(p['scale'])} of its size"
        + (f' (lines with "{p["match"]}")' if p.get("match") else "")
    ),
}


_REGION_RECIPES = {"sharpen": "sharpen {where}", "clarity": "more clarity in {where}",
                   "pop": "make {where} pop (local contrast, colour)",
                   "dramatic": "make {where} more dramatic (darker, more contrast)",
                   "smooth": "smooth {where} (edge-preserving)"}  # fmt: skip


def _face_crop(p: dict[str, Any]) -> str:
    if p.get("faces"):
        numbers = [str(n) for n in p["faces"]]
        said = f"crop to faces {', '.join(numbers[:-1])} and {numbers[-1]} from the left"
    else:
        said = f"crop to {_face(p['target'])}"
    return said if p["aspect"] is None else f"{said} at {p['aspect'][0]}:{p['aspect'][1]}"


def _hues(p: dict[str, Any]) -> str:
    parts = [
        f"{edit} {_percent(p[edit], signed=True)}"
        for edit in ("saturation", "lightness")
        if p[edit]
    ]
    if p["hue"]:
        parts.append(f"hue {p['hue']:+g}°")
    if p.get("into") == p["hues"]:
        return f"the {p['hues']}s drawn toward pure {p['hues']}" + "".join(f", {x}" for x in parts)
    if p.get("into"):
        return f"the {p['hues']}s turned to {p['into']}" + "".join(f", {x}" for x in parts)
    return f"{', '.join(parts) or 'no change'} of the {p['hues']}s"


def _shadows_highlights(p: dict[str, Any]) -> str:
    parts = []
    if p["shadows"]:
        verb = "lift" if p["shadows"] > 0 else "deepen"
        parts.append(f"{verb} the shadows {_percent(abs(p['shadows']))}")
    if p["highlights"]:
        verb = "brighten" if p["highlights"] > 0 else "recover"
        parts.append(f"{verb} the highlights {_percent(abs(p['highlights']))}")
    return ", ".join(parts) or "shadows and highlights unchanged"


def _region(p: dict[str, Any]) -> str:
    where = {"faces": "the faces", "subject": "the subject"}.get(p["region"], f"the {p['region']}")
    if p["region"] in ("left", "right", "top", "bottom"):
        where = f"the {p['region']} half"
    elif p.get("faces"):
        where = _numbered(list(p["faces"]))
    if p.get("within"):
        where = f"the {p['within']} half of {where}"
    edit, amount = p["edit"], p["amount"]
    if edit == "grayscale":
        return f"{where} in black and white"
    if edit == "tint":
        return f"tint {where} {_color(p['color'])} {_percent(amount)}"
    if edit == "blur":
        return f"blur {where} (radius {amount:g} px)"
    if edit == "exposure":
        return f"exposure of {where} {amount:+g} stops"
    if edit in _REGION_RECIPES:
        strength = "" if amount == 1 else f" (strength {_percent(amount)})"
        return _REGION_RECIPES[edit].format(where=where) + strength
    return f"{edit} of {where} {_percent(amount, signed=True)}"


_REDACTED = {"email": "email addresses", "phone": "phone numbers", "url": "links",
             "number": "long numbers", "key": "keys", "name": "names", "text": "text",
             "plate": "licence plates", "price": "prices"}  # fmt: skip


def _redact(p: dict[str, Any]) -> str:
    verb = {"box": "black out", "blur": "blur", "pixelate": "pixelate"}[p["method"]]
    kinds = [_REDACTED[kind] for kind in p["what"]]
    listed = ", ".join(kinds[:-1]) + f" and {kinds[-1]}" if len(kinds) > 1 else kinds[0]
    return f"{verb} the {listed}" + (" (whichever are there)" if p["any_of"] else "")


def _numbered(faces: list[int]) -> str:
    listed = ", ".join(map(str, faces[:-1])) + f" and {faces[-1]}" if len(faces) > 1 else ""
    return f"faces {listed} from the left" if listed else f"face {faces[0]} from the left"


def _outline(p: dict[str, Any]) -> str:
    what = f'"{p["match"]}"' if p.get("match") else "the title" if p.get("title") else "the text"
    if p.get("remove"):
        return f"the outline taken off {what}"
    how = [] if p.get("color") is None else [_color(p["color"])]
    how += [] if p.get("scale", 1.0) == 1.0 else [f"{_percent(p['scale'])} as wide"]
    return f"an outline round {what}" + (f" ({', '.join(how)})" if how else "")
