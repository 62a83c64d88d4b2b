"""The package as a user meets it: fast help, data inside the package, one source for both."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import osa_opt
from osa_opt.data import default_policy_path, example_path

ROOT = Path(__file__).resolve().parents[1]


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from osa_opt.cli import cli\n"
        "try:\n"
        "    cli.main(['--help'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('pandas', 'pyomo', 'numpy', 'highspy', 'openpyxl', "
        "'xlsxwriter', 'pandera', 'matplotlib') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "Commands:" in out
    for name in ("validate", "template", "solve", "explain", "frontier", "robustness", "compare"):
        assert name in out
    assert "HEAVY []" in out


def test_shipped_example_and_default_policy_are_the_repository_files() -> None:
    assert filecmp.cmp(example_path(), ROOT / "inputs" / "example.xlsx", shallow=False)
    assert filecmp.cmp(default_policy_path(), ROOT / "models" / "default.toml", shallow=False)


def test_version_is_reported() -> None:
    out = subprocess.run([sys.executable, "-m", "osa_opt", "--version"], capture_output=True,
                         text=True, check=True).stdout
    assert osa_opt.__version__ in out
