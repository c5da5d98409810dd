"""Results in spaCy's data model: span groups, serialisation, multiprocessing, saved rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy import displacy
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, DocBin

from ofsted_findings.api import Pipeline
from ofsted_findings.models import Document
from ofsted_findings.nlp import extensions as ext
from ofsted_findings.nlp.components import rules_holder
from ofsted_findings.nlp.convert import doc_to_document
from ofsted_findings.nlp.language import build_nlp
from ofsted_findings.nlp.records import sentences_of
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.ruleset.schema import CueRule

LETTER = (
    "Findings\n"
    "Assessments are thorough and timely.\n"
    "However, plans are not always updated when circumstances change.\n"
    "Caseloads fell from 25 to 18 children per worker, and 91% of visits were on time.\n"
)


def _document(nlp: Language, doc: Doc) -> Document:
    return doc_to_document(doc, Pipeline(nlp=nlp).info)


def test_nlp_gives_span_groups_with_labels_and_ids(nlp: Language) -> None:
    doc = nlp(LETTER)
    findings = doc.spans[ext.FINDINGS]
    assert [span.label_ for span in findings] == ["strength", "weakness"]
    assert all(span._.ofsted["id"].startswith("f-") for span in findings)
    assert all(span.id == get_string_id(span._.ofsted["id"]) for span in findings)
    assert findings[0]._.ofsted["cues"], "the record of a span carries its cues"
    metrics = doc.spans[ext.METRICS]
    assert {span.label_ for span in metrics} == {"count", "percentage"}
    assert [span.label_ for span in doc.spans[ext.SECTIONS]] == ["findings"]
    assert len(doc.spans[ext.SENTENCES]) == 3
    assert doc._.of_letter["kind"] == "other"


def test_two_figures_in_one_token_keep_their_own_records(nlp: Language) -> None:
    doc = nlp("Findings\nAt the end of March, 7/9 children were seen alone.\n")
    records = doc._.get(ext.METRIC_RECORDS)
    assert len({record["id"] for record in records}) == len(records)
    assert [span._.ofsted["id"] for span in doc.spans[ext.METRICS]] == [record["id"] for record in records]


def test_displacy_renders_the_findings(nlp: Language) -> None:
    html = displacy.render(nlp(LETTER), style="span", options={"spans_key": ext.FINDINGS})
    assert "strength" in html and "weakness" in html


def test_docbin_keeps_every_result(nlp: Language) -> None:
    original = nlp(LETTER)
    data = DocBin(docs=[original], store_user_data=True).to_bytes()
    (restored,) = DocBin().from_bytes(data).get_docs(nlp.vocab)
    assert _document(nlp, restored) == _document(nlp, original)
    assert [span.label_ for span in restored.spans[ext.FINDINGS]] == [
        "strength",
        "weakness",
    ]


def test_kept_models_are_used_only_for_the_records_they_were_stored_with(nlp: Language) -> None:
    made = rules_holder(nlp).made
    info = Pipeline(nlp=nlp).info
    doc = nlp(LETTER)
    fast = doc_to_document(doc, info, validate=False, made=made)
    assert made.of(doc, ext.FINDINGS) is not None
    assert fast == doc_to_document(doc, info) == doc_to_document(doc, info, validate=False)
    assert sentences_of(doc, made) == sentences_of(doc)
    # Records given to the Doc afterwards win over the kept models.
    doc._.set(ext.FINDING_RECORDS, list(doc._.get(ext.FINDING_RECORDS))[:1])
    assert made.of(doc, ext.FINDINGS) is None
    assert len(doc_to_document(doc, info, validate=False, made=made).findings) == 1
    # Another Doc (here the next one the pipeline made) is never given this one's models.
    other = nlp(LETTER.replace("thorough", "careful"))
    assert made.of(doc, ext.SENTENCES) is None
    assert (
        doc_to_document(other, info, validate=False, made=made).findings[0].text.startswith("Assessments are careful")
    )


def test_doc_to_bytes_keeps_every_result(nlp: Language) -> None:
    original = nlp(LETTER)
    restored = Doc(nlp.vocab).from_bytes(original.to_bytes())
    assert _document(nlp, restored) == _document(nlp, original)


def test_pipe_with_two_processes_matches_one(nlp: Language) -> None:
    texts = [LETTER, LETTER.replace("91%", "84%"), "Findings\nPlans are weak.\n"]
    single = [_document(nlp, doc) for doc in nlp.pipe(texts)]
    double = [_document(nlp, doc) for doc in nlp.pipe(texts, n_process=2)]
    assert double == single


def _tuned() -> RuleSet:
    rules = RuleSet.default()
    return rules.replace(
        cues=[
            *rules.cues,
            CueRule(id="wk.zigzag", polarity="weakness", pattern="zigzag planning"),
        ]
    )


def test_to_bytes_keeps_custom_rules() -> None:
    nlp = build_nlp(_tuned())
    copy = build_nlp().from_bytes(nlp.to_bytes())
    assert Pipeline(nlp=copy).rules.fingerprint == Pipeline(nlp=nlp).rules.fingerprint
    doc = copy("Findings\nThere is zigzag planning.\n")
    assert [span.label_ for span in doc.spans[ext.FINDINGS]] == ["weakness"]


def test_to_disk_and_spacy_load_keep_custom_rules(tmp_path: Path) -> None:
    nlp = build_nlp(_tuned())
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == nlp.pipe_names
    assert Pipeline(nlp=loaded).rules.fingerprint == Pipeline(nlp=nlp).rules.fingerprint
    doc = loaded("Findings\nThere is zigzag planning.\n")
    assert [span.label_ for span in doc.spans[ext.FINDINGS]] == ["weakness"]


def test_components_declare_what_they_require_and_assign(nlp: Language) -> None:
    analysis = nlp.analyze_pipes()
    assert not any(analysis["problems"].values()), analysis["problems"]
    summary = analysis["summary"]
    assert "doc.spans" in summary["ofsted_findings"]["assigns"]
    assert "token.is_sent_start" in summary["ofsted_sentences"]["assigns"]


def test_stage_needs_the_rules_component() -> None:
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="ofsted_rules"):
        nlp.add_pipe("ofsted_findings")


@pytest.mark.parametrize(
    "name",
    [
        "focused-visit_invented.pdf",
        "monitoring-visit_invented.pdf",
        "focused-visit_invented.txt",
    ],
)
def test_pdf_path_and_nlp_agree_on_the_clean_text(pipeline: Pipeline, samples_dir: Path, name: str) -> None:
    """The PDF path hands its normalised text and blocks to the same nlp; nlp(document.text),
    which reads one block per line, finds the same findings and the same metadata."""
    document = pipeline.extract(samples_dir / name)
    again = doc_to_document(pipeline.nlp(document.text), pipeline.info)
    assert [(f.start, f.end, f.polarity) for f in again.findings] == [
        (f.start, f.end, f.polarity) for f in document.findings
    ]
    assert again.letter == document.letter
