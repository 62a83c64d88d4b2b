"""Policy models: what is optimized and which rules hold (docs/policy.md).

A policy is a frozen dataclass tree, frozen all the way down (its tables and lists too:
change one with :meth:`Policy.override`). Every key has a built-in default, a unit, a
meaning and bounds (field metadata, :mod:`osa_opt.inputs.policy_keys`), so validation, the
model and the reports' glossary read one registry. Unknown keys and wrong types are errors
that name the key.

>>> from osa_opt.inputs.policy import Policy
>>> p = Policy.from_dict({"budget": {"FY2026": 18100}})
>>> p.override({"portfolios.count": 3}).portfolios.count
3
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from osa_opt.digest import sha256
from osa_opt.errors import Issue, PolicyError, unusable_path
from osa_opt.inputs.display import policy_html, policy_repr
from osa_opt.inputs.encodings import (
    Binary,
    binary_kind,
    decoded,
    looks_like,
    marked_failure,
)
from osa_opt.inputs.policy_convert import (
    build_section,
    convert,
    parse_cli_value,
    type_issue,
    unknown_key,
)
from osa_opt.inputs.policy_keys import (
    ASSISTANCE_TYPES,
    FIELDS,
    MAX_AMOUNT,
    MAX_FACTOR,
    MAX_FRONTIER_STEPS,
    MAX_FRONTIER_STOP,
    MAX_PORTFOLIOS,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_THREADS,
    MAX_WHOLE,
    STATUSES,
    TIERS,
    Bounds,
    Frozen,
    check_values,
    key_types,
    param,
)
from osa_opt.inputs.policy_sections import (
    SECTIONS,
    BalancePolicy,
    EligibilityPolicy,
    ExecutionPolicy,
    FrontierPolicy,
    ObjectivePolicy,
    PortfoliosPolicy,
    PriorityPolicy,
    RobustnessPolicy,
    SolverPolicy,
)
from osa_opt.inputs.toml_hints import without_underscores
from osa_opt.text import number

__all__ = [
    "ASSISTANCE_TYPES", "FIELDS", "MAX_AMOUNT", "MAX_FACTOR", "MAX_FRONTIER_STEPS",
    "MAX_FRONTIER_STOP", "MAX_PORTFOLIOS", "MAX_SAMPLES", "MAX_SEED", "MAX_THREADS",
    "MAX_WHOLE", "OVERRIDE_SHEET", "SECTIONS", "STATUSES", "TIERS", "BalancePolicy",
    "EligibilityPolicy", "ExecutionPolicy", "FrontierPolicy", "ObjectivePolicy", "Policy",
    "PortfoliosPolicy",
    "PriorityPolicy", "RobustnessPolicy", "SolverPolicy", "placed", "policy_sheet", "under_key",
]

#: Where a problem introduced by an override (``--set``, ``--budget``, a CLI flag) is reported.
OVERRIDE_SHEET = "policy override (command line or API)"

_BUDGET = Bounds(
    low=0.0, low_rule="a budget must be >= 0", hint="give ¥ million >= 0", high=MAX_AMOUNT,
    high_rule=f"a budget above {number(MAX_AMOUNT)} ¥ million (¥1,000 trillion) cannot be right",
    high_hint="budgets are in ¥ million (18100 means ¥18.1 billion): check the digits, and "
    "that the amount is not in yen",
    key_ok=lambda fy: bool(fy.strip()) and not any(ch.isspace() for ch in fy),
    key_rule="a fiscal-year key may not be blank or contain spaces",
    key_hint="name years like FY2026 (the column is cost_FY2026)")


def _binary_issue(sheet: str, name: str, binary: Binary) -> Issue:
    """A policy file that is a binary file (a gzip archive, a workbook, a PDF): what it
    is, and the fix."""
    rule = f"not a policy (TOML text) but {binary.kind}"
    if binary.unpack is not None:
        return Issue(sheet, None, None, None, rule, f"{binary.unpack}, and give the .toml "
                     "file it holds with --policy")
    if binary.workbook:
        return Issue(sheet, None, None, None, rule, "give the workbook as INPUT and a policy "
                     ".toml file with --policy (see models/)")
    return Issue(sheet, None, None, None, rule, "give a policy .toml file with --policy (see "
                 "models/ for examples)")


def _misplaced(issue: Issue) -> Issue:
    """An issue of a top-level key written under a table (``name = ...`` after ``[budget]``
    is ``budget.name`` to TOML) says so, whatever rule it broke there."""
    table, _, key = str(issue.column or "").partition(".")
    if key not in ("name", "budget") or table not in ("budget", *SECTIONS):
        return issue
    return dataclasses.replace(issue, hint=(
        f"{key} is a key of its own, not of [{table}]: in TOML every line after a [table] "
        f"header belongs to that table, so move {key} = ... above the first [table] "
        "header of the file"))


EDITED_POLICY = "policy (edited in Python)"
"""The name a run's ``inputs`` gives a policy that is no file as read (a Policy or dict
given in Python, or overrides), with the sha256 of the policy.toml the run folder writes."""


def read_policy(
    policy: str | Path | Policy | Mapping[str, Any],
) -> tuple[Policy, dict[str, str]]:
    """The policy given as a TOML file, a Policy or nested dicts, and what a run's
    ``inputs`` records of it: ``{file name: sha256 of the file}`` for a file, else nothing."""
    if isinstance(policy, Policy):
        return policy, {}
    if isinstance(policy, Mapping):
        return Policy.from_dict(policy), {}
    if isinstance(policy, str | Path):
        return Policy.load(policy), {Path(policy).name: sha256(Path(policy).read_bytes())}
    raise TypeError(f"policy must be a path, a Policy or a dict, not {type(policy).__name__}")


def edited_policy_source(policy: Policy) -> dict[str, str]:
    """What a run's ``inputs`` records of a policy edited in Python: :data:`EDITED_POLICY`
    with the sha256 of ``policy.to_toml()``, the run folder's policy.toml."""
    return {EDITED_POLICY: sha256(policy.to_toml().encode("utf-8"))}


def is_policy_source(name: str) -> bool:
    """Whether ``name`` in a Problem's sources is its policy (a TOML file or an edited one);
    an input is never a .toml file (the readers refuse one)."""
    return name == EDITED_POLICY or name.lower().endswith(".toml")


def policy_sheet(policy: Policy) -> str:
    """How issues name the policy: ``"policy default.toml"``, or ``"policy"`` if built in code."""
    return f"policy {Path(policy.source).name}" if policy.source else "policy"


def under_key(column: str | None, keys: Iterable[str]) -> str | None:
    """The one of ``keys`` that ``column`` is or lies under (``budget`` for
    ``budget.FY2026``), else None.

    >>> under_key("balance.max_share.Asia", ["balance.max_share", "budget"])
    'balance.max_share'
    >>> under_key("priority.min_countries", ["priority.min_count"]) is None
    True
    """
    if not column:
        return None
    return next((k for k in keys if column == k or column.startswith(f"{k}.")), None)


def placed(issues: Iterable[Issue], policy: Policy) -> list[Issue]:
    """Each issue of ``policy``'s file whose key an override set (``overrides=`` of
    :func:`~osa_opt.load_problem`, ``--set``, ``--budget``) named at the override
    (:data:`OVERRIDE_SHEET`): the value checked is the override's, not the file's.

    >>> p = Policy.default().override({"priority.required_partners": ["Tavolla"]})
    >>> placed([Issue(policy_sheet(p), None, "priority.required_partners", "Tavolla", "r",
    ...               "h")], p)[0].sheet
    'policy override (command line or API)'
    """
    where = policy_sheet(policy)
    return [dataclasses.replace(i, sheet=OVERRIDE_SHEET)
            if i.sheet == where and under_key(i.column, policy.overridden) else i
            for i in issues]


#: The name of a policy that gives none (a run is then titled from its input:
#: :func:`~osa_opt.inputs.problem.round_title`).
UNNAMED_POLICY = "Unnamed policy"


@dataclass(frozen=True)
class Policy(Frozen):
    """A whole policy model. Build with :meth:`load`, :meth:`from_dict` or :meth:`default`."""

    name: str = param(UNNAMED_POLICY, "name of the policy")
    budget: Mapping[str, float] = param(
        {}, "budget per fiscal year; keys name the cost_<FY> columns", "¥ million", _BUDGET)
    eligibility: EligibilityPolicy = field(default_factory=EligibilityPolicy)
    objective: ObjectivePolicy = field(default_factory=ObjectivePolicy)
    priority: PriorityPolicy = field(default_factory=PriorityPolicy)
    balance: BalancePolicy = field(default_factory=BalancePolicy)
    portfolios: PortfoliosPolicy = field(default_factory=PortfoliosPolicy)
    solver: SolverPolicy = field(default_factory=SolverPolicy)
    frontier: FrontierPolicy = field(default_factory=FrontierPolicy)
    robustness: RobustnessPolicy = field(default_factory=RobustnessPolicy)
    execution: ExecutionPolicy = field(default_factory=ExecutionPolicy)
    source: str | None = field(default=None, compare=False)
    #: What reading the file found valid but odd (:func:`~.toml_hints.ends_in_empty_table`):
    #: warnings of every Problem under this policy, kept through overrides.
    read_notes: tuple[Issue, ...] = field(default=(), compare=False, repr=False)
    #: The dotted keys :meth:`override` set (``"priority.required_partners"``): a problem
    #: found in one of their values is the override's, not the file's (:func:`placed`).
    overridden: tuple[str, ...] = field(default=(), compare=False, repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def default(cls) -> Policy:
        """The shipped round policy, ``models/default.toml``."""
        from osa_opt.data import default_policy_path

        return cls.load(default_policy_path())

    @classmethod
    def load(cls, path: str | Path, overrides: Mapping[str, Any] | None = None) -> Policy:
        """Read a TOML policy file; ``overrides`` maps dotted keys to values."""
        path = Path(path)
        sheet = f"policy {path.name}"
        refused = unusable_path(path)
        if refused:
            raise PolicyError([Issue(sheet, None, None, str(path), f"the path cannot be used: "
                                     f"{refused}", "give a policy .toml file at a shorter path "
                                     "you may read")])
        if not path.is_file():
            raise PolicyError(
                [Issue(sheet, None, None, str(path), "policy file not found",
                       "give the path of an existing .toml file (osa-opt example writes "
                       "the shipped ones, models/*.toml, into the current folder); without "
                       "--policy the shipped default policy (models/default.toml) is used, "
                       "which comes with every install")]
            )
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv"):
            raise PolicyError(
                [Issue(sheet, None, None, str(path),
                       f"an input ({path.suffix}), not a policy: a policy is a .toml file",
                       "give the input as INPUT and a policy .toml file with --policy (see "
                       "models/)")])
        try:
            raw = path.read_bytes()
            text = decoded(raw)  # Notepad starts UTF-8 with a mark; its "Unicode" is UTF-16
        except OSError as exc:
            raise PolicyError(
                [Issue(sheet, None, None, str(path), f"cannot read the file: "
                       f"{exc.strerror or exc}", "check that the file exists and is readable")]
            ) from None
        except UnicodeDecodeError as exc:
            binary = binary_kind(raw)
            if binary is not None:  # a gzip archive, a workbook, a PDF named .toml
                raise PolicyError([_binary_issue(sheet, path.name, binary)]) from None
            marked = marked_failure(raw, exc)
            if marked is not None:  # UTF-16 or UTF-32 by its mark, cut short or damaged
                where, said, cut = marked
                raise PolicyError([Issue(
                    sheet, where, None, None, said,
                    "copy the file again in full, or save it again as UTF-8 text" if cut
                    else "save the file as UTF-8 text (in Notepad: File > Save As, "
                    "Encoding UTF-8)")]) from None
            raise PolicyError(
                [Issue(sheet, None, None, None, f"not UTF-8 text (unreadable byte at position "
                       f"{exc.start}){looks_like(raw)}", "save the file as UTF-8 text (in "
                       "Notepad: File > Save As, Encoding UTF-8)")]
            ) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            from osa_opt.inputs.toml_hints import explain, line_of, other_format

            line = line_of(str(exc))
            cause = other_format(text) or explain(text, line, str(exc))
            rule = f"not valid TOML: {exc}" + (f"; likely cause: {cause[0]}" if cause else "")
            raise PolicyError(
                [Issue(sheet, line, None, None, rule, cause[1] if cause else
                       "fix the syntax; see models/default.toml for the format")]
            ) from None
        try:
            policy = cls.from_dict(data, source=str(path))
        except PolicyError as exc:  # say on which line of the file each key is
            raise PolicyError([_misplaced(dataclasses.replace(i, row=toml_line(text, i.column))
                                          if i.row is None and i.column else i)
                               for i in exc.issues]) from None
        from osa_opt.inputs.toml_hints import ends_in_empty_table

        empty = ends_in_empty_table(text)
        if empty is not None:  # the file cut short after a header? valid, so a warning
            line, header = empty
            policy = dataclasses.replace(policy, read_notes=(Issue(
                sheet, line, header.strip("[]"), header,
                f"the file ends with the table {header} and nothing under it: every key of "
                f"{header} takes its built-in default",
                f"if the file was cut short (a copy or download that did not finish), copy it "
                f"again in full; if the defaults are meant, delete the empty {header} header "
                "(docs/policy.md lists each key's default)"),))
        return policy.override(overrides) if overrides else policy

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> Policy:
        """Build a policy from nested dicts (the TOML layout); every problem at once."""
        where = f"policy {Path(source).name}" if source else "policy"
        if not isinstance(data, Mapping):
            raise PolicyError([type_issue(where, "policy", type(data).__name__,
                                           "a table of sections, e.g. {\"budget\": {...}}")])
        issues: list[Issue] = []
        kwargs: dict[str, Any] = {"source": source}
        keys = {f.name: f for f in dataclasses.fields(cls) if "meaning" in f.metadata}
        for key, value in data.items():
            if key in SECTIONS:
                if not isinstance(value, Mapping):
                    issues.append(type_issue(where, key, value, "a table [" + key + "]"))
                    continue
                kwargs[key] = build_section(where, key, SECTIONS[key], value, issues, SECTIONS)
            elif key in keys:
                # mypy checks the class against Hashable with the instances' __hash__ (a
                # frozen dataclass's); a class itself is always hashable
                hints = key_types(cls)  # type: ignore[arg-type]
                converted = convert(where, key, value, hints[key], issues)
                if converted is not None:
                    kwargs[key] = converted
            else:
                issues.append(unknown_key(where, key, [*keys, *SECTIONS], SECTIONS))
        if issues:
            raise PolicyError(issues)
        policy = cls(**kwargs)
        policy_issues = policy.check()
        if policy_issues:
            raise PolicyError(policy_issues)
        return policy

    def override(self, overrides: Mapping[str, Any] | None) -> Policy:
        """A copy with dotted keys replaced, e.g. ``{"budget.FY2026": 20000}``.

        A value given as text (from the command line) is parsed as TOML.
        """
        if not overrides:
            return self
        if not isinstance(overrides, Mapping):  # a list or "key=value" text of a notebook
            raise PolicyError([Issue(
                OVERRIDE_SHEET, None, None, repr(overrides)[:80],
                f"overrides must be a dict of dotted keys, not a {type(overrides).__name__}",
                'give overrides={"budget.FY2026": 20000} (the keys of --set KEY=VALUE)')])
        data = self.to_dict()
        issues: list[Issue] = []
        for dotted, value in overrides.items():
            if isinstance(value, str):
                joined = without_underscores(value)
                if joined is not None:  # TOML reads 1_200 as 1200; the command line types
                    issues.append(Issue(  # numbers as the input's cells are
                        OVERRIDE_SHEET, None, dotted, value.strip(),
                        "a number with '_' between its digits",
                        f"write {joined}, without '_' (as a number of the input is typed: a "
                        "spreadsheet reads 1_200 as text)"))
                    continue
                value = parse_cli_value(value)
            parts = dotted.split(".")
            target: Any = data
            for part in parts[:-1]:
                if not isinstance(target, dict) or part not in target:
                    issues.append(unknown_key(OVERRIDE_SHEET, dotted, list(data)))
                    break
                target = target[part]
            else:
                leaf = parts[-1]
                is_table_entry = len(parts) == 3 or parts[0] == "budget"
                if not isinstance(target, dict) or (leaf not in target and not is_table_entry):
                    known = list(target) if isinstance(target, dict) else []
                    issues.append(unknown_key(OVERRIDE_SHEET, dotted, known, SECTIONS))
                    continue
                target[leaf] = value
        if issues:
            raise PolicyError(issues)
        try:
            return dataclasses.replace(
                Policy.from_dict(data, source=self.source), read_notes=self.read_notes,
                overridden=(*self.overridden,
                            *(str(k) for k in overrides if str(k) not in self.overridden)))
        except PolicyError as exc:  # blame the override, not the file, for what it changed
            changed = tuple(overrides)
            raise PolicyError([
                dataclasses.replace(issue, sheet=OVERRIDE_SHEET)
                if issue.column and issue.column.startswith(changed) else issue
                for issue in exc.issues]) from None

    # ------------------------------------------------------------------ views
    def __repr__(self) -> str:  # a few lines: name, budget, the rules that are on
        return policy_repr(self)

    def _repr_html_(self) -> str:
        return policy_html(self)

    def to_dict(self) -> dict[str, Any]:
        """The policy as plain nested dicts (JSON- and TOML-friendly keys)."""
        out: dict[str, Any] = {"name": self.name, "budget": dict(self.budget)}
        for section in SECTIONS:
            obj = getattr(self, section)
            out[section] = {
                f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)
            }
        return out

    @property
    def fiscal_years(self) -> list[str]:
        return list(self.budget)

    @property
    def criteria(self) -> list[str]:
        return list(self.objective.weights)

    @property
    def total_budget(self) -> float:
        return float(sum(self.budget.values()))

    def check(self) -> list[Issue]:
        """Rules on values (ranges, known names) once types are right: every key's
        :class:`~osa_opt.inputs.policy_keys.Bounds`, walked by one checker."""
        return check_values(self, policy_sheet(self))

    def glossary(self) -> list[dict[str, str]]:
        """Every key with its meaning, unit and the value used: the reports' glossary."""
        rows = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            keyed = ([(f"{f.name}.{g.name}", getattr(value, g.name), g)
                      for g in dataclasses.fields(value)]
                     if dataclasses.is_dataclass(value) else [(f.name, value, f)])
            rows += [{"key": key,
                      # written as in a policy file, so the reports read like models/*.toml
                      "value": v if isinstance(v, str) else _toml_value(_plain(v)),
                      "unit": g.metadata.get("unit", ""),
                      "meaning": g.metadata.get("meaning", "")}
                     for key, v, g in keyed if "meaning" in g.metadata]
        return rows

    def to_toml(self) -> str:
        """The policy as used, as TOML text (what a run records beside its outputs)."""
        lines = [f"name = {_toml_value(self.name)}", "", "[budget]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in self.budget.items()]
        for section, values in self.to_dict().items():
            if section in ("name", "budget"):
                continue
            lines += ["", f"[{section}]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
        return "\n".join(lines) + "\n"


def checked_arguments(policy: Policy, asked: Mapping[str, Any]) -> Policy:
    """``policy`` with the arguments a caller gave (the dotted policy keys they stand for;
    None: not given) checked as the policy's own keys are, so ``portfolios=0``,
    ``time_limit="x"`` or ``target=95`` raise an :class:`~osa_opt.errors.InputError` naming
    the key and the fix, not a ValueError from deep inside.

    >>> checked_arguments(problem.policy, {"robustness.samples": 40}).robustness.samples
    40
    """
    given = {key: value for key, value in asked.items() if value is not None}
    return policy.override(given) if given else policy


# ---------------------------------------------------------------------- TOML
def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _toml_key(key: Any) -> str:
    key = str(key)
    return key if key.replace("_", "").replace("-", "").isalnum() else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def toml_line(text: str, dotted: str | None) -> int | None:
    """The line of ``text`` (1-based) where the key ``dotted`` ("objective.weights.a") is set:
    ``key =`` under its ``[section]``, or the section header for a whole section; None if
    not found (a key that is missing, not wrong).

    >>> toml_line("[budget]\\nFY2026 = 1\\n[objective]\\nweigths = 3\\n", "objective.weigths")
    4
    """
    if not dotted:
        return None
    parts = dotted.split(".")
    section: str | None = None
    header_line = None
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]").strip().strip('"')
            if section == parts[0]:
                header_line = line_number
            continue
        key = line.split("=", 1)[0].strip().strip('"\'') if "=" in line else None
        if key is None:
            continue
        if section == parts[0] and len(parts) > 1 and key == parts[1]:
            return line_number
        if section is None and key == parts[0]:
            return line_number
    return header_line
