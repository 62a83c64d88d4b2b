"""A notebook user's process keeps its own environment: osa-opt sets nothing in ``os.environ``.

``conftest.environment_left_as_found`` fails any test that leaves ``os.environ`` changed;
what a library sets once, at its first import, shows only in a fresh interpreter, so the
check here runs in one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_reading_a_bad_sheet_leaves_the_environment_as_it_was() -> None:
    """A bad cell loads pandera to word the problem, and pandera's import sets
    SPARK_LOCAL_IP=127.0.0.1 and PYARROW_IGNORE_TIMEZONE=1 (for pyspark): a notebook's
    later Spark session or subprocess inherited them. Now os.environ is as before."""
    code = (
        "import json, os, sys\n"
        f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
        "from conftest import TINY_POLICY, tiny_countries, tiny_projects\n"
        "import osa_opt\n"
        "before = dict(os.environ)\n"
        "projects = tiny_projects()\n"
        "projects.loc[2, 'risk'] = 7.0\n"
        "try:\n"
        "    osa_opt.Problem.from_frames(projects, tiny_countries(), TINY_POLICY)\n"
        "except osa_opt.InputError as exc:\n"
        "    message = str(exc)\n"
        "after = dict(os.environ)\n"
        "print(json.dumps({'pandera': 'pandera' in sys.modules, 'message': message,\n"
        "                  'changed': sorted(k for k in before.keys() | after.keys()\n"
        "                                    if before.get(k) != after.get(k))}))\n")
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("SPARK_LOCAL_IP", "PYARROW_IGNORE_TIMEZONE")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["pandera"], "the bad cell no longer loads pandera: the check checks nothing"
    assert "risk" in found["message"]
    assert found["changed"] == []
