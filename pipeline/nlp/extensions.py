"""The Doc and Span extensions and span groups that hold the pipeline's results.

Every value is plain data (dicts, lists, strings, numbers), so a Doc keeps its results
through ``Doc.to_bytes``, ``DocBin(store_user_data=True)`` and ``nlp.pipe(...,
n_process=2)``. Records are the JSON form of the output models
(:mod:`ofsted_findings.models`), kept in Doc-level lists in the order of their span
group; ``span._.ofsted`` gives the record of any span of the four groups (a finding
exactly as the JSON document holds it). Records are not keyed by span offsets: two figures
inside one token ("1:1") have spans over the same token but records of their own.
"""

from __future__ import annotations

from typing import Any

from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

#: Span groups (``doc.spans[...]``): the label of every span is the item's, and ``span.id`` is
#: ``spacy.strings.hash_string`` of the item's id (``span._.ofsted["id"]`` is the id itself).
SECTIONS = "ofsted_sections"
SENTENCES = "ofsted_sentences"
FINDINGS = "ofsted_findings"
METRICS = "ofsted_metrics"

#: Doc extensions.
BLOCKS = "of_blocks"  # [[kind, start, body_start, end, page, lines], ...]
PAGES = "of_pages"  # [[start, page], ...]: from ``start`` on, characters are on ``page``
SOURCE = "of_source"  # the Source record, or None for text given to nlp()
WARNINGS = "of_warnings"  # Warning records
LETTER = "of_letter"  # the Letter record
CONTEXT_RULE = "of_context_rule"  # a piece of a long text: the heading rule of the section it begins inside

#: Doc extensions holding the records of each span group, in the group's order.
SECTION_RECORDS = "of_sections"
SECTION_RULES = "of_section_rules"  # id of the heading rule that classified each section, or None
SENTENCE_RECORDS = "of_sentences"
FINDING_RECORDS = "of_findings"
METRIC_RECORDS = "of_metrics"
#: Span group -> the Doc extension with its records.
RECORDS = {
    SECTIONS: SECTION_RECORDS,
    SENTENCES: SENTENCE_RECORDS,
    FINDINGS: FINDING_RECORDS,
    METRICS: METRIC_RECORDS,
}
#: Span extension: the record of the item a span of one of the groups stands for.
RECORD = "ofsted"

DOC_EXTENSIONS = (
    BLOCKS,
    PAGES,
    SOURCE,
    WARNINGS,
    LETTER,
    CONTEXT_RULE,
    SECTION_RULES,
    *RECORDS.values(),
)


def span_record(span: Span) -> dict[str, Any] | None:
    """The record whose id is the span's (a getter: nothing is stored on the span)."""
    identifier = span.id
    for group, extension in RECORDS.items():
        if span.doc.spans.get(group) is None:
            continue
        for record in span.doc._.get(extension) or ():
            if get_string_id(str(record.get("id"))) == identifier:
                return dict(record)
    return None


def register_extensions() -> None:
    """Register every extension (idempotent; spaCy's registry is the only global state)."""
    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Span.has_extension(RECORD):
        Span.set_extension(RECORD, getter=span_record)
