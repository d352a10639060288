"""User text on the way in (checked) and on the way out (printable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gouache.errors import InputError
from gouache.planner.clauses import prepare
from gouache.usertext import (
    MAX_INSTRUCTION_CHARS,
    check_instruction,
    decode_line,
    one_line,
    printable,
)


def test_undecodable_bytes_are_refused_by_name() -> None:
    line = decode_line(b"make it \xe9 warmer")
    with pytest.raises(InputError, match="the instruction is not valid UTF-8"):
        check_instruction(line)


def test_nul_is_refused_and_length_is_limited() -> None:
    with pytest.raises(InputError, match="NUL"):
        check_instruction("make\x00 it warmer")
    check_instruction("x" * MAX_INSTRUCTION_CHARS)
    with pytest.raises(InputError, match="at most 4,000"):
        check_instruction("x" * (MAX_INSTRUCTION_CHARS + 1))


def test_printable_escapes_controls_and_keeps_lines_and_tabs() -> None:
    assert printable("a\x1b[2Jb\rc\x07\td\ne\x9b") == "a\\x1b[2Jb\\rc\\x07\td\ne\\x9b"
    assert printable("a\nb", newlines=False) == "a\\nb"
    assert printable("caf\udce9") == "caf\ufffd"


def test_one_line_shortens_and_flattens() -> None:
    assert one_line("a\nb\tc", 10) == "a b c"
    assert one_line("x" * 50, 10) == "x" * 9 + "…"


@pytest.mark.parametrize("forged", ["\ue0009\ue001", "\x009\x01", "\x00\x01", "\ue000"])
def test_no_text_a_user_types_is_taken_for_a_quote_placeholder(forged: str) -> None:
    prepared = prepare(f'add the caption "hi" and {forged} then flip')
    assert prepared.quotes == ("hi",)
    assert all("\x00" not in c.text and "\x01" not in c.text for c in prepared.clauses[1:])


def test_the_rule_planner_refuses_an_instruction_over_the_limit() -> None:
    from gouache.planner.rules import RulePlanner

    with pytest.raises(InputError, match="at most 4,000"):
        RulePlanner().plan("make it warmer " * 300)


def test_a_long_unknown_clause_names_a_few_unknown_words_not_all() -> None:
    from gouache.planner.plan import PlannerReply
    from gouache.planner.rules import RulePlanner

    gibberish = " ".join(f"zq{chr(97 + i % 26)}{chr(97 + i // 26)}x" for i in range(300))
    reply = RulePlanner().plan(gibberish)
    assert isinstance(reply, PlannerReply)
    assert "and 292 more" in reply.message


def test_a_turn_refuses_a_nul_or_an_overlong_instruction_for_any_backend(tmp_path: Path) -> None:
    import numpy as np

    from gouache.images import BlobStore
    from gouache.sessions import Session, Store

    with Store(f"sqlite:///{tmp_path / 'g.db'}", BlobStore(tmp_path / "blobs")) as store:
        session = Session.start(store, np.zeros((8, 8, 3), dtype=np.uint8))
        with pytest.raises(InputError, match="NUL"):
            session.apply("flip\x00 it")
        with pytest.raises(InputError, match="at most 4,000"):
            session.apply("flip it " * 600)
        assert session.head.number == 1  # nothing was made
