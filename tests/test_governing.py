"""Words in a clause that is not the claim: purpose clauses, complements and topics.

Every sentence here is invented. Each case names the polarity the whole sentence must get
and, where it matters, the governing rule that must be listed among the finding's cues.
"""

from __future__ import annotations

import pytest

from ofsted_findings.api import Pipeline
from ofsted_findings.models import Document

HEADING = "Findings\n\n"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def _polarities(document: Document) -> list[str]:
    return sorted({str(finding.polarity) for finding in document.findings})


@pytest.mark.parametrize(
    ("sentence", "expected", "rule"),
    [
        # complement: the object of a negative predicate is what it acts on
        ("Long delays act as a barrier to families getting timely help.", ["weakness"], "complement.a_barrier_to"),
        ("Plans are brief, limiting their value in giving a clear picture of need.", ["weakness"], None),
        ("Frequent changes of worker undermine trusting relationships.", ["weakness"], "complement.undermine"),
        (
            "High caseloads make it difficult for workers to provide clear and effective support to families.",
            ["weakness"],
            "complement.difficult_for",
        ),
        ("The council has struggled to recruit enough skilled foster carers.", ["weakness"], "complement.struggled_to"),
        # purpose: cues after 'to ensure' count only when nothing before them has polarity
        (
            "The systems are not good enough to ensure that children are supported to achieve good outcomes.",
            ["weakness"],
            "purpose.to_ensure_that",
        ),
        ("Managers provide strong oversight to ensure that plans are reviewed.", ["strength"], None),
        # topic: weakness words that name a subject
        ("Leaders understand the challenges the service faces and plan well.", ["strength"], "topic.understand"),
        ("Senior leaders are tackling the weaknesses identified last year with effective plans.", ["strength"], None),
    ],
)
def test_governed_words_do_not_decide_the_polarity(
    pipeline: Pipeline, sentence: str, expected: list[str], rule: str | None
) -> None:
    document = pipeline.extract(HEADING + sentence)
    assert _polarities(document) == expected, [f.cues for f in document.findings]
    if rule is not None:
        assert rule in {cue.rule for finding in document.findings for cue in finding.cues}


@pytest.mark.parametrize(
    "sentence",
    [
        "Children who go missing from home are offered a return interview.",
        "The service tracks children missing from education each week.",
        "Social workers complete an assessment of need for every referral.",
        "Young people who are not in education, employment or training are offered a mentor.",
    ],
)
def test_topic_phrases_are_not_weaknesses(pipeline: Pipeline, sentence: str) -> None:
    document = pipeline.extract(HEADING + sentence)
    assert "weakness" not in _polarities(document), [f.cues for f in document.findings]


@pytest.mark.parametrize(
    "sentence",
    [
        "Too many children go missing from care and their risks are not understood.",
        "Important information is missing from case records.",
        "There is still significant work to do to improve the quality of plans.",
        "Leaders have been complacent about the quality of supervision.",
    ],
)
def test_evaluation_around_topic_words_still_counts(pipeline: Pipeline, sentence: str) -> None:
    document = pipeline.extract(HEADING + sentence)
    assert "weakness" in _polarities(document), [f.cues for f in document.findings]


def test_a_rule_folder_can_add_a_governing_phrase(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from ofsted_findings.ruleset import RuleSet

    RuleSet.default().export(tmp_path)
    with (tmp_path / "modifiers.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(
            json.dumps({"id": "topic.investigate", "literal": "investigate", "effect": "topic", "max_scope": 4})
        )
        stream.write("\n")
    sentence = HEADING + "Managers investigate the failures quickly."
    before = Pipeline().extract(sentence)
    after = Pipeline(rules=RuleSet.from_dir(tmp_path)).extract(sentence)
    assert "weakness" in _polarities(before)
    assert "weakness" not in _polarities(after)


def test_a_concession_after_that_is_its_own_clause(pipeline: Pipeline) -> None:
    """'recognises that although X, Y': the concession opens after 'that', so a sentence with
    one strength and one weakness is mixed instead of cancelling out."""
    document = pipeline.extract(
        HEADING + "Leaders recognise that although recent improvements have been made, more needs to be done."
    )
    assert _polarities(document) == ["strength", "weakness"]


def test_every_finding_carries_its_score(pipeline: Pipeline) -> None:
    """Without modifiers, a finding's score is the sum of the weights of the cues it lists."""
    weights = {rule.id: rule.weight for rule in pipeline.rules.cues}
    document = pipeline.extract(HEADING + "Plans are weak. Managers know their services well, but supervision is poor.")
    assert len(document.findings) == 3
    for finding in document.findings:
        listed = [cue.rule for cue in finding.cues if cue.kind == "cue"]
        assert finding.score == pytest.approx(sum(weights[rule] for rule in listed)), finding.cues


def test_the_threshold_is_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from ofsted_findings.ruleset import RuleSet

    RuleSet.default().export(tmp_path)
    (tmp_path / "findings.json").write_text(json.dumps({"min_score": 50.0}), encoding="utf-8")
    strict = Pipeline(rules=RuleSet.from_dir(tmp_path)).extract(HEADING + "Plans are weak.")
    assert strict.findings == []


def test_a_sub_heading_inside_a_list_of_weaknesses_is_not_an_item(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from ofsted_findings.ruleset import RuleSet
    from pdf_factory import Page, build_pdf

    pdf = build_pdf(
        [
            Page()
            .line("What needs to improve", 100, bold=True)
            .line("Governance", 130)
            .line("The quality and timeliness of plans for children in care.", 160)
            .line("Oversight of the work of the front door.", 190),
            Page().line("Managers know their services well.", 100),
        ]
    )
    items = [finding.text for finding in Pipeline().extract(pdf, name="letter.pdf").findings]
    assert "Governance" not in items
    assert "Oversight of the work of the front door." in items
    RuleSet.default().export(tmp_path)
    (tmp_path / "findings.json").write_text(json.dumps({"min_score": 0.15, "default_min_words": 0}), encoding="utf-8")
    loose = Pipeline(rules=RuleSet.from_dir(tmp_path)).extract(pdf, name="letter.pdf")
    assert "Governance" in [finding.text for finding in loose.findings]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # as nouns (and 'stability', 'entitled') they name a topic
        (
            "High workloads for advisers continue to affect the quality of help and support given to young people.",
            ["weakness"],
        ),
        ("Performance on stability has declined in the past year.", ["weakness"]),
        ("Young people who are entitled to advice have waited too long for it.", ["weakness"]),
        ("Delays in the help young people receive are leaving them at risk.", ["weakness"]),
        # as verbs they still count
        ("Children are helped to understand their histories.", ["strength"]),
        ("Care leavers are supported well by their personal advisers.", ["strength"]),
    ],
)
def test_help_and_support_count_as_verbs_not_as_nouns(pipeline: Pipeline, sentence: str, expected: list[str]) -> None:
    document = pipeline.extract(HEADING + sentence)
    assert _polarities(document) == expected, [f.cues for f in document.findings]


def test_a_negation_does_not_flip_whom_the_claim_is_about(pipeline: Pipeline) -> None:
    sentence = "Transitions to adult health services are not currently smooth enough for some young people."
    document = pipeline.extract(HEADING + sentence)
    assert _polarities(document) == ["weakness"], [f.cues for f in document.findings]
    cue = next(c for f in document.findings for c in f.cues if c.rule == "wk.some_young_people")
    assert cue.effect == "weakness"


def test_a_context_phrase_does_not_absorb_a_negation(pipeline: Pipeline) -> None:
    # 'safeguarding' is a weight-0 context phrase inside the scope of 'not routinely'
    sentence = "Probation staff do not routinely store information about child safeguarding on their systems."
    document = pipeline.extract(HEADING + sentence)
    assert _polarities(document) == ["weakness"], [f.cues for f in document.findings]


@pytest.mark.parametrize(
    ("sentence", "expected", "rule"),
    [
        # the predicate judges; cues of the other polarity in the subject name what is judged
        (
            "The partnership approach to helping young people prepare for adulthood is underdeveloped.",
            ["weakness"],
            "pred.is",
        ),
        ("Timely mental health services for care leavers are not readily accessible.", ["weakness"], "pred.are"),
        ("Poor attendance at school has improved since the last inspection.", ["strength"], "pred.has"),
        # a relative clause's 'are' is not the clause's predicate
        (
            "Personal advisers proactively support the care leavers who are living in unsuitable accommodation.",
            ["strength"],
            None,
        ),
        # nothing judges right after the predicate word: the subject's cues still count
        (
            "Too many plans are ended before change is achieved, so children need a further plan to secure their safety.",
            ["weakness"],
            None,
        ),
    ],
)
def test_the_predicate_judges_the_subject(
    pipeline: Pipeline, sentence: str, expected: list[str], rule: str | None
) -> None:
    document = pipeline.extract(HEADING + sentence)
    assert _polarities(document) == expected, [f.cues for f in document.findings]
    cited = {cue.rule for finding in document.findings for cue in finding.cues}
    if rule is not None:
        assert rule in cited
    else:
        assert not any(r.startswith("pred.") for r in cited)
