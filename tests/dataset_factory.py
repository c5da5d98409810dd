"""Invented datasets for the store, compare and HTML tests.

Variants of the invented focused-visit sample, each given its own sha256, authority, kind,
dates and judgements, stored with :func:`ofsted_findings.dataset.store.store_document`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from ofsted_findings.dataset import store
from ofsted_findings.models import Authority, Document, Judgement
from ofsted_findings.ruleset import RuleSet

#: (authority, kind, last day on site, overall effectiveness grade or None)
VARIANTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("Knowsley", "lac_inspection", "2012-05-18", "adequate"),
    ("Knowsley", "sif_inspection", "2014-06-27", "inadequate"),
    ("Knowsley", "ilacs_inspection", "2019-03-15", "requires_improvement"),
    ("Wirral", "sif_inspection", "2016-01-22", "good"),
    ("Wirral", "focused_visit", "2021-11-04", None),
    ("Sefton", "ilacs_inspection", "2023-09-29", "outstanding"),
)


def variant(base: Document, authority: str, kind: str, day: str, grade: str | None) -> Document:
    """The base document as if it were about ``authority``: new sha256, kind, dates and grade."""
    sha = hashlib.sha256(f"{authority}|{kind}|{day}".encode()).hexdigest()
    judgements = []
    if grade is not None:
        first = base.findings[0]
        judgements.append(
            Judgement(
                area="overall_effectiveness",
                label_as_printed="Overall effectiveness",
                grade=grade,
                page=first.page,
                start=first.start,
                end=first.start + 4,
            )
        )
    letter = base.letter.model_copy(
        update={
            "kind": kind,
            "authority": Authority(name_as_printed=authority, name=authority, dfe_code=None, ons_code=None),
            "visit_start": dt.date.fromisoformat(day),
            "visit_end": dt.date.fromisoformat(day),
            "letter_date": None,
            "judgements": judgements,
        }
    )
    source = base.source.model_copy(update={"sha256": sha, "name": f"{authority.lower()}_{day}.pdf"})
    return base.model_copy(update={"letter": letter, "source": source})


def build_dataset(base: Document, db_path: Path) -> list[Document]:
    """Store every variant in a new database; returns the documents stored."""
    documents = [variant(base, *item) for item in VARIANTS]
    words = store.SubjectWords.of(RuleSet.default())
    con = store.connect(db_path)
    try:
        for document in documents:
            store.store_document(con, document, f"invented/{document.source.name}", "test-fingerprint", words)
    finally:
        con.close()
    return documents
