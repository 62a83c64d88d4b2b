"""Each Japanese word osa-opt knows is listed once (``osa_opt/inputs/japanese_words.py``)
and reads the same through every path that reads it: a flag cell, a status or stage
cell, and a column of the user's own headed by it or holding it (``forcing_columns``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from osa_opt.inputs.forcing_columns import forcing_column_issues
from osa_opt.inputs.japanese_words import (
    CHOICE_WORDS,
    FLAG_WORDS,
    NO_WORDS,
    SIGNED_WORDS,
    STATUS_CANDIDATE_WORDS,
    STATUS_IN_WORDS,
    STATUS_OUT_WORDS,
    choice_hint,
    flag_hint,
)
from osa_opt.inputs.schema import PROJECT_COLUMNS
from osa_opt.inputs.sheet_schema import (
    CANDIDATE_WORDS,
    IN_WORDS,
    OUT_WORDS,
    _status_word_hint,
)

STATUS = next(c for c in PROJECT_COLUMNS if c.name == "status")


def forcing(header: str, cell: object) -> list[str]:
    """The fix of each problem of a column ``header`` holding ``cell`` beside a candidate."""
    raw = pd.DataFrame({"project_id": ["P-01"], "status": ["candidate"], "stage": [None],
                        header: [cell], "_row": [2]})
    return [issue.hint for issue in forcing_column_issues("projects", raw)]


@pytest.mark.parametrize("word", sorted(FLAG_WORDS))
def test_a_flag_word_reads_the_same_in_a_column_that_forces(word: str) -> None:
    """A Japanese no (いいえ, なし, 無し, 非該当, 偽) in a 'mandatory' column says no, as the
    flag it is told to be: 無し, 非該当 and 偽 were read as yes there (only いいえ, 無 and
    なし were listed), and the project refused as one the column forces in. A yes
    (はい, あり, 該当) is one in both."""
    said = flag_hint(word)
    assert said is not None
    if word in NO_WORDS:
        assert said.startswith("did you mean false?")
        assert forcing("mandatory", word) == []
    else:
        assert said.startswith("did you mean true?")
        assert forcing("mandatory", word) == [
            "write status mandatory for that project (P-01), and delete the column or give "
            "it another name"]


@pytest.mark.parametrize(("word", "status"), [
    *((w, "excluded") for w in sorted(STATUS_OUT_WORDS)),
    *((w, "mandatory") for w in sorted(STATUS_IN_WORDS)),
    *((w, "candidate") for w in sorted(STATUS_CANDIDATE_WORDS))])
def test_a_status_word_reads_the_same_in_the_status_cell_and_as_a_header(
        word: str, status: str) -> None:
    """The status cell is told the status a word means; a column headed by it with a yes
    is told the same status (a candidate word forces nothing, so such a column is not
    named). Both read one list: sheet_schema's OUT_WORDS, IN_WORDS and CANDIDATE_WORDS
    hold japanese_words' status words, and the forcing headers read those."""
    assert word in {"excluded": OUT_WORDS, "mandatory": IN_WORDS,
                    "candidate": CANDIDATE_WORDS}[status]
    hint = _status_word_hint(STATUS, word)
    assert hint is not None and f"status {status}" in hint
    expected = [] if status == "candidate" else [
        f"write status {status} for that project (P-01), and delete the column or give it "
        "another name"]
    assert forcing(word, "はい") == expected


@pytest.mark.parametrize("word", sorted(SIGNED_WORDS))
def test_a_signed_stage_word_reads_the_same_in_the_stage_cell_and_as_a_header(
        word: str) -> None:
    """署名済 (signed) in the stage cell is told 'signed'; a column headed 署名済 with a
    yes in a candidate's row was passed through unread, the project left a candidate
    where 'signed' as a header is refused. It now is, told the stage to write."""
    assert CHOICE_WORDS["stage"][word][1] == ("signed",)
    assert choice_hint("stage", word).startswith("did you mean 'signed'?")
    assert forcing(word, "はい") == [
        "write stage signed for that project (P-01), and delete the column or give it "
        "another name"]
    assert forcing("signed", "はい") == forcing(word, "はい")


def test_a_signatory_column_is_not_read_as_signed() -> None:
    """署名 alone (signature) may head a column of signatories: not read as forcing."""
    assert forcing("署名", "山田") == []


def test_a_japanese_word_for_a_candidate_gets_one_wording(tmp_path: Path) -> None:
    """Two fixes for one kind of word: 確認中, 調整中, 審査中 and 精査中 in the status cell
    were told "did you mean 'candidate'? '確認中' is Japanese for being checked, and a
    choice is read in English only", while 候補 and 検討中 were told "a project neither
    forced in nor out is status candidate: write candidate here ...". Every word for a
    project neither forced in nor out now gets the one wording, with what the word means,
    read from a workbook's status cells."""
    import openpyxl

    import osa_opt
    from osa_opt.data import example_path
    from osa_opt.errors import InputError

    words = sorted(STATUS_CANDIDATE_WORDS)
    assert {"確認中", "調整中", "審査中", "精査中", "候補", "検討中"} <= set(words)
    assert not [w for w, (_, choices) in CHOICE_WORDS["status"].items() if len(choices) == 1]
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    column = [c.value for c in sheet[1]].index("status") + 1
    for row, word in enumerate(words, start=3):
        sheet.cell(row, column).value = word
    book.save(tmp_path / "round.xlsx")
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(tmp_path / "round.xlsx")
    hints = {i.row: i.hint for i in info.value.issues if i.column == "status"}
    assert hints == {row: (
        f"a project neither forced in nor out is status candidate ({word!r} is Japanese for "
        f"{STATUS_CANDIDATE_WORDS[word]}): write candidate here, or leave the cell blank")
        for row, word in enumerate(words, start=3)}
