"""A copy of the shipped example and policies to edit (``osa-opt example``).

A plain ``pip install`` puts the example workbook and the policies inside the package; the
docs' commands name them as the repository lays them out (``inputs/example.xlsx``,
``models/humanitarian_focus.toml``). :func:`write_example` copies them into a folder under
those names, so every command of the docs runs there as written, and the analyst has a
workbook to edit (an edited copy is a round of its own: docs/example.md).

>>> from osa_opt.inputs.example_copy import write_example
>>> write_example("my-folder")  # doctest: +SKIP
[PosixPath('my-folder/inputs/example.xlsx'), PosixPath('my-folder/models/default.toml'), ...]
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from osa_opt.data import example_path, shipped_policy_paths
from osa_opt.errors import OsaError, unusable_path
from osa_opt.inputs.template import new_file_mode


class ExampleCopyError(OsaError):
    """The copy cannot be written (a file exists, the folder is a file or read-only)."""


def example_files() -> dict[str, Path]:
    """Where each shipped file goes, relative to the folder, and where it comes from.

    >>> list(example_files())
    ['inputs/example.xlsx', 'models/default.toml', 'models/humanitarian_focus.toml', \
'models/strict_round.toml']
    """
    files = {"inputs/example.xlsx": example_path()}
    files.update((f"models/{p.name}", p) for p in shipped_policy_paths())
    return files


def write_example(folder: str | os.PathLike[str] = ".", *, overwrite: bool = False,
                  option: str = "overwrite=True") -> list[Path]:
    """Copy the shipped example workbook and policies into ``folder`` (made if missing):
    ``inputs/example.xlsx`` and ``models/*.toml``, the paths the docs' commands use.

    Parameters
    ----------
    folder : where to write; the current folder by default.
    overwrite : replace files that exist; without it, an existing one is an error naming
        every such file, and nothing is written.
    option : how that error names the switch (``--force`` on the command line).

    Returns
    -------
    The paths written, the workbook first.
    """
    root = Path(folder)
    refused = unusable_path(root)
    if refused:
        raise ExampleCopyError(f"cannot write to {root}: {refused}")
    if root.exists() and not root.is_dir():
        raise ExampleCopyError(f"{root} is a file; give a folder to write the example into")
    targets = {root / name: source for name, source in example_files().items()}
    for target in targets:
        if target.parent.exists() and not target.parent.is_dir():
            raise ExampleCopyError(f"cannot write {target}: {target.parent} is a file, not a "
                                   "folder; give another folder")
    there = [str(t) for t in targets if t.exists()]
    if there and not overwrite:
        raise ExampleCopyError(f"{', '.join(there)} already exist{'s' if len(there) == 1 else ''}"
                               f"; give another folder, or overwrite with {option} (an "
                               "edited copy would be lost)")
    written = []
    for target, source in targets.items():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".tmp",
                                       dir=target.parent)
            os.close(fd)
            try:
                shutil.copyfile(source, tmp)  # a link in the package: its content
                os.chmod(tmp, new_file_mode())
                os.replace(tmp, target)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            raise ExampleCopyError(f"cannot write {target}: {exc.strerror or exc}") from None
        written.append(target)
    return written

