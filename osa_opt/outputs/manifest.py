"""The run manifest (``run.json``): what was solved, with what, and what came out.

Every key is documented in ``docs/outputs.md``. The manifest is plain JSON: numbers,
text, lists and objects only (a missing number is ``null``, never ``NaN``).

>>> import osa_opt
>>> result = osa_opt.solve(osa_opt.load_problem(), portfolios=2)
>>> manifest = result.to_manifest()
>>> manifest["status"], [p["rank"] for p in manifest["portfolios"]]
('optimal', [1, 2])
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osa_opt.digest import sha256
from osa_opt.inputs.schema import SCORE_PREFIX
from osa_opt.result import Status
from osa_opt.solving.versions import versions

if TYPE_CHECKING:
    from osa_opt.result import Result

#: Files every run folder holds (``run.json`` lists them under ``files``).
RUN_FILES: tuple[str, ...] = ("run.json", "portfolios.xlsx", "portfolios.csv", "policy.toml",
                              "report.html")


#: What ``build_manifest(..., snapshot=False)`` holds in place of the snapshot.
SNAPSHOT_PLACE = "\x00osa-opt snapshot\x00"


def build_manifest(
    result: Result,
    *,
    created: dt.datetime | None = None,
    folder: str | Path | None = None,
    snapshot: bool = True,
) -> dict[str, Any]:
    """The manifest of a result, as JSON-safe nested dicts.

    Parameters
    ----------
    result : the Result of :func:`osa_opt.solve`.
    created : the time of the run (UTC); now when omitted.
    folder : the run folder the manifest is written to, if any (recorded as ``folder``).
    snapshot : False to hold :data:`SNAPSHOT_PLACE` in place of ``snapshot``, which the
        run folder's writer writes as text (:func:`input_snapshot_text`).

    Returns
    -------
    dict
        Keys ``title``, ``status``, ``message``, ``partial``, ``portfolios``, ``notes``, ``warnings``,
        ``diagnosis``,
        ``analyses``, ``unfunded``, ``eligibility``, ``problem``, ``policy``, ``inputs``, ``input_path``,
        ``snapshot``,
        ``input_note``, ``versions``,
        ``timings``, ``created``, ``folder`` and ``files``.

    Examples
    --------
    >>> manifest = build_manifest(result)
    >>> manifest["portfolios"][0]["projects"][:3]
    ['P-01', 'P-02', 'P-04']
    """
    created = created or dt.datetime.now(dt.UTC)
    problem = result.problem
    unfunded = result.unfunded
    manifest: dict[str, Any] = {
        "title": problem.title,  # as the terminal, report and workbook title the run
        "status": result.status.value,
        "message": result.status_message,
        "partial": bool(result.partial) or any(
            bool(getattr(a, "partial", False)) for a in result.analyses.values()),
        "portfolios": [p.to_dict() for p in result.portfolios],
        "notes": list(result.notes),
        "warnings": [{**w.as_dict(), "message": w.message()} for w in problem.warnings],
        "diagnosis": list(result.diagnosis) if result.status == Status.INFEASIBLE else [],
        "analyses": {name: _analysis_dict(obj) for name, obj in result.analyses.items()},
        "unfunded": {str(pid): str(reason) for pid, reason in unfunded["reason"].items()},
        "blocked_by": {str(pid): list(rows) for pid, rows in result.blocked_by.items()},
        "eligibility": eligibility_record(problem.eligibility),
        "problem": problem.summary(),
        "policy": problem.policy.to_dict(),
        "extensions": list(result.extensions),
        "custom_components": list(result.custom_components),
        "inputs": dict(problem.sources),
        "input_path": problem.origin,
        "snapshot": input_snapshot(problem) if snapshot else SNAPSHOT_PLACE,
        "input_note": problem.input_note,
        "versions": versions(),
        "timings": dict(result.timings),
        "created": created.astimezone(dt.UTC).isoformat(timespec="seconds").replace(
            "+00:00", "Z"),
        "folder": None if folder is None else str(folder),
        "files": [*RUN_FILES, *sorted(analysis_files(result))],
    }
    return json_safe(manifest)


def input_snapshot(problem: Any) -> dict[str, Any]:
    """What a later run's ``--since`` compares its own input with: each project's cost per
    fiscal year and value, and each partner's priority tier; the run keeps no copy of its
    input, and these tell a changed cost, score, risk or tier by project and partner. Also
    the digest of the columns osa-opt reads (``tables``: :func:`tables_digest`), by which
    ``--run`` uses an input changed in nothing it reads.

    The value's parts are kept too, so a changed value is told by the cell that moved it:
    ``scores`` (each ``score_<criterion>`` column and ``risk``: project id → number) and
    ``assessments`` (each country column the policy's considerations read: partner →
    number).

    >>> snap = input_snapshot(problem)
    >>> snap["cost"]["FY2026"]["P-01"], snap["value"]["P-01"], snap["tier"]["Aurelia"]
    (900.0, 8.116894, 1)
    >>> snap["scores"]["score_security"]["P-01"], snap["assessments"]["democracy"]["Aurelia"]
    (7.6, 7.2)
    """
    columns = _snapshot_columns(problem)

    def mapping(keys: list[str], numbers: Any) -> dict[str, float | None]:
        return dict(zip(keys, _plain_numbers(numbers), strict=True))
    return {"cost": {fy: mapping(*column) for fy, column in columns["cost"].items()},
            "value": mapping(*columns["value"]),
            "tier": columns["tier"],
            "scores": {c: mapping(*column) for c, column in columns["scores"].items()},
            "assessments": {c: mapping(*column)
                            for c, column in columns["assessments"].items()},
            "tables": columns["tables"]}


def input_snapshot_text(problem: Any) -> Iterator[str]:
    """:func:`input_snapshot` as JSON text, in pieces, without its dicts: the maps of a
    100,000-project round hold over a million numbers, which as Python dicts (and
    json.dumps' indented text) raised the peak memory of the whole run by ~65 MB; written
    so, one map at a time, each on one line. ``json.loads`` of the pieces joined equals
    :func:`input_snapshot` made JSON-safe.

    >>> import json
    >>> json.loads("".join(input_snapshot_text(problem))) == json_safe(input_snapshot(problem))
    True
    """
    columns = _snapshot_columns(problem)
    quoted: dict[int, list[str]] = {}  # each list of keys JSON-quoted once

    def mapping(keys: list[str], numbers: Any) -> str:
        if id(keys) not in quoted:
            quoted[id(keys)] = [json.dumps(k, ensure_ascii=False) for k in keys]
        texts = ("null" if v is None else repr(v) for v in _plain_numbers(numbers))
        return "{" + ", ".join([f"{k}: {v}" for k, v in zip(quoted[id(keys)], texts,
                                                           strict=True)]) + "}"

    def group(name: str, maps: dict[str, tuple[list[str], Any]]) -> Iterator[str]:
        yield f"{json.dumps(name)}: {{"
        for i, (key, column) in enumerate(maps.items()):
            yield f"{', ' if i else ''}{json.dumps(key, ensure_ascii=False)}: "
            yield mapping(*column)
        yield "}"

    yield "{"
    yield from group("cost", columns["cost"])
    yield ', "value": '
    yield mapping(*columns["value"])
    yield f', "tier": {json.dumps(columns["tier"], ensure_ascii=False)}, '
    yield from group("scores", columns["scores"])
    yield ", "
    yield from group("assessments", columns["assessments"])
    yield f', "tables": {json.dumps(columns["tables"])}}}'


def _snapshot_columns(problem: Any) -> dict[str, Any]:
    """The snapshot's maps as (keys, numbers rounded to 6 decimals), its tiers and digest."""
    cost = problem.cost
    ids = [str(p) for p in cost.index]
    projects, countries = problem.input_projects, problem.input_countries

    def numbers(frame: Any, name: str) -> Any:
        return frame[name].astype(float).to_numpy().round(6)

    parts = [c for c in [f"{SCORE_PREFIX}{k}" for k in problem.criteria] + ["risk"]
             if c in projects.columns]
    scores = projects[parts].reindex(cost.index)
    names = [str(c) for c in countries.index]
    return {"cost": {str(fy): (ids, cost[fy].to_numpy(dtype=float).round(6))
                     for fy in cost.columns},
            "value": (ids, problem.value.reindex(cost.index).to_numpy(dtype=float).round(6)),
            "tier": {str(c): int(t) for c, t in countries["priority_tier"].items()},
            "scores": {c: (ids, numbers(scores, c)) for c in parts},
            "assessments": {c: (names, numbers(countries, c))
                            for c in problem.policy.objective.considerations
                            if c in countries.columns},
            "tables": tables_digest(problem)}


def _plain_numbers(numbers: Any) -> Iterator[float | None]:
    """Each number as JSON takes it (:func:`json_safe`): None for NaN or an infinity,
    0.0 for -0.0."""
    return (v + 0.0 if math.isfinite(v) else None for v in numbers.tolist())


def tables_digest(problem: Any) -> str:
    """sha256 of the columns osa-opt reads of the projects and countries tables, as read and
    validated: two files that read the same (one saved again by LibreOffice, a sheet or a
    column of notes edited) give one digest, so ``--run`` can use a file that changed in
    nothing it reads.

    >>> tables_digest(problem) == tables_digest(problem.with_policy(problem.policy))
    True
    """
    import pandas as pd

    from osa_opt.inputs.schema import COUNTRY_COLUMNS, project_columns

    policy = problem.policy
    read = (project_columns(policy.fiscal_years, policy.criteria), COUNTRY_COLUMNS)
    parts = []
    for frame, columns in zip((problem.input_projects, problem.input_countries), read, strict=True):
        names = [c.name for c in columns if c.name in frame.columns]
        parts.append(repr(names).encode())
        parts.append(pd.util.hash_pandas_object(frame.index).to_numpy().tobytes())
        for name in names:
            column = frame[name]
            try:  # numbers, flags, text and blanks hash as they are
                hashed = pd.util.hash_pandas_object(column, index=False)
            except TypeError:  # tuples (requires, field): by their text
                hashed = pd.util.hash_pandas_object(column.map(repr), index=False)
            parts.append(hashed.to_numpy().tobytes())
    return sha256(b"\0".join(parts))


def eligibility_record(eligibility: Any) -> dict[str, dict[str, Any]]:
    """Per project that is ineligible or eligible by an override: ``eligible``,
    ``reasons`` (every failed rule) and ``overrides`` (every waived rule, with the
    override's written reason). Projects that simply pass every rule are left out."""
    return {str(pid): {"eligible": bool(ok), "reasons": list(rs), "overrides": list(os_)}
            for pid, ok, rs, os_ in zip(eligibility.index, eligibility["eligible"],
                                        eligibility["reasons"], eligibility["overrides"],
                                        strict=True)
            if rs or os_}


def analysis_files(result: Result) -> dict[str, bytes]:
    """Extra files the attached analyses add to a run (``frontier.png``; a comparison's
    ``policy-<scenario>.toml``, every policy compared)."""
    from osa_opt.outputs.png import analysis_pngs  # matplotlib only when a chart is drawn

    out = analysis_pngs(result.analyses)
    for analysis in result.analyses.values():
        policies = getattr(analysis, "policy_files", None)
        if callable(policies):
            out.update(policies())
    return out


def _analysis_dict(obj: Any) -> Any:
    """An analysis's manifest entry: its ``to_dict()``, or the object if already plain."""
    to_dict = getattr(obj, "to_dict", None)
    return to_dict() if callable(to_dict) else obj


def _plain(value: Any) -> Any:
    """:func:`json_safe` of one value, without a call for text, flags, whole numbers and
    finite floats (run.json of 100,000 projects holds about a million of them)."""
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if kind is float and value - value == 0:  # finite (inf - inf and NaN - NaN are NaN)
        return value + 0.0  # never -0.0 (a solver's or a rounding's zero)
    return json_safe(value)


def json_safe(value: Any) -> Any:
    """Nested data with only JSON types: NaN and infinities become None, -0.0 becomes 0.0,
    keys text.

    >>> json_safe({"a": float("nan"), 1: (2, 3.0), "b": -0.0})
    {'a': None, '1': [2, 3.0], 'b': 0.0}
    """
    if type(value) is dict:  # the common case, with plain values taken as they are
        return {k if type(k) is str else str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        if all(type(v) is str for v in items):  # ids: the long lists, taken as they are
            return list(items)
        return [_plain(v) for v in items]
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) + 0.0 if math.isfinite(value) else None
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        try:
            return json_safe(value.item())
        except (TypeError, ValueError):
            pass
    if hasattr(value, "to_dict") and callable(value.to_dict):  # pandas objects
        return json_safe(value.to_dict())
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)
