"""The run folder: every output of one solve, written atomically.

Everything is written into a hidden staging folder next to the target, then renamed into
place in one step; a failure (a full disk, a bug in a writer) removes the staging folder, so
no half-written run is ever left behind. A run never overwrites another one.

>>> from osa_opt.run_folder import write_run
>>> write_run(result, "outputs/my-run")          # doctest: +SKIP
PosixPath('outputs/my-run')
"""

from __future__ import annotations

import datetime as dt
import errno
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd  # noqa: E402  (at run time: get_type_hints(load_run))

from osa_opt.background import in_background
from osa_opt.data import example_path
from osa_opt.digest import sha256
from osa_opt.errors import OsaError, WriteInterrupted, unusable_path
from osa_opt.extensions import Extension
from osa_opt.gcpause import paused_gc
from osa_opt.inputs.policy import Policy, is_policy_source
from osa_opt.inputs.problem import EDITED_TABLE, Problem
from osa_opt.outputs import longform, workbook
from osa_opt.outputs.manifest import (
    SNAPSHOT_PLACE,
    analysis_files,
    build_manifest,
    input_snapshot_text,
)
from osa_opt.outputs.safe import (
    check_target,
    make_parents,
    move_into_place,
    remove_if_empty,
    slug,
    staging_folder,
    through_link,
)
from osa_opt.report import write_report
from osa_opt.result import Result  # noqa: E402
from osa_opt.text import counted

#: Rounds of at least this many projects write their workbook in a process of its own
#: while this one writes the other files; on smaller ones, where the workbook takes a
#: tenth of a second, starting a process costs what it would save.
WORKBOOK_APART_FROM = 2_000
#: Default parent of new run folders, relative to the current folder.
OUTPUTS_FOLDER = "outputs"


def write_run(result: Result, path: str | Path | None = None, *, option: str = "path=") -> Path:
    """Write ``run.json``, ``portfolios.xlsx``, ``portfolios.csv``, ``policy.toml`` and
    ``report.html`` (plus the files an analysis adds, such as a chart's PNG).

    Parameters
    ----------
    result : the Result to write (also an infeasible one: its run.json says why).
    path : the run folder. It is created and must not exist or be empty. When omitted, a
        new folder ``outputs/<title>-<YYYYmmdd-HHMMSS>/`` under the current folder, named
        after the run's title as every output states it (``problem.title``: the policy's
        ``name``, or for a policy that names no round the input's file and fiscal years,
        ``round-fy2026-…``), ``-2``, ``-3`` ... appended if that name is taken.
    option : how the messages name ``path``: ``path=`` from Python, ``--out`` on the
        command line.

    Returns
    -------
    Path
        The run folder.

    Raises
    ------
    OsaError
        ``path`` exists and is not empty, or the files cannot be written (the message
        says why; nothing is left behind).

    Examples
    --------
    >>> sorted(p.name for p in write_run(result).iterdir())    # doctest: +SKIP
    ['policy.toml', 'portfolios.csv', 'portfolios.xlsx', 'report.html', 'run.json']
    """
    created = _now()
    if path is None:
        parent = Path.cwd() / OUTPUTS_FOLDER
        # the run's title, as its outputs say it: two rounds under the default policy
        # were told apart only by the time (default-osa-round-…)
        stem = f"{slug(result.problem.title)}-{created:%Y%m%d-%H%M%S}"
        names = _numbered(stem)
    else:
        check_target(Path(path), option)
        target = through_link(Path(path))
        parent, names = target.parent, iter([target.name])
    made: list[Path] = []
    try:
        made = make_parents(parent)
        first = next(names)
        with staging_folder(parent, first) as staging:
            _clear_stale_staging(result, parent, staging)
            target = parent / first
            while path is None and target.exists():  # never overwrite another run
                target = parent / next(names)
            _write_files(result, staging, created, target)
            while not move_into_place(staging, target):
                if path is not None:
                    check_target(target, option)  # filled meanwhile: refuse
                    # empty, and still not replaced (a mount point): said below, as OSErrors are
                    raise OSError(errno.EBUSY, "the empty folder there cannot be replaced")
                target = parent / next(names)
                _write_manifest(result, staging, created, target)
    except OSError as exc:
        remove_if_empty(made)
        where = path if path is not None else parent
        raise OsaError(f"Could not write the run folder under {where}: {exc.strerror or exc}. "
                       "Nothing was written; check the folder's permissions and free "
                       "space.") from exc
    except KeyboardInterrupt as exc:
        remove_if_empty(made)
        raise _not_written(result, path if path is not None else parent) from exc
    except BaseException:
        remove_if_empty(made)
        raise
    return target


def _not_written(result: Result, where: str | Path) -> WriteInterrupted:
    """Ctrl-C while the run folder was written (the staging folder is gone with it): what
    was finished and is not on disk, and how to get it."""
    n = len(result.portfolios)
    lost = f"the {counted(n, 'finished portfolio')} {'was' if n == 1 else 'were'}" if n \
        else "the run's record (run.json) was"
    return WriteInterrupted(f"Interrupted while the run folder was written under {where}: "
                            f"nothing was left there, so {lost} not written; run the command "
                            "again to write the run")


#: A hidden staging folder older than this was left by a run that was killed outright.
STALE_SECONDS = 3600.0


def _clear_stale_staging(result: Result, parent: Path, mine: Path) -> None:
    """Remove hidden ``.NAME.partial-…`` folders of runs killed while writing (older than
    an hour: no run writes that long); name younger ones, which may still be in use, in a
    note."""
    import shutil
    import time

    now = time.time()
    young = []
    for folder in sorted(parent.glob(".*.partial-*")):
        if folder == mine or not folder.is_dir():
            continue
        try:
            age = now - folder.stat().st_mtime
        except OSError:
            continue
        if age > STALE_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            young.append(folder.name)
    if young:
        result.notes.append(
            f"{parent} holds {len(young)} hidden unfinished run folder(s) ("
            + ", ".join(young[:3]) + (", …" if len(young) > 3 else "")
            + ") from a run being written now or one that was killed; delete them if no "
            "other osa-opt run is writing here (they are removed after an hour).")


def _now() -> dt.datetime:
    """The run's time, UTC, whole seconds (one place, so tests can fix it)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _numbered(stem: str) -> Iterator[str]:
    """``stem``, ``stem-2``, ``stem-3`` ..."""
    yield stem
    for n in itertools.count(2):
        yield f"{stem}-{n}"


def _write_files(result: Result, folder: Path, created: dt.datetime, target: Path) -> None:
    # In rounds big enough to gain from it, the workbook (the slowest writer) is written by
    # a process of its own (osa_opt.background) while this one writes the report, the CSV
    # and run.json: two shares of similar weight on the machine's cores, and the tables
    # these three read in common (each portfolio's projects, packages and allocations, the
    # unfunded projects) made once.
    apart = len(result.problem.input_projects) >= WORKBOOK_APART_FROM
    with paused_gc(), \
            in_background(workbook.write_workbook, result, folder / "portfolios.xlsx",
                          created=_iso(created), scratch=folder, worth_it=apart):
        write_report(result, folder / "report.html", created=created)
        longform.write_csv(result, folder / "portfolios.csv")
        (folder / "policy.toml").write_text(result.problem.policy.to_toml(), encoding="utf-8")
        for name, data in analysis_files(result).items():
            (folder / name).write_bytes(data)
        _write_manifest(result, folder, created, target)


def _write_manifest(result: Result, folder: Path, created: dt.datetime, target: Path) -> None:
    manifest = build_manifest(result, created=created, folder=target.resolve(),
                              snapshot=False)
    text = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False)
    head, tail = text.split(json.dumps(SNAPSHOT_PLACE), 1)
    with (folder / "run.json").open("w", encoding="utf-8") as out:
        out.write(head)
        for piece in input_snapshot_text(result.problem):  # its maps: no dicts, no indent
            out.write(piece)
        out.write(tail + "\n")


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


# ---------------------------------------------------------------------- reading a run back
def run_sources(folder: str | Path, who: str = "--run",
                notice: Callable[[str], None] | None = None) -> tuple[Path | None, Path]:
    """The input and the policy of a finished run, for ``--run RUN_FOLDER``.

    Returns ``(input path or None for the shipped example, the run's policy.toml)``.
    The input is the one the run read, at the path recorded in run.json (``input_path``);
    if it changed since (another sha256 than ``inputs`` records) or is gone, this stops
    with an :class:`OsaError` (exit 2) rather than answer for other data.

    >>> run_sources("outputs/shipped-example-fy2026-illustrative-20261126-090430")  # doctest: +SKIP
    (None, PosixPath('outputs/shipped-example-fy2026-illustrative-20261126-090430/policy.toml'))
    """

    folder = Path(folder)
    manifest_path, policy_path = _run_files(folder, who)
    manifest = _manifest(manifest_path, who, policy_path)
    recorded: dict[str, str] = dict(manifest["inputs"])
    path_text = manifest.get("input_path")
    if "input_path" not in manifest:
        raise OsaError(f"{who} {folder}: this run predates input_path in run.json; give the "
                       "input and policy again instead.")
    edited = edited_tables(recorded)
    if edited:
        fix = ("give the edited Problem back: osa_opt.load_run(folder, problem=edited), or "
               "solve it again" if not who.startswith("--") else
               "write the edited tables to a file and give that input and "
               f"--policy {policy_path}, or solve it again")
        raise OsaError(
            f"{who} {folder}: the run solved tables edited in Python ({', '.join(edited)}), "
            "which the run folder does not keep; its input file holds other data, so the "
            f"run's answers would not hold. To read it back, {fix}.")
    input_path = None if path_text is None else Path(path_text)
    source = example_path() if input_path is None else input_path
    files = [source] if source.is_file() else [source / name for name in recorded
                                                  if (source / name).suffix == ".csv"]
    if not source.exists() or not files:
        raise OsaError(f"{who} {folder}: its input {source} is gone; give the input and "
                       f"{_with_policy(who, policy_path)} instead.")
    changed = [file for file in files if recorded.get(file.name) is None or not file.is_file()
               or sha256(file.read_bytes()) != recorded[file.name]]
    if changed and all(f.is_file() for f in changed) and _reads_the_same(
            input_path, policy_path, manifest):
        if notice is not None:
            notice(f"{', '.join(f.name for f in changed)} changed since the run {folder}, but "
                   "not in anything osa-opt reads (every column it reads of projects and "
                   "countries holds what it held): using it.")
        changed = []
    if changed:
        raise OsaError(
            f"{who} {folder}: its input {changed[0]} changed since the run (sha256 differs "
            "from run.json's inputs"
            + ("; its tables read differently" if _has_digest(manifest) else "")
            + "), so the run's answers would not "
            f"hold. Solve it again, or give the input and {_with_policy(who, policy_path)} to "
            "use the new data"
            + (f" (add --since {folder} to be told what changed since)."
               if who.startswith("--") else "."))
    return input_path, policy_path


def read_manifest(folder: str | Path, who: str) -> dict[str, Any]:
    """run.json of a finished run folder (``--since RUN_FOLDER``), read; a folder that is no
    run's, or a run.json cut short or edited, is an :class:`OsaError` (exit 2) saying which."""
    manifest_path, policy_path = _run_files(Path(folder), who)
    return _manifest(manifest_path, who, policy_path)


def _has_digest(manifest: dict[str, Any]) -> bool:
    return isinstance((manifest.get("snapshot") or {}).get("tables"), str)


def _reads_the_same(input_path: Path | None, policy_path: Path, manifest: dict[str, Any]) -> bool:
    """Whether the input, read under the run's policy, gives the tables the run read (its
    ``snapshot.tables`` digest; a run without one, or an input that no longer reads, does
    not)."""
    if not _has_digest(manifest):
        return False
    recorded = manifest["snapshot"]["tables"]
    from osa_opt.errors import InputError
    from osa_opt.inputs.readers import load_problem
    from osa_opt.outputs.manifest import tables_digest

    try:
        problem = load_problem(input_path, policy=policy_path)
    except (InputError, OsaError):
        return False
    return tables_digest(problem) == recorded


def _manifest(path: Path, who: str, policy_path: Path) -> dict[str, Any]:
    """run.json of a run folder, with the ``inputs`` it records (file name -> sha256); one
    that is cut short, edited or not osa-opt's is an OsaError saying which."""
    instead = f"solve it again, or give the input and {_with_policy(who, policy_path)}"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OsaError(f"{who} {path.parent}: run.json cannot be read ({exc.strerror or exc})."
                       ) from exc
    except ValueError as exc:  # JSON, or UTF-8, broken
        raise OsaError(f"{who} {path.parent}: run.json is not valid JSON ({exc}): the file "
                       f"was cut short or edited; {instead}.") from exc
    inputs = manifest.get("inputs") if isinstance(manifest, dict) else None
    if not isinstance(inputs, dict) or not all(isinstance(v, str) for v in inputs.values()):
        raise OsaError(f"{who} {path.parent}: run.json does not record the run's input files "
                       "(its 'inputs', file name -> sha256): it is not a run.json osa-opt "
                       f"wrote, or was edited; {instead}.")
    return manifest


def _run_files(folder: Path, who: str) -> tuple[Path, Path]:
    """``folder``'s run.json and policy.toml, once both are there (else an OsaError)."""
    manifest_path, policy_path = folder / "run.json", folder / "policy.toml"
    refused = unusable_path(manifest_path)
    if refused:
        raise OsaError(f"{who} {folder}: the path cannot be used: {refused}.")
    for needed in (manifest_path, policy_path):
        if not needed.is_file():
            raise OsaError(f"{who} {folder}: no {needed.name} there; give the folder a run "
                           "wrote (it holds run.json and policy.toml).")
    return manifest_path, policy_path


def edited_tables(recorded: Iterable[str]) -> list[str]:
    """The names in a run's ``inputs`` that are tables edited in Python (``"countries
    (DataFrame)"``, from :meth:`Problem.with_countries`): the run folder holds no copy."""
    return [name for name in recorded if name.endswith(EDITED_TABLE)]


def _with_policy(who: str, policy_path: Path) -> str:
    """The run's policy as the caller passes it: ``--policy FILE`` on the command line,
    ``load_problem(INPUT, policy="FILE")`` in Python."""
    if who.startswith("--"):
        return f"--policy {policy_path}"
    return f'its policy: osa_opt.load_problem(INPUT, policy="{policy_path}")'


def run_extensions(folder: str | Path, who: str = "--run",
                   given: Iterable[str] = ()) -> list[Extension]:
    """The model extensions a finished run applied (run.json ``extensions``), loaded again.

    An extension read from a file is loaded from that file, which must be unchanged (its
    sha256 is run.json's); a changed or missing file stops with an :class:`OsaError` (exit
    2) naming it. One defined in a notebook has no file to load: on the command line
    (``who`` an option) this stops too, unless ``given`` (the ``--extend`` references) names
    a function of the same name; from Python it comes back as an
    :meth:`Extension.unavailable` that refuses, by name, any model built with it. No
    extension is ever left out silently.
    """
    folder = Path(folder)
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    cli = who.startswith("--")
    custom = [str(c) for c in manifest.get("custom_components", [])]
    if cli and custom:  # (load_run gives them back as the Result's, which refuses re-solves)
        raise OsaError(f"{who} {folder}: the run was solved on a model with components added "
                       f"or changed by hand in Python ({'; '.join(custom)}), which the command "
                       "line cannot build again; write them as a function func(model, problem) "
                       "and pass --extend FILE.py:FUNCTION instead of --run")
    replaced = {ref.rpartition(":")[2] for ref in given}
    out: list[Extension] = []
    for entry in manifest.get("extensions", []):
        name, file, digest = str(entry["function"]), entry.get("file"), entry.get("sha256")
        if (file is None and ":" not in name) or "<locals>" in name:  # a notebook's
            if name in replaced:
                continue
            again = (f"give it again with --extend FILE.py:{name}" if cli else
                     f"give it back: result.problem.with_extensions({name}), or "
                     f"osa_opt.solve(problem, extend={name})")
            why = (f"{who} {folder}: the run applied the extension {name}(), defined in a "
                   f"notebook, which cannot be loaded again from the run; {again}")
            if cli:
                raise OsaError(why)
            out.append(Extension.unavailable(name, why))
            continue
        reference = name if file is None else f"{file}:{name.rpartition(':')[2]}"
        if file is not None and not Path(file).is_file():
            raise OsaError(f"{who} {folder}: the run's extension {name}() was read from "
                           f"{file}, which is gone; restore it, or solve again without "
                           f"{'--run' if cli else 'load_run'}.")
        ext = Extension.from_reference(reference)
        if digest and ext.sha256 != digest:
            raise OsaError(f"{who} {folder}: the run's extension file {ext.file} changed since "
                           "the run (sha256 differs from run.json's extensions), so the run's "
                           "answers would not hold. Restore it, or solve again.")
        out.append(ext)
    return out


def load_run(folder: str | Path, *, problem: Problem | None = None) -> Result:
    """A finished run back in Python, read like a fresh one: its input (checked unchanged)
    under its policy.toml, its extensions (re-loaded from their files, checked by sha256;
    one defined in a notebook refuses re-solves by name until given back with
    ``result.problem.with_extensions(func)``), its portfolios, notes, diagnosis, timings, and
    its analyses as the same objects a solve gives (WhyAnalysis, PriceAnalysis, Frontier…,
    with their DataFrames). Nothing is solved.

    ``problem``: the Problem the run solved, for a run of tables edited in Python
    (``with_projects``/``with_countries``), which the folder does not keep; its sources
    must be the run's ``inputs`` (same files, same edits; its policy aside), and the run's
    policy.toml applies. Without it such a run is refused, never read back on the unedited file.

    >>> last_week = osa_opt.load_run("outputs/round-20261130")     # doctest: +SKIP
    >>> osa_opt.load_run("outputs/round-20261207").diff(last_week)  # doctest: +SKIP
    """
    from osa_opt.analysis.diagnose import Diagnosis
    from osa_opt.analysis.loaded import rebuild
    from osa_opt.inputs.readers import load_problem
    from osa_opt.result import Portfolio, Result, Status

    folder = Path(folder)
    if problem is None:
        input_path, policy_path = run_sources(folder, who="load_run:")
        manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        problem = load_problem(input_path, policy=policy_path)
    else:
        manifest, policy_path = _given_problem_matches(folder, problem)
        problem = problem.with_policy(Policy.load(policy_path))._recorded_as(
            manifest.get("inputs", {}))
    extensions = run_extensions(folder, who="load_run:")
    problem = problem.with_extensions(extensions) if extensions else problem
    ports: list[Portfolio] = []
    for entry in manifest.get("portfolios", []):
        fractions = {p: 1.0 for p in entry["projects"]}
        fractions.update(entry.get("fractions", {}))
        ports.append(Portfolio(
            rank=entry["rank"], objective=entry["objective"], fractions=fractions,
            problem=problem, status=Status(entry["status"]), gap=entry.get("gap"),
            bound=entry.get("bound"), seconds=entry.get("solve_seconds", 0.0),
            best_objective=ports[0].objective if ports else entry["objective"],
            reference=ports[0] if ports else None))
    analyses = {name: rebuild(name, data, problem, folder)
                for name, data in manifest.get("analyses", {}).items()}
    return Result(problem, Status(manifest["status"]), ports, dict(manifest.get("timings", {})),
                  list(manifest.get("notes", [])), Diagnosis(manifest.get("diagnosis", [])),
                  analyses, manifest.get("message", ""), bool(manifest.get("partial", False)),
                  extensions=list(manifest.get("extensions", [])),
                  custom_components=list(manifest.get("custom_components", [])),
                  blocked_by={str(k): list(v) for k, v in (manifest.get("blocked_by") or {}).items()})


def _given_problem_matches(folder: Path, problem: Problem) -> tuple[dict, Path]:
    """run.json and policy.toml of ``folder``, once ``problem``'s sources are its inputs."""
    manifest_path, policy_path = _run_files(folder, "load_run:")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        recorded = dict(manifest.get("inputs", {}))
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        raise OsaError(f"load_run: {folder}: run.json cannot be read ({exc}).") from exc
    given = dict(problem.sources)
    differ = sorted(name for name in set(recorded) | set(given)  # the run's policy.toml applies
                    if recorded.get(name) != given.get(name) and not is_policy_source(name))
    if differ:
        raise OsaError(
            f"load_run: {folder}: the problem given is not the one the run solved (its "
            f"sources differ from run.json's inputs in {', '.join(differ)}); give the "
            "Problem the run solved, with the same edits, or solve it again.")
    return manifest, policy_path


def compare_runs(new: str | Path | Result, old: str | Path | Result) -> pd.DataFrame:
    """What changed in portfolio 1 from run ``old`` to run ``new`` (folders or Results):
    :meth:`Result.diff` as a DataFrame, one row per project whose funding changed.

    >>> osa_opt.compare_runs("outputs/this-week", "outputs/last-week")  # doctest: +SKIP
    """
    def result_of(run: str | Path | Result) -> Result:
        return load_run(run) if isinstance(run, str | Path) else run

    return result_of(new).diff(result_of(old))
