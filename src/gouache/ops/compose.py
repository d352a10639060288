"""Composition with reference images: paste a subject, collages, picture in picture, logos.

Image 1 is the picture being edited; attached references are images 2, 3, ...
Seamless pasting uses Poisson image editing (Pérez, Gangnet, Blake, SIGGRAPH 2003) through
OpenCV's seamlessClone; the default is a cut-out with a feathered alpha.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from gouache.colors import Color
from gouache.images import Image
from gouache.ops.layout import Corner, Position
from gouache.ops.registry import OpContext, Operator, Params


class PasteSubjectParams(Params):
    reference: int = Field(default=2, ge=2)
    position: Position = "center"
    # Height of the pasted subject as a fraction of the canvas height.
    scale: float = Field(default=0.5, gt=0.0, le=1.0)
    method: Literal["cutout", "seamless"] = "cutout"


class CollageParams(Params):
    layout: Literal["side by side", "stacked", "grid"] = "side by side"
    # Gap between pictures as a fraction of the shorter side of the first one.
    gap: float = Field(default=0.02, ge=0.0, le=0.2)
    background: Color = (255, 255, 255)


class PictureInPictureParams(Params):
    reference: int = Field(default=2, ge=2)
    position: Corner = "bottom right"
    # Width of the inset as a fraction of the canvas width.
    scale: float = Field(default=0.3, gt=0.0, le=0.9)
    border: Color | None = (255, 255, 255)


class LogoParams(Params):
    reference: int = Field(default=2, ge=2)
    position: Corner = "bottom right"
    # Width of the logo as a fraction of the canvas width.
    scale: float = Field(default=0.15, gt=0.0, le=0.9)
    opacity: float = Field(default=0.9, gt=0.0, le=1.0)
    # Margin from the edges as a fraction of the shorter side.
    margin: float = Field(default=0.03, ge=0.0, le=0.3)


def paste_subject(image: Image, p: PasteSubjectParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def collage(image: Image, p: CollageParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def picture_in_picture(image: Image, p: PictureInPictureParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def logo(image: Image, p: LogoParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="paste_subject",
        version="1.0.0",
        summary="put the subject of image N into this one, at a position and scale",
        params=PasteSubjectParams,
        run=paste_subject,
        keywords=("put the", "paste", "insert", "add the person", "place"),
        examples=("put the subject of image 2 on the left", "paste the dog from image 2"),
        global_edit=False,
    ),
    Operator(
        name="collage",
        version="1.0.0",
        summary="side-by-side, stacked or grid collage of this image and the references",
        params=CollageParams,
        run=collage,
        keywords=("collage", "side by side", "grid", "next to each other", "stack"),
        examples=("put them side by side", "make a grid collage"),
        geometry=True,
    ),
    Operator(
        name="picture_in_picture",
        version="1.0.0",
        summary="inset image N in a corner",
        params=PictureInPictureParams,
        run=picture_in_picture,
        keywords=("picture in picture", "inset", "pip"),
        examples=("put image 2 as an inset in the top right",),
        global_edit=False,
    ),
    Operator(
        name="logo",
        version="1.0.0",
        summary="place a logo (image N) in a corner with an opacity",
        params=LogoParams,
        run=logo,
        keywords=("logo", "watermark with", "brand mark"),
        examples=("add the logo in the bottom right", "put the logo top left at 50% opacity"),
        global_edit=False,
    ),
]
