"""Sentence segmentation: blocks bound sentences; punctuation and abbreviations inside them."""

from __future__ import annotations

import pytest
from spacy.language import Language

from ofsted_findings.api import extract


def _sentences(text: str) -> list[str]:
    document = extract(text)
    return [document.text[s.start : s.end] for s in document.sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Leaders are ambitious. Staff are stable.\n\nNext paragraph here.",
            ["Leaders are ambitious.", "Staff are stable.", "Next paragraph here."],
            id="two-sentences-then-paragraph",
        ),
        pytest.param(
            "Plans are reviewed, e.g. at core groups. They are clear.",
            ["Plans are reviewed, e.g. at core groups.", "They are clear."],
            id="abbreviation-eg",
        ),
        pytest.param(
            "Dr. Smith met Mr. Jones. It went well.",
            ["Dr. Smith met Mr. Jones.", "It went well."],
            id="titles",
        ),
        pytest.param(
            "Overview\n\nChildren are seen regularly.",
            ["Children are seen regularly."],
            id="heading-is-not-a-sentence",
        ),
        pytest.param(
            "Findings\n\n• Children are safe\n• Plans are clear. Reviews are timely.",
            ["Children are safe", "Plans are clear.", "Reviews are timely."],
            id="bullets-bound-sentences",
        ),
        pytest.param(
            'Children said "we are listened to." Managers agree.',
            ['Children said "we are listened to."', "Managers agree."],
            id="closing-quote-stays",
        ),
        pytest.param(
            "Caseloads fell to 17. this continues on.",
            ["Caseloads fell to 17. this continues on."],
            id="lowercase-does-not-start",
        ),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_numbered_paragraph_number_is_not_in_the_sentence() -> None:
    text = "Areas for improvement\n\n12. Improve the quality of plans.\n13. Improve supervision."
    assert _sentences(text) == ["Improve the quality of plans.", "Improve supervision."]


def test_sentence_continued_on_next_page_is_one_sentence() -> None:
    document = extract("Overview\n\nThe quality of plans has improved and\fchildren benefit from them.")
    texts = [document.text[s.start : s.end] for s in document.sentences]
    assert texts == ["The quality of plans has improved and children benefit from them."]
    assert document.sentences[0].page == 1


def test_components_are_registered(nlp: Language) -> None:
    from ofsted_findings.nlp.components import PIPE_NAMES

    assert tuple(nlp.pipe_names) == PIPE_NAMES
