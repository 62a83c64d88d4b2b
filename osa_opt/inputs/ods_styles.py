"""What an .ods cell style gives its cells, its parents' settings included.

An OpenDocument cell style names a parent (``style:parent-style-name``) and gives only what
it changes: a cell LibreOffice gave the named style *Hidden* (a ``;;;`` format) is written
with an automatic style ``ce7`` whose parent is *Hidden* and that holds no format of its
own. What a style shows (a number format, a font colour, a background) is therefore its
own setting, else its parent's, and so on up the chain (:func:`inherited`); a chain that
comes back on itself (a damaged or hand-made file) ends where it repeats.

A parent is a common (named) style, of styles.xml's ``office:styles``, and a common style
takes its number format from a common one: an automatic style (of content.xml, or of
styles.xml, where it serves the page styles) serves its own part only, as the OpenDocument
standard says and LibreOffice reads it. A hand-made file whose cell style names an
automatic style as its parent shows its cells without that style's format, and is read so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def cell_styles(doc: Any, family: str = "table-cell") -> dict[str, Any]:
    """Name -> element of the cell styles of an OpenDocument ``doc`` (odfpy), or of its
    styles of another ``family`` (``"text"``: a run of text within a cell): the named ones
    (styles.xml) and the automatic ones (content.xml); an automatic style of a name a named
    one has is the one cells use."""
    from odf.namespaces import STYLENS

    return {style.attributes.get((STYLENS, "name")): style
            for part in (doc.styles, doc.automaticstyles) for style in part.childNodes
            if style.qname[1] == "style"
            and style.attributes.get((STYLENS, "family")) == family}


def inherited(styles: dict[str, Any], name: str | None,
              read: Callable[[Any], T | None]) -> T | None:
    """``read(style)`` of the style ``name``, else of its parent, and so on: the first that
    is not None; None when no style of the chain sets it (or the chain repeats).

    >>> from odf.opendocument import OpenDocumentSpreadsheet
    >>> from odf.style import Style
    >>> doc = OpenDocumentSpreadsheet()
    >>> doc.styles.addElement(Style(name="Hidden", family="table-cell", datastylename="N9"))
    >>> doc.automaticstyles.addElement(Style(name="ce7", family="table-cell",
    ...                                      parentstylename="Hidden"))
    >>> inherited(cell_styles(doc), "ce7", data_style)
    'N9'
    """
    from odf.namespaces import STYLENS

    seen: set[str] = set()
    while name and name not in seen:
        style = styles.get(name)
        if style is None or (seen and not common(style)):  # a parent is a common style
            return None
        seen.add(name)
        found = read(style)
        if found is not None:
            return found
        name = style.attributes.get((STYLENS, "parent-style-name"))
    return None


def common(style: Any) -> bool:
    """Whether a style (odfpy) is a common one, of styles.xml's ``office:styles``, not an
    automatic one."""
    parent = getattr(style, "parentNode", None)
    return parent is not None and parent.qname[1] == "styles"


def data_style(style: Any) -> str | None:
    """The number format (data style) a cell style sets itself, or None."""
    from odf.namespaces import STYLENS

    return style.attributes.get((STYLENS, "data-style-name"))


def data_styles(doc: Any) -> dict[str, str]:
    """Cell style name -> the number format (data style) its cells show, its own or
    inherited, for each cell style that has one (a common style's of the common number
    formats only)."""
    from odf.namespaces import STYLENS

    styles = cell_styles(doc)
    shared = {child.attributes.get((STYLENS, "name")) for child in doc.styles.childNodes
              if child.qname[1] != "style"}

    def reachable(style: Any) -> str | None:
        found = data_style(style)
        return found if found is None or not common(style) or found in shared else None

    out = {}
    for name in styles:
        found = inherited(styles, name, reachable)
        if found is not None:
            out[name] = found
    return out


def property_of(kind: str, key: tuple[str, str]) -> Callable[[Any], str | None]:
    """A reader for :func:`inherited`: the attribute ``key`` of a style's properties of
    ``kind`` (``text-properties``, ``table-cell-properties``), or None."""
    def read(style: Any) -> str | None:
        for props in style.childNodes:
            if props.qname[1] == kind and key in props.attributes:
                return props.attributes[key]
        return None

    return read
