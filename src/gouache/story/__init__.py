"""Storyboards: a script of panels with the same characters, a version per panel on a `story`
branch, identity per character per panel, and a comic page as PNG and PDF."""
