"""Authority names as a user types them -> the names the dataset stores.

A name is looked up in the authority table (``rules/authorities.json``, through
:func:`ofsted_findings.metadata.letter.resolve_authority`): any alias, in any case,
gives the canonical name ("London Borough of Barking and Dagenham" -> "Barking and
Dagenham"). A name the table does not know but the dataset holds (an authority the
table could not resolve, stored as printed) is kept as it is. Anything else is an
:class:`UnknownAuthorityError` carrying the closest names, so that a typo gets a suggestion
instead of an empty result.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable

import duckdb

from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)

#: How many close names a typo is offered, and how close (difflib ratio) they must be.
SUGGESTIONS = 3
SUGGESTION_CUTOFF = 0.6

STORED_NAMES_QUERY = """
SELECT DISTINCT coalesce(authority_name, authority_name_as_printed) AS name
FROM documents WHERE coalesce(authority_name, authority_name_as_printed) IS NOT NULL ORDER BY name
"""


class UnknownAuthorityError(ValueError):
    """A name neither the authority table nor the dataset knows; ``suggestions`` are the closest."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(repr(item) for item in suggestions)}?" if suggestions else ""
        super().__init__(f"no authority is called {name!r}{hint}")
        self.name = name
        self.suggestions = suggestions


def _fold(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("’", "'")).strip().lower()


class AuthorityNames:
    """Resolves typed names against the authority table and the names stored in a dataset."""

    def __init__(self, rules: RuleSet, stored: Iterable[str]) -> None:
        """``rules``: the rule set whose authority table is used; ``stored``: the authority
        names the dataset holds (``documents.authority_name``, else as printed)."""
        from ofsted_findings.metadata.letter import MetadataReader

        self._reader = MetadataReader(rules)
        self.stored = sorted(set(stored))
        self._stored_folded = {_fold(name): name for name in self.stored}
        self._candidates: dict[str, str] = {}
        for record in rules.authorities.authorities:
            for alias in [record.name, *record.aliases]:
                self._candidates.setdefault(_fold(alias), record.name)
        for folded, name in self._stored_folded.items():
            self._candidates.setdefault(folded, name)

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, rules: RuleSet) -> AuthorityNames:
        """The resolver for a dataset: the rule set's table and the names ``con`` stores."""
        return cls(rules, (str(row[0]) for row in con.execute(STORED_NAMES_QUERY).fetchall()))

    def resolve(self, name: str) -> str:
        """The canonical (or stored) name for ``name``; :class:`UnknownAuthorityError` when there is none."""
        from ofsted_findings.metadata.letter import resolve_authority

        record = resolve_authority(name, self._reader)
        if record is not None:
            return record.name
        folded = _fold(name)
        if folded in self._stored_folded:
            return self._stored_folded[folded]
        raise UnknownAuthorityError(name, self.suggest(name))

    def suggest(self, name: str) -> list[str]:
        """Up to :data:`SUGGESTIONS` canonical names closest to ``name`` (best first)."""
        close = difflib.get_close_matches(
            _fold(name), list(self._candidates), n=SUGGESTIONS * 4, cutoff=SUGGESTION_CUTOFF
        )
        out: list[str] = []
        for folded in close:
            canonical = self._candidates[folded]
            if canonical not in out:
                out.append(canonical)
        return out[:SUGGESTIONS]

    def resolve_all(self, names: Iterable[str]) -> list[str]:
        """Every name resolved, duplicates dropped, order kept."""
        out: list[str] = []
        for name in names:
            canonical = self.resolve(name)
            if canonical not in out:
                out.append(canonical)
        return out

    def missing(self, names: Iterable[str]) -> list[str]:
        """The resolved names the dataset holds no document about."""
        held = set(self._stored_folded)
        return [name for name in names if _fold(name) not in held]
