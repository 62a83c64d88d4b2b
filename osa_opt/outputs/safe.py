"""Safe run folders: a name from the policy, a refused non-empty target, atomic writing.

Every file of a run is written into a hidden staging folder next to the target and moved
into place in one step (:func:`staging_folder`, :func:`move_into_place`), so a failure never
leaves a half-written run. (Formula-safe text for the files is in :mod:`osa_opt.text`.)

>>> slug("Default OSA round")
'default-osa-round'
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from osa_opt.errors import OsaError, unusable_path


def slug(text: str, fallback: str = "run", max_length: int = 48) -> str:
    """A folder-safe name: lower-case ASCII letters, digits and dashes.

    >>> slug("Default OSA round")
    'default-osa-round'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:max_length].strip("-") or fallback


def is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def check_target(path: Path, option: str = "path=") -> None:
    """Refuse a run folder that exists and is not empty (or is a file), or lies in a file.

    ``option`` is how the caller names the folder in the fix: ``path=`` for Python
    (``result.write(path=...)``), ``--out`` for the command line.
    """
    cli = option.startswith("--")
    leave = (f"leave {option} away" if cli else f"leave {option.rstrip('=')} out (None)")
    refused = next(filter(None, map(unusable_path, (path, *path.parents))), None)
    if refused:  # Path.exists() raises on these
        raise OsaError(f"The output folder {path} cannot be created: {refused}. Give another "
                       f"folder with {option}, or {leave} for a new folder under ./outputs.")
    dangling = next((p for p in (path, *path.parents) if p.is_symlink() and not p.exists()),
                    None)
    if dangling is not None:  # mkdir would say "File exists", the write "Not a directory"
        raise OsaError(f"The output folder {path} cannot be created: {dangling} is a link to "
                       f"{os.readlink(dangling)}, which does not exist. Give another folder "
                       f"with {option}, or {leave} for a new folder under ./outputs.")
    if path.exists() and not is_empty_dir(path):
        what = "a file" if not path.is_dir() else "a folder that is not empty"
        raise OsaError(
            f"The output folder {path} already exists and is {what}; osa-opt never "
            f"overwrites a run. Give a new folder with {option}, or {leave} for a "
            "new folder under ./outputs.")
    # checked before the solve, so a long run does not end in "File exists"
    under_file = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if under_file is not None:
        raise OsaError(
            f"The output folder {path} cannot be created: {under_file} is a file, not a "
            f"folder. Give another folder with {option}.")


def through_link(path: Path) -> Path:
    """The folder a link to an empty folder names (``--out latest`` with ``latest`` a link
    to ``runs/empty``), where the run goes, since a link is not replaced by a folder; any
    other path as it is."""
    return path.resolve() if path.is_symlink() and is_empty_dir(path) else path


def make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return those created, deepest first."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def remove_if_empty(folders: list[Path]) -> None:
    """Remove folders we created (deepest first) when a failure left them empty."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


@contextlib.contextmanager
def staging_folder(parent: Path, name: str) -> Iterator[Path]:
    """A temporary sibling folder to write a run into; removed again if anything fails.

    The caller moves it into place with :func:`move_into_place` before leaving the block.
    """
    tmp = _new_hidden_folder(parent, f".{name}.partial-")
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if tmp.exists():  # not moved: the caller gave up without raising
        shutil.rmtree(tmp, ignore_errors=True)


def _new_hidden_folder(parent: Path, prefix: str) -> Path:
    """A new, uniquely named folder with the usual permissions (mkdtemp's are owner-only)."""
    for _ in range(100):
        candidate = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free staging folder name under {parent}")


def move_into_place(tmp: Path, target: Path) -> bool:
    """Rename the finished ``tmp`` folder to ``target`` in one step.

    Returns False (and leaves ``tmp``) when ``target`` appeared meanwhile and is not empty,
    so the caller can pick another name; an empty ``target`` (made by the user) is replaced.
    """
    if is_empty_dir(target):
        with contextlib.suppress(OSError):
            target.rmdir()
    if target.exists():
        return False
    try:
        os.replace(tmp, target)
    except OSError:
        if target.exists():  # lost a race with another run of the same second
            return False
        raise
    return True
