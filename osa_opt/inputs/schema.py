"""The input contract (docs/inputs.md): one registry of sheets and columns.

The readers, the pandera schemas, the template workbook and the README sheet all read this
registry, so a column is described once.
"""

from __future__ import annotations

from dataclasses import dataclass

from osa_opt.inputs.policy_keys import (
    ASSISTANCE_TYPES,
    FIELDS,
    NEUTRAL_ASSESSMENT,
    STAGES,
    STATUSES,
)
from osa_opt.text import number

PROJECTS = "projects"
COUNTRIES = "countries"
SHEETS = (PROJECTS, COUNTRIES)
#: The column that identifies a row of each sheet (unique; becomes the index).
KEYS = {PROJECTS: "project_id", COUNTRIES: "country"}

#: Excel row of the first data row (row 1 holds the headers).
FIRST_DATA_ROW = 2
#: Name of the column that carries each row's Excel row number through validation.
ROW = "_row"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "text", "number", "integer", "bool", "enum", "enums" (several, ';'), "ids"
    required: bool
    meaning: str
    default: object = None
    choices: tuple[str, ...] | tuple[int, ...] = ()
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    example: object = None

    @property
    def range_text(self) -> str:
        if self.low is None and self.high is None:
            return ""
        low = "" if self.low is None else number(self.low)
        if self.high is None:
            return f"{'>=' if self.low_inclusive else '>'} {low}"
        lo = "" if self.low is None else ("[" if self.low_inclusive else "(") + low
        return f"{lo}, {number(self.high)}]"


#: Most units of a project funded in whole units: the model multiplies its fraction by
#: units_max, and HiGHS takes a coefficient of 1e20 for infinite (a project of 1e20 units
#: was solved as if its unit count were free).
MAX_UNITS = 1_000_000.0

PROJECT_COLUMNS: tuple[Column, ...] = (
    Column("project_id", "text", True, "stable, unique identifier of the project", example="P-01"),
    Column("title", "text", True, "what is provided", example="Coastal surveillance radars"),
    Column("country", "text", True, "recipient; must appear in countries.country",
           example="Aurelia"),
    Column("field", "enums", True, "field of cooperation; several separated by ';' (the "
           "cost counts equally in each)", choices=FIELDS, example="maritime_surveillance"),
    Column("assistance_type", "enum", True, "kind of assistance", choices=ASSISTANCE_TYPES,
           example="equipment"),
    Column("risk", "number", False, "risk of failed delivery or misuse, 0 (none) to 1",
           default=0.0, low=0.0, high=1.0, example=0.1),
    Column("min_funding", "number", False,
           "smallest fraction that can be funded; 1 = all or nothing",
           default=1.0, low=0.0, high=1.0, low_inclusive=False, example=1.0),
    Column("status", "enum", False, "candidate, or mandatory (force in) / excluded (force out)",
           default="candidate", choices=STATUSES, example="candidate"),
    Column("status_reason", "text", False, "why the project is forced; carried to every output",
           default="", example=""),
    Column("exclusive_group", "text", False, "at most one project of a group is funded",
           default="", example=""),
    Column("requires", "ids", False, "project ids separated by ';' that must be funded too",
           default="", example=""),
    Column("score_spread", "number", False,
           "± uncertainty of every score of this project, for robustness",
           default=0.0, low=0.0, example=0.5),
    Column("units_max", "number", False,
           "funded in whole units: the most units; the cost_<FY> columns are their cost",
           low=1.0, high=MAX_UNITS, example=None),
    Column("units_min", "number", False,
           "funded in whole units: the fewest units (default 1 when units_max is given)",
           low=1.0, high=MAX_UNITS, example=None),
    Column("unit", "text", False, "the noun of one unit, e.g. boat, radar", default="",
           example=""),
    Column("stage", "enum", False,
           "request, survey, agreed or signed (signed projects are fixed in)",
           default="", choices=STAGES, example=""),
    Column("p_sign", "number", False,
           "probability that the item stays in its partner's signed agreement (blank: by stage)",
           low=0.0, high=1.0, example=None),
    Column("equipment_category", "text", False,
           "category of defence equipment under the transfer rules (one of the policy's "
           "eligibility.equipment_categories: rescue, transport, warning, surveillance, "
           "minesweeping) or not_defence_equipment (supplies, infrastructure); blank: not "
           "checked", default="", example=""),
    Column("dispute_linked", "bool", False,
           "directly linked to an international dispute (never eligible)", default=False,
           example=None),
    Column("prior_consent", "bool", False,
           "its agreement carries the prior-consent clauses: no transfer to third parties and "
           "no use beyond the purpose without Japan's consent (blank: the country's "
           "management_agreement)", example=None),
    Column("un_charter", "bool", False,
           "for use consistent with the UN Charter (false: never eligible)", default=True,
           example=None),
    Column("mitigation", "text", False,
           "how the misuse risk is mitigated (e.g. end-use monitoring); needed when risk is "
           "above eligibility.max_risk", default="", example=""),
    Column("override", "bool", False,
           "waive for this project the rules a policy may waive (ODA eligibility, governance "
           "thresholds, the risk limit); needs override_reason", default=False, example=None),
    Column("override_reason", "text", False,
           "why the override is granted; carried to every output", default="", example=""),
)

COST_PREFIX = "cost_"
SCORE_PREFIX = "score_"


def cost_column(fiscal_year: str) -> Column:
    return Column(f"{COST_PREFIX}{fiscal_year}", "number", True,
                  f"cost in fiscal year {fiscal_year}, ¥ million", default=0.0, low=0.0,
                  example=750.0)


def score_column(criterion: str) -> Column:
    return Column(f"{SCORE_PREFIX}{criterion}", "number", True,
                  f"benefit score for the criterion '{criterion}', 0-10", low=0.0, high=10.0,
                  example=6.0)


COUNTRY_COLUMNS: tuple[Column, ...] = (
    Column("country", "text", True, "name of the partner country, unique", example="Aurelia"),
    Column("region", "text", True, "region, e.g. Southeast Asia, Pacific Islands",
           example="Southeast Asia"),
    Column("priority_tier", "enum", True, "bilateral priority, 1 highest", choices=(1, 2, 3),
           example=1),
    Column("oda_eligible", "bool", True, "developing country on the OECD DAC list",
           example=True),
    Column("party_to_conflict", "bool", True,
           "party to a conflict in the sense of the Three Principles: the UN Security Council "
           "is taking measures against it after an armed attack (never eligible)",
           example=False),
    Column("management_agreement", "bool", True,
           "appropriate-management / prior-consent terms are in place", example=True),
    Column("democracy", "number", True, "democracy assessment, 0-10", low=0.0, high=10.0,
           example=6.5),
    Column("rule_of_law", "number", True, "rule-of-law assessment, 0-10", low=0.0, high=10.0,
           example=6.0),
    Column("human_rights", "number", True, "human-rights assessment, 0-10", low=0.0, high=10.0,
           example=6.0),
    Column("max_share", "number", False, "this country's cap on the share of the total budget",
           low=0.0, high=1.0, low_inclusive=False, example=None),
    Column("p_sign", "number", False,
           "probability that this partner's agreement is signed within the fiscal year "
           "(blank: 1)", low=0.0, high=1.0, example=None),
    Column("economic_social", "number", False,
           "economic and social situation, as weighed for assistance, 0-10 (5 neutral)",
           default=NEUTRAL_ASSESSMENT, low=0.0, high=10.0, example=None),
    Column("bilateral_relations", "number", False,
           "strength of bilateral relations, 0-10 (5 neutral)", default=NEUTRAL_ASSESSMENT,
           low=0.0, high=10.0, example=None),
    Column("override", "bool", False,
           "waive for every project of this country the rules a policy may waive (ODA "
           "eligibility, governance thresholds); needs override_reason", default=False,
           example=None),
    Column("override_reason", "text", False,
           "why the override is granted; carried to every output", default="", example=""),
)


def project_columns(fiscal_years: list[str], criteria: list[str]) -> tuple[Column, ...]:
    """Every projects column a policy needs, in the template's order."""
    head = PROJECT_COLUMNS[:5]
    tail = PROJECT_COLUMNS[5:]
    return (*head, *(cost_column(fy) for fy in fiscal_years),
            *(score_column(k) for k in criteria), *tail)


#: The guideline each compliance column implements, as the sources in ``inputs/domain/`` report it
#: (the template's README sheet and header comments quote it; docs/policy.md cites it).
GUIDELINES: dict[str, str] = {
    "field": "OSA serves \"monitoring and surveillance in territorial waters and airspace, "
             "counter-terrorism and counter-piracy\", humanitarian work (\"disaster response, "
             "search and rescue operations, lifesaving, medical care and transportation of "
             "humanitarian relief goods\") and international peace cooperation; one project "
             "can serve several fields",
    "equipment_category": "within the Three Principles on Transfer of Defense Equipment and "
                          "Technology: five categories (rescue, transport, warning, "
                          "surveillance, minesweeping), a list a revision may change",
    "dispute_linked": "OSA excludes fields directly linked to international disputes, per "
                      "project",
    "prior_consent": "no use beyond the stated purpose and no transfer to third parties "
                     "without Japan's prior consent: clauses carried in each exchange of notes",
    "un_charter": "consistent with the UN Charter: a clause of each exchange of notes",
    "oda_eligible": "recipients are \"in principle\" developing countries (an override may "
                    "waive it, with a written reason)",
    "party_to_conflict": "Three Principles: a party to a conflict is a country against which "
                         "the UN Security Council is taking measures to maintain or restore "
                         "peace after an armed attack (MOD White Paper 2020, reference 58)",
    "management_agreement": "no use beyond the stated purpose and no transfer to third parties "
                            "without Japan's prior consent",
    **{c: "the choice of recipients \"will take into account factors such as the application "
          "of democracy, the rule of law, protection of basic human rights, economic and "
          "social situations, and bilateral relations\": weighed in value, not a threshold"
       for c in ("democracy", "rule_of_law", "human_rights", "economic_social",
                 "bilateral_relations")},
    "risk": "MOFA cites evaluation and monitoring of use as the safeguards: above the policy's "
            "risk limit, a written mitigation is needed",
    "mitigation": "MOFA cites evaluation and monitoring of use as the safeguards",
    "override": "recipients are developing countries \"in principle\"; a policy's thresholds "
                "are its own choice: both may be waived, with a written reason",
}

#: The separator of several values in one cell (``field``, ``requires``).
SEPARATOR = ";"


def split_values(cell: object) -> tuple[str, ...]:
    """The values of an ``enums`` cell as validated (``"a;b"`` -> ``("a", "b")``)."""
    return tuple(v for v in str(cell or "").split(SEPARATOR) if v)


#: Flags as typed, and as a German or French spreadsheet writes TRUE/FALSE in a CSV file.
#: "1.0"/"0.0": a flag column with blanks, written out by pandas, holds floats.
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "1.0", "t", "wahr", "vrai"})
#: Not suspect_cells.NEGATIONS on purpose: these are read as a flag's value; those, typed in
#: a text column, are told and never read as False.
FALSE_WORDS = frozenset({"false", "no", "n", "0", "0.0", "f", "falsch", "faux"})
