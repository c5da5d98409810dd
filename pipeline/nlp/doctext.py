"""The Doc's text, kept in ``doc.user_data`` (``doc.text`` rebuilds it from every token each time)."""

from __future__ import annotations

from spacy.tokens import Doc

#: ``doc.user_data`` key holding the Doc's text.
TEXT_KEY = "ofsted.text"


def doc_text(doc: Doc) -> str:
    """The Doc's text, computed once and kept in ``doc.user_data``."""
    text = doc.user_data.get(TEXT_KEY)
    if not isinstance(text, str):
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text
