"""The vectorized input path (issue 14) reads every cell as the per-cell rules did.

Each fast path is held to the plain one-row-at-a-time rule it replaced (kept in
tests/per_cell_rules.py) on awkward tables that hypothesis draws: flags typed as words,
numbers, numpy scalars or blanks, NaN where text is expected, unknown countries and
fields, numbers with separators. Same values, same messages, same rows.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import per_cell_rules as plain
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osa_opt.inputs.eligibility import assess, country_reasons
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.policy_keys import EQUIPMENT_CATEGORIES, FIELDS, NOT_DEFENCE_EQUIPMENT

NAN = float("nan")
FLAGS = [True, False, 1, 0, 1.0, 0.0, None, NAN, "", " ", "yes", np.False_, np.True_,
         np.int64(0), np.float64(1.0)]
TEXTS = ["", "  ", "why not", None, NAN, 0, " padded ", np.float64(2.5)]
COUNTRIES = ["Aurelia", "Borea", "Caldera", 5, "5"]
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _column(draw: st.DrawFn, n: int, pool: list[Any], dtype: str | None) -> pd.Series:
    """n cells from ``pool``; as a typed column when ``dtype`` fits them, else object."""
    values = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    series = pd.Series(values, dtype=object)
    if dtype is not None and draw(st.booleans()):
        try:
            return series.astype(dtype)
        except (TypeError, ValueError):
            pass
    return series


@st.composite
def eligibility_inputs(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, Policy]:
    k = draw(st.integers(1, 4))
    names = draw(st.permutations(COUNTRIES))[:k]
    governance = [0, 3, 4.5, 10, NAN, True, "3.5", np.float64(6.0)]
    countries = pd.DataFrame({
        "oda_eligible": _column(draw, k, FLAGS, "bool"),
        "party_to_conflict": _column(draw, k, FLAGS, "bool"),
        "management_agreement": _column(draw, k, FLAGS, "bool"),
        "democracy": _column(draw, k, governance, "float64"),
        "rule_of_law": _column(draw, k, governance, "float64"),
        "human_rights": _column(draw, k, governance, "float64"),
    })
    if draw(st.booleans()):
        countries["override"] = _column(draw, k, FLAGS, "bool")
        countries["override_reason"] = _column(draw, k, TEXTS, None)
    countries.index = pd.Index(names, name="country")

    n = draw(st.integers(1, 30))
    fields = ["medical", "disaster_relief;medical", "medical;bogus", "", "x;;y", None, 3, NAN,
              "bogus;other"]
    categories = [*EQUIPMENT_CATEGORIES[:2], NOT_DEFENCE_EQUIPMENT, "tanks", "", None, NAN, 0]
    risks = [0.0, -0.0, 0.2, 0.9, NAN, None, 1, True, "0.7", np.float64(0.8)]
    projects = pd.DataFrame({
        "country": _column(draw, n, [*COUNTRIES, "Nowhere", None], None),
        "field": _column(draw, n, fields, None),
        "status": _column(draw, n, ["candidate", "excluded", "mandatory", None, "Excluded"],
                          None),
    })
    optional = {"status_reason": (TEXTS, None), "risk": (risks, "float64"),
                "mitigation": (TEXTS, None), "prior_consent": (FLAGS, None),
                "un_charter": (FLAGS, "bool"), "dispute_linked": (FLAGS, "bool"),
                "equipment_category": (categories, None), "override": (FLAGS, "bool"),
                "override_reason": (TEXTS, None)}
    for name, (pool, dtype) in optional.items():
        if draw(st.booleans()):
            projects[name] = _column(draw, n, pool, dtype)
    ids = draw(st.sampled_from(["text", "numbers"]))
    projects.index = pd.Index([f"P-{i}" if ids == "text" else i for i in range(n)],
                              name="project_id")

    rules = {
        "fields": draw(st.lists(st.sampled_from(FIELDS), unique=True)),
        "require_oda_eligible": draw(st.booleans()),
        "exclude_parties_to_conflict": draw(st.booleans()),
        "require_management_agreement": draw(st.booleans()),
        "require_un_charter": draw(st.booleans()),
        "exclude_dispute_linked": draw(st.booleans()),
        "equipment_categories": draw(st.lists(st.sampled_from(EQUIPMENT_CATEGORIES),
                                              unique=True)),
        "max_risk": draw(st.sampled_from([0.0, 0.5, 1.0])),
        "min_democracy": draw(st.sampled_from([0.0, 4.0])),
        "min_rule_of_law": draw(st.sampled_from([0.0, 4.0])),
        "min_human_rights": draw(st.sampled_from([0.0, 4.0])),
    }
    policy = Policy.from_dict({"budget": {"FY2026": 100.0}, "eligibility": rules})
    return projects, countries, policy


def _outcome(run: Any, *args: Any) -> Any:
    """What ``run`` returns, or the kind of error it raises."""
    try:
        return run(*args)
    except (TypeError, ValueError) as exc:
        return type(exc)


def _same_frame(fast: Any, slow: Any) -> None:
    if isinstance(slow, type) or isinstance(fast, type):
        assert isinstance(fast, type) and isinstance(slow, type), (fast, slow)
        return
    assert list(fast.index) == list(slow.index)
    assert fast.index.name == slow.index.name and fast.index.dtype == slow.index.dtype
    assert list(fast.columns) == list(slow.columns)
    assert fast["eligible"].dtype == slow["eligible"].dtype
    for column in fast.columns:
        assert list(fast[column]) == list(slow[column]), column


@SETTINGS
@given(eligibility_inputs())
def test_assess_equals_the_per_row_rule(inputs: tuple[pd.DataFrame, pd.DataFrame, Policy]
                                        ) -> None:
    projects, countries, policy = inputs
    _same_frame(_outcome(assess, projects, countries, policy),
                _outcome(plain.assess_per_row, projects, countries, policy))


@SETTINGS
@given(eligibility_inputs())
def test_country_reasons_equal_the_per_row_rule(
        inputs: tuple[pd.DataFrame, pd.DataFrame, Policy]) -> None:
    _, countries, policy = inputs
    fast = _outcome(country_reasons, countries, policy)
    slow = _outcome(plain.country_reasons_per_row, countries, policy)
    if isinstance(slow, type):
        assert fast is slow
        return
    assert fast.to_dict() == slow.to_dict()


def test_assess_words_every_reason_of_a_failing_row() -> None:
    """A row failing everything at once: the reasons in the fixed order, waivers apart."""
    countries = pd.DataFrame({
        "oda_eligible": [False], "party_to_conflict": [True], "management_agreement": [False],
        "democracy": [2.0], "rule_of_law": [9.0], "human_rights": [9.0],
        "override": [True], "override_reason": ["  "],
    }, index=pd.Index(["Caldera"], name="country"))
    projects = pd.DataFrame({
        "country": ["Caldera"], "field": ["medical;bogus"], "status": ["excluded"],
        "status_reason": [None], "risk": [0.9], "mitigation": [math.nan],
        "prior_consent": [False], "un_charter": [False], "dispute_linked": [True],
        "equipment_category": ["tanks"],
    }, index=pd.Index(["P-1"], name="project_id"))
    policy = Policy.from_dict({"budget": {"FY2026": 100.0},
                               "eligibility": {"min_democracy": 4.0, "max_risk": 0.5}})
    fast, slow = assess(projects, countries, policy), plain.assess_per_row(
        projects, countries, policy)
    _same_frame(fast, slow)
    assert [r.split(":")[0] for r in fast.loc["P-1", "reasons"]] == [
        "field not allowed", "country is a party to a conflict",
        "no management agreement", "not consistent with the UN Charter",
        "linked to an international dispute", "equipment category not allowed",
        "status excluded"]
    # the country's override (no reason written) waives its ODA and democracy rules only;
    # the risk of "nan" mitigation text counts as written, as the per-row rule read it
    assert fast.loc["P-1", "overrides"] == [
        "country not ODA-eligible: Caldera is not on the OECD DAC list, and recipients are "
        "\"in principle\" developing countries — overridden: no reason given",
        "democracy below threshold: Caldera scores 2, min_democracy is 4 — overridden: no "
        "reason given"]


@pytest.mark.parametrize("n", [1, 7])
def test_assess_on_a_validated_round(n: int) -> None:
    """The synthetic round's own tables (typed as validation leaves them)."""
    from benchmarks.synthetic import make_problem

    problem = make_problem(200 * n, 2, seed=n)
    _same_frame(assess(problem.projects, problem.countries, problem.policy),
                plain.assess_per_row(problem.projects, problem.countries, problem.policy))


# ---------------------------------------------------------------------- numbers
@st.composite
def number_text(draw: st.DrawFn) -> str:
    """Text a spreadsheet might hold in a number column: plain, grouped, decimal commas,
    exponents, padding, or no number at all."""
    sign = draw(st.sampled_from(["", "-", "+", "--"]))
    groups = draw(st.lists(st.integers(0, 999), min_size=1, max_size=4))
    head = str(draw(st.integers(0, 999)))
    mark = draw(st.sampled_from([".", ",", " ", "'", "\u00a0", ""]))
    whole = head + "".join(f"{mark}{g:03d}" for g in groups[1:])
    decimal = draw(st.sampled_from(["", ".", ","]))
    decimals = draw(st.sampled_from(["", "5", "25", "100", "1234"])) if decimal else ""
    exponent = draw(st.sampled_from(["", "", "e3", "E-2", "e400"]))
    pad = draw(st.sampled_from(["", " ", "\t", "\u00a0"]))
    built = f"{pad}{sign}{whole}{decimal}{decimals}{exponent}{pad}"
    junk = draw(st.sampled_from(["", " ", "abc", "30%", "nan", "inf", "1.2.3", "١.١٠٠",
                                 "12.345", "1.100", "1,100", "0.350", "¥750", "1_000"]))
    return draw(st.sampled_from([built, built, built, junk]))


NUMBER_CELLS = st.one_of(number_text(), st.sampled_from(
    [1.5, 3, True, None, NAN, np.float64(2.0), np.str_("1.100"), 10**30]))


@st.composite
def number_tables(draw: st.DrawFn) -> tuple[dict[str, pd.DataFrame], str | None, str | None]:
    def sheet(columns: list[str]) -> pd.DataFrame:
        n = draw(st.integers(1, 12))
        frame = pd.DataFrame({c: pd.Series(draw(st.lists(NUMBER_CELLS, min_size=n,
                                                          max_size=n)), dtype=object)
                              for c in columns})
        frame["_row"] = np.arange(2, 2 + n) * draw(st.sampled_from([1, 3]))
        return frame

    tables = {"projects": sheet(["cost_FY2026", "title", "risk"]),
              "countries": sheet(["democracy"])}
    return (tables, draw(st.sampled_from([None, ".", ","])),
            draw(st.sampled_from([None, ",", ";"])))


def _cells(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Every cell with its type, NaN written out (NaN != NaN)."""
    return {str(c): [f"{type(v).__name__}:{v!r}" for v in frame[c]] for c in frame.columns}


@SETTINGS
@given(number_tables())
def test_read_numbers_equals_the_per_cell_rule(
        case: tuple[dict[str, pd.DataFrame], str | None, str | None]) -> None:
    from osa_opt.inputs.numbers import read_numbers

    tables, declared, delimiter = case
    fast_tables = {s: f.copy() for s, f in tables.items()}
    slow_tables = {s: f.copy() for s, f in tables.items()}
    fast_issues: list[Any] = []
    slow_issues: list[Any] = []
    fast = read_numbers(fast_tables, fast_issues, declared, delimiter)
    slow = plain.read_numbers_per_cell(slow_tables, slow_issues, declared, delimiter)
    assert (fast.convention, fast.reason, fast.evidence) == (
        slow.convention, slow.reason, slow.evidence)
    assert fast_issues == slow_issues
    for name in tables:
        assert _cells(fast_tables[name]) == _cells(slow_tables[name])


# ---------------------------------------------------------------------- reading
HEADERS = ["project_id", "cost_FY2026", "title", "", None, " title ", "_row", "id",
           "score_security", "country"]
CELLS = ["P-1", "", " ", "  x ", None, 3.5, 0, True, "1,100", "a\nb"]


@st.composite
def sheet_rows(draw: st.DrawFn) -> list[tuple[int, list[Any]]]:
    """A sheet as a reader gives it: maybe a title above the header, ragged rows, blank
    rows, repeated and missing header names, cells of every kind."""
    rows: list[list[Any]] = []
    if draw(st.booleans()):
        rows.append(draw(st.sampled_from([["Round 2026"], [None, None], ["", "note"]])))
    rows.append(draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=6)))
    rows += draw(st.lists(st.lists(st.sampled_from(CELLS), max_size=8), max_size=10))
    numbers = sorted(draw(st.sets(st.integers(1, 60), min_size=len(rows),
                                  max_size=len(rows))))
    return list(zip(numbers, rows, strict=True))


def _frame_cells(frame: pd.DataFrame) -> list[Any]:
    return [list(frame.columns), [str(t) for t in frame.dtypes], list(frame.index),
            [[f"{type(v).__name__}:{v!r}" for v in frame.iloc[:, i]]
             for i in range(frame.shape[1])]]


@SETTINGS
@given(sheet_rows())
def test_table_equals_the_per_row_rule(rows: list[tuple[int, list[Any]]]) -> None:
    from osa_opt.inputs.headers import table

    fast_issues: list[Any] = []
    fast_warnings: list[Any] = []
    slow_issues: list[Any] = []
    slow_warnings: list[Any] = []
    fast = table("projects", [(n, list(c)) for n, c in rows], fast_issues, fast_warnings,
                 lambda i: f"column {i + 1}")
    slow = plain.table_per_row("projects", [(n, list(c)) for n, c in rows], slow_issues,
                               slow_warnings, lambda i: f"column {i + 1}")
    assert _frame_cells(fast) == _frame_cells(slow)
    assert (fast_issues, fast_warnings) == (slow_issues, slow_warnings)


@st.composite
def csv_text(draw: st.DrawFn) -> str:
    cell = st.sampled_from(["a", "", "1,5", '"q;x"', '"two\nlines"', '"crlf\r\nin"', "z z"])
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = draw(st.lists(st.lists(cell, max_size=4).map(",".join), max_size=8))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@SETTINGS
@given(csv_text(), st.integers(1, 3))
def test_csv_records_are_numbered_as_line_by_line(text: str, first_line: int) -> None:
    from osa_opt.inputs.read_csv import _records

    assert _records(text, ",", first_line) == plain.records_per_line(text, ",", first_line)


# ---------------------------------------------------------------------- coercion
def _registry() -> list[Any]:
    from osa_opt.inputs.schema import COUNTRY_COLUMNS, PROJECT_COLUMNS, cost_column

    return [*PROJECT_COLUMNS, *COUNTRY_COLUMNS, cost_column("FY2026")]


COERCE_CELLS = ["", "  ", None, NAN, "7", " 7 ", "7.5", "1e3", "-2", "abc", "30%", "inf",
                "nan", "true", " Yes ", "FALSE", "0", "1.0", "candidate", " Mandatory ",
                "medical; disaster_relief", "Medical", "P-1;P-2", "P-1, P-2", "２", "1_000",
                7, 7.0, 7.5, -0.0, True, False, 10**20, float("inf"), np.float64(3.0),
                np.int64(2), np.True_]


@st.composite
def columns_to_coerce(draw: st.DrawFn) -> tuple[Any, pd.Series]:
    col = draw(st.sampled_from(_registry()))
    n = draw(st.integers(1, 15))
    pool = draw(st.sampled_from(["all", "text", "numbers"]))
    cells = {"all": COERCE_CELLS, "text": [c for c in COERCE_CELLS if isinstance(c, str)],
             "numbers": [c for c in COERCE_CELLS if not isinstance(c, str) or c == ""]}[pool]
    values = draw(st.lists(st.sampled_from(cells), min_size=n, max_size=n))
    series = pd.Series(values, dtype=object)
    if draw(st.booleans()):  # as pandas would have typed a column it read
        series = pd.Series(values)
    return col, series


@SETTINGS
@given(columns_to_coerce())
def test_coerce_column_equals_the_per_cell_rule(case: tuple[Any, pd.Series]) -> None:
    from osa_opt.inputs.coercion import coerce_column

    col, cells = case
    rows = np.arange(2, 2 + len(cells))
    fast_issues: list[Any] = []
    slow_issues: list[Any] = []
    fast = coerce_column("projects", cells.copy(), rows, col, fast_issues)
    slow = plain.coerce_column_per_cell("projects", cells.copy(), rows, col, slow_issues)
    assert str(fast.dtype) == str(slow.dtype)
    assert [f"{type(v).__name__}:{v!r}" for v in fast] == [
        f"{type(v).__name__}:{v!r}" for v in slow]
    assert [(i.row, i.column, repr(i.value), i.rule, i.hint) for i in fast_issues] == [
        (i.row, i.column, repr(i.value), i.rule, i.hint) for i in slow_issues]


def test_a_cell_of_minus_zero_reads_zero_on_every_path() -> None:
    """Hypothesis found [2, -0.0] in an object column: the fast path read 0.0 (pandas'
    parser), the cell rule -0.0; both now read 0.0, as a float column does."""
    import math

    from osa_opt.inputs.coercion import coerce_column

    col = next(c for c in _registry() if c.name == "risk")
    for cells in (pd.Series([2, -0.0], dtype=object), pd.Series([2.0, -0.0]),
                  pd.Series(["2", "-0"], dtype=object)):
        rows = np.arange(2, 2 + len(cells))
        for read in (coerce_column, plain.coerce_column_per_cell):
            got = read("projects", cells.copy(), rows, col, [])
            assert list(got) == [2.0, 0.0] and math.copysign(1.0, got.iloc[1]) == 1.0, (
                read.__name__, list(cells))


# ---------------------------------------------------------------------- near-duplicate keys
KEY_NAMES = ["Boats", "boats", " Boats", "BOATS", "Bo ats", "ｂｏａｔｓ", "Southeast Asia",
             "southeast\tasia", "South\x1ceast Asia", "P-01", "p-01", "P-1", "", "  ", None,
             NAN, 5, "Éire", "éire", "ÉIRE"]


@SETTINGS
@given(st.lists(st.sampled_from(KEY_NAMES), max_size=25), st.text(max_size=6))
def test_spellings_equal_the_per_value_rule(names: list[Any], extra: str) -> None:
    from osa_opt.inputs.keys import _spellings, key

    assert key(extra) == plain.key_per_cell(extra)
    values = pd.Series([*names, extra], dtype=object)
    rows = pd.Series(np.arange(2, 2 + len(values)))
    assert _spellings(values, rows) == plain.spellings_per_cell(values, rows)


@SETTINGS
@given(st.lists(st.text(max_size=5), max_size=8))
def test_keys_of_a_list_equal_each_key(names: list[str]) -> None:
    from osa_opt.inputs.keys import keys

    assert keys(names) == [plain.key_per_cell(n) for n in names]


# ---------------------------------------------------------------------- schema checks
@SETTINGS
@given(st.lists(st.sampled_from(["medical", "medical;bogus", "", None, NAN, "x;;medical",
                                 "disaster_relief;medical", ";"]), max_size=20))
def test_field_choices_check_equals_the_per_cell_map(cells: list[Any]) -> None:
    from osa_opt.inputs.schema import split_values
    from osa_opt.inputs.sheet_schema import _each_value

    def rule(v: Any) -> bool:
        return v is None or v != v or set(split_values(v)) <= {"medical", "disaster_relief"}

    series = pd.Series(cells, dtype=object)
    assert _each_value(series, rule).tolist() == series.map(rule).tolist()



def _pandera_passes(sheet: str, typed: pd.DataFrame, columns: tuple[Any, ...]) -> bool:
    import pandera.pandas as pa

    from osa_opt.inputs.sheet_schema import sheet_schema

    try:
        sheet_schema(sheet, columns).validate(typed, lazy=True)
    except pa.errors.SchemaErrors:
        return False
    return True


@SETTINGS
@given(st.data(), st.integers(0, 8))
def test_a_sheet_passed_without_pandera_is_one_pandera_passes(data: st.DataObject,
                                                              n: int) -> None:
    """_surely_valid (the check of a valid sheet without pandera) says True exactly where
    pandera finds nothing: on typed columns of their declared dtypes, and never True on
    a column of another dtype."""
    from osa_opt.inputs.schema import COUNTRY_COLUMNS, PROJECT_COLUMNS
    from osa_opt.inputs.sheet_schema import _surely_valid

    pools: dict[str, tuple[list[Any], str]] = {
        "project_id": (["P-1", "P-2", "P-3", None, NAN], "object"),
        "field": (["medical", "medical;bogus", None, NAN, "disaster_relief;medical"],
                  "object"),
        "status": (["candidate", "excluded", "withdrawn", None, NAN], "object"),
        "risk": ([0.0, 0.5, 1.0, 1.5, -0.1, NAN], "float64"),
        "min_funding": ([0.0, 0.3, 1.0, 1.2, NAN], "float64"),
        "score_spread": ([0.0, 2.0, -1.0, NAN], "float64"),
        "dispute_linked": ([True, False, None], "boolean"),
    }
    country_pools: dict[str, tuple[list[Any], str]] = {
        "country": (["Aurelia", "Borea", None], "object"),
        "priority_tier": ([1, 2, 3, 4, None], "Int64"),
        "max_share": ([0.0, 0.1, 1.0, NAN], "float64"),
        "democracy": ([0.0, 10.0, 10.5, NAN], "float64"),
    }
    sheet = data.draw(st.sampled_from(["projects", "countries"]))
    columns = tuple(PROJECT_COLUMNS if sheet == "projects" else COUNTRY_COLUMNS)
    chosen = pools if sheet == "projects" else country_pools
    names = data.draw(st.lists(st.sampled_from(sorted(chosen)), unique=True, min_size=1))
    typed = pd.DataFrame({name: pd.Series(
        data.draw(st.lists(st.sampled_from(chosen[name][0]), min_size=n, max_size=n)),
        dtype=chosen[name][1]) for name in names})
    assert _surely_valid(sheet, typed, columns) == _pandera_passes(sheet, typed, columns)
    # a column of another dtype than declared is always left to pandera
    other = typed.astype(object) if any(chosen[m][1] != "object" for m in names) else None
    if other is not None:
        assert not _surely_valid(sheet, other, columns)


# ---------------------------------------------------------------------- writers
@SETTINGS
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                          st.integers(-10**6, 10**6).map(lambda n: n / 1000),
                          st.sampled_from([0.0, -0.0, 0.1234565, 2.5e15])), max_size=30))
def test_csv_numbers_equal_the_per_cell_rounding(values: list[float]) -> None:
    from osa_opt.outputs.longform import _csv_number, csv_column

    fast = csv_column(pd.Series(values, dtype=float))
    slow = [_csv_number(v) for v in values]
    assert [f"{type(v).__name__}:{v!r}" for v in fast] == [
        f"{type(v).__name__}:{v!r}" for v in slow]


@pytest.mark.parametrize("name", ["\u2010", "P\u201301", "Aurelia\u2212boats", "Р-01"])
def test_keys_of_dashes_and_lookalikes_equal_each_key(name: str) -> None:
    # hypothesis found U+2010 once the keys folded lookalike dashes (99a71fa) and the
    # per-cell reference did not; pinned here so it does not depend on the draw
    from osa_opt.inputs.keys import keys

    assert keys([name]) == [plain.key_per_cell(name)]


_MIXED_CELLS = st.one_of(
    st.none(), st.just(float("nan")), st.booleans(), st.integers(-3, 3),
    st.floats(-3, 3, allow_nan=False), st.sampled_from(
        ["", "  ", "NA", " NA ", "nan", "NULL", "Total", " total: ", "合計", "Aurelia Total",
         "P-01", "Radar", "0", "1", "1.0", "True"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MIXED_CELLS, max_size=30))
def test_a_judge_called_once_per_distinct_cell_equals_it_called_per_cell(cells: list) -> None:
    """cells.judged_once (the blank, missing-mark and totals-row checks of 100,000 rows)
    answers as the judge called on each cell does, whatever the column mixes."""
    from osa_opt.inputs.cells import is_blank, judged_once
    from osa_opt.inputs.suspect_cells import MISSING_MARKS, _total_word

    column = pd.Series(cells, dtype=object)

    def marked(v: Any) -> bool:
        return isinstance(v, str) and v.strip() in MISSING_MARKS
    for judge in (is_blank, marked, _total_word):
        expected = np.array([judge(v) for v in cells], dtype=bool)
        assert judged_once(column, judge).tolist() == expected.tolist(), judge
