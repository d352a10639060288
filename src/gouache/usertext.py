"""Text that comes from a user: checked on the way in, made harmless on the way out.

On the way in, an instruction must be valid UTF-8 (arguments and file names that were not
arrive from Python as lone surrogates), hold no NUL and no more than MAX_INSTRUCTION_CHARS
characters. On the way out, `printable` turns terminal control characters (escape sequences,
carriage returns, bells) into visible escapes, so a caption or a file name can never drive
the terminal it is echoed to.
"""

from __future__ import annotations

import re

from gouache.errors import InputError

# Enough for a long prompt to a generative backend; the rule planner reads far less.
MAX_INSTRUCTION_CHARS = 4000

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls but tab and newline, DEL, and the C1 controls (0x9b is a one-byte CSI).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def is_valid_utf8(text: str) -> bool:
    """False when `text` holds lone surrogates: bytes that were not UTF-8, kept by Python."""
    return _SURROGATE.search(text) is None


def check_text(text: str, what: str) -> str:
    """`text` unchanged, or InputError naming `what` when it is not valid UTF-8 or holds NUL."""
    if not is_valid_utf8(text):
        raise InputError(f"{what} is not valid UTF-8 text: {printable(text)!r}")
    if "\x00" in text:
        raise InputError(f"{what} contains a NUL character")
    return text


def check_instruction(text: str) -> str:
    """An instruction, checked: valid UTF-8, no NUL, at most MAX_INSTRUCTION_CHARS."""
    check_text(text, "the instruction")
    if len(text) > MAX_INSTRUCTION_CHARS:
        raise InputError(
            f"the instruction has {len(text):,} characters; at most "
            f"{MAX_INSTRUCTION_CHARS:,} are taken (split it into several turns)"
        )
    return text


def decode_line(raw: bytes) -> str:
    """A line read as bytes, decoded; invalid UTF-8 is kept as surrogates for check_text."""
    return raw.decode("utf-8", "surrogateescape")


def printable(text: str, *, newlines: bool = True) -> str:
    """`text` safe to write to a terminal: undecodable bytes as U+FFFD, controls escaped.

    Tabs stay, and newlines too unless `newlines` is False (for text that must stay on one
    line, such as a file name).
    """
    text = _SURROGATE.sub("\ufffd", text)
    pattern = _CONTROL if newlines else _ANY_CONTROL
    return pattern.sub(_escape, text)


def one_line(text: str, limit: int) -> str:
    """`text` as a single printable line of at most `limit` characters (a name from a file)."""
    cleaned = " ".join(_ANY_CONTROL.sub(" ", _SURROGATE.sub("\ufffd", text)).split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return {9: "\\t", 10: "\\n", 13: "\\r"}.get(code, f"\\x{code:02x}")


def quality_arg(text: str) -> int:
    """An argparse type for --quality: refused when the command line is read, before any work."""
    import argparse

    try:
        quality = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"quality is a whole number 1 to 100, not {text!r}"
        ) from None
    if not 1 <= quality <= 100:
        raise argparse.ArgumentTypeError(f"quality is 1 to 100, not {quality}")
    return quality
