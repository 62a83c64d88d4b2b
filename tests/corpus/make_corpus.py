"""Remake the committed files of tests/corpus/ with LibreOffice (run by hand, not by tests).

The tests read these files as committed, so they need no LibreOffice. Each is the shipped
example as it was then (kept as ``example-source.xlsx``, which the tests compare with, so a
later change to the example needs no new corpus), or a tiny workbook, saved the way an
analyst's spreadsheet program saves it:

- ``example.ods``: the example saved as LibreOffice's own format;
- ``example-libreoffice.xlsx``: the example opened and saved as .xlsx by LibreOffice;
- ``csv-en/``: each sheet saved as CSV "as shown" in an English locale (``1,100`` for the
  costs formatted ``#,##0``, ``7.6`` for the scores);
- ``csv-de/``: the same in a German locale (``;`` between columns, ``1.100``, ``7,6``,
  ``WAHR``/``FALSCH``);
- ``locked.ods``: a tiny workbook saved with the password ``secret``;
- ``locked.xlsx``: a tiny workbook encrypted with the password ``secret`` (LibreOffice's
  headless filters do not encrypt .xlsx; made with ``msoffcrypto-tool``, see ``locked_xlsx``).

Usage: ``python tests/corpus/make_corpus.py`` (needs ``soffice``; ``locked.ods`` needs the
system Python's ``uno`` module, ``locked.xlsx`` the ``msoffcrypto-tool`` package).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parents[1] / "inputs" / "example.xlsx"
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):{sep},34,76,1,,0,false,true,true,false,false,-1"


def soffice(*args: str, env: dict[str, str] | None = None) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        *args], check=True, capture_output=True, env=env, timeout=300)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(EXAMPLE, work / "example.xlsx")
        shutil.copy(EXAMPLE, HERE / "example-source.xlsx")  # what the tests compare with
        soffice("--convert-to", "ods", "--outdir", str(work), str(work / "example.xlsx"))
        shutil.copy(work / "example.ods", HERE / "example.ods")
        (work / "lo").mkdir()
        soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(work / "lo"),
                str(work / "example.xlsx"))
        shutil.copy(work / "lo" / "example.xlsx", HERE / "example-libreoffice.xlsx")
        for folder, sep, lang in (("csv-en", 44, "en_US.UTF-8"), ("csv-de", 59, "de_DE.UTF-8")):
            out = work / folder
            out.mkdir()
            env = {**os.environ, "LC_ALL": lang, "LANG": lang}
            soffice("--convert-to", CSV_AS_SHOWN.format(sep=sep), "--outdir", str(out),
                    str(work / "example.xlsx"), env=env)
            (HERE / folder).mkdir(exist_ok=True)
            for sheet in ("projects", "countries"):
                shutil.copy(out / f"example-{sheet}.csv", HERE / folder / f"{sheet}.csv")
    locked_xlsx()
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "tiny.xlsx"
        tiny.write_bytes(tiny_workbook())
        subprocess.run(["/usr/bin/python3", "-c", LOCKED_ODS, str(tiny), str(HERE / "locked.ods")],
                       check=True, timeout=300)


def tiny_workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "projects"
    book.active.append(["project_id"])
    book.active.append(["P-01"])
    book.create_sheet("countries").append(["country"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def locked_xlsx() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(HERE / "locked.xlsx", "wb") as out:
        OOXMLFile(io.BytesIO(tiny_workbook())).encrypt("secret", out)


#: Run by the system Python (LibreOffice's uno): store a tiny workbook as .ods with a password.
LOCKED_ODS = r"""
import subprocess, sys, tempfile, time, uno
from com.sun.star.beans import PropertyValue
def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
tmp = tempfile.mkdtemp()
office = subprocess.Popen(["soffice", "-env:UserInstallation=file://" + tmp + "/profile",
    "--headless", "--accept=socket,host=localhost,port=2399;urp;"])
resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
    "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
for _ in range(120):
    try:
        ctx = resolver.resolve("uno:socket,host=localhost,port=2399;urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.5)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL("file://" + sys.argv[1], "_blank", 0, (prop("Hidden", True),))
doc.storeToURL("file://" + sys.argv[2], (prop("FilterName", "calc8"), prop("Password", "secret")))
doc.close(True)
office.terminate()
"""

if __name__ == "__main__":
    sys.exit(main())
