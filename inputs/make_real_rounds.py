"""Write the real OSA rounds FY2023-FY2025 as osa-opt inputs, for the back-test.

Run from the repository root:

    python inputs/make_real_rounds.py          # rewrites inputs/real_rounds/FY20xx/

Each round is a folder (``projects.csv``, ``countries.csv``) holding the packages of that
fiscal year whose amount the public record confirms (``real_rounds/record.csv``, copied
from ``domain/osa_public_record.csv``), one package per partner. Solve one with that year's
budget (``real_rounds/budget.csv``) under the shipped default policy:

    osa-opt solve inputs/real_rounds/FY2024 --set 'budget={FY2024=5000}'

Only the amounts, countries, regions and equipment are real. Everything the record does not
say is a NEUTRAL value, the same for every partner, and no assessment of a real country:
scores 5, governance assessments 5, priority tier 2, no risk. The field of cooperation and
the kind of assistance are our reading of the record's field tag and equipment (FIELDS
below). All partners are on the OECD DAC list, none is a party to a conflict in the sense of
the Three Principles, and each exchange of notes carries the prior-consent clauses.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().with_name("real_rounds")
RECORD = HERE / "record.csv"
BUDGET = HERE / "budget.csv"

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
NEUTRAL_SCORE = 5.0
NEUTRAL_ASSESSMENT = 5.0
NEUTRAL_TIER = 2
CRITERIA = ("security", "humanitarian", "partnership")


def record(status: str = "confirmed") -> list[dict[str, str]]:
    """The record's packages with an amount of this status (``confirmed`` or ``reported``)."""
    with open(RECORD, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["amount_status"] == status]


def budgets() -> dict[str, float]:
    """The initial budget of each fiscal year, ¥ million: ``{"FY2023": 2000.0, ...}``."""
    with open(BUDGET, encoding="utf-8", newline="") as fh:
        return {f"FY{r['fiscal_year']}": int(r["budget_jpy"]) / 1e6 for r in csv.DictReader(fh)}


def field_cell(fields: tuple[str, ...]) -> str:
    return fields[0]


def round_tables(rows: list[dict[str, str]], fiscal_year: str
                 ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The projects and countries rows of one round."""
    projects, countries = [], {}
    for r in rows:
        fields, kind = FIELDS[r["project_id"]]
        projects.append({
            "project_id": r["project_id"], "title": r["equipment"], "country": r["country"],
            "field": field_cell(fields), "assistance_type": kind,
            f"cost_{fiscal_year}": int(r["amount_jpy"]) / 1e6,
            **{f"score_{k}": NEUTRAL_SCORE for k in CRITERIA},
            "amount_status": r["amount_status"], "source": r["primary_source"],
        })
        countries[r["country"]] = {
            "country": r["country"], "region": r["region"], "priority_tier": NEUTRAL_TIER,
            "oda_eligible": "true", "party_to_conflict": "false",
            "management_agreement": "true", "democracy": NEUTRAL_ASSESSMENT,
            "rule_of_law": NEUTRAL_ASSESSMENT, "human_rights": NEUTRAL_ASSESSMENT,
        }
    return projects, list(countries.values())


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out_dir: Path | str = HERE) -> list[Path]:
    """Write one folder per fiscal year of the record; returns the folders."""
    rows = record()
    written = []
    for year in sorted({r["fiscal_year"] for r in rows}):
        fy = f"FY{year}"
        projects, countries = round_tables([r for r in rows if r["fiscal_year"] == year], fy)
        folder = Path(out_dir) / fy
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / "projects.csv", projects)
        _write(folder / "countries.csv", countries)
        written.append(folder)
    return written


if __name__ == "__main__":
    for folder in main(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(f"wrote {folder}")
