"""The versions of the libraries that shape an answer, as every run records them.

Here, in the solving package, because the HiGHS version is read from highspy (its
constants only: creating a Highs object would print its banner).

>>> sorted(versions())[:3]
['HiGHS', 'highspy', 'numpy']
"""

from __future__ import annotations

import functools
import platform
from importlib import metadata


def versions() -> dict[str, str | None]:
    """Versions of osa-opt, Python and the libraries that shape the answer (None: absent)."""
    return dict(_versions())


@functools.cache  # run.json and the report both record them; reading metadata is slow
def _versions() -> dict[str, str | None]:
    from osa_opt import __version__

    out: dict[str, str | None] = {
        "osa-opt": __version__,
        "python": platform.python_version(),
        "pyomo": _version_of("pyomo"),
        "highspy": _version_of("highspy"),
        "HiGHS": None,
        "pandas": _version_of("pandas"),
        "numpy": _version_of("numpy"),
        "xlsxwriter": _version_of("xlsxwriter"),
    }
    try:
        import highspy

        out["HiGHS"] = (f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}."
                        f"{highspy.HIGHS_VERSION_PATCH}")
    except (ImportError, AttributeError):
        pass
    return out


def _version_of(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
