"""``osa-opt example``: after a plain ``pip install`` there was no way to get the example
workbook to edit nor the policies the docs name (``osa-opt compare --policy
models/default.toml --policy models/humanitarian_focus.toml`` in a fresh folder: "policy
file not found ... the repository's models/ holds examples", a repository a pip user does
not have). The command copies them under the docs' paths."""

from __future__ import annotations

import filecmp
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ["inputs/example.xlsx", "models/default.toml", "models/humanitarian_focus.toml",
           "models/strict_round.toml"]


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_example_copies_the_shipped_files_where_the_docs_name_them(
        run: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("example")
    assert code == 0, err
    assert files(tmp_path) == SHIPPED
    for name in SHIPPED:  # the repository's files, byte for byte
        assert filecmp.cmp(tmp_path / name, ROOT / name, shallow=False), name
    assert out.startswith("Wrote inputs/example.xlsx (the shipped example: fictional partners")
    assert "cp inputs/example.xlsx my_round.xlsx" in " ".join(out.split())
    # the quick start's command now runs in this folder as written
    code, _, err = run("compare", "--policy", "models/default.toml", "--policy",
                       "models/humanitarian_focus.toml", "--quiet", "--out", "run")
    assert code == 0, err


def test_example_never_overwrites_an_edited_copy_unless_forced(
        run: Callable, tmp_path: Path) -> None:
    folder = tmp_path / "round"
    assert run("example", folder)[0] == 0
    (folder / "models" / "default.toml").write_text("name = 'mine'\n", encoding="utf-8")
    code, out, err = run("example", folder)
    assert code == 2 and out == ""
    assert "models/default.toml" in err and "already exist" in err and "--force" in err
    assert "Traceback" not in err
    assert (folder / "models" / "default.toml").read_text(encoding="utf-8") == "name = 'mine'\n"
    assert run("example", folder, "--force")[0] == 0
    assert filecmp.cmp(folder / "models" / "default.toml", ROOT / "models" / "default.toml",
                       shallow=False)
    assert files(folder) == SHIPPED  # no temporary file left behind


def test_example_into_a_file_is_refused(run: Callable, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code, _, err = run("example", tmp_path / "notes.txt")
    assert code == 2 and "is a file; give a folder" in err and "Traceback" not in err


def test_a_missing_policy_names_the_command_that_writes_the_shipped_ones(
        run: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("validate", "--policy", "models/humanitarian_focus.toml", "--no-solve")
    assert code == 2
    assert "osa-opt example writes the shipped ones" in " ".join(err.replace("│", " ").split())
