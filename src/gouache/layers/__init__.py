"""Layers over a raster base: captions, logos, balloons and borders that stay editable."""
