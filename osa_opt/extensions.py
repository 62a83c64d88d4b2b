"""Model extensions: functions ``func(model, problem)`` that add Pyomo components of one's own
(like PyPSA's ``extra_functionality``).

An extension is kept by reference — an importable ``module:function`` or a ``FILE.py:FUNCTION``
— so it travels to worker processes and Dask workers, which load it again. A function defined
in a notebook cell works wherever everything runs in one process; where workers are needed it
is refused with a message saying how to make it travel.

>>> def at_most_two(model, problem):
...     model.at_most_two = pyo.Constraint(expr=sum(model.x.values()) <= 2)
>>> Extension.of(at_most_two).function
'at_most_two'
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from osa_opt.digest import sha256
from osa_opt.errors import OsaError, unusable_path

__all__ = ["Extension", "ExtensionFunction", "as_extensions"]

#: What ``extend=`` takes: a function, an Extension, or ``"FILE.py:FUNCTION"`` / ``"module:name"``.
ExtensionFunction = Callable[[Any, Any], None]


@dataclass(frozen=True)
class Extension:
    """One extension: ``function`` (its name), ``file`` (the file it is read from, None for a
    notebook cell), ``sha256`` of that file, and the reference workers load it by
    (``module`` + name, or ``file`` + name)."""

    function: str
    file: str | None = None
    sha256: str | None = None
    module: str | None = None
    func: ExtensionFunction | None = field(default=None, repr=False, compare=False)
    #: Why it cannot be loaded (a loaded run's extension defined in a notebook): every model
    #: built with it stops with this message instead of leaving the extension out.
    missing: str | None = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def of(cls, item: ExtensionFunction | Extension | str) -> Extension:
        """An Extension from a function, a ``"FILE.py:FUNCTION"`` or ``"module:FUNCTION"``."""
        if isinstance(item, Extension):
            return item
        if isinstance(item, str):
            return cls.from_reference(item)
        if not callable(item):
            raise OsaError(f"extend: {item!r} is not a function func(model, problem), nor "
                           "'FILE.py:FUNCTION'")
        name = getattr(item, "__qualname__", getattr(item, "__name__", repr(item)))
        _takes_model_and_problem(item, name)
        module = getattr(item, "__module__", None)
        file = _source_file(item)
        importable = (module not in (None, "__main__") and "<locals>" not in name
                      and not (module or "").startswith("__"))
        return cls(name, file, _sha256(file), module if importable else None, item)

    @classmethod
    def from_reference(cls, text: str) -> Extension:
        """``FILE.py:FUNCTION`` (a path) or ``module:FUNCTION`` (importable)."""
        target, sep, name = text.rpartition(":")
        if not sep or not target or not name:
            raise OsaError(f"extension {text!r}: write it as FILE.py:FUNCTION (e.g. "
                           "rules.py:at_most_three)")
        if target.endswith(".py"):
            path = Path(target).expanduser().resolve()
            func = _load_from_file(path, name)
            _takes_model_and_problem(func, name)
            return cls(name, str(path), _sha256(str(path)), None, func)
        try:
            func = _attribute(importlib.import_module(target), name, target)
        except ImportError as exc:
            raise OsaError(f"extension {text!r}: cannot import {target!r} ({exc})") from None
        _takes_model_and_problem(func, name)
        file = _source_file(func)
        return cls(name, file, _sha256(file), target, func)

    @classmethod
    def unavailable(cls, function: str, why: str) -> Extension:
        """A recorded extension that cannot be loaded again: building a model with it stops
        with ``why`` (it is refused by name, never left out)."""
        return cls(function, missing=why)

    # ------------------------------------------------------------------ use
    @property
    def portable(self) -> bool:
        """Whether a worker process can load it again (a module or a file reference)."""
        return self.module is not None or (self.file is not None and self.func is not None
                                           and self.func.__module__.startswith("osa_ext_"))

    def load(self) -> ExtensionFunction:
        """The function itself (loaded again from its reference in a worker)."""
        if self.missing is not None:
            raise OsaError(self.missing)
        if self.func is not None:
            return self.func
        if self.module is not None:
            return _attribute(importlib.import_module(self.module), self.function, self.module)
        if self.file is not None:
            return _load_from_file(Path(self.file), self.function)
        raise OsaError(f"extension {self.function}: nothing to load it from")

    def __call__(self, model: Any, problem: Any) -> None:
        self.load()(model, problem)

    def __reduce__(self) -> tuple[Any, ...]:
        if self.missing is not None:
            raise OsaError(self.missing)
        if not self.portable:
            raise OsaError(
                f"the extension {self.function}() is defined in the notebook or inside a "
                "function, so worker processes cannot load it: put it in a .py file and pass "
                "extend='FILE.py:FUNCTION' (or import it from a module), or run with jobs=1")
        return (_reload, (self.function, self.file, self.sha256, self.module))

    def to_dict(self, components: Iterable[str] = ()) -> dict[str, Any]:
        """The run.json entry: ``function``, ``file``, ``sha256``, ``components``."""
        return {"function": self.function if self.module is None
                else f"{self.module}:{self.function}",
                "file": self.file, "sha256": self.sha256, "components": list(components)}


def _takes_model_and_problem(func: Any, name: str) -> None:
    """Refuse, when it is given, a function that cannot be called as ``func(model,
    problem)`` (Python's TypeError would come from inside the first model built)."""
    try:
        signature = inspect.signature(func)
        signature.bind(None, None)
    except TypeError:
        raise OsaError(f"extension {name}({', '.join(signature.parameters)}): an extension "
                       "takes two arguments, func(model, problem)") from None
    except ValueError:  # no signature to read (a builtin): called as it is
        return


#: Where an extension without a file was written (a notebook cell, a module's code).
NO_FILE = "defined in Python, not in a file"


def shown(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Run.json ``extensions`` entries as the report and the workbook's ``Read me`` show them:
    ``function``, ``file`` ("" when none), ``sha256`` (its first 12 characters, "" when
    none) and ``components`` (comma-separated, "" when none).

    >>> shown([{"function": "m:f", "file": None, "sha256": None, "components": ["a", "b"]}])
    [{'function': 'm:f', 'file': '', 'sha256': '', 'components': 'a, b'}]
    """
    return [{"function": str(e.get("function") or "?"), "file": str(e.get("file") or ""),
             "sha256": str(e.get("sha256") or "")[:12],
             "components": ", ".join(e.get("components") or [])} for e in entries]


def as_extensions(extend: Any) -> tuple[Extension, ...]:
    """``extend=`` as a tuple of Extensions (None, one item, or a list of them)."""
    if extend is None:
        return ()
    items = extend if isinstance(extend, list | tuple) else [extend]
    return tuple(Extension.of(item) for item in items)


def _reload(function: str, file: str | None, sha256: str | None,
            module: str | None) -> Extension:
    ext = Extension(function, file, sha256, module)
    return Extension(function, file, sha256, module, ext.load())


def _attribute(module: Any, name: str, where: str) -> ExtensionFunction:
    obj: Any = module
    for part in name.split("."):
        if not hasattr(obj, part):
            raise OsaError(f"extension: {where} has no function {name!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise OsaError(f"extension: {where}:{name} is not a function")
    return obj  # type: ignore[no-any-return]


def _load_from_file(path: Path, name: str) -> ExtensionFunction:
    refused = unusable_path(path)
    if refused:
        raise OsaError(f"extension: the path {path} cannot be used: {refused}")
    if not path.is_file():
        raise OsaError(f"extension: no file {path}")
    digest = sha256(str(path).encode())[:12]
    module_name = f"osa_ext_{path.stem}_{digest}"
    module = sys.modules.get(module_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[module_name]
            raise OsaError(f"extension: {path} failed to load: {type(exc).__name__}: "
                           f"{exc}") from exc
    return _attribute(module, name, str(path))


def _source_file(func: Any) -> str | None:
    try:
        file = inspect.getsourcefile(func)
    except TypeError:
        return None
    return file if file and Path(file).is_file() else None


def _sha256(file: str | None) -> str | None:
    return None if file is None else sha256(Path(file).read_bytes())
