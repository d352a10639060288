"""Provenance: signed C2PA manifests, an invisible watermark, and the recipe inside the file.

export.py     export_version(): the bytes of one export (watermark, recipe, signature)
manifest.py   the C2PA manifest of a version and the signing of its lineage
keys.py       the signing identity: a local test CA, or the user's certificate and key
verify.py     reading a file back: manifest state, chain, recipe, watermark
watermark.py  the 48-bit invisible mark (a version id and its CRC)
metadata.py   the recipe in a PNG iTXt chunk or in XMP; encoding the formats
"""

from gouache.provenance.export import ExportedFile, export_version

__all__ = ["ExportedFile", "export_version"]
