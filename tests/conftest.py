"""Shared fixtures. Tests that need the real corpus use ``corpus_dir`` and skip without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from ofsted_findings.api import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """One pipeline for the session (tests that change it build their own)."""
    return Pipeline()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """``../shared/corpus`` beside the checkout; tests using it skip when it is absent."""
    if not (SHARED_CORPUS / "reports").is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The invented sample letters shipped in corpus/samples."""
    return SAMPLES


@pytest.fixture(scope="session")
def nlp(pipeline: Pipeline) -> Language:
    """The session pipeline's spaCy ``Language``."""
    return pipeline.nlp
