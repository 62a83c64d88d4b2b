"""Short text and notebook (HTML) views of a Policy and a Problem.

A policy has some forty keys; its view names it, gives the budget and lists only the rules
that are on (an eligibility test that applies, a priority or balance rule set), so a reader
sees in a few lines what constrains the round. ``policy.to_toml()`` has every key.

>>> import osa_opt
>>> print(repr(osa_opt.Policy.default()).splitlines()[1])
  budget: FY2026 ¥18,100m
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from osa_opt.html import key_values, notebook_wrap
from osa_opt.text import number, percent, yen

#: Sections whose keys are rules (the others set the objective and the solve).
RULE_SECTIONS = ("eligibility", "priority", "balance")


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def _is_on(value: Any, default: Any) -> bool:
    """A rule is on when it is a True switch, or set away from its built-in (neutral) value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Mapping | Sequence) and not isinstance(value, str):
        return bool(value) and _plain(value) != _plain(default)
    return value != default


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value


def _shown(key: str, value: Any) -> str:
    """A rule's value: shares as percentages, switches as their name alone."""
    if isinstance(value, bool):
        return key
    share = "share" in key
    if isinstance(value, Mapping):
        inner = ", ".join(f"{k}: {percent(v) if share else v}" for k, v in value.items())
        return f"{key} {{{inner}}}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return f"{key} [{len(value)}]" if key == "fields" else f"{key} {list(value)}"
    if share:
        return f"{key} {percent(float(value))}"
    return f"{key} {yen(value) if key == 'min_package' else number(value)}"


def rules_on(policy: Any) -> dict[str, list[str]]:
    """Per rule section, the rules that are on, written short (``max_country_share 30%``)."""
    out: dict[str, list[str]] = {}
    for section in RULE_SECTIONS:
        obj = getattr(policy, section)
        on = [_shown(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)
              if _is_on(getattr(obj, f.name), _default(f))]
        if on:
            out[section] = on
    return out


def budget_text(budget: Mapping[str, float]) -> str:
    if not budget:
        return "none set"
    years = ", ".join(f"{fy} {yen(amount)}" for fy, amount in budget.items())
    return f"{years} (total {yen(sum(budget.values()))})" if len(budget) > 1 else years


def _source(policy: Any) -> str:
    return f" from {Path(policy.source).name}" if policy.source else ""


def policy_repr(policy: Any) -> str:
    lines = [f"<Policy {policy.name!r}{_source(policy)}",
             f"  budget: {budget_text(policy.budget)}",
             "  objective: weights " + ", ".join(
                 f"{k} {number(v)}" for k, v in policy.objective.weights.items())
             + f"; risk_aversion {number(policy.objective.risk_aversion)}"]
    lines += [f"  {section}: {', '.join(on)}" for section, on in rules_on(policy).items()]
    lines.append(f"  portfolios: {policy.portfolios.count}, differing by "
                 f"{policy.portfolios.min_difference}+ projects>")
    return "\n".join(lines)


def policy_html(policy: Any) -> str:
    pairs = [("budget", budget_text(policy.budget)),
             ("objective weights", ", ".join(f"{k} {number(v)}"
                                             for k, v in policy.objective.weights.items()))]
    pairs += [(section, "; ".join(on)) for section, on in rules_on(policy).items()]
    pairs.append(("portfolios", f"{policy.portfolios.count}"))
    head = (f'<div class="head"><b>Policy</b> {escape(policy.name)}'
            f"{escape(_source(policy))}</div>")
    return notebook_wrap(head + key_values(pairs, "data"))


def problem_counts(problem: Any) -> dict[str, int]:
    summary = problem.summary()
    return {"projects": summary["projects"], "eligible": summary["eligible"],
            "countries": summary["countries"], "warnings": len(problem.warnings)}


def problem_repr(problem: Any) -> str:
    c = problem_counts(problem)
    # the run's title first, as the terminal's first line, the report and the workbook
    lines = [f"<Problem {problem.title}: {c['projects']} projects ({c['eligible']} "
             f"eligible), {c['countries']} countries",
             f"  policy: {problem.policy.name!r}",
             f"  budget: {budget_text(problem.policy.budget)}",
             f"  warnings: {c['warnings']}"]
    if problem.extensions:
        lines.append(f"  extensions: {', '.join(e.function for e in problem.extensions)}")
    if edits := edits_text(problem):
        lines.append(f"  changed in place, not taken: {edits}")
    return "\n".join(lines) + ">"


def edits_text(problem: Any) -> str:
    """What was changed in place in the problem's tables, which it does not take, with the
    call that takes it ('' when nothing was)."""
    edits = problem.edits_in_place()
    if not edits:
        return ""
    first = next(iter(edits))
    return ("; ".join(f"{sheet} ({', '.join(changes)})" for sheet, changes in edits.items())
            + f" (problem.with_{first}(problem.{first}) takes it)")


def problem_html(problem: Any) -> str:
    c = problem_counts(problem)
    pairs = [("projects", f"{c['projects']:,}"), ("eligible", f"{c['eligible']:,}"),
             ("countries", f"{c['countries']:,}"), ("policy", problem.policy.name),
             ("budget", budget_text(problem.policy.budget)),
             ("warnings", f"{c['warnings']:,}" + (" (problem.warnings lists them)"
                                                 if c["warnings"] else ""))]
    if problem.extensions:
        pairs.append(("extensions", ", ".join(e.function for e in problem.extensions)))
    if edits := edits_text(problem):
        pairs.append(("changed in place, not taken", edits))
    body = (f'<div class="head"><b>Problem</b> {escape(problem.title)}</div>'
            + key_values(pairs, "data"))
    if problem.warnings:  # each a sentence or two: listed, wrapping, never cut
        items = "".join(f"<li>{escape(w.message())}</li>" for w in problem.warnings[:25])
        more = len(problem.warnings) - 25
        body += (f'<ul class="warnings">{items}</ul>'
                 + (f'<p class="more">{more:,} more in problem.warnings.</p>' if more > 0
                    else ""))
    return notebook_wrap(body)
