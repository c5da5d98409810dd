"""Sections: headings classified by the rules in rules/sections.jsonl."""

from __future__ import annotations

import pytest

from ofsted_findings.api import extract
from ofsted_findings.nlp.sections import SectionClassifier
from ofsted_findings.ruleset import RuleSet

CLASSIFIER = SectionClassifier(RuleSet.default().sections)


@pytest.mark.parametrize(
    ("heading", "category"),
    [
        pytest.param(
            "What needs to improve in this area of social work practice",
            "what_needs_to_improve",
            id="wnti-letter",
        ),
        pytest.param("What needs to improve?", "what_needs_to_improve", id="wnti-report"),
        pytest.param("Areas for improvement", "what_needs_to_improve", id="areas-for-improvement"),
        pytest.param("Recommendations", "what_needs_to_improve", id="recommendations"),
        pytest.param("Main findings", "findings", id="main-findings"),
        pytest.param("Findings", "findings", id="findings"),
        pytest.param("Areas covered by the visit", "areas_covered", id="areas-covered"),
        pytest.param(
            "The experiences and progress of children who need help and protection",
            "help_and_protection",
            id="help-protection",
        ),
        pytest.param(
            "The experiences and progress of children in care",
            "children_in_care",
            id="children-in-care",
        ),
        pytest.param(
            "The experiences and progress of care leavers",
            "care_leavers",
            id="care-leavers",
        ),
        pytest.param(
            "The impact of leaders on social work practice with children and families",
            "leadership",
            id="leaders",
        ),
        pytest.param("Next steps", "next_steps", id="next-steps"),
    ],
)
def test_heading_categories(heading: str, category: str) -> None:
    rule = CLASSIFIER.classify(heading)
    assert rule is not None and rule.category == category


def test_unknown_heading_is_none() -> None:
    assert CLASSIFIER.classify("A heading nobody wrote a rule for") is None


def test_sections_cover_letterhead_introduction_and_headings() -> None:
    text = (
        "Ofsted\nPiccadilly Gate\n\n12 March 2024\n\nSam Example\n\nDear Sam Example\n\n"
        "Opening words of the letter.\n\nWhat needs to improve\n\n• Plans.\n\nFindings\n\nPlans are good."
    )
    document = extract(text)
    categories = [section.category for section in document.sections]
    assert categories == [
        "letterhead",
        "introduction",
        "what_needs_to_improve",
        "findings",
    ]
    for section in document.sections:
        assert document.text[section.start : section.end].startswith(section.title)
    letterhead = document.sections[0]
    assert "12 March 2024" in document.text[letterhead.start : letterhead.end]
    assert not any(s.start < letterhead.end for s in document.sentences)


def test_level_two_sections_name_their_parent() -> None:
    document = extract("Focused visit to Wexcombe children's services\n\nIntro text.\n\nFindings\n\nPlans are good.")
    title, findings = document.sections
    assert title.category == "title" and findings.parent == title.id
