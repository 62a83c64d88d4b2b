"""A loss too small for one decimal never reads as none: "<0.1%" in a why-message,
"-<0.1%" in a Value change (%) cell, in the terminal, the printed report and LibreOffice's
PDF of the workbook alike (``osa_opt.text.share_bound``, docs/outputs.md).

The round: two rival projects of ¥500m, values 10 and 9.99, beside eight of ¥100m and
value 10, under a budget of ¥1,300m. Portfolio 1 (90.000) funds P-01; funding P-02 instead
loses 0.010 of 90.000, 0.011% of the value. ``osa-opt explain P-02`` said "would cost 0% of
portfolio value (0.010 of 90.000)", the report's and the workbook's Why in or out "0.0%".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import require_program, write_csv
from test_why import countries_frame

from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.inputs.policy import Policy


def near_tie(folder: Path, rival: float = 9.99) -> tuple[str, str]:
    """The round of the module's docstring as a CSV folder and a policy file (``rival``:
    P-02's score)."""
    countries = countries_frame().iloc[:2].copy()
    countries["max_share"] = [None, None]
    projects = pd.DataFrame({
        "project_id": [f"P-{i:02d}" for i in range(1, 11)],
        "title": [f"Project {i}" for i in range(1, 11)],
        "country": ["Aurelia", "Borealis"] * 5,
        "field": ["medical"] * 10, "assistance_type": ["equipment"] * 10,
        "cost_FY2026": [500.0, 500.0] + [100.0] * 8,
        "score_security": [10.0, rival] + [10.0] * 8,
    })
    policy = {"name": "near tie", "budget": {"FY2026": 1300.0},
              "objective": {"weights": {"security": 1.0}}}
    write_csv(folder / "round", projects, countries)
    (folder / "near.toml").write_text(Policy.from_dict(policy).to_toml(), encoding="utf-8")
    return str(folder / "round"), str(folder / "near.toml")


def osa(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["osa-opt", *args])
    return run_cli(cli)


def test_the_terminal_says_a_tiny_loss_is_one(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    folder, policy = near_tie(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    assert osa(monkeypatch, "explain", "P-02", folder, "--policy", policy) == 0
    text = " ".join(capfd.readouterr().out.split())
    assert ("Not funded. Funding it would cost <0.1% of portfolio value (0.010 of 90.000)"
            in text), text
    assert osa(monkeypatch, "explain", "P-01", folder, "--policy", policy) == 0
    text = " ".join(capfd.readouterr().out.split())
    assert "Funded. Dropping it would lose <0.1% of portfolio value (0.010 of 90.000)" in text
    assert " 0% of portfolio value" not in text and "0.0%" not in text


def test_the_terminal_says_a_loss_below_the_third_decimal_is_one(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capfd: pytest.CaptureFixture[str]) -> None:
    """P-02 worth 9.9997: funding it loses 0.0003 of 90.000, which three decimals wrote
    "(0.000 of 90.000)" beside "<0.1%"; now "(<0.001 of 90.000)"."""
    folder, policy = near_tie(tmp_path, rival=9.9997)
    monkeypatch.setenv("COLUMNS", "80")
    assert osa(monkeypatch, "explain", "P-02", folder, "--policy", policy) == 0
    text = " ".join(capfd.readouterr().out.split())
    assert "would cost <0.1% of portfolio value (<0.001 of 90.000)" in text, text
    assert "0.000 of" not in text


@pytest.fixture(scope="module", params=[9.99, 9.9997], ids=["0.010", "0.0003"])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``osa-opt solve`` of the round, two portfolios, with its explanations."""
    folder = tmp_path_factory.mktemp("tiny")
    source, policy = near_tie(folder, request.param)
    saved = sys.argv
    sys.argv = ["osa-opt", "solve", source, "--policy", policy, "-k", "2", "--quiet",
                "--out", str(folder / "run")]
    try:
        assert run_cli(cli) == 0
    finally:
        sys.argv = saved
    return folder / "run"


def why_rows(text: str) -> dict[str, str]:
    """The first printed line of P-01's and P-02's rows in the Why in or out table (the
    row whose Value from reads "proof": no other table has that column)."""
    return {pid: next(line for line in text.splitlines()
                      if line.startswith(pid) and " proof " in line)
            for pid in ("P-01", "P-02")}


@pytest.mark.slow
def test_the_printed_report_says_a_tiny_loss_is_one(run: Path, tmp_path: Path) -> None:
    chromium = require_program(("/usr/bin/chromium", "chromium", "chromium-browser"),
                               "apt-get install -y chromium")
    pdftotext = require_program("pdftotext", "apt-get install -y poppler-utils")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={tmp_path / 'report.pdf'}",
                    (run / "report.html").resolve().as_uri()],
                   capture_output=True, timeout=120, check=True)
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / "report.pdf"), "-"],
                          capture_output=True, text=True, timeout=60, check=True).stdout
    rows = why_rows(text)
    loss = "-0.010" if _rival(run) == 9.99 else "-<0.001"
    for pid, row in rows.items():
        assert loss in row and "-<0.1%" in row and " 0.0%" not in row, (pid, row)
        assert "0.000 " not in row, (pid, row)
    assert "would lose <0.1% of portfolio" in " ".join(text.split())


@pytest.mark.slow
def test_the_printed_workbook_says_a_tiny_loss_is_one(run: Path, tmp_path: Path) -> None:
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    pdftotext = require_program("pdftotext", "apt-get install -y poppler-utils")
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(run / "portfolios.xlsx")],
                   capture_output=True, timeout=240, check=True)
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / "portfolios.pdf"), "-"],
                          capture_output=True, text=True, timeout=60, check=True).stdout
    rows = why_rows(text)
    loss = "-0.010" if _rival(run) == 9.99 else "-<0.001"
    for pid, row in rows.items():
        assert loss in row and "-<0.1%" in row and " 0.0%" not in row, (pid, row)
        assert "0.000 " not in row, (pid, row)


def _rival(run: Path) -> float:
    """P-02's score in the run's round (read back from the CSV it was solved from)."""
    rows = pd.read_csv(run.parent / "round" / "projects.csv")
    return float(rows.loc[rows["project_id"] == "P-02", "score_security"].iloc[0])
