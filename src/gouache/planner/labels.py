"""Short human labels for validated steps: "brightness +30 %", "rotate 90° clockwise"."""

from __future__ import annotations

from typing import Any

from PIL import ImageColor

from gouache.colors import RGB

_SIDES = ("left", "top", "right", "bottom")
_NAMES = {ImageColor.getrgb(n)[:3]: n for n in sorted(ImageColor.colormap, reverse=True)}


def _color(rgb: RGB) -> str:
    return _NAMES.get(rgb, "#{:02x}{:02x}{:02x}".format(*rgb))


def _percent(value: float, signed: bool = False) -> str:
    return f"{value * 100:+.4g} %" if signed else f"{value * 100:.4g} %"


def describe(op: str, p: dict[str, Any]) -> str:
    """A short human label for a validated step: "brightness +30 %", "rotate 90° clockwise"."""
    if op in ("brightness", "contrast", "saturation", "warmth"):
        return f"{op} {_percent(p['amount'], signed=True)}"
    if op == "exposure":
        unit = "stop" if abs(p["stops"]) == 1 else "stops"
        return f"exposure {p['stops']:+g} {unit}"
    if op == "tint":
        return f"tint {_color(p['color'])} {_percent(p['amount'])}"
    if op in ("grayscale", "sepia", "auto_enhance", "vignette", "denoise"):
        name = op.replace("_", " ")
        return name if p["strength"] == 1 else f"{name} {_percent(p['strength'])}"
    if op == "blur":
        return f"blur radius {p['radius']:g} px"
    if op == "sharpen":
        return f"sharpen ×{p['amount']:g} (radius {p['radius']:g} px)"
    if op == "crop":
        parts = [f"to {p['aspect'][0]}:{p['aspect'][1]}"] if p["aspect"] else []
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
    return op + "(" + ", ".join(f"{k}={v}" for k, v in p.items()) + ")"
