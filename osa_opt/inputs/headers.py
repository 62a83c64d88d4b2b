"""Header rows and header names: where the header is, and what a near-miss header means.

Every reader hands its rows here (Excel row number, cells), so a workbook, an .ods file and
a CSV file get one table builder. The header is row 1, unless row 1 holds no column name
and a row below it does (a title, a date or a blank row above the table): then the table
is read from that row, with a warning naming it.

A header that is not a known column but plainly means one (``risk (0-1)``, ``Exclusive
group (pick one)``, ``prerequisites``) is found by :func:`near_miss_header`, so validation
can name it instead of silently using the column's default.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.policy import Policy, policy_sheet
from osa_opt.inputs.schema import (
    COST_PREFIX,
    COUNTRY_COLUMNS,
    KEYS,
    PROJECT_COLUMNS,
    PROJECTS,
    ROW,
    SCORE_PREFIX,
    Column,
)
from osa_opt.inputs.suspect_cells import describe_invisible
from osa_opt.text import first_few, reiwa_words, reiwa_year, rows_named, suggest, year_spelt

#: How far down a header row is looked for (title blocks are a few rows high).
HEADER_SEARCH_ROWS = 12
#: Other words analysts use for a column, normalized as by :func:`normalize`.
SYNONYMS: dict[str, str] = {
    "prerequisites": "requires", "prerequisite": "requires", "depends_on": "requires",
    "dependencies": "requires", "requirements": "requires", "required_projects": "requires",
    "requires_projects": "requires", "needs": "requires",
    "group": "exclusive_group", "exclusive": "exclusive_group",
    "mutually_exclusive": "exclusive_group", "alternatives": "exclusive_group",
    "exclusive_groups": "exclusive_group", "minimum_funding": "min_funding",
    "min_fraction": "min_funding", "min_share": "min_funding",
    "reason": "status_reason", "spread": "score_spread", "uncertainty": "score_spread",
    "tier": "priority_tier", "priority": "priority_tier", "cap": "max_share",
    "share_cap": "max_share", "max_budget_share": "max_share", "oda": "oda_eligible",
    "risks": "risk", "risk_score": "risk", "id": "project_id", "project": "project_id",
    # the gates of law: a default of these silently makes a project eligible
    "dispute": "dispute_linked", "disputed": "dispute_linked", "in_dispute": "dispute_linked",
    "dispute_link": "dispute_linked", "linked_to_dispute": "dispute_linked",
    "linked_to_a_dispute": "dispute_linked", "international_dispute": "dispute_linked",
    "consent": "prior_consent", "consent_clause": "prior_consent",
    "prior_consent_clause": "prior_consent", "prior_consent_clauses": "prior_consent",
    "charter": "un_charter", "un_charter_consistent": "un_charter",
    "consistent_with_un_charter": "un_charter", "mitigations": "mitigation",
    "risk_mitigation": "mitigation", "mitigation_measures": "mitigation",
    "mitigation_plan": "mitigation", "waiver": "override", "waived": "override",
    "waiver_reason": "override_reason",
}

#: The Japanese headers analysts give the columns, keyed as by :func:`japanese_key`
#: (:func:`normalize` keeps Latin letters only, so リスク read as no name at all, and a
#: column headed so passed through unread while its default applied to every row: a risk
#: of 0, no dispute link).
JAPANESE_HEADERS: dict[str, str] = {
    **dict.fromkeys(("案件id", "案件番号", "案件コード"), "project_id"),
    **dict.fromkeys(("案件名", "件名", "名称"), "title"),
    **dict.fromkeys(("国", "国名", "相手国", "供与先", "供与先国", "被供与国", "受益国"),
                    "country"),
    **dict.fromkeys(("分野", "協力分野"), "field"),
    **dict.fromkeys(("支援形態", "供与形態", "支援の種類", "供与の種類"), "assistance_type"),
    **dict.fromkeys(("リスク", "リスク評価", "不正使用リスク", "目的外使用リスク", "危険度"),
                    "risk"),
    **dict.fromkeys(("最低資金比率", "最低供与割合", "最低充当率", "最小資金割合"),
                    "min_funding"),
    **dict.fromkeys(("ステータス", "状態"), "status"),
    **dict.fromkeys(("ステータス理由", "状態の理由"), "status_reason"),
    **dict.fromkeys(("排他グループ", "排他", "択一", "択一グループ"), "exclusive_group"),
    **dict.fromkeys(("前提", "前提案件", "依存", "依存案件"), "requires"),
    **dict.fromkeys(("スコア幅", "不確実性"), "score_spread"),
    **dict.fromkeys(("最大数量", "最大単位数"), "units_max"),
    **dict.fromkeys(("最小数量", "最小単位数"), "units_min"),
    **dict.fromkeys(("段階", "交渉段階"), "stage"),
    **dict.fromkeys(("署名確率", "締結確率"), "p_sign"),
    **dict.fromkeys(("装備品区分", "装備区分", "防衛装備品区分", "装備品の類型"),
                    "equipment_category"),
    **dict.fromkeys(("紛争関連", "紛争", "国際紛争関連", "紛争との関連"), "dispute_linked"),
    **dict.fromkeys(("事前同意", "事前同意条項"), "prior_consent"),
    **dict.fromkeys(("国連憲章", "国連憲章適合", "国連憲章との整合"), "un_charter"),
    **dict.fromkeys(("リスク軽減策", "軽減策", "緩和策", "リスク緩和策"), "mitigation"),
    **dict.fromkeys(("例外", "特例", "オーバーライド"), "override"),
    **dict.fromkeys(("例外理由", "特例理由", "オーバーライド理由"), "override_reason"),
    "地域": "region",
    **dict.fromkeys(("優先度", "優先順位", "優先ティア"), "priority_tier"),
    **dict.fromkeys(("oda対象", "oda対象国", "oda適格"), "oda_eligible"),
    **dict.fromkeys(("紛争当事国",), "party_to_conflict"),
    **dict.fromkeys(("管理協定", "適正管理", "適正管理協定"), "management_agreement"),
    "民主主義": "democracy", "法の支配": "rule_of_law", "人権": "human_rights",
    **dict.fromkeys(("上限", "上限割合", "配分上限", "シェア上限"), "max_share"),
    **dict.fromkeys(("経済社会状況", "経済社会情勢"), "economic_social"),
    "二国間関係": "bilateral_relations",
}


def japanese_key(name: str) -> str:
    """A header as :data:`JAPANESE_HEADERS` keys it: width folded, notes in brackets and
    spaces, '・' and '_' dropped (``リスク（0〜1）`` and ``経済・社会状況`` as ``リスク``,
    ``経済社会状況``).

    >>> japanese_key("リスク（0〜1）"), japanese_key("経済・社会 状況"), japanese_key("ODA対象")
    ('リスク', '経済社会状況', 'oda対象')
    """
    text = unicodedata.normalize("NFKC", str(name)).lower()
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", text)
    return re.sub(r"[\s_・/\-]+", "", text)


Rows = Sequence[tuple[int, Sequence[Any]]]


#: The column names of each sheet's schema (``known_header`` is asked once per cell of the
#: rows a header is looked for in).
_PROJECT_NAMES = frozenset(c.name for c in PROJECT_COLUMNS)
_COUNTRY_NAMES = frozenset(c.name for c in COUNTRY_COLUMNS)


def known_header(sheet: str, name: str) -> bool:
    """Whether ``name`` is a column of the sheet (any cost or score column counts)."""
    if name in (_PROJECT_NAMES if sheet == PROJECTS else _COUNTRY_NAMES):
        return True
    return sheet == PROJECTS and name.startswith((COST_PREFIX, SCORE_PREFIX))


def normalize(name: str) -> str:
    """``"Exclusive group (pick one)"`` -> ``"exclusive_group"``: width, case, notes, spaces."""
    text = unicodedata.normalize("NFKC", str(name)).lower()
    text = re.sub(r"\(.*?\)|\[.*?\]|（.*?）", " ", text)
    text = re.sub(r"[^0-9a-z]+", "_", text)
    return text.strip("_")


#: Words a header adds to a column's name for its unit, scale or subject (``risk_pct``,
#: ``misuse_risk``, ``p_sign_probability``): the name without them is the column meant.
_QUALIFIERS = re.compile(r"^(?:(?:project|misuse|delivery)_)+|(?:_(?:pct|percent|percentage|"
                         r"perc|level|rate|ratio|value|flag|yn|y_n|fraction|frac|prob|"
                         r"probability|0_1|0_10))+$")


def near_miss_header(column: str, headers: Iterable[str], cutoff: float = 0.8) -> str | None:
    """The header among ``headers`` that most likely means ``column``, or None.

    >>> near_miss_header("risk", ["notes", "risk_pct"]), near_miss_header("risk", ["misuse risk"])
    ('risk_pct', 'misuse risk')
    >>> near_miss_header("dispute_linked", ["備考", "紛争関連"])
    '紛争関連'
    """
    headers = [h for h in headers if h != column]
    wanted = normalize(column)
    for header in headers:
        key = normalize(header)
        core = _QUALIFIERS.sub("", key)
        if wanted in (key, core) or column in (SYNONYMS.get(key), SYNONYMS.get(core)) \
                or JAPANESE_HEADERS.get(japanese_key(header)) == column:
            return header
    by_key = {normalize(h): h for h in headers if normalize(h)}
    close = suggest(wanted, by_key, cutoff=cutoff)  # the keys are lower case already
    return by_key[close] if close else None


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def find_header(sheet: str, rows: Rows) -> int:
    """Index in ``rows`` of the header row: row 1's unless it names no column and a later
    row (among the first few) names at least two."""
    if not rows or _names(sheet, rows[0][1]):
        return 0
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if _names(sheet, cells) >= 2:
            return i
    return 0


def _names(sheet: str, cells: Sequence[Any]) -> int:
    """How many cells of a row name a column of ``sheet``."""
    return sum(isinstance(c, str) and known_header(sheet, c.strip()) for c in cells)


def _sorted_header_issue(sheet: str, rows: Rows) -> Issue | None:
    """Row 1 names no column and a row past the first few names most of them: the header
    row sorted into the table (a sort of the whole sheet without 'My data has headers'),
    or moved there. Read from row 1, each of its columns was 'data but no header'.
    Row 1 is looked at first: when it names a column (every sound sheet), the rows below
    are not searched (a cell at a time, 0.15 s of 10,000 projects)."""
    if _names(sheet, rows[0][1]) or sum(
            not is_blank(c) for c in rows[0][1]) < 3:  # row 1 a title: a long title block
        return None
    found = [(n, cells) for n, cells in rows[HEADER_SEARCH_ROWS:] if _names(sheet, cells) >= 3]
    if len(found) != 1:
        return None
    n, cells = found[0]
    heads = first_few((repr(str(c).strip()) for c in cells if isinstance(c, str)
                       and known_header(sheet, c.strip())), 3, ", ")
    return Issue(sheet, n, None, None,
                 f"the header row is row {n}, among the rows it heads ({heads}), and row 1 holds "
                 f"{'a project' if sheet == PROJECTS else 'a country'}: the sheet sorted with "
                 "its header row, or the row moved",
                 f"move row {n} back to row 1, above the rows it heads (or undo the sort, "
                 "and sort again with Data > Sort, 'My data has headers' ticked)")


def data_above_header_issue(sheet: str, rows: Rows, at: int) -> Issue | None:
    """The header row found below rows that fill the header's columns as the rows under it
    do: the sheet sorted with its header row (sorting by country puts 'country' between
    Coralia and Drakmoor), or the row moved. Those rows would be skipped as a title block,
    their projects lost with a warning only; a title block fills a cell or two.

    >>> rows = [(1, ["P-17", "Vessel", "Lumaris"]), (2, ["project_id", "title", "country"]),
    ...         (3, ["P-01", "Radars", "Aurelia"])]
    >>> data_above_header_issue("projects", rows, 1).rule[:62]
    'the header row is row 2, with projects above it (row 1: P-17):'
    >>> data_above_header_issue("projects", [(1, ["OSA FY2026"]), *rows[1:]], 1) is None
    True
    >>> data_above_header_issue("projects", [(1, [None, "text", "name"]), *rows[1:]], 1) is None
    True
    """
    if not at:
        return None
    named = [i for i, c in enumerate(rows[at][1])
             if isinstance(c, str) and known_header(sheet, c.strip())]

    def filled(cells: Sequence[Any]) -> int:
        return sum(i < len(cells) and not is_blank(cells[i]) for i in named)

    below = sorted(filled(cells) for _, cells in rows[at + 1:at + 21])
    if len(named) < 3 or not below:
        return None
    typical = below[len(below) // 2]  # the median row under the header
    key = next((i for i, c in enumerate(rows[at][1])
                if isinstance(c, str) and c.strip() == KEYS.get(sheet)), None)

    def keyed(cells: Sequence[Any]) -> bool:  # a units row above the header names none
        return key is None or (key < len(cells) and not is_blank(cells[key]))

    data = [(n, cells) for n, cells in rows[:at]
            if keyed(cells) and filled(cells) >= max(3, typical / 2)]
    if not data:
        return None
    what = "projects" if sheet == PROJECTS else "countries"
    firsts = [next((str(c).strip() for c in cells if not is_blank(c)), "") for _, cells in data]
    header_row = rows[at][0]
    return Issue(sheet, header_row, None, firsts[0] or None,
                 f"the header row is row {header_row}, with {what} above it "
                 f"({rows_named([n for n, _ in data])}: {first_few(firsts, 5)}): the sheet "
                 f"sorted with its header row, or the row moved; read from row {header_row}, "
                 "the rows above it would be lost",
                 f"move row {header_row} back to row 1, above the rows it heads (or undo the "
                 "sort, and sort again with Data > Sort, 'My data has headers' ticked)")


def table(sheet: str, rows: Rows, issues: list[Issue], warnings: list[Issue],
          label: Callable[[int], str], at: int | None = None) -> pd.DataFrame:
    """A raw table from ``(Excel row, cells)`` pairs; ``label(i)`` names column ``i``;
    ``at`` is :func:`find_header`'s index of the header row when the caller has it."""
    rows = [(n, cells if isinstance(cells, list) else list(cells)) for n, cells in rows]
    if not rows:
        return pd.DataFrame({ROW: pd.Series(dtype=int)})
    at = find_header(sheet, rows) if at is None else at
    sorted_in = _sorted_header_issue(sheet, rows) if at == 0 else \
        data_above_header_issue(sheet, rows, at)
    if sorted_in is not None:  # one problem, not a 'no header' for each column
        issues.append(sorted_in)
        return pd.DataFrame({ROW: pd.Series(dtype=int)})
    header_row = rows[at][0]
    if at:
        above = [str(c).strip() for _, cells in rows[:at] for c in cells if not is_blank(c)]
        shown = first_few((repr(t[:40]) for t in above), 3, "; ")
        warnings.append(Issue(sheet, header_row, None, None,
                              f"the header is on row {header_row}, not row 1"
                              + (f"; the rows above it are ignored ({shown})" if above else ""),
                              "nothing to do if that is right; otherwise put the column "
                              "headers in row 1"))
    header = ["" if h is None else str(h).strip() for h in rows[at][1]]
    body, text_only = _non_blank(rows[at + 1:])
    width = max([len(header), *(len(r) for _, r in body)])
    header += [""] * (width - len(header))
    numbers = [n for n, _ in body]
    grid = _grid([cells for _, cells in body], width)  # rows by columns, padded with ""
    first: dict[str, int] = {}  # a repeated name keeps its first column
    for i, name in enumerate(header):
        if name and name != ROW:
            first.setdefault(name, i)
    stray: list[tuple[int, int, list[int]]] = []  # (first position, column, rows)
    for i, name in enumerate(header):
        if not name:
            at_rows = [k for k, cell in enumerate(grid[:, i]) if not is_blank(cell)]
            if at_rows:
                stray.append((at_rows[0], i, [numbers[k] for k in at_rows]))
    # named as a row-by-row reading meets them: by the first row, then left to right
    headerless = {i: found for _, i, found in sorted(stray)}
    counting = {i: int(float(grid[0, i])) for i in headerless
                if i == 0 and _counts_rows(grid[:, i])}  # column -> the first number
    if not any(header) and body:
        issues.append(Issue(sheet, header_row, None, None,
                            f"the header row (row {header_row}) is empty",
                            f"put the column headers in row {header_row}; the first row with "
                            f"data is row {numbers[0]}"))
        headerless = {}
    issues += _header_issues(sheet, header_row, header, headerless, label, counting)
    repeated = _repeated_header_issues(sheet, header_row, header, grid, numbers)
    issues += repeated
    if not any(issue.row == numbers[0] for issue in repeated):  # said once for the row
        issues += _label_row_issues(sheet, header_row, header, grid, numbers)
    if ROW in header:
        warnings.append(_own_row_column(sheet, header_row, header.index(ROW), label))
    names = list(dict.fromkeys(h for h in header if h and h != ROW))
    row_numbers = np.array(numbers, dtype=np.int64)
    cells = grid[:, [first[name] for name in names]]
    if not text_only:  # a missing cell (None) reads as ""
        _blank_none(cells)
    frame = _as_records_read(pd.DataFrame(cells, columns=names, index=pd.RangeIndex(len(body))))
    frame[ROW] = row_numbers
    return frame


def _own_row_column(sheet: str, header_row: int, i: int,
                    label: Callable[[int], str]) -> Issue:
    """A column headed ``_row`` (as ``Problem.raw_projects()`` hands the table back): the
    rows are numbered from the file itself, so its cells are not read, and it says so."""
    return Issue(sheet, header_row, ROW, None,
                 f"{label(i)} is headed {ROW!r}, osa-opt's own name for the row number of "
                 f"each line (Problem.raw_projects() and raw_countries() add it); its cells "
                 f"are not read: rows are numbered as they are in this file",
                 f"nothing to do; delete the column {ROW!r} to silence this warning")


def _as_records_read(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns whose cells are as pandas reads records: a column of numbers only
    holds floats if any of them is one (3.5 and 0 read as 3.5 and 0.0), as it always did."""
    return frame.infer_objects().astype(object)


def _non_blank(rows: Rows) -> tuple[list[tuple[int, Any]], bool]:
    """The rows that are not blank (:func:`is_blank` every cell), and whether every cell
    of them is text (a CSV file: then no cell is None)."""
    out = []
    text_only = True
    for number, cells in rows:
        try:
            blank = not "".join(cells).strip()  # text only: one C call per row
        except TypeError:
            text_only = False
            blank = all(is_blank(c) for c in cells)
        if not blank:
            out.append((number, cells))
    return out, text_only


def _grid(rows: list[Any], width: int) -> np.ndarray:
    """Rows of cells as a (rows, width) object array, short rows padded with ``""``."""
    padded = [cells if len(cells) == width else [*cells, *[""] * (width - len(cells))]
              for cells in rows]
    grid = np.array(padded, dtype=object) if padded and width else None
    if grid is None or grid.shape != (len(rows), width):  # none, or cells numpy would nest
        grid = np.empty((len(rows), width), dtype=object)
        for r, cells in enumerate(padded):
            for c, cell in enumerate(cells):
                grid[r, c] = cell
    return grid


def _blank_none(cells: np.ndarray) -> None:
    """Replace the missing cells (None) of ``cells`` by ``""``, in place."""
    rows, columns = np.nonzero(pd.isna(cells))
    none = np.fromiter((cells[r, c] is None for r, c in zip(rows, columns, strict=True)),
                       dtype=bool, count=len(rows))
    cells[rows[none], columns[none]] = ""


def _repeated_header_issues(sheet: str, header_row: int, header: list[str], grid: np.ndarray,
                            numbers: list[int]) -> list[Issue]:
    """A data row that repeats the header row (a second table pasted below the first): one
    issue for the row, not one per cell that is no number."""
    named = [i for i, h in enumerate(header) if h and h != ROW]
    if not named or not len(grid):
        return []
    i0 = named[0]
    candidates = [k for k, cell in enumerate(grid[:, i0])
                  if isinstance(cell, str) and cell.strip() == header[i0]]
    issues = []
    for k in candidates:
        cells = [c for c in grid[k] if not is_blank(c)]
        same = sum(isinstance(grid[k, i], str) and grid[k, i].strip() == header[i] for i in named)
        if same >= 2 and same * 2 >= len(cells):
            issues.append(Issue(sheet, numbers[k], None, header[i0],
                                f"row {numbers[k]} repeats the header row (row {header_row}): "
                                "a second table pasted below the first?",
                                "delete the row, and check that the rows below it belong to "
                                "this table"))
    return issues


def _label_row_issues(sheet: str, header_row: int, header: list[str], grid: np.ndarray,
                      numbers: list[int]) -> list[Issue]:
    """The row under the header is a second header row (labels in words or another language,
    units): it holds words in the number columns and no number in any. One issue for the
    row, not one per cell (22 for the projects sheet)."""
    from osa_opt.inputs.numbers import number_column, readings

    columns = {h: i for i, h in reversed(list(enumerate(header)))  # a name's first column
               if h and h != ROW and number_column(h)}
    if len(columns) < 2 or not len(grid):
        return []
    first = [(name, grid[0, i]) for name, i in sorted(columns.items(), key=lambda c: c[1])]
    if any(not isinstance(cell, str) or not cell.strip() or readings(cell) for _, cell in first):
        return []  # a number, or a blank cell, in a number column: a row of data
    shown = first_few((f"{cell.strip()!r} under {name}" for name, cell in first), 3)
    what = "project" if sheet == PROJECTS else "country"
    return [Issue(sheet, numbers[0], None, first[0][1],
                  f"row {numbers[0]} looks like a second header row, not a {what}: every "
                  f"number column holds words ({shown})",
                  f"delete the row; the headers of row {header_row} are the ones read (a "
                  "column's meaning can go in a comment on its header cell)")]


def _counts_rows(cells: np.ndarray) -> bool:
    """Whether a column's cells are 0, 1, 2 ... (or 1, 2, 3 ...) down every row: the index
    pandas writes as the first column with ``to_excel`` or ``to_csv`` (``index=True``, the
    default), or the row names R's ``write.csv`` writes (``row.names = TRUE``, the default:
    "1", "2", "3" ...), under a blank header."""
    try:
        found = [float(c) for c in cells]
    except (TypeError, ValueError):
        return False
    return len(found) > 1 and found[0] in (0.0, 1.0) and \
        found == [found[0] + k for k in range(len(found))]


def _header_issues(sheet: str, header_row: int, header: list[str],
                   headerless: dict[int, list[int]], label: Callable[[int], str],
                   counting: Mapping[int, int] | None = None) -> list[Issue]:
    issues: list[Issue] = []
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        if name:
            seen.setdefault(name, []).append(i)
    for name, positions in seen.items():
        if len(positions) > 1:
            issues.append(Issue(sheet, header_row, name, None,
                                "the header appears more than once ("
                                + ", ".join(label(i) for i in positions) + ")",
                                "keep one column of this name; delete or rename the others"))
    for i, numbers in headerless.items():
        hint = (f"give the column a header in row {header_row}, or delete its cells")
        start = (counting or {}).get(i)
        if start == 0:  # pandas' index, written beside the table
            hint = ("the column counts the rows (0, 1, 2, ...), as pandas writes a table's "
                    "index with to_excel or to_csv: delete the column, or write the table "
                    "with index=False")
        elif start == 1:  # R's row names (write.csv's default), or an index from 1
            hint = ("the column counts the rows (1, 2, 3, ...), as R's write.csv writes its "
                    "row names (or pandas an index that starts at 1): delete the column, or "
                    "write the table with row.names = FALSE in R (index=False in pandas)")
        issues.append(Issue(sheet, numbers[0], None, None,
                            f"{label(i)} has data but no header "
                            f"({rows_named(numbers)})", hint))
    return issues


# ---------------------------------------------------------------------- columns vs policy
#: The criteria of the shipped policy: a data header naming one is taken as spelt right.
_KNOWN_CRITERIA = ("security", "humanitarian", "partnership")


def column_issues(sheet: str, present: list[str], columns: tuple[Column, ...],
                  policy: Policy) -> list[Issue]:
    """Missing required columns and near-miss optional ones; when a cost or score column
    the policy names is missing but a near miss exists, the likely typo is named: the
    header's, or the policy key's (``"2026"`` for ``FY2026``, a misspelt criterion)."""
    issues: list[Issue] = []
    known = {c.name for c in columns}
    unknown = [c for c in present if c not in known]
    spelt = {_spelling(h): h for h in unknown}
    for col in columns:
        if col.name in present:
            twin = spelt.get(_spelling(col.name))
            if twin is not None:
                issues.append(_twin_issue(sheet, col.name, twin))
            continue
        if col.required:
            era = _era_issue(sheet, col.name, unknown, policy)
            if era is not None:
                issues.append(era)
                continue
            same = _same_year_headers(col.name, unknown)
            if len(same) > 1:
                issues.append(_same_year_issue(sheet, col.name, same))
                continue
            close = same[0] if same else near_miss_header(col.name, unknown, cutoff=0.6)
            blame = _policy_typo(col.name, close, policy) if close else None
            if blame is not None:
                issues.append(blame)
                continue
            rule, hint = _missing_column_text(col)
            sibling = None if close else _policy_sibling(col.name, present, policy)
            other_years = _other_years(col.name, close, unknown)
            if other_years:  # the data's round is of another year: its budget, not a rename
                issues.append(Issue(sheet, None, col.name, close, rule,
                                    _another_year_hint(col.name, close, other_years, present,
                                                       policy)))
                continue
            if col.name.startswith(COST_PREFIX) and not close:
                hint += _budget_alone(col.name, present, policy)
            if close:
                hint = (f"did you mean {col.name!r}? Rename the header {close!r} to "
                        f"{col.name!r}" + _invisible(close)
                        + _or_policy(col.name, close) + _unit_note(close))
            elif sibling is not None:
                key = _policy_key(col.name)[0]  # type: ignore[index]
                hint = (f"did you mean {sibling}? The policy has both {key} and {sibling}: if "
                        f"{key} is mistyped (an override adds a key beside the policy's own), "
                        f"leave it out; otherwise {hint}")
            issues.append(Issue(sheet, None, col.name, close, rule, hint))
        else:
            close = near_miss_header(col.name, unknown)
            if close:
                default = "no value" if col.default in ("", None) else repr(col.default)
                issues.append(Issue(sheet, None, close, close,
                                    f"unknown column, most likely {col.name!r}",
                                    f"did you mean {col.name!r}? Rename the header"
                                    f"{_invisible(close)}, or the default ({default}) is "
                                    "used for every row"))
    if sheet == PROJECTS:
        issues += _other_year_cost_issues(sheet, unknown, known | set(present))
    return issues


def _other_year_cost_issues(sheet: str, unknown: list[str], named: set[str]) -> list[Issue]:
    """Headers that name a fiscal year's costs in other words (``Cost FY2027 (¥m)``) for a
    year whose ``cost_FY2027`` neither the policy nor the sheet has: left unread, a project
    whose cost was moved there read as costing nothing (funded for free, with a warning),
    where ``cost_FY2027`` takes it out of this round. The policy's own years are told by
    the missing column's did-you-mean.

    >>> [i.hint.split(" (")[0] for i in _other_year_cost_issues("projects", ["Cost FY2027"], set())]
    ["rename the header 'Cost FY2027' to 'cost_FY2027'"]
    >>> _other_year_cost_issues("projects", ["notes", "cost FY2026 v1"], {"cost_FY2026"})
    []
    """
    issues = []
    for header in unknown:
        key = re.sub(r"[^0-9a-z]+", "_", unicodedata.normalize("NFKC", header).lower()).strip("_")
        year = re.search(r"(?:^|_)fy_?(\d{4})(?:_|$)", key)
        if header.startswith(COST_PREFIX) or year is None \
                or not set(key.split("_")) & {"cost", "costs"}:
            continue
        column = f"{COST_PREFIX}FY{year.group(1)}"
        if column in named:
            continue
        issues.append(Issue(
            sheet, None, header, header,
            f"the header reads as the costs of FY{year.group(1)}, but costs are read only "
            f"from a column named {column!r}: under this header they are not read, and a "
            "project whose cost stands only here would be read as costing nothing",
            f"rename the header {header!r} to {column!r} (a year the policy has no budget "
            "for takes such a project out of this round, saying so); if the column is a "
            "note, name it without 'cost' and the year" + _unit_note(header)))
    return issues


_YEAR = re.compile(r"FY\d{4}")


def _other_years(column: str, close: str | None, unknown: list[str]) -> list[str]:
    """The fiscal years of the cost headers a missing ``cost_FY2026`` has beside it, when
    the nearest is another year of the same form (``cost_FY2024``): the data's round is of
    that year, not a typo of the policy's, so renaming its header would charge its costs
    to the policy's year and budget. Empty for any other near miss."""
    if not (column.startswith(COST_PREFIX) and close and close.startswith(COST_PREFIX)):
        return []
    ours, theirs = column[len(COST_PREFIX):], close[len(COST_PREFIX):]
    if not (_YEAR.fullmatch(ours) and _YEAR.fullmatch(theirs)):
        return []
    return sorted(h[len(COST_PREFIX):] for h in unknown
                  if h.startswith(COST_PREFIX) and _YEAR.fullmatch(h[len(COST_PREFIX):]))


def _budget_table(years: Mapping[str, float | None]) -> str:
    """``{FY2024=5000, FY2025=AMOUNT}``: the budget to type, an amount the policy has for a
    year as it has it, AMOUNT where none is known."""
    def amount(value: float | None) -> str:
        if value is None:
            return "AMOUNT"
        return str(int(value)) if float(value).is_integer() else str(value)
    return "{" + ", ".join(f"{fy}={amount(v)}" for fy, v in years.items()) + "}"


def _another_year_hint(column: str, close: str | None, years: list[str], present: list[str],
                       policy: Policy) -> str:
    """The fix of a cost column missing for the policy's year when the data has costs for
    other fiscal years only (the shipped FY2026 policy on a FY2024 or FY2027 round): give
    the budget of the data's years in place of the policy's (the amount to type named), or,
    if the header is a typo, rename it; not the rename alone, which would solve the round
    against another year's budget."""
    fy = column[len(COST_PREFIX):]
    kept = _other_budgets(fy, present, policy)
    budget = {**kept, **dict.fromkeys(years)}
    theirs = " and ".join(years)
    return (f"the projects sheet's costs are for {theirs}, the policy's budget for {fy}: to "
            f"solve the round of {theirs}, give its budget in place of {fy}'s "
            f"(--set 'budget={_budget_table(budget)}' in ¥ million, or a policy file's "
            f"[budget]); if the header is a typo for {fy}, rename {close!r} to {column!r} "
            f"(its costs are then charged to {fy}'s budget of {_budget_text(policy, fy)})")


def _other_budgets(fy: str, present: list[str], policy: Policy) -> dict[str, float]:
    """The policy's budgets of its years other than ``fy`` whose cost columns are among the
    headers ``present``."""
    return {y: policy.budget[y] for y in policy.fiscal_years
            if y != fy and f"{COST_PREFIX}{y}" in present}


def _budget_alone(column: str, present: list[str], policy: Policy) -> str:
    """When other years of the policy have their cost columns (``--budget FY2024=5000`` on
    the shipped FY2026 policy adds FY2024 beside FY2026): how to budget those years alone."""
    fy = column[len(COST_PREFIX):]
    kept = _other_budgets(fy, present, policy)
    if not kept:
        return ""
    return (f": to budget {' and '.join(kept)} alone, --set 'budget={_budget_table(kept)}' "
            f"(--budget adds a year beside the policy's; --set 'budget={{...}}' replaces them)")


def _budget_text(policy: Policy, fy: str) -> str:
    """``¥18,100m``: the policy's budget of ``fy``."""
    return f"¥{policy.budget[fy]:,.0f}m"


def _same_year_headers(column: str, headers: list[str]) -> list[str]:
    """The headers that name ``column``'s cost and fiscal year in other words
    (``cost_FY2026_final``, ``FY2026 cost (¥m)``, ``cost_FY2026_v2`` for ``cost_FY2026``):
    the column meant, before a closer spelling of another year (``cost_FY2027``), whose
    costs renamed would be read as this year's."""
    if not column.startswith(COST_PREFIX):
        return []
    year = normalize(column[len(COST_PREFIX):])
    found = []
    for header in headers:
        words = set(re.sub(r"[^0-9a-z]+", "_", unicodedata.normalize("NFKC", header).lower())
                    .strip("_").split("_"))
        if year in words and words & {"cost", "costs"}:
            found.append(header)
    return found


def _same_year_issue(sheet: str, column: str, headers: list[str]) -> Issue:
    """Two or more headers that each name the year's costs (``cost_FY2026_estimate`` and
    ``cost_FY2026_final``): which one to read is not for the reader to guess."""
    named = ", ".join(repr(h) for h in headers)
    fy = column[len(COST_PREFIX):]
    return Issue(sheet, None, column, headers[0],
                 f"{_missing_column_text_cost(fy)}, and {len(headers)} headers name its costs "
                 f"({named}): which one is meant cannot be told",
                 f"rename the column to read to {column!r}, and give the others names that "
                 f"do not start with {COST_PREFIX} (such as 'old {fy} estimate'), or delete "
                 "them")


#: Units a cost header may name besides ¥ million, normalized as by :func:`normalize`
#: (by whole words), with what its cells are to become.
_COST_UNITS = (
    (("thousand", "thousands", "千円", "千", "k"),
     "¥ thousand: divide each cost by 1,000 (1,200,000 is 1200)"),
    (("億円", "億", "oku"), "¥100 million (億円): multiply each cost by 100 (12 is 1200)"),
    (("billion", "billions", "bn", "十億円"),
     "¥ billion: multiply each cost by 1,000 (1.2 is 1200)"),
    (("yen", "jpy", "円"),
     "yen: if the cells are in yen, divide each by 1,000,000 (1,200,000,000 is 1200); "
     "nothing to do if they are in ¥ million"),
)
_MILLION_WORDS = {"million", "millions", "m", "mn", "mil", "百万円", "百万"}


def _unit_note(header: str) -> str:
    """What to do to a cost header's cells when the header names another unit than ¥
    million (``cost_FY2026 (¥ thousand)``, ``cost_FY2026 (千円)``); else ""."""
    if not header.startswith(COST_PREFIX) and "cost" not in header.lower():
        return ""
    text = unicodedata.normalize("NFKC", header).lower().replace("¥", " ")
    words = set(re.findall(r"[0-9a-z]+|[^\x00-\x7f]+", text))
    words |= {w[:-1] for w in words if w.endswith("円") and len(w) > 1}
    if words & _MILLION_WORDS:
        return ""
    for units, what in _COST_UNITS:
        if words & set(units) or any(u in text for u in units if not u.isascii()):
            return f"; the header says the costs are in {what}, as costs are read in ¥ million"
    return ""


def _spelling(name: str) -> str:
    """What two spellings of one header share: width, case, and spaces or underscores."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[\s_\-]+", "_", text).strip("_")


def _twin_issue(sheet: str, name: str, twin: str) -> Issue:
    """Two headers that differ only in capitals, spaces or width (``title`` and ``Title``):
    which column holds the data meant is not for the reader to guess."""
    return Issue(sheet, None, twin, twin,
                 f"the header {twin!r} differs from the column {name!r} only in capitals, "
                 f"spaces or width: {name!r} would be read and {twin!r} passed through unread",
                 f"keep one: name the column you mean {name!r}, and delete the other or give "
                 "it a clearly different name")


def _invisible(header: str) -> str:
    """" (it holds an invisible character ...)" when the header does, so a message that
    asks to rename 'cost_FY2026' to 'cost_FY2026' says why."""
    where = describe_invisible(header)
    return f" (it holds {where})" if where else ""


def _policy_key(column: str) -> tuple[str, str] | None:
    """(policy key, name) a cost or score column comes from: ``budget.FY2026``, ``FY2026``."""
    if column.startswith(COST_PREFIX):
        return f"budget.{column[len(COST_PREFIX):]}", column[len(COST_PREFIX):]
    if column.startswith(SCORE_PREFIX):
        return f"objective.weights.{column[len(SCORE_PREFIX):]}", column[len(SCORE_PREFIX):]
    return None


def _policy_sibling(column: str, present: list[str], policy: Policy) -> str | None:
    """The criterion key a weight without a score column most likely misspells, among the
    policy's criteria whose column is there: ``objective.weights.security`` for
    ``objective.weights.securty`` (``--set objective.weights.securty=0.5`` adds a key beside
    the policy's ``security``). Not for fiscal years: FY2027 beside FY2026 is no typo (a
    year an override names is checked by ``readers``)."""
    ours = _policy_key(column)
    if ours is None or not column.startswith(SCORE_PREFIX):
        return None
    key, name = ours
    there = set(present)
    names = [k for k in policy.objective.weights
             if k != name and f"{SCORE_PREFIX}{k}" in there]
    near = suggest(name, names)
    return None if near is None else f"{key.rsplit('.', 1)[0]}.{near}"


def _policy_typo(column: str, header: str, policy: Policy) -> Issue | None:
    """The policy key as the typo, when the data header has the expected form and it not."""
    ours, theirs = _policy_key(column), _policy_key(header)
    if ours is None or theirs is None or ours[0].split(".")[0] != theirs[0].split(".")[0]:
        return None
    key, name = ours
    wanted = theirs[1]
    if column.startswith(COST_PREFIX):
        shapes = {_shape(fy) for fy in policy.fiscal_years if fy != name}
        right = bool(re.fullmatch(r"FY\d{4}", wanted)) and not re.fullmatch(r"FY\d{4}", name) \
            or (_shape(wanted) in shapes and _shape(name) not in shapes)
        what = f"the policy's [budget] has fiscal year {name!r}"
    else:
        right = wanted in _KNOWN_CRITERIA and name not in _KNOWN_CRITERIA
        what = f"the policy weights the criterion {name!r}"
    if not right:
        return None
    return Issue(policy_sheet(policy), None, key, name,
                 f"{what}, but the projects sheet has no column {column}; it has {header}",
                 f"did you mean {wanted!r}? The policy key looks mistyped: rename {key} to "
                 f"{key.rsplit('.', 1)[0]}.{wanted} (the data's header {header} looks right)")


def _era_issue(sheet: str, column: str, unknown: list[str], policy: Policy) -> Issue | None:
    """A missing cost column whose year the data or the policy writes in the Japanese era
    (``cost_R8`` or ``budget.令和8年度`` for FY2026): the typo named, with the year."""
    if not column.startswith(COST_PREFIX):
        return None
    fy = column[len(COST_PREFIX):]
    costs = {h[len(COST_PREFIX):]: h for h in unknown if h.startswith(COST_PREFIX)}
    era = reiwa_year(fy)
    if era is not None:  # the policy's key is the era's: a data header of that year?
        spelt = year_spelt(era[1], costs)
        if spelt is None:
            return None
        header = costs[spelt]
        wanted = header[len(COST_PREFIX):]
        return Issue(policy_sheet(policy), None, f"budget.{fy}", fy,
                     f"the policy's [budget] has fiscal year {fy!r}, but the projects sheet "
                     f"has no column {column}; it has {header}",
                     f"did you mean {wanted!r}? {reiwa_words(fy)}: rename budget.{fy} to "
                     f"budget.{wanted} (the data's header {header} looks right)")
    year = re.search(r"(?<!\d)\d{4}(?!\d)", fy)
    written = next((h for y, h in costs.items()
                    if year and (reiwa_year(y) or (0, 0))[1] == int(year.group())), None)
    if written is None:
        return None
    return Issue(sheet, None, column, written, _missing_column_text_cost(fy),
                 f"did you mean {column!r}? {reiwa_words(written[len(COST_PREFIX):], written)}: "
                 f"rename the header {written!r} to {column!r}")


def _missing_column_text_cost(fy: str) -> str:
    return f"missing column {COST_PREFIX}{fy}: the policy's budget has fiscal year {fy}"


def _or_policy(column: str, header: str) -> str:
    ours, theirs = _policy_key(column), _policy_key(header)
    if ours is None or theirs is None:
        return ""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", theirs[1]):
        return ""  # 'humanitarian (0-10)': a note in the header, never a policy key
    if column.startswith(COST_PREFIX) and _shape(ours[1]) != _shape(theirs[1]):
        return ""  # a cost header of another form than FY2026 is the data's typo
    # a criterion, or another year of the same form (FY2026 against FY2027): either side
    return (f"; or, if the policy is mistyped, rename its key {ours[0]} to "
            f"{ours[0].rsplit('.', 1)[0]}.{theirs[1]}")


def _shape(name: str) -> str:
    return re.sub(r"\d", "9", name)


def _missing_column_text(col: Column) -> tuple[str, str]:
    if col.name.startswith(COST_PREFIX):
        fy = col.name[len(COST_PREFIX):]
        return (_missing_column_text_cost(fy),
                f"add {col.name} with each project's cost in {fy} (¥ million, 0 if none), "
                f"or remove {fy} from the policy's [budget]")
    if col.name.startswith(SCORE_PREFIX) and col.name not in {c.name for c in COUNTRY_COLUMNS}:
        k = col.name[len(SCORE_PREFIX):]
        return (f"missing column {col.name}: the policy weights the criterion {k!r}",
                f"add {col.name} (0-10) for every project, or remove {k!r} from "
                "objective.weights")
    return (f"missing required column {col.name}", f"add the column {col.name}: {col.meaning}")
