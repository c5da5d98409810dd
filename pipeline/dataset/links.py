"""Links from the comparison report to the ``show`` pages of the documents it draws.

``report --pages DIR`` writes, for every document the report points at, its ``show`` page
as ``DIR/<first 16 hex digits of its sha256>.html`` and links each judgement dot to the
judgement's row (``#j-<area>``), each figure to the figure (``#<metric id>``) and each
cell of the theme balance to the newest finding of that authority in that theme
(``#<finding id>``). This module finds those targets; the CLI writes the pages.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

import duckdb
from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.dataset.queries import DOCS_QUERY, NO_THEME, Filters, ReportData

logger = logging.getLogger(__name__)

#: How many hex digits of the sha256 name a document's page.
PAGE_NAME_DIGITS = 16

THEME_EXAMPLES_QUERY = f"""
WITH docs AS ({DOCS_QUERY}),
themed AS (
    SELECT d.authority, d.file_path, d.date, f.id, f.start,
           unnest(CASE WHEN len(f.themes) = 0 THEN [?] ELSE f.themes::VARCHAR[] END) AS theme
    FROM findings f JOIN docs d USING (sha256)
)
SELECT authority, theme, arg_min(file_path, (-epoch(coalesce(date, DATE '1900-01-01')), file_path, start, id)),
       arg_min(id, (-epoch(coalesce(date, DATE '1900-01-01')), file_path, start, id))
FROM themed GROUP BY authority, theme ORDER BY authority, theme
"""


class ItemLink(BaseModel):
    """A place in one document: its stored path and, optionally, an anchor."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file_path: str = Field(description="documents.file_path of the document.")
    anchor: str | None = Field(default=None, description="Element id on its show page (finding, metric, j-<area>).")


class ReportLinks(BaseModel):
    """Where the report's elements link: each document's page, and each theme cell's finding."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pages: dict[str, str] = Field(description="file_path -> href of its show page, relative to the report.")
    themes: dict[str, ItemLink] = Field(description="'<authority>|<theme>' -> the newest finding of that cell.")

    def href(self, link: ItemLink | None) -> str | None:
        """The href of a link, or None when its document has no page."""
        if link is None or link.file_path not in self.pages:
            return None
        return self.pages[link.file_path] + (f"#{link.anchor}" if link.anchor else "")

    def theme(self, authority: str, theme: str) -> str | None:
        return self.href(self.themes.get(theme_key(authority, theme)))


def theme_key(authority: str, theme: str) -> str:
    return f"{authority}|{theme}"


def theme_examples(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, ItemLink]:
    """Per authority and theme, the first finding of the newest document with one."""
    rows = con.execute(THEME_EXAMPLES_QUERY, [*filters.parameters(), NO_THEME]).fetchall()
    return {theme_key(authority, theme): ItemLink(file_path=path, anchor=fid) for authority, theme, path, fid in rows}


def linked_paths(data: ReportData, themes: dict[str, ItemLink]) -> list[str]:
    """Every document the report links to, by stored path (sorted)."""
    paths = {row.file_path for row in data.judgements}
    paths |= {row.file_path for rows in data.series.values() for row in rows}
    paths |= {link.file_path for link in themes.values()}
    return sorted(paths)


def page_name(sha256: str) -> str:
    """The file name of a document's show page."""
    return f"{sha256[:PAGE_NAME_DIGITS]}.html"


def shas_of(con: duckdb.DuckDBPyConnection, paths: Iterable[str]) -> dict[str, str]:
    """file_path -> sha256 of the stored documents."""
    listed = sorted(set(paths))
    rows = con.execute(
        "SELECT file_path, sha256 FROM documents WHERE list_contains(?::VARCHAR[], file_path)", [listed]
    ).fetchall()
    return {str(path): str(sha) for path, sha in rows}


def relative_href(target: Path, page_folder: Path) -> str:
    """``target`` as a link from a page in ``page_folder`` (forward slashes, relative)."""
    return Path(os.path.relpath(target.absolute(), page_folder.absolute())).as_posix()
