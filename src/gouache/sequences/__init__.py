"""Sequences: frames as versions, offline camera moves, history animations, before/after wipes,
written as MP4 (H.264 through PyAV), GIF or animated WebP."""
