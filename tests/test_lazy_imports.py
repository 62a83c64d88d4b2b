"""Each heavy library loads only when a run first needs it (issue 14, start-up time).

Every check runs in a fresh interpreter and reads ``sys.modules`` at the end: what a
command imported is what it paid for at start-up.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from osa_opt.data import example_path

HEAVY = ("pandas", "numpy", "pyomo", "pyomo.environ", "highspy", "pandera", "xlsxwriter",
         "openpyxl", "matplotlib")


def loaded_after(code: str, cwd: Path | None = None) -> tuple[set[str], str]:
    """Run ``code`` in a fresh interpreter; the heavy modules it left in sys.modules and
    what it printed."""
    probe = (f"{code}\nimport json, sys\n"
             f"print('LOADED', json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=cwd, check=False)
    assert "LOADED" in proc.stdout, proc.stderr[-2000:]
    out, _, loaded = proc.stdout.rpartition("LOADED ")
    return set(json.loads(loaded)), out


def cli(*args: str) -> str:
    """Code that runs ``osa-opt ARGS`` in-process and keeps going after its exit."""
    return ("from osa_opt.cli import cli\n"
            "try:\n"
            f"    cli.main({list(args)!r}, standalone_mode=False)\n"
            "except SystemExit:\n"
            "    pass\n")


def test_import_osa_opt_loads_nothing_heavy() -> None:
    loaded, _ = loaded_after("import osa_opt\nprint(osa_opt.__version__)")
    assert loaded == set()


def test_solve_help_loads_nothing_heavy() -> None:
    loaded, out = loaded_after("import osa_opt\n" + cli("solve", "--help"))
    assert "--portfolios" in out  # the help was printed
    assert loaded == set()


def test_the_problem_class_does_not_load_pandera_or_pyomo() -> None:
    # Problem(...) on typed frames (benchmarks, worker processes unpickling a Problem)
    # does not validate, so it needs pandas only.
    loaded, _ = loaded_after("import osa_opt\nosa_opt.Problem")
    assert "pandas" in loaded
    assert not loaded & {"pandera", "pyomo", "highspy", "xlsxwriter", "matplotlib"}


@pytest.mark.slow
def test_validate_no_solve_loads_neither_pandera_nor_pyomo() -> None:
    # A valid sheet is checked without pandera (sheet_schema._surely_valid); pandera
    # loads only to word what is wrong (test_a_bad_input_is_reported_before_pyomo_loads).
    loaded, out = loaded_after(cli("validate", str(example_path()), "--no-solve", "--json"))
    assert json.loads(out)["valid"] is True
    assert not loaded & {"pandera", "pyomo", "pyomo.environ", "highspy", "xlsxwriter",
                         "matplotlib"}


@pytest.mark.slow
def test_one_portfolio_solve_loads_neither_pyomo_plugins_nor_matplotlib(tmp_path: Path
                                                                         ) -> None:
    out = tmp_path / "run"
    loaded, _ = loaded_after(cli("solve", str(example_path()), "--quiet", "--no-explain",
                                 "-k", "1", "--out", str(out)))
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "optimal" and len(manifest["portfolios"]) == 1
    assert (out / "portfolios.xlsx").stat().st_size > 0
    assert {"pandas", "pyomo", "highspy", "xlsxwriter"} <= loaded
    assert "pandera" not in loaded  # a valid input is checked without it
    # pyomo.core builds the model; pyomo.environ would load every Pyomo plugin (~500
    # modules). No chart is drawn as a PNG here, so matplotlib stays out too.
    assert "pyomo.environ" not in loaded
    assert "matplotlib" not in loaded


@pytest.mark.slow
def test_a_bad_input_is_reported_before_pyomo_loads(tmp_path: Path) -> None:
    import pandas as pd

    folder = tmp_path / "round"
    folder.mkdir()
    book = pd.ExcelFile(example_path())
    projects = pd.read_excel(book, "projects")
    cost = next(c for c in projects.columns if str(c).startswith("cost"))
    projects[cost] = projects[cost].astype(object)
    projects.loc[0, cost] = "abc"
    projects.to_csv(folder / "projects.csv", index=False)
    pd.read_excel(book, "countries").to_csv(folder / "countries.csv", index=False)
    argv = ["osa-opt", "solve", str(folder), "--quiet", "--out", str(tmp_path / "run")]
    loaded, out = loaded_after(
        f"import sys\nfrom osa_opt.cli import main\nsys.argv = {argv!r}\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    print('EXIT', exc.code)\n")
    assert "EXIT 2" in out  # the bad cell was reported (on stderr) with exit code 2
    assert not (tmp_path / "run").exists()
    assert not loaded & {"pyomo", "highspy", "xlsxwriter", "matplotlib"}


def test_a_model_built_from_the_top_level_api_writes_itself(tmp_path: Path) -> None:
    """``osa_opt.build_model`` is the notebook user's door to Pyomo: the model it returns
    writes an LP file with Pyomo's own ``model.write``, as after ``import pyomo.environ``
    (the solve path alone loads only pyomo.core, and then Pyomo has no writer registered)."""
    lp = tmp_path / "round.lp"
    loaded, _ = loaded_after(
        "import osa_opt\n"
        "model = osa_opt.build_model(osa_opt.load_problem())\n"
        f"model.write({str(lp)!r})\n")
    assert "pyomo.environ" in loaded
    text = lp.read_text(encoding="utf-8")
    assert text.startswith("\\* Source Pyomo model") and "\nmax" in text and "\nend" in text
