"""Generate ``inputs/example.xlsx``, the shipped illustrative input workbook.

Run from the repository root, with the package installed (``pip install -e .``):

    python inputs/make_example.py                 # rewrites inputs/example.xlsx
    python inputs/make_example.py /tmp/copy.xlsx  # writes elsewhere

The partner countries are fictional and so are all their assessments and every score: real
countries must not be given invented assessments. Project types and costs follow the public
record of Japan's OSA (FY2023-FY2025, ¥0.3-3.1 bn a project, median about ¥0.75 bn; see
``domain/osa_public_record.csv``). Costs and countries are written out below by hand; the
scores, risks and score spreads are drawn from a seeded generator, so the file is the same
on every run. docs/example.md explains the choices.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from osa_opt.inputs.schema import (
    COUNTRIES,
    COUNTRY_COLUMNS,
    PROJECTS,
    cost_column,
    project_columns,
    score_column,
)
from osa_opt.inputs.template import add_data_sheet, atomic_workbook
from osa_opt.inputs.workbook_doc import write_readme_sheet

SEED = 2026
OUT = Path(__file__).resolve().with_name("example.xlsx")

# The fiscal years and criteria of models/default.toml and models/humanitarian_focus.toml.
FISCAL_YEARS = ["FY2026", "FY2027"]
CRITERIA = ["security", "humanitarian", "partnership"]

# --------------------------------------------------------------------------- countries
# Fictional partners in real regions. Four cannot receive OSA under the default policy,
# each for a different reason: Drakmoor is a party to a conflict, Opalind is not on the
# OECD DAC list, Dravina has no management agreement yet, and Kantoro's democracy and
# rule-of-law assessments are below 4.0. Steppara's human-rights assessment (4.6) passes
# the default threshold (4.0) but not the humanitarian policy's (5.0).
#
# country, region, tier, oda_eligible, party_to_conflict, management_agreement,
# democracy, rule_of_law, human_rights, max_share
COUNTRY_TABLE = [
    ("Aurelia", "Southeast Asia", 1, True, False, True, 7.2, 6.8, 6.9, 0.2),
    ("Serendel", "Southeast Asia", 1, True, False, True, 6.1, 5.9, 6.0, None),
    ("Lumaris", "Southeast Asia", 2, True, False, True, 5.5, 5.2, 5.4, None),
    ("Tavola", "Southeast Asia", 3, True, False, True, 5.0, 4.7, 5.3, None),
    ("Opalind", "Southeast Asia", 3, False, False, True, 8.4, 8.0, 8.2, None),
    ("Coralia", "Pacific Islands", 1, True, False, True, 7.8, 7.1, 7.5, None),
    ("Nalumea", "Pacific Islands", 2, True, False, True, 7.0, 6.4, 6.8, None),
    ("Pelagia", "Pacific Islands", 2, True, False, True, 8.1, 7.4, 7.9, 0.05),
    ("Motuana", "Pacific Islands", 3, True, False, True, 6.9, 6.1, 6.6, None),
    ("Sundara", "South Asia", 1, True, False, True, 6.4, 5.6, 5.8, None),
    ("Dravina", "South Asia", 2, True, False, False, 5.8, 5.1, 5.5, None),
    ("Kalindra", "Africa", 2, True, False, True, 5.2, 4.8, 5.1, None),
    ("Zambera", "Africa", 3, True, False, True, 4.8, 4.5, 5.2, None),
    ("Kantoro", "Africa", 3, True, False, True, 3.1, 3.6, 4.2, None),
    ("Steppara", "Central Asia", 2, True, False, True, 4.6, 4.4, 4.6, None),
    ("Drakmoor", "Central Asia", 2, True, True, True, 4.9, 4.2, 4.3, None),
]

# Baseline risk of failed delivery or misuse in each country (not a column: it feeds `risk`).
COUNTRY_RISK = {
    "Aurelia": 0.05, "Serendel": 0.08, "Lumaris": 0.10, "Tavola": 0.15, "Opalind": 0.03,
    "Coralia": 0.06, "Nalumea": 0.08, "Pelagia": 0.05, "Motuana": 0.12, "Sundara": 0.10,
    "Dravina": 0.12, "Kalindra": 0.16, "Zambera": 0.20, "Kantoro": 0.22, "Steppara": 0.18,
    "Drakmoor": 0.25,
}

# --------------------------------------------------------------------------- projects
# id, country, field, assistance_type, cost FY2026, cost FY2027 (¥ million), title, extras.
# Extras set the optional columns: min_funding (partly fundable), status and status_reason,
# exclusive_group (alternatives for one need), requires (dependencies).
MS, AS, CT, CP = "maritime_surveillance", "airspace_surveillance", "counter_terrorism", "counter_piracy"
DR, SR, MD, RT, PK = ("disaster_relief", "search_and_rescue", "medical", "relief_transport",
                      "peacekeeping")
EQ, SU, IN = "equipment", "supplies", "infrastructure"

PROJECT_TABLE = [
    # Aurelia (tier 1): a continuing radar agreement and a choice of patrol boats.
    ("P-01", "Aurelia", MS, EQ, 850, 0, "Coastal surveillance radars, second tranche (3 sites)",
     {"status": "mandatory", "status_reason":
      "Second tranche of the FY2025 coastal radar agreement (exchange of notes signed)"}),
    ("P-02", "Aurelia", MS, EQ, 1100, 950, "High-speed patrol boats, new build (four 18 m)",
     {"exclusive_group": "Aurelia patrol boats"}),
    ("P-03", "Aurelia", MS, EQ, 800, 0, "Refurbished patrol boats (four, ex-coast guard) with refit",
     {"exclusive_group": "Aurelia patrol boats"}),
    ("P-04", "Aurelia", MS, SU, 400, 0,
     "Patrol-boat maintenance, spare parts and crew training (3 years)", {"requires": "P-02"}),
    ("P-05", "Aurelia", SR, EQ, 700, 0, "Rescue boats and diving equipment for the naval SAR unit",
     {}),
    ("P-06", "Aurelia", MD, SU, 500, 0, "Field hospital kits for disaster deployments",
     {"min_funding": 0.6}),
    ("P-07", "Aurelia", DR, EQ, 850, 0,
     "Heavy machinery for disaster response (excavators, dump trucks)", {}),
    # Serendel (tier 1): an air-traffic-control radar and its site.
    ("P-08", "Serendel", AS, EQ, 800, 650, "Air-traffic-control radar and related equipment", {}),
    ("P-09", "Serendel", AS, IN, 500, 0, "ATC radar site: shelter, power supply and access road",
     {"requires": "P-08"}),
    ("P-10", "Serendel", MS, EQ, 650, 0,
     "Surveillance UAVs (8) for maritime patrol and disaster response", {}),
    ("P-11", "Serendel", DR, EQ, 750, 0,
     "Heavy machinery for disaster response (bulldozers, shovel loaders)", {}),
    ("P-12", "Serendel", CT, SU, 450, 0, "Explosive-detection and bomb-disposal kits",
     {"min_funding": 0.5}),
    # Coralia (tier 1): boats and a shelter for them, disaster response.
    ("P-13", "Coralia", MS, EQ, 500, 0, "Small patrol boats, RIBs and rescue boats", {}),
    ("P-14", "Coralia", MS, IN, 500, 350, "Boat shelter and slipway for the patrol boats",
     {"requires": "P-13"}),
    ("P-15", "Coralia", DR, EQ, 700, 500, "Disaster-response engineering equipment and trucks", {}),
    ("P-16", "Coralia", RT, EQ, 850, 0,
     "Relief-goods transport: trucks, forklifts and a landing craft", {}),
    # Sundara (tier 1): a coastal radar network, in full or as a first phase.
    ("P-17", "Sundara", MS, EQ, 1000, 900, "Coastal surveillance radar network, 6 sites",
     {"exclusive_group": "Sundara coastal radar"}),
    ("P-18", "Sundara", MS, EQ, 950, 0, "Coastal surveillance radar, 3 sites (phase 1 only)",
     {"exclusive_group": "Sundara coastal radar"}),
    ("P-19", "Sundara", MS, SU, 400, 0,
     "Radar network maintenance, spare parts and operator training", {"requires": "P-17"}),
    ("P-20", "Sundara", CP, EQ, 1200, 0, "Patrol boats for counter-piracy patrols (two 25 m)", {}),
    ("P-21", "Sundara", SR, EQ, 700, 0, "Search-and-rescue UAVs and ground control stations", {}),
    ("P-22", "Sundara", MD, SU, 600, 0, "Medical modules for a navy hospital ship",
     {"min_funding": 0.7}),
    ("P-23", "Sundara", DR, EQ, 750, 0, "Flood-response boats and mobile water purification", {}),
    # Lumaris (tier 2)
    ("P-24", "Lumaris", SR, EQ, 1600, 1500, "Diving support vessel for search and rescue", {}),
    ("P-25", "Lumaris", DR, IN, 900, 0,
     "Disaster-relief supply depot (warehouse and loading bay)", {}),
    # Nalumea (tier 2)
    ("P-26", "Nalumea", MS, IN, 700, 450, "Coastal surveillance radar and transmission tower", {}),
    ("P-27", "Nalumea", DR, EQ, 500, 0, "Heavy machinery for disaster response (road clearing)",
     {}),
    # Pelagia (tier 2, capped at 5% of the budget)
    ("P-28", "Pelagia", MS, EQ, 750, 0, "Patrol boat with fuel and maintenance support", {}),
    ("P-29", "Pelagia", MD, SU, 350, 0, "Emergency medical kits and field hospital tents",
     {"min_funding": 0.5}),
    ("P-30", "Pelagia", DR, IN, 0, 750, "Cyclone shelter and relief warehouse at the naval base",
     {}),
    # Dravina (tier 2, no management agreement: ineligible)
    ("P-31", "Dravina", MS, EQ, 1000, 0, "Coastal patrol boats (three 20 m)", {}),
    ("P-32", "Dravina", DR, EQ, 500, 0, "Disaster-response UAVs", {}),
    # Kalindra (tier 2)
    ("P-33", "Kalindra", MS, IN, 800, 600,
     "Coastal surveillance radar system and related infrastructure", {}),
    ("P-34", "Kalindra", CP, EQ, 1000, 0, "Counter-piracy interceptor boats", {}),
    ("P-35", "Kalindra", PK, EQ, 600, 550,
     "PKO engineering equipment (bulldozers, generators, water purification)", {}),
    ("P-36", "Kalindra", PK, SU, 500, 0, "PKO level-1 field hospital equipment",
     {"min_funding": 0.6}),
    ("P-37", "Kalindra", DR, EQ, 800, 0, "Drought and flood response heavy machinery", {}),
    # Steppara (tier 2): a new air-traffic-control radar or an upgrade of the old one.
    ("P-38", "Steppara", AS, EQ, 900, 700, "Air-traffic-control radar, new",
     {"exclusive_group": "Steppara ATC radar"}),
    ("P-39", "Steppara", AS, EQ, 700, 0, "Upgrade of the existing air-traffic-control radar",
     {"exclusive_group": "Steppara ATC radar"}),
    ("P-40", "Steppara", DR, EQ, 750, 0, "Earthquake-response heavy rescue equipment", {}),
    # Drakmoor (tier 2, party to a conflict: ineligible)
    ("P-41", "Drakmoor", AS, EQ, 1000, 800, "Airspace surveillance radar", {}),
    # Tavola (tier 3)
    ("P-42", "Tavola", CT, EQ, 550, 0, "Counter-terrorism communications and protective equipment",
     {}),
    ("P-43", "Tavola", PK, EQ, 600, 0, "PKO training centre engineering equipment",
     {"status": "excluded", "status_reason": "Deferred at the recipient's request: the "
      "training-centre site will not be ready before FY2028"}),
    # Opalind (tier 3, not ODA-eligible: ineligible)
    ("P-44", "Opalind", MS, EQ, 1300, 0, "Maritime patrol aircraft sensor upgrade", {}),
    # Motuana (tier 3)
    ("P-45", "Motuana", SR, EQ, 300, 0, "Rescue boats and outboard motors", {}),
    ("P-46", "Motuana", MS, IN, 600, 450, "Wharf and boat ramp for patrol boats", {}),
    ("P-47", "Motuana", DR, SU, 400, 0, "Prepositioned disaster-relief supplies",
     {"min_funding": 0.5}),
    # Zambera (tier 3)
    ("P-48", "Zambera", PK, EQ, 0, 850,
     "PKO engineering equipment (earth movers, water purification)", {}),
    ("P-49", "Zambera", MD, EQ, 600, 0, "Medical evacuation ambulances and equipment", {}),
    # Kantoro (tier 3, democracy and rule of law below 4.0: ineligible)
    ("P-50", "Kantoro", CP, EQ, 1000, 0, "Counter-piracy patrol boats", {}),
]

# --------------------------------------------------------------------------- scores
# Typical (security, humanitarian, partnership) scores of a field, 0-10: surveillance scores
# high on security, disaster relief on humanitarian value. Each project's scores scatter
# around these, rise with its size (log2 of its cost against the ¥750m median) and, for
# partnership, with the partner's priority tier.
FIELD_PROFILE = {
    MS: (8.0, 3.0, 7.0),
    AS: (7.5, 2.5, 6.5),
    CT: (7.5, 3.0, 5.5),
    CP: (7.0, 4.0, 6.0),
    DR: (3.0, 8.5, 6.5),
    SR: (4.0, 8.0, 6.0),
    MD: (2.5, 8.0, 5.5),
    RT: (3.5, 7.5, 6.0),
    PK: (5.0, 6.0, 7.0),
}
TIER_PARTNERSHIP = {1: 1.0, 2: 0.3, 3: -0.3}
SIZE_EFFECT = 1.2       # score points per doubling of cost
SCORE_NOISE = 0.8       # standard deviation of a score around its field's profile
MEDIAN_COST = 750.0


# Where each tier's items stand in the year's agreements, and how likely each partner signs
# within the year (fictional, for `osa-opt execution`): the riskier, the less likely.
TIER_STAGE = {1: "agreed", 2: "agreed", 3: "survey"}


def country_rows() -> list[dict[str, object]]:
    """The countries sheet, one dict per row (columns after the table's are left blank)."""
    names = [c.name for c in COUNTRY_COLUMNS]
    return [{**dict(zip(names, row, strict=False)),
             "p_sign": round(1.0 - COUNTRY_RISK[row[0]], 2)} for row in COUNTRY_TABLE]


def project_rows(rng: np.random.Generator) -> list[dict[str, object]]:
    """The projects sheet, one dict per row; draws scores, risk and spread from ``rng``."""
    tier = {row[0]: row[2] for row in COUNTRY_TABLE}
    rows = []
    for pid, country, field, kind, fy26, fy27, title, extras in PROJECT_TABLE:
        size = SIZE_EFFECT * math.log2((fy26 + fy27) / MEDIAN_COST)
        security, humanitarian, partnership = FIELD_PROFILE[field]
        partnership += TIER_PARTNERSHIP[tier[country]]
        noise = rng.normal(0.0, SCORE_NOISE, size=3)
        scores = [min(10.0, max(0.0, round(float(base + size + e), 1)))
                  for base, e in zip((security, humanitarian, partnership), noise, strict=True)]
        risk = COUNTRY_RISK[country] + float(rng.uniform(0.0, 0.12)) + (0.05 if kind == IN else 0)
        rows.append({
            "project_id": pid,
            "title": title,
            "country": country,
            "field": field,
            "assistance_type": kind,
            **{cost_column(fy).name: c for fy, c in zip(FISCAL_YEARS, (fy26, fy27), strict=True)},
            **{score_column(k).name: s for k, s in zip(CRITERIA, scores, strict=True)},
            "risk": round(min(risk, 0.4), 2),
            "min_funding": extras.get("min_funding", 1.0),
            "status": extras.get("status", "candidate"),
            "status_reason": extras.get("status_reason", ""),
            "exclusive_group": extras.get("exclusive_group", ""),
            "requires": extras.get("requires", ""),
            "score_spread": round(float(rng.uniform(0.3, 1.5)), 1),
            "stage": TIER_STAGE[tier[country]],
        })
    return rows


README_INTRO = (
    f"The shipped example input of osa-opt: {len(COUNTRY_TABLE)} partner countries and "
    f"{len(PROJECT_TABLE)} candidate OSA projects for the fiscal years "
    f"{' and '.join(FISCAL_YEARS)} (money in ¥ million).",
    "The countries are FICTIONAL, and so are their governance assessments and every project "
    "score, risk and spread. Real countries must not be given invented assessments.",
    "Project types and costs follow the public record of Japan's Official Security Assistance "
    "(FY2023-FY2025: coastal radars, patrol and rescue boats, UAVs, air-traffic-control radar, "
    "heavy machinery for disaster response, a boat shelter and slipway; ¥300m-3,100m each).",
    "Made by inputs/make_example.py (seeded, so every run gives the same file); see "
    "docs/example.md. Solve it with:  osa-opt solve  (or osa-opt solve inputs/example.xlsx).",
)


def main(out_path: Path | str = OUT) -> Path:
    """Write the example workbook to ``out_path`` (replacing it) and return the path."""
    rng = np.random.default_rng(SEED)
    projects = project_rows(rng)
    countries = country_rows()
    with atomic_workbook(out_path, overwrite=True) as workbook:
        write_readme_sheet(workbook, FISCAL_YEARS, CRITERIA,
                           title="osa-opt example input (fictional countries)",
                           intro=README_INTRO)
        add_data_sheet(workbook, PROJECTS, project_columns(FISCAL_YEARS, CRITERIA), projects)
        add_data_sheet(workbook, COUNTRIES, COUNTRY_COLUMNS, countries)
    return Path(out_path)


if __name__ == "__main__":
    written = main(sys.argv[1] if len(sys.argv) > 1 else OUT)
    print(f"wrote {written}")
