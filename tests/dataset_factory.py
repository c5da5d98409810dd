"""Invented datasets for the store, compare and HTML tests.

Variants of the invented focused-visit sample, each given its own sha256, authority, kind,
dates and judgements, stored with :func:`ofsted_findings.dataset.store.store_document`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from ofsted_findings.dataset import store
from ofsted_findings.models import Authority, Document, Finding, Judgement, Metric, Section
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


def build_dataset(
    base: Document, db_path: Path, variants: tuple[tuple[str, str, str, str | None], ...] = VARIANTS
) -> list[Document]:
    """Store every variant in a new database; returns the documents stored."""
    return store_documents([variant(base, *item) for item in variants], db_path)


def store_documents(documents: list[Document], db_path: Path) -> list[Document]:
    """Store ``documents`` (each under ``invented/<source name>``) in the database at ``db_path``."""
    words = store.SubjectWords.of(RuleSet.default())
    con = store.connect(db_path)
    try:
        for document in documents:
            store.store_document(con, document, f"invented/{document.source.name}", "test-fingerprint", words)
    finally:
        con.close()
    return documents


def renamed(document: Document, name: str, published: str | None = None) -> Document:
    """``document`` stored under another file name (and publication date), with a new sha256."""
    sha = hashlib.sha256(f"{document.source.sha256}|{name}|{published}".encode()).hexdigest()
    letter = document.letter.model_copy(
        update={"published": dt.date.fromisoformat(published) if published else document.letter.published}
    )
    return document.model_copy(
        update={"source": document.source.model_copy(update={"sha256": sha, "name": name}), "letter": letter}
    )


#: An invented finding: (polarity, themes, section category, text).
Item = tuple[str, tuple[str, ...], str, str]


def composed(
    base: Document, authority: str, kind: str, day: str, items: list[Item], indicators: dict[int, str] | None = None
) -> Document:
    """A document of invented sentences, one finding each, in one section per category (in order).

    ``indicators`` maps an item's index to an indicator id: that finding gets a linked figure
    ("12%") carrying it."""
    document = variant(base, authority, kind, day, None)
    text_parts: list[str] = []
    offset = 0
    sections: list[Section] = []
    findings: list[Finding] = []
    metrics: list[Metric] = []
    template_metric = base.metrics[0]
    for index, (polarity, themes, category, sentence) in enumerate(items):
        if not sections or sections[-1].category != category:
            title = category.replace("_", " ").capitalize()
            sections.append(
                Section(
                    id=f"sec-{offset:06d}",
                    title=title,
                    category=category,
                    parent=None,
                    page=1,
                    start=offset,
                    end=offset,
                )
            )
            text_parts.append(title + "\n")
            offset += len(title) + 1
        start, end = offset, offset + len(sentence)
        finding_id = f"f-{start:06d}-{end:06d}-{polarity[0]}"
        findings.append(
            Finding(
                id=finding_id,
                polarity=polarity,
                text=sentence,
                page=1,
                start=start,
                end=end,
                sentence=f"s-{start:06d}-{end:06d}",
                section=sections[-1].id,
                themes=sorted(themes),
                cues=[],
            )
        )
        if indicators and index in indicators:
            metrics.append(
                template_metric.model_copy(
                    update={
                        "id": f"m-{start:06d}",
                        "text": sentence[:3],
                        "start": start,
                        "end": start + 3,
                        "indicator": indicators[index],
                        "finding": finding_id,
                    }
                )
            )
        text_parts.append(sentence + "\n")
        offset = end + 1
        sections[-1] = sections[-1].model_copy(update={"end": offset})
    return document.model_copy(
        update={
            "text": "".join(text_parts),
            "sections": sections,
            "sentences": [],
            "findings": findings,
            "metrics": metrics,
        }
    )
