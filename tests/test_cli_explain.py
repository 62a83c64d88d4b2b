"""``osa-opt explain`` and ``osa-opt solve --explain/--no-explain`` through the real top level."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_why import hand_frames

from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.inputs.policy import Policy

EXPLAIN_KEYS = {"project_id", "eligible", "funded", "reasons", "value_change",
                "value_change_share", "displaced", "replaced_by", "cost_by_year", "message"}


def osa(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """Run ``osa-opt ARGS`` through the console entry point's error handling."""
    monkeypatch.setattr(sys, "argv", ["osa-opt", *args])
    return run_cli(cli)


@pytest.fixture
def hand_input(tmp_path: Path, write_csv: Any) -> tuple[str, str]:
    """The three-project instance of test_why as a CSV folder plus a policy file."""
    projects, countries, policy = hand_frames()
    folder = write_csv(tmp_path / "round", projects, countries)
    path = tmp_path / "hand.toml"
    path.write_text(Policy.from_dict(policy).to_toml(), encoding="utf-8")
    return str(folder), str(path)


def test_explain_prints_the_sentence(monkeypatch: pytest.MonkeyPatch, hand_input: Any,
                                     capfd: pytest.CaptureFixture[str]) -> None:
    folder, policy = hand_input
    assert osa(monkeypatch, "explain", "P-03", folder, "--policy", policy) == 0
    out = capfd.readouterr().out
    assert out.splitlines()[0] == "P-03 — Field hospital (Aurelia, Medical)"
    assert ("Not funded. Funding it would cost 23.1% of portfolio value (3.000 of 13.000): it "
            "needs ¥400m in FY2026 and ¥100m in FY2027 and would push out P-01.") in out
    # the value it is a share of, then once what value is (not twice "a score")
    text = " ".join(out.split())
    assert "Portfolio 1 is worth 13.000. Value is a score, not money: each funded" in text
    assert text.count("Value is a score") == 1 and "points of a score" not in text


def test_explain_a_funded_project_with_a_budget_override(
        monkeypatch: pytest.MonkeyPatch, hand_input: Any,
        capfd: pytest.CaptureFixture[str]) -> None:
    folder, policy = hand_input
    # With ¥1,200m in FY2026 all three fit (6 + 7 + 3 = 16): dropping P-02 loses 7.
    assert osa(monkeypatch, "explain", "P-02", folder, "--policy", policy,
               "--budget", "FY2026=1200") == 0
    out = capfd.readouterr().out
    assert ("Funded. Dropping it would lose 43.8% of portfolio value (7.000 of 16.000): the "
            "best portfolio without it funds nothing in its place.") in out


def test_unknown_project_id_exits_2_with_a_suggestion(
        monkeypatch: pytest.MonkeyPatch, hand_input: Any,
        capfd: pytest.CaptureFixture[str]) -> None:
    folder, policy = hand_input
    assert osa(monkeypatch, "explain", "P-3", folder, "--policy", policy) == 2
    captured = capfd.readouterr()
    assert "unknown project id 'P-3'" in captured.err and "did you mean 'P-03'" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_json_prints_only_the_dict(monkeypatch: pytest.MonkeyPatch, hand_input: Any,
                                   capfd: pytest.CaptureFixture[str]) -> None:
    folder, policy = hand_input
    assert osa(monkeypatch, "explain", "P-01", folder, "--policy", policy, "--json") == 0
    info = json.loads(capfd.readouterr().out)  # the whole of stdout is one document
    assert EXPLAIN_KEYS <= set(info)
    assert info["project_id"] == "P-01" and info["funded"] is True
    assert info["value_change"] == pytest.approx(-3.0)
    assert info["replaced_by"] == ["P-03"] and info["displaced"] == []
    assert info["cost_by_year"] == {"FY2026": 500.0, "FY2027": 0.0}


def test_explain_when_the_policy_cannot_be_met_exits_3(
        monkeypatch: pytest.MonkeyPatch, hand_input: Any,
        capfd: pytest.CaptureFixture[str]) -> None:
    folder, policy = hand_input
    assert osa(monkeypatch, "explain", "P-01", folder, "--policy", policy,
               "--set", "priority.min_countries=3") == 3
    err = capfd.readouterr().err
    assert "Only 2 countries have an eligible project, but priority.min_countries is 3" in err


def test_solve_writes_why_and_prices_unless_told_not_to(
        monkeypatch: pytest.MonkeyPatch, hand_input: Any, tmp_path: Path) -> None:
    folder, policy = hand_input
    assert osa(monkeypatch, "solve", folder, "--policy", policy, "-q", "--out",
               str(tmp_path / "with")) == 0
    manifest = json.loads((tmp_path / "with" / "run.json").read_text(encoding="utf-8"))
    assert set(manifest["analyses"]) == {"why", "prices"}
    why = {p["project_id"]: p for p in manifest["analyses"]["why"]["projects"]}
    assert why["P-03"]["value_change"] == pytest.approx(-3.0)
    book = openpyxl.load_workbook(tmp_path / "with" / "portfolios.xlsx", read_only=True)
    assert {"Why in or out", "Rule prices"} <= set(book.sheetnames)
    book.close()
    assert osa(monkeypatch, "solve", folder, "--policy", policy, "-q", "--no-explain",
               "--out", str(tmp_path / "without")) == 0
    manifest = json.loads((tmp_path / "without" / "run.json").read_text(encoding="utf-8"))
    assert manifest["analyses"] == {}
