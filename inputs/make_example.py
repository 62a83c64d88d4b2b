"""Generate ``inputs/example.xlsx``, the shipped illustrative input workbook.

Run from the repository root, with the package installed (``pip install -e .``):

    python inputs/make_example.py                 # rewrites inputs/example.xlsx
    python inputs/make_example.py /tmp/copy.xlsx  # writes elsewhere

The partner countries are fictional and so are all their assessments and every score: real
countries must not be given invented assessments. Project types and costs follow the public
record of Japan's OSA (FY2023-FY2025, ¥0.3-3.1 bn an item; see
``inputs/domain/osa_public_record.csv``). Costs and countries are written out below by hand; the
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

# One fiscal year, as in models/default.toml: an OSA agreement is charged whole to the budget
# of the year its exchange of notes is signed. The criteria of every shipped policy.
FISCAL_YEARS = ["FY2026"]
CRITERIA = ["security", "humanitarian", "partnership"]

# --------------------------------------------------------------------------- countries
# Fourteen fictional candidate partners in the regions of the public record (the FY2026 plan
# is "10 or more" partners). Drakmoor is a party to a conflict in the sense of the Three
# Principles (the UN Security Council is taking measures against it after an armed attack):
# never eligible. Dravina has not accepted the prior-consent clauses (management_agreement
# false), so its projects are out unless an item's own agreement carries them (prior_consent).
# Opalind left the OECD DAC list; recipients are developing countries only "in principle", so
# an override with its written reason keeps it eligible. Kantoro's democracy and rule-of-law
# assessments are low: the guidelines weigh them, so it stays eligible under the default
# policy and its projects are worth less (models/strict_round.toml sets thresholds of 4.0).
#
# country, region, tier, oda_eligible, party_to_conflict, management_agreement,
# democracy, rule_of_law, human_rights, max_share, p_sign (blank here: from COUNTRY_RISK),
# economic_social, bilateral_relations (0-10, 5 neutral)
COUNTRY_TABLE = [
    ("Aurelia", "Southeast Asia", 1, True, False, True, 7.2, 6.8, 6.9, None, None, 6.0, 8.5),
    ("Serendel", "Southeast Asia", 1, True, False, True, 6.1, 5.9, 6.0, None, None, 5.5, 7.0),
    ("Lumaris", "Southeast Asia", 1, True, False, True, 5.5, 5.2, 5.4, None, None, 5.0, 7.5),
    ("Tavola", "Southeast Asia", 3, True, False, True, 5.0, 4.7, 5.3, None, None, 6.5, 5.0),
    ("Opalind", "Southeast Asia", 3, False, False, True, 8.4, 8.0, 8.2, None, None, 2.0, 6.5),
    ("Coralia", "Pacific Islands", 1, True, False, True, 7.8, 7.1, 7.5, None, None, 7.5, 7.0),
    ("Nalumea", "Pacific Islands", 2, True, False, True, 7.0, 6.4, 6.8, None, None, 7.0, 6.0),
    ("Motuana", "Pacific Islands", 3, True, False, True, 6.9, 6.1, 6.6, None, None, 8.0, 5.0),
    ("Sundara", "South Asia", 1, True, False, True, 6.4, 5.6, 5.8, None, None, 6.5, 6.5),
    ("Dravina", "South Asia", 2, True, False, False, 5.8, 5.1, 5.5, None, None, 6.0, 5.0),
    ("Kalindra", "Africa", 2, True, False, True, 5.2, 4.8, 5.1, None, None, 7.0, 5.5),
    ("Kantoro", "Africa", 3, True, False, True, 3.1, 3.6, 4.2, None, None, 7.5, 4.0),
    ("Steppara", "Central Asia", 2, True, False, True, 4.6, 4.4, 4.6, None, None, 5.5, 6.0),
    ("Drakmoor", "Central Asia", 2, True, True, True, 4.9, 4.2, 4.3, None, None, 5.0, 3.0),
]

# Baseline risk of failed delivery or misuse in each country (not a column: it feeds `risk`).
COUNTRY_RISK = {
    "Aurelia": 0.05, "Serendel": 0.08, "Lumaris": 0.10, "Tavola": 0.15, "Opalind": 0.03,
    "Coralia": 0.06, "Nalumea": 0.08, "Motuana": 0.12, "Sundara": 0.10, "Dravina": 0.12,
    "Kalindra": 0.16, "Kantoro": 0.22, "Steppara": 0.18, "Drakmoor": 0.25,
}

# --------------------------------------------------------------------------- projects
# id, country, fields, assistance_type, cost FY2026 (¥ million), title, extras.
# Items are of the kinds and sizes in the public record (¥300m-3,100m: coastal radars,
# patrol and rescue boats, UAVs, air-traffic-control radar, heavy machinery for disaster
# response, a boat shelter and slipway, a diving-support vessel with ceasefire-monitoring
# kit); a partner may have several, as one exchange of notes often bundles several items.
# Extras set the optional columns: min_funding (the quantity flexes inside a yen ceiling),
# status and status_reason, exclusive_group (alternatives for one need), requires.
MS, AS, CT, CP = "maritime_surveillance", "airspace_surveillance", "counter_terrorism", "counter_piracy"
DR, SR, MD, RT, PK = ("disaster_relief", "search_and_rescue", "medical", "relief_transport",
                      "peacekeeping")
EQ, SU, IN = "equipment", "supplies", "infrastructure"

PROJECT_TABLE = [
    # Aurelia (tier 1): a package that slipped from FY2025, and a choice of patrol boats.
    ("P-01", "Aurelia", (MS,), EQ, 900, "Coastal surveillance radars (3 sites)",
     {"status": "mandatory", "status_reason": "FY2025 package that slipped: the exchange "
      "of notes was negotiated in FY2025 and is to be signed in FY2026"}),
    ("P-02", "Aurelia", (MS,), EQ, 1200, "High-speed patrol boats, new build (two 18 m)",
     {"exclusive_group": "Aurelia patrol boats"}),
    ("P-03", "Aurelia", (MS,), EQ, 700, "Refurbished patrol boats (two, ex-coast guard) with refit",
     {"exclusive_group": "Aurelia patrol boats"}),
    ("P-04", "Aurelia", (MS,), IN, 500, "Boat shelter and slipway for the new patrol boats",
     {"requires": "P-02"}),
    # Serendel (tier 1): an air-traffic-control radar and its site.
    ("P-05", "Serendel", (AS,), EQ, 1300, "Air-traffic-control radar and related equipment", {}),
    ("P-06", "Serendel", (AS,), IN, 400, "ATC radar site: shelter, power supply and tower",
     {"requires": "P-05"}),
    ("P-07", "Serendel", (SR,), EQ, 400, "Rescue boats and diving equipment for the naval SAR unit",
     {}),
    ("P-08", "Serendel", (DR,), EQ, 800,
     "Heavy machinery for disaster response (excavators, dump trucks)", {}),
    # Coralia (tier 1): boats, machinery and UAVs for a small Pacific defence force.
    ("P-09", "Coralia", (MS, SR), EQ, 500, "Small patrol boats, RIBs and rescue boats", {}),
    ("P-10", "Coralia", (DR,), EQ, 400,
     "Heavy machinery for disaster response (shovel loaders, bulldozers)", {}),
    ("P-11", "Coralia", (MS, DR), EQ, 300, "Surveillance UAVs (8) and 2,000 uniforms",
     {"min_funding": 0.5}),
    ("P-12", "Coralia", (RT,), EQ, 600, "Relief-goods transport: trucks, forklifts and a landing craft",
     {}),
    # Sundara (tier 1): a coastal radar network, in full or as a first phase.
    ("P-13", "Sundara", (MS,), EQ, 1400, "Coastal surveillance radar network, 6 sites",
     {"exclusive_group": "Sundara coastal radar"}),
    ("P-14", "Sundara", (MS,), EQ, 800, "Coastal surveillance radar, 3 sites (phase 1 only)",
     {"exclusive_group": "Sundara coastal radar"}),
    ("P-15", "Sundara", (CP,), EQ, 600, "Patrol boats for counter-piracy patrols", {}),
    ("P-16", "Sundara", (MS, DR), EQ, 500, "UAVs for surveillance and disaster response",
     {"min_funding": 0.6}),
    # Lumaris (tier 1): one large vessel, the size of the largest item in the record.
    ("P-17", "Lumaris", (SR, PK), EQ, 3100,
     "Diving-support vessel and ceasefire-monitoring equipment for a regional observer team",
     {}),
    ("P-18", "Lumaris", (SR,), EQ, 400, "Search-and-rescue UAVs and ground control stations", {}),
    # Nalumea (tier 2)
    ("P-19", "Nalumea", (MS,), IN, 700, "Coastal surveillance radar and transmission tower", {}),
    ("P-20", "Nalumea", (SR,), EQ, 300, "Rescue boats and outboard motors", {}),
    ("P-21", "Nalumea", (DR,), EQ, 500, "Heavy machinery for disaster response (road clearing)",
     {}),
    # Motuana (tier 3)
    ("P-22", "Motuana", (MS,), IN, 500, "Wharf and boat ramp for the patrol boats", {}),
    ("P-23", "Motuana", (DR,), SU, 300, "Prepositioned disaster-relief supplies",
     {"min_funding": 0.5}),
    # Tavola (tier 3)
    ("P-24", "Tavola", (SR,), EQ, 600, "Maritime search-and-rescue equipment and UAVs",
     {"risk": 0.55, "mitigation": "Delivery in two batches; end-use monitoring visits by the "
      "embassy twice a year"}),
    ("P-25", "Tavola", (CT,), EQ, 500, "Counter-terrorism communications and protective equipment",
     {}),
    ("P-26", "Tavola", (PK,), EQ, 500, "PKO training centre engineering equipment",
     {"status": "excluded", "status_reason": "Deferred at the recipient's request: the "
      "training-centre site will not be ready before FY2028"}),
    # Kalindra (tier 2): the interceptor boats' misuse risk is above the default policy's
    # limit and no mitigation is written, so they are out; Tavola's SAR kit has one.
    ("P-27", "Kalindra", (MS,), IN, 1100,
     "Coastal surveillance radar system and related infrastructure", {}),
    ("P-28", "Kalindra", (CP,), EQ, 700, "Counter-piracy interceptor boats", {"risk": 0.6}),
    ("P-29", "Kalindra", (PK, MD), SU, 400, "PKO level-1 field hospital equipment",
     {"min_funding": 0.6}),
    # Kantoro (tier 3; low democracy and rule-of-law assessments, weighed). Its patrol boats
    # are for waters in an international dispute: never eligible.
    ("P-30", "Kantoro", (DR,), EQ, 500, "Heavy machinery for flood response", {}),
    ("P-31", "Kantoro", (CP,), EQ, 700, "Patrol boats for the waters of the disputed Teral islands",
     {"dispute_linked": True}),
    # Steppara (tier 2): a new air-traffic-control radar or an upgrade of the old one.
    ("P-32", "Steppara", (AS,), EQ, 1200, "Air-traffic-control radar, new",
     {"exclusive_group": "Steppara ATC radar"}),
    ("P-33", "Steppara", (AS,), EQ, 600, "Upgrade of the existing air-traffic-control radar",
     {"exclusive_group": "Steppara ATC radar"}),
    ("P-34", "Steppara", (DR,), EQ, 500, "Earthquake-response heavy rescue equipment", {}),
    # Drakmoor (tier 2, party to a conflict: ineligible)
    ("P-35", "Drakmoor", (AS,), EQ, 600, "Airspace surveillance radar upgrade", {}),
    # Dravina (tier 2, prior-consent clauses not accepted: ineligible, but for an item whose
    # own exchange of notes carries them)
    ("P-36", "Dravina", (MS,), EQ, 900, "Coastal patrol boats (two 20 m)", {}),
    ("P-37", "Dravina", (DR,), EQ, 300, "Disaster-response UAVs (own exchange of notes)",
     {"prior_consent": True}),
    # Opalind (tier 3, not ODA-eligible: eligible by the country's override)
    ("P-38", "Opalind", (MS,), EQ, 800, "Maritime patrol aircraft sensor upgrade", {}),
]

# --------------------------------------------------------------------------- scores
# Typical (security, humanitarian, partnership) scores of a field, 0-10: surveillance scores
# high on security, disaster relief on humanitarian value; a project of several fields takes
# their mean. Each project's scores scatter around its profile and, for partnership, rise
# with the partner's priority tier. A score rates the whole project, and a larger package
# delivers more (more boats, more radar sites), so scores rise by SIZE_EFFECT points per
# doubling of cost: less than in proportion, so value per yen FALLS as cost rises. The term
# gives big items their scale, not a preference: a ¥3.1bn item scores about 2 points more
# than a ¥750m one but costs four times as much.
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
SIZE_EFFECT = 1.0       # score points per doubling of cost (diminishing returns)
SCORE_NOISE = 0.8       # standard deviation of a score around its profile
MEDIAN_COST = 750.0     # about the median item of the public record, ¥ million


# Where each tier's items stand in the year's agreements, and how likely each partner signs
# within the year (fictional, for `osa-opt execution`): the riskier, the less likely.
TIER_STAGE = {1: "agreed", 2: "agreed", 3: "survey"}


#: Countries kept eligible by an override of a rule a policy may waive, with the reason.
COUNTRY_OVERRIDES = {
    "Opalind": "Left the OECD DAC list in 2025; the 2025 summit agreed to continue maritime "
               "cooperation",
}


def country_rows() -> list[dict[str, object]]:
    """The countries sheet, one dict per row."""
    names = ["country", "region", "priority_tier", "oda_eligible", "party_to_conflict",
             "management_agreement", "democracy", "rule_of_law", "human_rights", "max_share",
             "p_sign", "economic_social", "bilateral_relations"]
    rows = []
    for row in COUNTRY_TABLE:
        out = dict(zip(names, row, strict=True))
        out["p_sign"] = round(1.0 - COUNTRY_RISK[row[0]], 2)
        out["override"] = row[0] in COUNTRY_OVERRIDES
        out["override_reason"] = COUNTRY_OVERRIDES.get(row[0], "")
        rows.append(out)
    return rows


def field_cell(fields: tuple[str, ...]) -> str:
    """The ``field`` cell of a project: its fields separated by ';'."""
    return ";".join(fields)


def equipment_category(kind: str, title: str) -> str:
    """The transfer-rule category of an item, read from its kind and title."""
    if kind != EQ:
        return "not_defence_equipment"
    words = title.lower()
    for needle, category in (("radar", "warning"), ("rescue", "rescue"), ("diving", "rescue"),
                             ("uav", "surveillance"), ("boat", "surveillance"),
                             ("sensor", "surveillance"), ("trucks", "transport"),
                             ("transport", "transport"), ("ambulance", "rescue")):
        if needle in words:
            return category
    return "not_defence_equipment"  # machinery, kits and communications: no transfer rule


def project_rows(rng: np.random.Generator) -> list[dict[str, object]]:
    """The projects sheet, one dict per row; draws scores, risk and spread from ``rng``."""
    tier = {row[0]: row[2] for row in COUNTRY_TABLE}
    rows = []
    for pid, country, fields, kind, cost, title, extras in PROJECT_TABLE:
        profile = np.mean([FIELD_PROFILE[f] for f in fields], axis=0)
        security, humanitarian, partnership = (float(x) for x in profile)
        partnership += TIER_PARTNERSHIP[tier[country]]
        size = SIZE_EFFECT * math.log2(cost / MEDIAN_COST)
        noise = rng.normal(0.0, SCORE_NOISE, size=3)
        scores = [min(10.0, max(0.0, round(float(base + size + e), 1)))
                  for base, e in zip((security, humanitarian, partnership), noise, strict=True)]
        risk = COUNTRY_RISK[country] + float(rng.uniform(0.0, 0.12)) + (0.05 if kind == IN else 0)
        risk = extras.get("risk", round(min(risk, 0.4), 2))
        rows.append({
            "project_id": pid,
            "title": title,
            "country": country,
            "field": field_cell(fields),
            "assistance_type": kind,
            cost_column(FISCAL_YEARS[0]).name: cost,
            **{score_column(k).name: s for k, s in zip(CRITERIA, scores, strict=True)},
            "risk": risk,
            "min_funding": extras.get("min_funding", 1.0),
            "status": extras.get("status", "candidate"),
            "status_reason": extras.get("status_reason", ""),
            "exclusive_group": extras.get("exclusive_group", ""),
            "requires": extras.get("requires", ""),
            "score_spread": round(float(rng.uniform(0.3, 1.5)), 1),
            "stage": TIER_STAGE[tier[country]],
            "equipment_category": equipment_category(kind, title),
            "dispute_linked": extras.get("dispute_linked", False),
            "prior_consent": extras.get("prior_consent"),
            "mitigation": extras.get("mitigation", ""),
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
    "heavy machinery for disaster response, a boat shelter and slipway, a diving-support "
    "vessel; ¥300m-3,100m each). The round is shaped like FY2026: a budget of ¥18,100m and "
    "candidates asking for about 1.4 times that.",
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
