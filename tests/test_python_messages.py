"""Messages raised from the Python API name its parameters, not the CLI's options
(issue 15, item 8); the CLI's side is in tests/test_cli_solve.py."""

from __future__ import annotations

from pathlib import Path

import pytest

import osa_opt
from osa_opt.errors import OsaError


def test_write_into_a_used_folder_names_path_not_out(tmp_path: Path) -> None:
    result = osa_opt.solve(osa_opt.load_problem(), explain=False)
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("earlier run")
    with pytest.raises(OsaError) as caught:
        result.write(taken)
    message = str(caught.value)
    assert "never overwrites" in message and "path=" in message
    assert "--" not in message
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]
    afile = tmp_path / "a.txt"
    afile.write_text("x")
    with pytest.raises(OsaError, match=r"a\.txt is a file") as caught:
        result.write(afile / "run")
    assert "with path=" in str(caught.value) and "--out" not in str(caught.value)


def test_load_run_of_a_changed_input_names_load_problem_not_policy_option(
        tmp_path: Path) -> None:
    book = tmp_path / "round.xlsx"
    book.write_bytes((Path(__file__).parents[1] / "inputs" / "example.xlsx").read_bytes())
    folder = osa_opt.solve(osa_opt.load_problem(book), explain=False).write(tmp_path / "run")
    book.write_bytes(book.read_bytes() + b"changed")
    with pytest.raises(OsaError) as caught:
        osa_opt.load_run(folder)
    message = str(caught.value)
    assert "changed since the run" in message
    assert f'load_problem(INPUT, policy="{folder / "policy.toml"}")' in message
    assert "--policy" not in message
