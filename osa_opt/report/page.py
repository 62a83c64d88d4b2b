"""The report's page: skeleton, contents list and CSS (screen and print), all inline.

Nothing is loaded from elsewhere: no stylesheet link, no web font, no script, no image
file. On paper (or "Save as PDF") each section starts a new page, the contents list and
the screen shadows go away, table headers repeat on every page, rows are not split, a
partner's row stays with its first item, a long table breaks with three rows or more under
its header and four or more on the next page, and each page's foot has the title and
"page N of M".

>>> from osa_opt.report.page import Section, page
>>> html = page("Run", "<p>hi</p>", [Section("a", "A", "<p>x</p>")])
>>> html.startswith("<!DOCTYPE html>") and 'id="a"' in html
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from osa_opt.report.svg import ACCENT, FONT, FUNDED, GREEDY, INELIGIBLE, INK, UNFUNDED


@dataclass(frozen=True)
class Section:
    """One section of the report: an anchor id, a heading and its (escaped) HTML body."""

    id: str
    title: str
    body: str
    lead: str = ""


CSS = f"""
:root {{
  --ink: {INK}; --muted: #5b6573; --line: #d8dee6; --zebra: #f5f7fa; --head: #eaeef4;
  --funded: {FUNDED}; --unfunded: {UNFUNDED}; --ineligible: {INELIGIBLE};
  --greedy: {GREEDY}; --ok: {ACCENT}; --warn: #b7791f; --paper: #ffffff; --bg: #eef1f5;
}}
* {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; }}
body {{ margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 {FONT}; font-variant-numeric: tabular-nums; }}
main {{ max-width: 1120px; margin: 0 auto; padding: 24px 20px 48px; }}
header.masthead {{ background: var(--funded); color: #fff; padding: 22px 28px 18px;
  border-radius: 8px 8px 0 0; }}
header.masthead h1 {{ margin: 0 0 4px; font-size: 24px; font-weight: 650; }}
header.masthead p {{ margin: 0; opacity: .85; font-size: 13px; }}
nav.toc {{ background: var(--paper); padding: 10px 28px; border-bottom: 1px solid var(--line);
  font-size: 13px; }}
nav.toc a {{ color: var(--funded); text-decoration: none; margin-right: 16px;
  white-space: nowrap; }}
nav.toc a:hover {{ text-decoration: underline; }}
section {{ background: var(--paper); padding: 22px 28px 26px; margin: 0 0 18px;
  box-shadow: 0 1px 3px rgba(20, 30, 50, .08); border-radius: 0 0 8px 8px; }}
section + section {{ border-radius: 8px; }}
h2 {{ font-size: 19px; margin: 0 0 6px; color: var(--funded); font-weight: 650; }}
h3 {{ font-size: 15px; margin: 22px 0 6px; font-weight: 620; }}
p.lead {{ color: var(--muted); margin: 0 0 14px; max-width: 80ch; }}
p.more, p.note {{ color: var(--muted); font-size: 12px; margin: 4px 0 12px; }}
.status {{ display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px;
  font-weight: 650; letter-spacing: .02em; text-transform: uppercase; color: #fff;
  background: var(--muted); vertical-align: middle; }}
.status-optimal {{ background: var(--ok); }}
.status-time_limit {{ background: var(--warn); }}
.status-infeasible, .status-no_solution, .status-error {{ background: var(--ineligible); }}
.message {{ font-size: 15px; margin: 10px 0 16px; }}
.cards {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr));
  gap: 12px; margin: 12px 0 6px; }}
.card {{ border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px;
  background: #fbfcfd; }}
.card .k {{ color: var(--muted); font-size: 12px; text-transform: uppercase;
  letter-spacing: .04em; }}
.card .v {{ font-size: 22px; font-weight: 650; margin-top: 2px; }}
.card .s {{ color: var(--muted); font-size: 12px; }}
table {{ border-collapse: collapse; margin: 6px 0 8px; font-size: 13px; }}
table.data {{ width: 100%; }}
table caption {{ text-align: left; font-weight: 600; padding: 4px 0; }}
th, td {{ padding: 5px 8px; text-align: left; vertical-align: top;
  border-bottom: 1px solid var(--line); }}
thead th {{ background: var(--head); font-weight: 620; font-size: 12px;
  border-bottom: 2px solid #c3ccd8; }}
.scroll {{ overflow-x: auto; }}
td.long {{ min-width: 26ch; }}
.pair {{ display: flex; flex-wrap: wrap; gap: 8px 48px; }}
tbody tr:nth-child(even) {{ background: var(--zebra); }}
td.num, th.num {{ text-align: right; white-space: nowrap; }}
/* every column stays on the page: headers and text wrap between words, and a word too
   long for its column (a code with no "_" or "." to break after, a hash: class brk) breaks
   rather than push the table wider; a name ("Serendel"), a word of a sentence or of a
   name joined by "_" (class code: "humanitarian_" / "focus") never breaks inside
   (word-break would let the table squeeze its column to a few letters: "mandator" / "y") */
th {{ overflow-wrap: break-word; hyphens: auto; }}
td.wrap {{ overflow-wrap: break-word; }}
td.brk {{ overflow-wrap: break-word; word-break: break-word; }}
thead th.num {{ white-space: normal; }}
@media (max-width: 1000px) {{
  th, td {{ padding: 4px 5px; }}
  table {{ font-size: 12px; }}
  td.long {{ min-width: 12ch; }}
  main {{ padding: 16px 8px 32px; }}
}}
td.t {{ mso-number-format: "\\@"; }}
tr.diff td {{ background: #fff4dc; }}
/* what changes between ten portfolios: a narrow column each (a 2,000-project round's
   ran past 800 px with the cells' usual padding) */
table.diff td.in, table.diff td.out, table.diff th.num {{ padding-left: 3px;
  padding-right: 3px; }}
tr.partner td {{ font-weight: 600; border-top: 2px solid #c9d3df; }}
tr.total td {{ font-weight: 650; border-top: 2px solid #c3ccd8; }}
tr.others td {{ font-style: italic; border-top: 2px solid #c3ccd8; }}
table.kv th {{ background: none; color: var(--muted); font-weight: 500; padding-right: 18px;
  white-space: nowrap; }}
span.id {{ white-space: nowrap; }}
span.under {{ display: block; color: var(--muted); font-size: 11px; }}
/* the portfolios side by side: every cell under its right-aligned "Portfolio N",
   the added and dropped ids as the numbers above them */
table.side td {{ text-align: right; }}
td.in {{ color: var(--funded); font-weight: 650; text-align: center; }}
td.out {{ color: #a0a8b3; text-align: center; }}
ul.reasons {{ margin: 0; padding-left: 18px; }}
.charts {{ display: grid; grid-template-columns: 1fr; gap: 8px; }}
svg.chart {{ max-width: 100%; height: auto; display: block; margin: 10px 0 14px; }}
svg.chart text {{ font-family: {FONT}; }}
pre {{ background: var(--zebra); border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 12px; font-size: 12px; overflow-x: auto; white-space: pre-wrap; }}
.legend-item {{ white-space: nowrap; }}
.legend-key {{ display: inline-block; width: 11px; height: 11px; border-radius: 2px;
  vertical-align: -1px; margin: 0 4px 0 10px; }}
footer {{ color: var(--muted); font-size: 12px; text-align: center; margin-top: 18px; }}
@page {{ size: A4; margin: 14mm 12mm; }}
@media print {{
  body {{ background: #fff; font-size: 10.5pt; }}
  main {{ max-width: none; padding: 0; }}
  nav.toc, footer {{ display: none; }}
  .scroll {{ overflow: visible; }}
  header.masthead {{ border-radius: 0; -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }}
  section {{ box-shadow: none; border-radius: 0; padding: 0; margin: 0;
    page-break-before: always; break-before: page; }}
  section.first {{ page-break-before: avoid; break-before: avoid; padding-top: 12px; }}
  h2, h3 {{ page-break-after: avoid; break-after: avoid; }}
  table {{ font-size: 8pt; line-height: 1.3; }}
  th, td {{ padding: 2px 4px; }}
  td.long {{ min-width: 12ch; }}
  thead {{ display: table-header-group; }}
  tr, svg.chart, .cards, .short, table.kv {{ page-break-inside: avoid;
    break-inside: avoid; }}
  /* a long table's first and last rows stay with the rows beside them: never one or two
     rows under its header at a page's foot, nor two or three alone under the repeated
     header on the next page (the example's last partners had a page of their own) */
  tbody tr:nth-child(-n+2) {{ page-break-after: avoid; break-after: avoid; }}
  tbody tr:nth-last-child(-n+3) {{ page-break-before: avoid; break-before: avoid; }}
  /* a table's note (what its columns mean) stays under it, never alone atop the next page
     (robustness's "Within 1% of optimum: ..." under its ranking of portfolios) */
  .scroll + p.note, .scroll + p.more {{ page-break-before: avoid; break-before: avoid; }}
  /* a partner's row stays on the page of its first item, never alone at the foot of one */
  tr.partner {{ page-break-after: avoid; break-after: avoid; }}
  tbody tr:nth-child(even), thead th, tr.diff td, .status {{ -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }}
  a {{ color: inherit; text-decoration: none; }}
}}
"""


def page_footer(title: str) -> str:
    """The foot of every printed page: the report's title on the left, "page 3 of 18" on
    the right, so loose pages of a long round find their place and their run. (A browser's
    own header and footer, when ticked, add the date and the file's path instead.)

    >>> page_footer("Run A").startswith('@page { @bottom-left { content: "Run A";')
    True
    """
    return ("@page { @bottom-left { content: " + css_string(title) + "; " + _FOOT + " } "
            '@bottom-right { content: "page " counter(page) " of " counter(pages); '
            + _FOOT + " } }")


_FOOT = f"font: 8pt {FONT}; color: #5b6573;"


def css_string(text: str) -> str:
    r"""``text`` as a quoted CSS string: every character but letters, digits, spaces and
    ``.,:;-_()`` written as a hex escape, so no input (a policy name) can end the string
    or the style element.

    >>> print(css_string('A "b" </style>'))
    "A \22 b\22  \3c \2f style\3e "
    """
    return '"' + "".join(c if c.isalnum() or c in " .,:;-_()" else f"\\{ord(c):x} "
                         for c in text) + '"'


def page(title: str, subtitle: str, sections: Sequence[Section], footer: str = "") -> str:
    """The whole document: masthead, contents, sections (each its own print page), footer.

    ``title`` and ``subtitle`` are plain text (escaped here); section bodies are HTML that
    the caller escaped already.
    """
    # a space between the links lets the contents line wrap
    toc = " ".join(f'<a href="#{escape(s.id)}">{escape(s.title)}</a>' for s in sections)
    body = []
    for i, s in enumerate(sections):
        first = ' class="first"' if i == 0 else ""
        lead = f'<p class="lead">{escape(s.lead)}</p>' if s.lead else ""
        body.append(f'<section id="{escape(s.id)}"{first}><h2>{escape(s.title)}</h2>'
                    f"{lead}{s.body}</section>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}{page_footer(title)}</style></head>"
        "<body><main>"
        f'<header class="masthead"><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>'
        f'<nav class="toc" aria-label="Contents">{toc}</nav>'
        + "".join(body)
        + (f"<footer>{escape(footer)}</footer>" if footer else "")
        + "</main></body></html>\n"
    )
