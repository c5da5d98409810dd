"""Property-based tests of the text path: for any Unicode text (control characters, lone
surrogates, right-to-left marks, NUL, very long lines), ``extract`` returns a valid document
whose offsets hold, or raises one of the documented input errors.

The number of examples comes from a Hypothesis profile: ``ci`` (the default) runs a few
hundred per test; ``long`` (``HYPOTHESIS_PROFILE=long``) runs thousands, outside CI.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ofsted_findings.api import Pipeline
from ofsted_findings.errors import ErrorCode, InputError
from ofsted_findings.models import Document
from ofsted_findings.serialize import to_json

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: What text input may fail with (anything else is a bug).
TEXT_ERRORS = {
    ErrorCode.EMPTY_FILE,
    ErrorCode.NOT_UTF8,
    ErrorCode.UNSUPPORTED_TYPE,
    ErrorCode.MISLABELLED,
    ErrorCode.TOO_MANY_PAGES,
}

#: Pieces that letters are made of, so that generated texts reach the findings and metrics stages.
WORDS = [
    "Leaders",
    "have improved",
    "do not always",
    "45%",
    "from 58% in March 2019 to 91%",
    "312",
    "seven",
    "£4m",
    "children in care",
    "What needs to improve",
    "\u2022",
    "1.",
    "(",
    ")",
    ":",
    ".",
    "\n",
    "\n\n",
    "\f",
    "\t",
    "\u200f",
    "\u202e",
    "\u200b",
    "\x00",
    "\ud800",
    "\x1b[31m",
]

texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=120).map(" ".join),
    st.builds(lambda word, n: word * n, st.sampled_from(WORDS), st.integers(1, 3000)),
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def _check(document: Document) -> None:
    text = document.text
    for item in [*document.findings, *document.metrics]:
        assert 0 <= item.start <= item.end <= len(text)
        assert text[item.start : item.end] == item.text
    for sentence in document.sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)
    for section in document.sections:
        assert 0 <= section.start <= section.end <= len(text)
    assert Document.model_validate_json(to_json(document)) == document


@given(text=texts)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_any_text_gives_a_valid_document_or_a_documented_error(pipeline: Pipeline, text: str) -> None:
    try:
        document = pipeline.extract(text)
    except InputError as exc:
        assert exc.code in TEXT_ERRORS, exc
        return
    _check(document)


@given(data=st.binary(max_size=600))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_any_bytes_named_txt_give_a_valid_document_or_a_documented_error(pipeline: Pipeline, data: bytes) -> None:
    try:
        document = pipeline.extract(data, name="input.txt")
    except InputError as exc:
        assert exc.code in TEXT_ERRORS, exc
        return
    _check(document)
