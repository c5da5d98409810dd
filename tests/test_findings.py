"""Strength and weakness rules: cues, modifiers (ConText-style), contrast splitting, themes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_findings.api import Pipeline, extract
from ofsted_findings.models import Document
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.ruleset.schema import CueRule

HEADING = "Findings\n\n"


def _label(sentence: str) -> tuple[str, Document]:
    document = extract(HEADING + sentence)
    polarities = {f.polarity for f in document.findings}
    if not polarities:
        return "neutral", document
    if len(polarities) == 2:
        return "mixed", document
    return polarities.pop(), document


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("Assessments are thorough and timely.", "strength", id="plain-strength"),
        pytest.param("Management oversight is weak.", "weakness", id="plain-weakness"),
        pytest.param("The planning for babies to enter care is much stronger.", "strength", id="comparative-stronger"),
        pytest.param("Attendance at school is poorer than in similar areas.", "weakness", id="comparative-poorer"),
        pytest.param("Plans are robustly reviewed by managers.", "strength", id="adverb-robustly"),
        pytest.param("The quality of practice is deteriorating.", "weakness", id="participle-deteriorating"),
        pytest.param("The gap between children in care and their peers is too wide.", "weakness", id="too-adjective"),
        pytest.param("Information-gathering is too often focused on the presenting issue.", "weakness", id="too-often"),
        pytest.param(
            "Planning has improved since the last inspection.",
            "strength",
            id="has-improved",
        ),
        pytest.param(
            "The quality of assessments has deteriorated.",
            "weakness",
            id="has-deteriorated",
        ),
        pytest.param(
            "Supervision is less effective than at the last inspection.",
            "weakness",
            id="less-effective-than",
        ),
        pytest.param("Plans are not effective.", "weakness", id="negation-not"),
        pytest.param("Plans are no longer timely.", "weakness", id="negation-no-longer"),
        pytest.param("Reviews are never timely.", "weakness", id="negation-never"),
        pytest.param("Visits are not always timely.", "weakness", id="partial-not-always"),
        pytest.param(
            "Children's views are not consistently recorded.",
            "weakness",
            id="partial-not-consistently",
        ),
        pytest.param(
            "Not all children have an up-to-date plan.",
            "weakness",
            id="partial-not-all",
        ),
        pytest.param("Too few children are seen alone.", "weakness", id="partial-too-few"),
        pytest.param(
            "A small number of children do not have a plan.",
            "weakness",
            id="partial-small-number",
        ),
        pytest.param(
            "Learning from audits is yet to lead to better plans.",
            "weakness",
            id="hedge-yet-to",
        ),
        pytest.param("The new model has not yet had an impact.", "weakness", id="hedge-not-yet"),
        pytest.param(
            "Managers are beginning to use supervision effectively.",
            "strength",
            id="hedge-beginning-to",
        ),
        pytest.param(
            "Managers are starting to use audits well.",
            "strength",
            id="hedge-starting-to",
        ),
        pytest.param(
            "There are early signs that planning is improving.",
            "strength",
            id="hedge-early-signs",
        ),
        pytest.param(
            "Leaders have only recently introduced effective audits.",
            "strength",
            id="hedge-only-recently",
        ),
        pytest.param(
            "No children were found to be unsafe.",
            "strength",
            id="double-negative-no-unsafe",
        ),
        pytest.param(
            "Inspectors did not see any children whose plans were out of date.",
            "strength",
            id="double-negative-did-not-see",
        ),
        pytest.param(
            "Leaders were not only ambitious but also realistic.",
            "strength",
            id="pseudo-not-only",
        ),
        pytest.param(
            "The local authority operates five children's homes.",
            "neutral",
            id="neutral-fact",
        ),
        pytest.param("Inspectors looked at a range of evidence.", "neutral", id="neutral-method"),
        pytest.param(
            "The local authority was judged inadequate in 2019.",
            "neutral",
            id="context-past-judgement",
        ),
        pytest.param(
            "Although actions are not always time-bound, decisions are appropriately reached.",
            "mixed",
            id="mixed-although",
        ),
        pytest.param(
            "Plans are detailed, but they are not always reviewed.",
            "mixed",
            id="mixed-but",
        ),
        pytest.param(
            "Most visits are timely, but not all are recorded.",
            "mixed",
            id="mixed-most-but-not-all",
        ),
        pytest.param(
            "While staff are skilled, caseloads are too high.",
            "mixed",
            id="mixed-while",
        ),
        pytest.param(
            "Despite high caseloads, social workers are effective.",
            "mixed",
            id="mixed-despite",
        ),
        pytest.param(
            "Plans are clear; however, reviews are delayed.",
            "mixed",
            id="mixed-however",
        ),
        pytest.param(
            "While there is a culture of reflection, audits have not had enough impact.",
            "mixed",
            id="mixed-concession-without-cue",
        ),
        pytest.param(
            "Senior leaders have recognised the need to increase capacity and reduce caseloads.",
            "weakness",
            id="recognised-need-is-remaining-need",
        ),
        pytest.param(
            "The local authority acknowledges the need to refresh its approach to ensure that services receive priority.",
            "weakness",
            id="acknowledged-need-takes-its-object",
        ),
        pytest.param(
            "Multi-agency audits are at a very early stage of development.",
            "weakness",
            id="early-stage",
        ),
        pytest.param(
            "Improvements are increasingly evident, but some are at an early stage.", "mixed", id="early-stage-mixed"
        ),
        pytest.param(
            "Although no services have deteriorated, services for care leavers have improved too slowly.",
            "mixed",
            id="improved-too-slowly",
        ),
        pytest.param(
            "While this response has enabled staff to allocate work, significant issues remain in terms of the "
            "consistent application of thresholds.",
            "mixed",
            id="issues-remain-in-terms-of",
        ),
        pytest.param("However, significant challenges remain.", "weakness", id="challenges-remain"),
        pytest.param(
            "These arrangements ensure that safeguarding issues remain high on the agenda.",
            "neutral",
            id="issues-remain-high",
        ),
        pytest.param(
            "Inspectors looked at the local authority's arrangements for supporting care leavers.",
            "neutral",
            id="method-sentence",
        ),
        pytest.param(
            "They considered the quality and timeliness of pathway plans and the extent of effective support.",
            "neutral",
            id="method-sentence-they",
        ),
        pytest.param(
            "Inspectors reviewed a range of cases and found that most children were safe.",
            "strength",
            id="method-sentence-with-a-finding",
        ),
        pytest.param(
            "The response should set out the actions for the partnership and, when appropriate, individual agencies.",
            "neutral",
            id="next-steps-sentence",
        ),
    ],
)
def test_sentence_polarity(sentence: str, expected: str) -> None:
    label, document = _label(sentence)
    assert label == expected, [(f.polarity, f.text, [c.rule for c in f.cues]) for f in document.findings]


def test_mixed_sentence_is_split_into_clauses() -> None:
    _, document = _label("Although actions are not always time-bound, decisions are appropriately reached.")
    parts = {f.polarity: f.text for f in document.findings}
    assert parts == {
        "weakness": "Although actions are not always time-bound",
        "strength": "decisions are appropriately reached.",
    }
    for finding in document.findings:
        assert document.text[finding.start : finding.end] == finding.text


def test_concession_clause_is_marked_by_its_contrast_rule() -> None:
    _, document = _label("While there is a culture of reflection, audits have not had enough impact.")
    strength = next(f for f in document.findings if f.polarity == "strength")
    assert [c.rule for c in strength.cues if c.kind == "contrast"] == ["con.while"]


def test_modifiers_are_recorded_on_the_finding() -> None:
    _, document = _label("Visits are not always timely.")
    (finding,) = document.findings
    assert "part.not_always" in finding.modifiers
    assert any(cue.kind == "modifier" and cue.rule == "part.not_always" for cue in finding.cues)


def test_negation_is_flagged() -> None:
    _, document = _label("No children were found to be unsafe.")
    (finding,) = document.findings
    assert finding.negated and finding.polarity == "strength"


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        pytest.param(
            "Managers are beginning to use supervision effectively.",
            "hedge.beginning_to",
            id="beginning-to",
        ),
        pytest.param(
            "Managers are starting to use audits well.",
            "hedge.starting_to",
            id="starting-to",
        ),
        pytest.param(
            "There are early signs that planning is improving.",
            "hedge.early_signs",
            id="early-signs",
        ),
        pytest.param(
            "Leaders have only recently introduced effective audits.",
            "hedge.only_recently",
            id="only-recently",
        ),
        pytest.param(
            "Learning from audits is yet to lead to better plans.",
            "part.yet_to",
            id="yet-to",
        ),
        pytest.param("The new model has not yet had an impact.", "part.not_yet", id="not-yet"),
    ],
)
def test_hedge_is_flagged(sentence: str, rule: str) -> None:
    _, document = _label(sentence)
    (finding,) = document.findings
    assert finding.hedged and rule in finding.modifiers


def _under_heading(heading: str, *lines: str, bold: tuple[str, ...] = (), name: str = "report.pdf") -> Document:
    """A one-page PDF: ``heading`` large and bold, then each line (bold if it is in ``bold``), extracted."""
    from pdf_factory import Page, build_pdf

    page = Page().line(heading, 100, bold=True, size=14)
    for index, line in enumerate(lines):
        page = page.line(line, 130 + 35 * index, bold=line in bold)
    return Pipeline().extract(build_pdf([page]), name=name)


@pytest.mark.parametrize(
    ("heading", "polarity", "rule"),
    [
        pytest.param("Strengths", "strength", "sec_strengths", id="jtai-strengths"),
        pytest.param(
            "What is the area partnership doing that is effective?", "strength", "sec_area_effective", id="area-send"
        ),
        pytest.param("Areas for development", "weakness", "sec_areas_for_improvement", id="areas-for-development"),
    ],
)
def test_items_under_a_heading_with_a_default_take_its_polarity(heading: str, polarity: str, rule: str) -> None:
    document = _under_heading(heading, "Leaders have set up a panel that meets every month to review the plans.")
    (finding,) = document.findings
    assert finding.polarity == polarity
    assert [c.rule for c in finding.cues if c.kind == "section_default"] == [rule]


def test_a_mixed_item_under_a_heading_with_a_default_stays_mixed() -> None:
    document = _under_heading(
        "Areas for improvement", "Although managers give clear direction, reviews of plans are too often delayed."
    )
    assert sorted(str(f.polarity) for f in document.findings) == ["strength", "weakness"]
    assert not [c for f in document.findings for c in f.cues if c.kind == "section_default"]


def test_a_case_study_line_ends_the_strengths_section() -> None:
    document = _under_heading(
        "Strengths",
        "Leaders have set up a panel that meets every month to review the plans.",
        "Case study: highly effective practice",
        "Sara and her family have been known to services for many years.",
        bold=("Case study: highly effective practice",),
        name="letter.pdf",
    )
    titles = {s.title: s.category for s in document.sections}
    assert titles.get("Case study: highly effective practice") == "findings"
    assert [f.text for f in document.findings] == [
        "Leaders have set up a panel that meets every month to review the plans."
    ]


def test_a_strengths_and_weaknesses_heading_sets_no_polarity() -> None:
    document = _under_heading(
        "Key strengths and weaknesses of the LSCB",
        "The board has not evaluated the impact of its training on frontline practice.",
    )
    assert [s.category for s in document.sections if s.title.startswith("Key strengths")] == ["strengths"]
    (finding,) = document.findings
    assert finding.polarity == "weakness"
    assert not [c for c in finding.cues if c.kind == "section_default"]


def test_what_needs_to_improve_items_are_weaknesses() -> None:
    document = extract(
        "What needs to improve in this area of social work practice\n\n"
        "• The quality of children's plans.\n• Capturing children's views in assessments.\n\nFindings\n\nPlans are good."
    )
    weaknesses = [f for f in document.findings if f.polarity == "weakness"]
    assert [f.text for f in weaknesses] == [
        "The quality of children's plans.",
        "Capturing children's views in assessments.",
    ]
    assert all(any(c.kind == "section_default" for c in f.cues) for f in weaknesses)


def test_every_finding_names_the_rules_that_fired() -> None:
    _, document = _label("Assessments are thorough and timely.")
    rules = {cue.rule for f in document.findings for cue in f.cues}
    known = {r.id for r in RuleSet.default().cues}
    assert rules and rules <= known


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Findings\n\nCare leavers are well supported by personal advisers.",
            ["care_leavers"],
            id="own-words",
        ),
        pytest.param(
            "The experiences and progress of care leavers\n\nThey are well supported.",
            ["care_leavers"],
            id="section-fallback",
        ),
        pytest.param(
            "Findings\n\nDecisions for children to come into care are timely and well considered.",
            ["children_in_care"],
            id="into-care",
        ),
        pytest.param(
            "Findings\n\nSocial workers value the training they receive, which is of high quality.",
            ["workforce_caseloads"],
            id="training",
        ),
        pytest.param(
            "Findings\n\nChildren are seen alone and their experiences are carefully heard.",
            ["voice_of_child"],
            id="seen-alone",
        ),
    ],
)
def test_themes(text: str, expected: list[str]) -> None:
    document = extract(text)
    (finding,) = document.findings
    assert finding.themes == expected


def test_rules_round_trip_through_nlp_to_disk(tmp_path: Path) -> None:
    """A pipeline saved with its rules (including an added cue) loads back and behaves the same."""
    import spacy

    from ofsted_findings.api import Pipeline

    rules = RuleSet.default()
    extra = CueRule(
        id="wk.test_only_phrase",
        polarity="weakness",
        pattern="zigzag planning",
        weight=1.0,
    )
    pipeline = Pipeline(rules.replace(cues=[*rules.cues, extra]))
    pipeline.nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "ofsted_rules" / "cues.jsonl").is_file()
    loaded = Pipeline(nlp=spacy.load(tmp_path / "pipeline"))
    assert loaded.nlp.pipe_names == pipeline.nlp.pipe_names
    assert "wk.test_only_phrase" in {rule.id for rule in loaded.rules.cues}
    assert len(loaded.rules.cues) == len(rules.cues) + 1
    assert loaded.rules.fingerprint == pipeline.rules.fingerprint
    document = loaded.extract("Findings\n\nThere is zigzag planning.")
    assert [f.polarity for f in document.findings] == ["weakness"]
