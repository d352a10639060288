"""Lines of text read in a picture: where words fall in them (`spans`), how they are listed in
a reply (`lines_read`), and which is the title to remove (`title_at_top`)."""

from __future__ import annotations

from gouache.analysis.types import TextLine

# Lines listed in an error, and characters of each.
LIST_LINES = 8
LIST_CHARS = 40
# "the title" to remove: the largest line in the top half, as large as TITLE_SHARE of the
# largest anywhere (a receipt's shop name, 22 px, over its total, 25 px); lines within
# TITLE_TIE of it are tied, and the topmost is taken.
TITLE_SHARE = 0.85
TITLE_TIE = 0.05


def spans(text: str, words: str) -> list[tuple[int, int]]:
    """Where `words` occur in `text`, ignoring case and whitespace (the OCR may read
    "SUMMER SALE" as "SUMMERSALE"): (start, end) character indices of `text`."""
    # Each character of the squashed text remembers where in `text` it came from.
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if not char.isspace():
            folded = char.casefold()
            chars.extend(folded)
            origin.extend([index] * len(folded))
    squashed = "".join(chars)
    needle = "".join(words.split()).casefold()
    if not needle:
        return []
    spans: list[tuple[int, int]] = []
    start = squashed.find(needle)
    while start >= 0:
        end = start + len(needle)
        spans.append((origin[start], origin[end - 1] + 1))
        start = squashed.find(needle, end)
    return spans


def lines_read(lines: list[TextLine], height: int | None = None) -> str:
    """ "the text read is ...": the lines, shortened, and (given the picture's `height`) where
    each stands, at the top or the bottom."""

    def short(line: TextLine) -> str:
        text = line.text if len(line.text) <= LIST_CHARS else line.text[: LIST_CHARS - 1] + "…"
        if height is None:
            return f'"{text}"'
        return f'"{text}" at the {"top" if _middle(line) < height / 2 else "bottom"}'

    read = ", ".join(short(line) for line in lines[:LIST_LINES])
    more = f" and {len(lines) - LIST_LINES} more lines" if len(lines) > LIST_LINES else ""
    return f"the text read is {read}{more}"


def title_at_top(lines: list[TextLine], height: int) -> TextLine | None:
    """The title: the line of the largest letters in the top half of the picture (the topmost
    of those within TITLE_TIE of it), as large as TITLE_SHARE of the largest anywhere; None
    where no line there is."""
    top = [line for line in lines if _middle(line) < height / 2]
    if not top:
        return None
    largest = max(line.box.h for line in top)
    if largest < TITLE_SHARE * max(line.box.h for line in lines):
        return None
    return min((line for line in top if line.box.h >= (1 - TITLE_TIE) * largest), key=_top)


def _middle(line: TextLine) -> float:
    return line.box.y + line.box.h / 2


def _top(line: TextLine) -> int:
    return line.box.y
