"""Shared fixtures: a tiny valid input built in code, and writers for xlsx and CSV inputs.

``tiny_frames`` gives raw sheet tables (as a user would type them) and a policy; tests copy
and corrupt them, then write them with ``write_xlsx`` / ``write_csv`` to read them back.
``require_program`` finds a program a test needs (Chromium, LibreOffice, pdftotext) and
``require_font`` a font: missing, the test skips with the install command, except under CI
(``CI=true``), where it fails.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from osa_opt.inputs.policy import Policy

TINY_POLICY: dict[str, Any] = {
    "name": "Tiny test round",
    "budget": {"FY2026": 2000.0, "FY2027": 1000.0},
    "eligibility": {"min_democracy": 4.0, "min_rule_of_law": 4.0, "min_human_rights": 4.0},
    "objective": {"weights": {"security": 0.6, "humanitarian": 0.4}},
    "balance": {"min_region_share": {"Pacific Islands": 0.1}},
}


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable:
    """``osa-opt ARGS`` in-process through the real top level: (exit code, stdout, stderr).
    A test module with a ``run`` of its own (other arguments) keeps it."""
    import sys

    from osa_opt.cli import cli
    from osa_opt.cli.common import run_cli

    def invoke(*args: str | Path) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["osa-opt", *map(str, args)])
        code = run_cli(cli)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture(autouse=True)
def ctrl_c_as_python_sets_it() -> Any:
    """Ctrl-C raises KeyboardInterrupt in every test, as in a terminal. A shell that starts
    pytest in the background without job control (``cmd &`` in a script) ignores SIGINT,
    and Python then keeps it ignored: the tests that press Ctrl-C would see nothing."""
    import signal

    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _environment_put_back(before: dict[str, str], who: str) -> None:
    """Fail (``who`` left it so) if ``os.environ`` differs from ``before``, after putting
    it back."""
    after = dict(os.environ)
    for seen in (before, after):
        seen.pop("PYTEST_CURRENT_TEST", None)
    if after == before:
        return
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    left = "; ".join(f"{k}: {before.get(k)!r} -> {after.get(k)!r}" for k in changed)
    for key in changed:
        if key in before:
            os.environ[key] = before[key]
        else:
            del os.environ[key]
    pytest.fail(f"{who} left os.environ changed ({left}); use monkeypatch.setenv, or pass "
                "env= to a subprocess", pytrace=False)


@pytest.fixture(autouse=True)
def environment_left_as_found() -> Any:
    """A test that changes ``os.environ`` (a wide ``COLUMNS``, ``TERM``, ...) and leaves it so
    fails, and the environment is put back: the tests after it would otherwise pass or fail
    by what it left (``monkeypatch.setenv`` undoes itself). osa-opt itself must never change
    the process's environment either: a notebook user's process keeps its own
    (tests/test_environment.py)."""
    before = dict(os.environ)
    yield
    _environment_put_back(before, "the test")


@pytest.fixture(autouse=True, scope="module")
def module_environment_left_as_found() -> Any:
    """The same around a test module, for what its module-scoped fixtures set."""
    before = dict(os.environ)
    yield
    _environment_put_back(before, "a module-scoped fixture of this module")


def under_ci() -> bool:
    """True when the environment variable ``CI`` is ``true`` (as CI services and .ci/run set)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def require(found: bool, what: str, install_hint: str) -> None:
    """Skip (fail under CI) with ``needs WHAT, which is not installed; install it with ...``
    unless ``found``."""
    if found:
        return
    reason = f"needs {what}, which is not installed; install it with `{install_hint}`"
    if under_ci():
        pytest.fail(f"{reason} (CI=true: a missing program is a failure, not a skip)",
                    pytrace=False)
    pytest.skip(reason)


def require_font(language: str, install_hint: str) -> None:
    """A font for ``language`` (fontconfig's ``fc-list :lang=ja``), e.g. a CJK face."""
    import subprocess

    fc_list = shutil.which("fc-list")
    listed = fc_list and subprocess.run([fc_list, f":lang={language}", "family"],
                                        capture_output=True, text=True, timeout=60).stdout
    require(bool(listed and listed.strip()), f"a font for language {language!r}",
            install_hint)


def require_program(names: str | Sequence[str], install_hint: str) -> str:
    """The path of the first of ``names`` found (on PATH, or an absolute path that exists).

    Missing, the test skips with a one-line reason naming ``install_hint`` (the command that
    installs it); under CI (``CI=true``) it fails instead, so a CI machine that lost the
    program cannot pass by skipping.
    """
    names = [names] if isinstance(names, str) else list(names)
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    require(False, " or ".join(names), install_hint)
    raise AssertionError("unreachable")  # require skipped or failed


def tiny_projects() -> pd.DataFrame:
    """Six projects in three countries; sheet row 2 is P-01, row 7 is P-06."""
    return pd.DataFrame({
        "project_id": ["P-01", "P-02", "P-03", "P-04", "P-05", "P-06"],
        "title": ["Coastal radars", "Patrol boats", "Rescue boats", "Heavy machinery",
                  "Drones", "Boat shelter"],
        "country": ["Aurelia", "Aurelia", "Borealis", "Borealis", "Caldera", "Caldera"],
        "field": ["maritime_surveillance", "maritime_surveillance", "search_and_rescue",
                  "disaster_relief", "airspace_surveillance", "relief_transport"],
        "assistance_type": ["equipment", "equipment", "equipment", "equipment", "equipment",
                            "infrastructure"],
        "cost_FY2026": [750.0, 900.0, 400.0, 600.0, 300.0, 500.0],
        "cost_FY2027": [0.0, 300.0, 0.0, 100.0, 0.0, 250.0],
        "score_security": [8.0, 7.5, 4.0, 3.0, 6.0, 2.0],
        "score_humanitarian": [3.0, 4.0, 9.0, 8.5, 2.0, 7.0],
        "risk": [0.1, 0.2, 0.0, 0.1, 0.3, 0.05],
        "min_funding": [1.0, 0.5, 1.0, 1.0, 1.0, 1.0],
        "status": ["mandatory", "candidate", "candidate", "candidate", "candidate", "excluded"],
        "status_reason": ["Summit commitment", "", "", "", "", "Site not available"],
        "exclusive_group": ["", "boats", "boats", "", "", ""],
        "requires": ["", "P-01", "", "", "", ""],
        "score_spread": [0.5, 0.5, 1.0, 0.0, 0.0, 0.0],
        "notes": ["", "second phase", "", "", "", ""],
    })


def tiny_countries() -> pd.DataFrame:
    """Three eligible countries, one per tier; sheet row 2 is Aurelia."""
    return pd.DataFrame({
        "country": ["Aurelia", "Borealis", "Caldera"],
        "region": ["Southeast Asia", "Pacific Islands", "South Asia"],
        "priority_tier": [1, 2, 3],
        "oda_eligible": [True, True, True],
        "party_to_conflict": [False, False, False],
        "management_agreement": [True, True, True],
        "democracy": [6.5, 7.0, 5.0],
        "rule_of_law": [6.0, 6.5, 5.5],
        "human_rights": [6.0, 7.5, 5.0],
        "max_share": [0.6, None, None],
    })


@pytest.fixture
def tiny_policy() -> Policy:
    return Policy.from_dict(TINY_POLICY)


@pytest.fixture
def tiny_frames(tiny_policy: Policy) -> tuple[pd.DataFrame, pd.DataFrame, Policy]:
    """A small valid (projects, countries, policy) triple: raw sheet tables plus a policy."""
    return tiny_projects(), tiny_countries(), tiny_policy


def _cell(value: Any) -> Any:
    """A DataFrame value as an Excel cell (None when blank)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def write_xlsx(path: Path, projects: pd.DataFrame, countries: pd.DataFrame,
               extra_sheets: Mapping[str, list[list[Any]]] | None = None) -> Path:
    """Write the two sheets (plus e.g. a README) to a real workbook with openpyxl."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in (extra_sheets or {}).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    for name, frame in (("projects", projects), ("countries", countries)):
        sheet = book.create_sheet(name)
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
    book.save(path)
    return path


def write_csv(folder: Path, projects: pd.DataFrame, countries: pd.DataFrame) -> Path:
    """Write ``projects.csv`` and ``countries.csv`` (UTF-8) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("projects", projects), ("countries", countries)):
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([str(c) for c in frame.columns])
            for row in frame.itertuples(index=False):
                writer.writerow(["" if _cell(v) is None else _cell(v) for v in row])
    return folder


@pytest.fixture(name="write_xlsx")
def _write_xlsx_fixture() -> Callable[..., Path]:
    """``write_xlsx(path, projects, countries, extra_sheets=None) -> path``."""
    return write_xlsx


@pytest.fixture(name="write_csv")
def _write_csv_fixture() -> Callable[..., Path]:
    """``write_csv(folder, projects, countries) -> folder``."""
    return write_csv
