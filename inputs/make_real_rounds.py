"""Write the real OSA rounds FY2023-FY2025 as osa-opt inputs, for the back-test.

Run from the repository root:

    python inputs/make_real_rounds.py          # rewrites inputs/real_rounds/

Each round is a folder (``projects.csv``, ``countries.csv``) holding the packages of that
fiscal year whose amount the public record confirms (``inputs/domain/osa_public_record.csv``,
a verbatim copy of the project's domain sources: ``inputs/domain/README.md``), one package
per partner. Solve one with that year's initial budget (``inputs/domain/osa_budget_by_fy.csv``)
under the shipped default policy:

    osa-opt solve inputs/real_rounds/FY2024 --set 'budget={FY2024=5000}'

Real, from the record: each package's id, partner, region, title (the record's equipment),
cost and fiscal year, with its ``amount_status`` and ``source``. Everything the record does
not say is a NEUTRAL value, the same for every partner, and no assessment of a real country:
scores 5, governance assessments 5, priority tier 2, no risk. Each row says so in its
``illustrative`` column, and ``inputs/real_rounds/README.md`` lists, for every row of the
record, whether it is in its round and why not. The field of cooperation and the kind of
assistance are our reading of the record's field tag and equipment (FIELDS below). All
partners are on the OECD DAC list, none is a party to a conflict in the sense of the Three
Principles, and each exchange of notes carries the prior-consent clauses.

It also writes ``osa_opt/data/real_rounds.json``: each round's files by sha256 and the note
every output of a run on an unedited round shows (what is real, from where, and what is
illustrative; :func:`osa_opt.data.input_note`).
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "inputs" / "real_rounds"
DOMAIN = ROOT / "inputs" / "domain"
RECORD = DOMAIN / "osa_public_record.csv"
BUDGET = DOMAIN / "osa_budget_by_fy.csv"
NOTES = ROOT / "osa_opt" / "data" / "real_rounds.json"

#: Our reading of each package: its fields of cooperation and kind of assistance.
FIELDS: dict[str, tuple[tuple[str, ...], str]] = {
    "OSA-2023-PHL": (("maritime_surveillance",), "equipment"),
    "OSA-2023-BGD": (("maritime_surveillance", "disaster_relief"), "equipment"),
    "OSA-2023-MYS": (("maritime_surveillance",), "equipment"),
    "OSA-2023-FJI": (("maritime_surveillance", "disaster_relief"), "equipment"),
    "OSA-2024-PHL": (("maritime_surveillance", "airspace_surveillance"), "equipment"),
    "OSA-2024-DJI": (("maritime_surveillance",), "equipment"),
    "OSA-2024-IDN": (("maritime_surveillance",), "equipment"),
    "OSA-2024-MNG": (("airspace_surveillance",), "equipment"),
    "OSA-2025-PNG": (("disaster_relief",), "equipment"),
    "OSA-2025-LKA": (("maritime_surveillance", "disaster_relief"), "equipment"),
    "OSA-2025-MYS": (("search_and_rescue", "peacekeeping"), "equipment"),
    "OSA-2025-TON": (("maritime_surveillance", "disaster_relief"), "equipment"),
    "OSA-2025-PHL": (("maritime_surveillance",), "infrastructure"),
    "OSA-2025-IDN": (("maritime_surveillance",), "equipment"),
}
#: Our reading of the record's equipment categories as the transfer rules' five categories
#: (rescue, transport, warning, surveillance, minesweeping; radars warn, boats and UAVs
#: survey), or not defence equipment (machinery, infrastructure, uniforms). A package takes
#: the first defence category among its tags, so the default policy's gate is checked.
CATEGORIES: dict[str, str] = {
    "radar": "warning",
    "patrol_boat": "surveillance",
    "boat": "surveillance",
    "uav": "surveillance",
    "rescue_boat": "rescue",
    "vessel": "rescue",
    "sar_equipment": "rescue",
    "peace_ops_equipment": "surveillance",
    "heavy_machinery": "not_defence_equipment",
    "infrastructure": "not_defence_equipment",
    "uniforms": "not_defence_equipment",
}
NEUTRAL_SCORE = 5.0
NEUTRAL_ASSESSMENT = 5.0
NEUTRAL_TIER = 2
CRITERIA = ("security", "humanitarian", "partnership")
#: What each row says of its own values that are not the record's.
PROJECT_LABEL = (
    "illustrative: score_security, score_humanitarian, score_partnership "
    "(neutral 5, the same for every package; the record scores nothing)"
)
COUNTRY_LABEL = (
    "illustrative: priority_tier (2), democracy, rule_of_law, human_rights (5) "
    "are neutral placeholders, the same for every partner, no assessment of a "
    "real country"
)
#: Why a row of the record is not a candidate of its round, by its amount_status.
LEFT_OUT = {"reported": "reported by one source, not confirmed", "not_found": "no amount found"}
FIRST, LAST = 2023, 2025  # the fiscal years with a round


def read_record() -> list[dict[str, str]]:
    """Every row of the public record."""
    with open(RECORD, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def record(status: str = "confirmed") -> list[dict[str, str]]:
    """The record's packages with an amount of this status (``confirmed`` or ``reported``)."""
    return [r for r in read_record() if r["amount_status"] == status]


def budgets() -> dict[str, float]:
    """The budget of each fiscal year, ¥ million: ``{"FY2023": 2000.0, ...}``."""
    with open(BUDGET, encoding="utf-8", newline="") as fh:
        return {f"FY{r['fiscal_year']}": int(r["budget_jpy"]) / 1e6 for r in csv.DictReader(fh)}


def field_cell(fields: tuple[str, ...]) -> str:
    """Every field of a package, as a ``field`` cell reads several (``a;b``)."""
    return ";".join(fields)


def equipment_category(tags: str) -> str:
    """A package's equipment category from the record's ``equipment_category`` tags.

    >>> equipment_category("radar;infrastructure"), equipment_category("heavy_machinery")
    ('warning', 'not_defence_equipment')
    """
    found = [CATEGORIES[t] for t in tags.split(";")]
    return next((c for c in found if c != "not_defence_equipment"), found[0])


def round_tables(
    rows: list[dict[str, str]], fiscal_year: str
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The projects and countries rows of one round."""
    projects, countries = [], {}
    for r in rows:
        fields, kind = FIELDS[r["project_id"]]
        projects.append(
            {
                "project_id": r["project_id"],
                "title": r["equipment"],
                "country": r["country"],
                "field": field_cell(fields),
                "assistance_type": kind,
                "equipment_category": equipment_category(r["equipment_category"]),
                f"cost_{fiscal_year}": int(r["amount_jpy"]) / 1e6,
                **{f"score_{k}": NEUTRAL_SCORE for k in CRITERIA},
                "amount_status": r["amount_status"],
                "source": r["primary_source"],
                "illustrative": PROJECT_LABEL,
            }
        )
        countries[r["country"]] = {
            "country": r["country"],
            "region": r["region"],
            "priority_tier": NEUTRAL_TIER,
            "oda_eligible": "true",
            "party_to_conflict": "false",
            "management_agreement": "true",
            "democracy": NEUTRAL_ASSESSMENT,
            "rule_of_law": NEUTRAL_ASSESSMENT,
            "human_rights": NEUTRAL_ASSESSMENT,
            "illustrative": COUNTRY_LABEL,
        }
    return projects, list(countries.values())


def _million(amount_jpy: str) -> str:
    return f"¥{int(amount_jpy) / 1e6:,.0f}m"


def left_out(year: int) -> list[dict[str, str]]:
    """The record's rows of a fiscal year that are not in its round (no confirmed amount)."""
    return [
        r
        for r in read_record()
        if r["fiscal_year"] == str(year) and r["amount_status"] != "confirmed"
    ]


def _left_out_words(r: dict[str, str]) -> str:
    amount = f"{_million(r['amount_jpy'])} " if r["amount_jpy"] else ""
    return f"{r['country']} ({amount}{LEFT_OUT[r['amount_status']]})"


def note(year: int, projects: list[dict[str, object]]) -> str:
    """What every output of a run on this round says of its numbers."""
    fy = f"FY{year}"
    budget = budgets()[fy]
    words = (
        f"A real OSA round, {fy}: its {len(projects)} partners, items and costs are the "
        f"public record's confirmed amounts (source of each in the source column; "
        f"inputs/domain/osa_public_record.csv); the record's {fy} budget is "
        f"¥{budget:,.0f}m (inputs/domain/osa_budget_by_fy.csv)."
    )
    gone = left_out(year)
    if gone:
        words += (
            f" Not in this round, as the record confirms no amount: "
            f"{', '.join(_left_out_words(r) for r in gone)}."
        )
    return (
        words + " Illustrative: the scores, priority tiers and governance assessments, "
        "neutral and the same for every partner (no assessment of a real country), so "
        "the value ranks nothing real."
    )


def readme(rounds: dict[int, list[dict[str, object]]]) -> str:
    """``inputs/real_rounds/README.md``: what is real, what is illustrative, and every row
    of the record with its place."""
    lines = [
        "# The real OSA rounds FY2023–FY2025",
        "",
        "Written by `inputs/make_real_rounds.py` from `inputs/domain/osa_public_record.csv` and",
        "`inputs/domain/osa_budget_by_fy.csv` (verbatim copies of the public record and the",
        "budget: `inputs/domain/README.md`); do not edit by hand. Each folder is one fiscal",
        "year's round for `osa-opt solve`, with that year's budget:",
        "",
        "```bash",
        *(
            f"osa-opt solve inputs/real_rounds/FY{y} --set 'budget={{FY{y}={budgets()[f'FY{y}']:.0f}}}'"
            for y in rounds
        ),
        "```",
        "",
        "**Real** (from the record, each row with its `amount_status` and `source`): the",
        "project id, partner (`country`), `region`, `title` (the record's equipment), the",
        "`cost_<FY>` (the record's yen in ¥ million), the fiscal year and the budget.",
        "",
        "**Our reading of the record**: `field` (from the record's field tag and equipment),",
        "`assistance_type`, `equipment_category` (the record's first defence category as one",
        "of the transfer rules' five: radars `warning`, boats and UAVs `surveillance`, rescue",
        "boats and vessels `rescue`; machinery, infrastructure and uniforms",
        "`not_defence_equipment`); `oda_eligible` true (all on the OECD DAC list),",
        "`party_to_conflict` false (none is a party to a conflict in the sense of the Three",
        "Principles), `management_agreement` true (each exchange of notes carries the",
        "prior-consent clauses).",
        "",
        "**Illustrative** (the record has no such value; each row says so in its",
        f"`illustrative` column): scores {NEUTRAL_SCORE:g} on every criterion, priority tier "
        f"{NEUTRAL_TIER},",
        f"democracy, rule of law and human rights {NEUTRAL_ASSESSMENT:g}, the economic and social",
        "situation and bilateral relations blank (5), no risk: neutral, the same for every",
        "partner, no assessment of a real country. So a run's value ranks nothing real; what",
        "the back-test shows is that the rules admit every real package within its budget.",
        "",
        "## Every row of the record",
        "",
        "| fiscal year | project | partner | amount | amount status | in its round |",
        "|---|---|---|---|---|---|",
    ]
    for r in read_record():
        year = int(r["fiscal_year"])
        ids = {p["project_id"] for p in rounds.get(year, [])}
        where = (
            "yes"
            if r["project_id"] in ids
            else f"no: {LEFT_OUT.get(r['amount_status'], 'no round of this year')}"
        )
        amount = _million(r["amount_jpy"]) if r["amount_jpy"] else "—"
        lines.append(
            f"| FY{year} | {r['project_id']} | {r['country']} | {amount} | "
            f"{r['amount_status']} | {where} |"
        )
    for year, projects in rounds.items():
        gone = left_out(year)
        if gone:
            used = sum(float(p[f"cost_FY{year}"]) for p in projects)
            lines += [
                "",
                f"So FY{year}'s round leaves part of its budget to packages it "
                f"cannot enter: its confirmed packages cost ¥{used:,.0f}m of "
                f"¥{budgets()[f'FY{year}']:,.0f}m; not in it: "
                f"{', '.join(_left_out_words(r) for r in gone)}.",
            ]
    lines.append("")
    return "\n".join(lines)


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(out_dir: Path | str = HERE, notes: Path | str = NOTES) -> list[Path]:
    """Write one folder per fiscal year of the record, the README and the notes; returns
    the folders."""
    rows = record()
    written, rounds, registry = [], {}, {}
    for year in range(FIRST, LAST + 1):
        fy = f"FY{year}"
        projects, countries = round_tables([r for r in rows if r["fiscal_year"] == str(year)], fy)
        folder = Path(out_dir) / fy
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / "projects.csv", projects)
        _write(folder / "countries.csv", countries)
        rounds[year] = projects
        registry[fy] = {
            "projects.csv": _sha256(folder / "projects.csv"),
            "countries.csv": _sha256(folder / "countries.csv"),
            "note": note(year, projects),
        }
        written.append(folder)
    (Path(out_dir) / "README.md").write_text(readme(rounds), encoding="utf-8")
    Path(notes).write_text(
        json.dumps(registry, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return written


if __name__ == "__main__":
    for folder in main(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(f"wrote {folder}")
