"""What changed since an earlier run: ``osa-opt solve INPUT --since RUN_FOLDER``.

An analyst edits the workbook between runs (a cost, a status, a new candidate, a partner's
tier, the budget) and solves again; this lines the new run up against the earlier one's
``run.json``: which input files and policy keys changed, the total cost requested, which
partners' priority tiers changed, which projects are new to the input or gone from it, of
another cost or value, forced in or out differently or eligible differently, and which
entered or left portfolio 1, each with why it was out before or is out now. The earlier
run keeps no copy of its input, only its ``snapshot`` (each project's cost per fiscal year
and value, each partner's tier: :func:`osa_opt.outputs.manifest.input_snapshot`), so those
are named by project and partner; a change of another cell (a title, a ``requires``) is
told by its consequences (the file changed, a project's outcome), not by cell.

>>> monday = result.to_manifest()
>>> monday["policy"]["budget"]["FY2026"] = 17000.0
>>> monday["portfolios"][0]["projects"].remove("P-02")
>>> monday["unfunded"]["P-02"] = "not selected: the budget buys more value elsewhere"
>>> for line in SinceRun.between(monday, result, "outputs/monday").lines():
...     print(line)
Since outputs/monday (solved ...): policy budget.FY2026 17,000 → 18,100.
Portfolio 1: value 171.239 → 171.239; entered P-02 (was out: not selected: the budget buys more value elsewhere).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from osa_opt.analysis.base import Analysis
from osa_opt.inputs.eligibility import OUT_OF_ROUND
from osa_opt.inputs.other_years import COST_ELSEWHERE, short_reason
from osa_opt.text import fixed, id_list, money, number

if TYPE_CHECKING:
    import pandas as pd

    from osa_opt.result import Result

#: The columns of the two tables (workbook sheets "Since last run", "Inputs since last run").
PROJECT_COLUMNS = ("project_id", "change", "was", "now")
INPUT_COLUMNS = ("what", "was", "now")
#: A project the earlier run did not have.
NEW = "new in the input"
#: The two changes of portfolio 1, in the ``change`` column.
ENTERED, LEFT = "entered portfolio 1", "left portfolio 1"


@dataclass(eq=False, repr=False)
class SinceRun(Analysis):
    """The differences between an earlier run (its run.json) and this one."""

    name = "since"
    run: str
    created: str
    value_was: float | None
    value_now: float | None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def between(cls, previous: dict[str, Any], result: Result, run: str) -> SinceRun:
        """The changes from ``previous`` (an earlier run.json, read) to ``result``."""
        problem = result.problem
        inputs = _input_rows(previous, problem)
        was_p1 = _first(previous.get("portfolios"))
        now_p1 = result.portfolios[0].to_dict() if result.portfolios else None
        # a cost in another year said where it stands, not again its fix (short_reason)
        was_unfunded = {str(k): short_reason(str(v))
                        for k, v in (previous.get("unfunded") or {}).items()}
        now_unfunded = {str(k): short_reason(str(v))
                        for k, v in result.unfunded["reason"].items()}
        was_funded = set(was_p1["projects"]) if was_p1 else set()
        now_funded = set(now_p1["projects"]) if now_p1 else set()
        was_ids = was_funded | set(was_unfunded)
        now_ids = [str(p) for p in problem.input_projects.index]
        rows: list[dict[str, Any]] = []
        if was_p1 and now_p1:
            for pid in now_ids:
                if pid in now_funded and pid not in was_funded:
                    before = was_unfunded.get(pid, NEW if was_ids else "")
                    rows.append(_row(pid, ENTERED, before, "funded"))
            for pid in sorted(was_funded - now_funded, key=_order(now_ids)):
                now = now_unfunded.get(pid, "no longer in the input")
                rows.append(_row(pid, LEFT, "funded", now))
        if was_ids:
            for pid in now_ids:
                if pid not in was_ids and pid not in now_funded:  # one funded: entered, above
                    rows.append(_row(pid, NEW, "", now_unfunded.get(pid, "")))
            for pid in sorted(was_ids - set(now_ids)):
                rows.append(
                    _row(pid, "gone from the input", _outcome(pid, was_funded, was_unfunded), "")
                )
        rows += _snapshot_rows(previous, problem, now_ids)
        rows += _forced_rows(previous, problem, now_ids)
        rows += _eligibility_rows(previous, problem, now_ids, was_ids)
        return cls(
            run=run,
            created=str(previous.get("created") or ""),
            value_was=None if not was_p1 else float(was_p1["objective"]),
            value_now=None if not now_p1 else float(now_p1["objective"]),
            inputs=inputs,
            projects=rows,
        )

    # ------------------------------------------------------------------ the interface
    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "created": self.created,
            "value": {"was": self.value_was, "now": self.value_now},
            "inputs": list(self.inputs),
            "projects": list(self.projects),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        import pandas as pd

        return {
            "since": pd.DataFrame(self.projects, columns=list(PROJECT_COLUMNS)),
            "since_inputs": pd.DataFrame(self.inputs, columns=list(INPUT_COLUMNS)),
        }

    def headline(self) -> str:
        moved = sum(r["change"] in (ENTERED, LEFT) for r in self.projects)
        return (
            f"since {self.run}: {len(self.inputs)} inputs changed, "
            f"{moved} projects entered or left portfolio 1"
        )

    def lines(self) -> list[str]:
        """The terminal's account, one line per kind of change."""
        when = f" (solved {self.created})" if self.created else ""
        changed = "; ".join(
            f"{r['what']} {r['was']} → {r['now']}" if r["was"] or r["now"] else str(r["what"])
            for r in self.inputs
        )
        out = [f"Since {self.run}{when}: " + (changed or "the same input files and policy") + "."]
        if self.value_was is None or self.value_now is None:
            side = "that run" if self.value_was is None else "this run"
            out.append(f"Portfolio 1: {side} has none, so nothing entered or left it.")
        else:
            moves = [r for r in self.projects if r["change"] in (ENTERED, LEFT)]
            text = f"Portfolio 1: value {fixed(self.value_was)} → {fixed(self.value_now)}; " + (
                "the same projects." if not moves else ""
            )
            entered = _grouped(
                [(r["project_id"], r["was"] if r["was"] == NEW
                  else f"was out: {r['was']}" if r["was"] else "")
                 for r in moves if r["change"] == ENTERED])
            left = _grouped([(r["project_id"], f"now out: {r['now']}")
                             for r in moves if r["change"] == LEFT])
            parts = ([f"entered {'; '.join(entered)}"] if entered else []) + (
                [f"left {'; '.join(left)}"] if left else []
            )
            out.append(text + "; ".join(parts) + ("." if parts else ""))
        others = [r for r in self.projects if r["change"] not in (ENTERED, LEFT)]
        by_change: dict[str, list[str]] = {}
        for r in others:
            detail = r["project_id"]
            if r["change"] not in (NEW, "gone from the input"):
                detail += f" ({r['was']} → {r['now']})"
            by_change.setdefault(r["change"], []).append(detail)
        if by_change:
            out.append(
                "Projects: "
                + "; ".join(
                    f"{change}: {id_list(ids, limit=8)}" for change, ids in by_change.items()
                )
                + "."
            )
        return out


def unreadable(previous: Any) -> str | None:
    """What in an earlier run.json ``--since`` cannot read (an entry of another shape than
    osa-opt writes: the file was edited, or is not a run's), or None when it can.

    >>> unreadable({"portfolios": [{"projects": ["P-01"], "objective": 1.0}]}) is None
    True
    >>> unreadable({"portfolios": [{"projects": "P-01"}]})
    "portfolios[0] has no list 'projects' and number 'objective'"
    """
    if not isinstance(previous, dict):
        return "it is not a JSON object"
    ports = previous.get("portfolios", [])
    if not isinstance(ports, list):
        return "'portfolios' is not a list"
    for k, port in enumerate(ports[:1]):
        if not (
            isinstance(port, dict)
            and isinstance(port.get("projects"), list)
            and isinstance(port.get("objective"), int | float)
        ):
            return f"portfolios[{k}] has no list 'projects' and number 'objective'"
    for key in ("unfunded", "eligibility", "policy", "problem", "snapshot"):
        if not isinstance(previous.get(key, {}), dict):
            return f"'{key}' is not an object"
    snap = previous.get("snapshot", {})
    for key in ("cost", "value", "tier", "scores", "assessments"):
        if not isinstance(snap.get(key, {}), dict):
            return f"'snapshot.{key}' is not an object"
    numbers = [*snap.get("value", {}).values(), *snap.get("tier", {}).values()]
    for by_year in snap.get("cost", {}).values():
        if not isinstance(by_year, dict):
            return "'snapshot.cost' does not map each fiscal year to an object"
        numbers += by_year.values()
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        return "'snapshot' holds a value that is no number"
    for key in ("scores", "assessments"):  # the value's parts: column -> id -> number
        parts = snap.get(key, {})
        if not isinstance(parts, dict) or not all(isinstance(c, dict) for c in parts.values()):
            return f"'snapshot.{key}' does not map each column to an object"
        if not all(v is None or (isinstance(v, int | float) and not isinstance(v, bool))
                   for c in parts.values() for v in c.values()):
            return f"'snapshot.{key}' holds a value that is no number"
    forced = (previous.get("problem") or {}).get("forced", {})
    if not isinstance(forced, dict):
        return "'problem.forced' is not an object"
    return None


# ---------------------------------------------------------------------- the pieces
def _grouped(moves: list[tuple[str, str]]) -> list[str]:
    """Projects that moved for the same reason, said once: "P-24, P-27 and P-30 (now out:
    not selected: the budget buys more value elsewhere)", in the order each reason first
    comes; projects without a reason are listed together, with none.

    >>> _grouped([("P-1", "now out: x"), ("P-2", "now out: y"), ("P-3", "now out: x")])
    ['P-1 and P-3 (now out: x)', 'P-2 (now out: y)']
    """
    by_reason: dict[str, list[str]] = {}
    for pid, why in moves:
        by_reason.setdefault(why, []).append(pid)
    return [id_list(ids, limit=len(ids)) + (f" ({why})" if why else "")
            for why, ids in by_reason.items()]


def _row(pid: str, change: str, was: str, now: str) -> dict[str, Any]:
    return {"project_id": pid, "change": change, "was": was, "now": now}


def _first(portfolios: Any) -> dict[str, Any] | None:
    if isinstance(portfolios, list) and portfolios and isinstance(portfolios[0], dict):
        return portfolios[0]
    return None


def _order(ids: list[str]) -> Any:
    where = {pid: k for k, pid in enumerate(ids)}
    return lambda pid: (where.get(pid, len(where)), pid)


def _outcome(pid: str, funded: set[str], unfunded: dict[str, str]) -> str:
    return "funded" if pid in funded else unfunded.get(pid, "")


def _input_rows(previous: dict[str, Any], problem: Any) -> list[dict[str, Any]]:
    """Input files whose contents changed (by sha256), policy keys of other values,
    partners of another priority tier (from the earlier run's ``snapshot``), and the total
    cost requested per fiscal year where it moved."""
    rows: list[dict[str, Any]] = []
    was_files = {str(k): str(v) for k, v in (previous.get("inputs") or {}).items()}
    now_files = dict(problem.sources)
    was_input = previous.get("input_path")
    if was_input != problem.origin:
        was_data, now_data = _data_files(was_files), _data_files(now_files)
        contents = (
            " (the same contents)" if sorted(was_data.values()) == sorted(now_data.values())
            else " (other contents)" if not set(was_data) & set(now_data) else ""
        )  # a file of the same name at both paths is compared below, by name
        rows.append(
            {
                "what": "input",
                "was": was_input or "the shipped example",
                "now": (problem.origin or "the shipped example") + contents,
            }
        )
    for name in now_files:
        if name in was_files and was_files[name] != now_files[name]:
            rows.append({"what": f"{name} changed (its contents differ)", "was": "", "now": ""})
    was_policy = _flat(previous.get("policy") or {})
    # as run.json holds it: lists for tuples, text for what JSON has no type for
    now_policy = _flat(json.loads(json.dumps(problem.policy.to_dict(), default=str)))
    for key in sorted(set(was_policy) | set(now_policy)):
        if key == "name" or was_policy.get(key) == now_policy.get(key):
            continue
        rows.append(
            {
                "what": f"policy {key}",
                "was": _shown(was_policy.get(key)),
                "now": _shown(now_policy.get(key)),
            }
        )
    was_tiers = (previous.get("snapshot") or {}).get("tier") or {}
    for country, tier in problem.input_countries["priority_tier"].items():
        was = was_tiers.get(str(country))
        if was is not None and int(was) != int(tier):
            rows.append(
                {"what": f"partner {country} priority_tier", "was": str(was), "now": str(int(tier))}
            )
    was_requested = (previous.get("problem") or {}).get("requested") or {}
    for fy, now in problem.summary()["requested"].items():
        was = was_requested.get(fy)
        if was is not None and abs(float(was) - float(now)) > 1e-9:
            rows.append(
                {
                    "what": f"cost requested {fy} (¥ million)",
                    "was": money(float(was)),
                    "now": money(float(now)),
                }
            )
    return rows


def _data_files(files: dict[str, str]) -> dict[str, str]:
    """The input files of a run's ``inputs`` (name -> sha256), without its policy file: two
    officers' copies of one workbook under other names hold the same contents."""
    return {name: digest for name, digest in files.items() if not name.endswith(".toml")}


def _snapshot_rows(
    previous: dict[str, Any], problem: Any, now_ids: list[str]
) -> list[dict[str, Any]]:
    """Projects of another cost (per fiscal year) or value (a score, risk, tier or
    assessment moved) than in the earlier run's ``snapshot`` (runs before it have none)."""
    snap = previous.get("snapshot")
    if not isinstance(snap, dict):
        return []
    was_cost = snap.get("cost") or {}
    was_value = snap.get("value") or {}
    ids = [str(p) for p in problem.cost.index]
    now_cost = {str(fy): dict(zip(ids, c.tolist(), strict=True)) for fy, c in problem.cost.items()}
    tables = (problem.input_projects, problem.input_countries)  # each access copies
    country = dict(zip(ids, tables[0]["country"].astype(str), strict=True))
    was_objective = _flat(previous.get("policy") or {}).items()
    now_policy = _flat(json.loads(json.dumps(problem.policy.to_dict(), default=str)))
    policy_moved = any(k.startswith("objective.") and now_policy.get(k) != v
                       for k, v in was_objective)
    value = dict(zip(ids, problem.value.reindex(problem.cost.index).tolist(), strict=True))
    rows = []
    for pid in now_ids:
        before = {fy: float(c[pid]) for fy, c in was_cost.items() if pid in c}
        if before:
            after = {fy: float(c[pid]) for fy, c in now_cost.items()}
            moved = [
                fy
                for fy in sorted(set(before) | set(after))
                if abs(before.get(fy, 0.0) - after.get(fy, 0.0)) > 1e-6
            ]
            if moved:
                rows.append(
                    _row(
                        pid,
                        "cost changed (¥ million)",
                        ", ".join(f"{fy} {money(before.get(fy, 0.0))}" for fy in moved),
                        ", ".join(f"{fy} {money(after.get(fy, 0.0))}" for fy in moved),
                    )
                )
        old_value = was_value.get(pid)
        if old_value is not None and abs(float(old_value) - float(value[pid])) > 1e-6:
            causes = _value_causes(snap, tables, pid, country[pid], policy_moved)
            rows.append(
                _row(
                    pid,
                    f"value changed ({causes or VALUE_PARTS})",
                    fixed(float(old_value)),
                    fixed(float(value[pid])),
                )
            )
    return rows


#: What moves a value, said when the earlier run.json keeps none of its parts (written
#: before ``snapshot.scores``) or none of them moved.
VALUE_PARTS = "a score, risk, tier or assessment"


def _value_causes(snap: dict[str, Any], tables: tuple[Any, Any], pid: str, country: str,
                  policy_moved: bool) -> str:
    """The cells that moved a project's value, in the earlier run's ``snapshot``'s words:
    "score_security 6 → 8", "Serendel's priority_tier 2 → 1", "Sundara's democracy
    6 → 7", "the policy's objective" (its keys are listed with the inputs); "" when the
    snapshot has none of the parts (a run.json written before them). ``tables``: the
    input's projects and countries, read once."""
    projects, countries = tables
    causes = _moved(snap.get("scores"), projects, pid, "")
    tier = (snap.get("tier") or {}).get(country)
    # the partner named: two partners moved 1 → 2 are two causes, their projects told apart
    if tier is not None and int(tier) != int(countries.at[country, "priority_tier"]):
        causes.append(f"{country}'s priority_tier {int(tier)} → "
                      f"{int(countries.at[country, 'priority_tier'])}")
    causes += _moved(snap.get("assessments"), countries, country, f"{country}'s ")
    if policy_moved:
        causes.append("the policy's objective")
    return ", ".join(causes)


def _forced_rows(
    previous: dict[str, Any], problem: Any, now_ids: list[str]
) -> list[dict[str, Any]]:
    was = (previous.get("problem") or {}).get("forced") or {}
    now = problem.summary()["forced"]
    rows = []
    for pid in now_ids:
        before, after = _forced_text(was.get(pid)), _forced_text(now.get(pid))
        if before != after and pid in set(was) | set(now) and _known(previous, pid):
            rows.append(_row(pid, "forced in or out", before, after))
    return rows


def _forced_text(entry: Any) -> str:
    if not isinstance(entry, dict):
        return "not forced (candidate)"
    by, reason = str(entry.get("by")), str(entry.get("status_reason") or "")
    if by == COST_ELSEWHERE:  # where its cost stands, without the fix
        reason = short_reason(f"{by}: {reason}").removeprefix(f"{by}: ")
    return f"forced {entry.get('forced')}: {by}" + (f" ({reason})" if reason else "")


def _known(previous: dict[str, Any], pid: str) -> bool:
    """Whether the earlier run had ``pid`` (a new project is told as new, not as forced)."""
    p1 = _first(previous.get("portfolios"))
    return pid in (previous.get("unfunded") or {}) or bool(p1 and pid in p1["projects"])


def _eligibility_rows(
    previous: dict[str, Any], problem: Any, now_ids: list[str], was_ids: set[str]
) -> list[dict[str, Any]]:
    """Projects eligible then and not now, or the reverse (a status excluded is told as
    forced, not again here)."""
    was = previous.get("eligibility") or {}
    reasons = dict(
        zip(map(str, problem.eligibility.index), problem.eligibility["reasons"], strict=True)
    )
    rows = []
    for pid in now_ids:
        if pid not in was_ids:
            continue
        before = _gates((was.get(pid) or {}).get("reasons") or [])
        after = _gates(reasons[pid])
        if bool(before) != bool(after):
            rows.append(_row(pid, "eligibility", _eligible_text(before), _eligible_text(after)))
    return rows


def _gates(reasons: Any) -> list[str]:
    """The reasons a project fails a gate: not a status excluded nor a cost in another year,
    which are told as forced."""
    return [str(r) for r in reasons
            if not str(r).startswith(OUT_OF_ROUND)]


def _eligible_text(reasons: list[str]) -> str:
    return "ineligible: " + "; ".join(reasons) if reasons else "eligible"


def _moved(parts: Any, table: Any, key: str, whose: str) -> list[str]:
    """The columns of the snapshot's ``parts`` (column -> id -> number: ``scores`` of a
    project, ``assessments`` of its partner) whose number for ``key`` moved in ``table``,
    as "``whose`` name before → now"."""
    moved = []
    for name, was in (parts or {}).items():
        before = was.get(key) if isinstance(was, dict) else None
        if before is None or name not in table.columns:
            continue
        now = float(table.at[key, name])
        if abs(float(before) - now) > 1e-9:
            moved.append(f"{whose}{name} {number(float(before))} → {number(now)}")
    return moved


def _flat(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(_flat(value, name + "."))
        else:
            out[name] = value
    return out


def _shown(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float | int):
        return number(float(value))
    return str(value)
