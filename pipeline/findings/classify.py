"""Strengths and weaknesses: cue phrases, ConText-style modifiers and contrast splitting.

All rules are data in ``pipeline/rules``: ``cues.jsonl`` (polarity cues, phrases for the
PhraseMatcher or token patterns for the Matcher), ``modifiers.jsonl`` (negation, partial
negation, hedges, pseudo-negations with a direction and a scope), ``contrasts.jsonl``
(markers that split a mixed sentence into clauses) and ``themes.jsonl`` (theme cues).

The ``ofsted_findings`` spaCy component only matches (``match``) and stores the matches on
the Doc (``set_annotations``); :func:`classify` turns them into :class:`models.Finding`
items, one per sentence, or one per clause when a sentence is mixed.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from functools import cache
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field
from spacy.attrs import IDX
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from ofsted_findings.models import Cue, Finding, Polarity, Sentence
from ofsted_findings.nlp.doctext import doc_text
from ofsted_findings.layout.normalize import PageMap
from ofsted_findings.ruleset.loading import load_jsonl, parse_jsonl
from ofsted_findings.nlp.sections import SectionInfo

logger = logging.getLogger(__name__)

MATCHES_EXTENSION = "of_matches"
RULE_FAMILIES: tuple[str, ...] = ("cues", "modifiers", "contrasts", "themes")
#: A clause whose cue score is closer to zero than this states nothing either way.
MIN_SCORE = 0.25

TRIM_CHARACTERS = " ,;:-–—\n"


class CueRule(BaseModel):
    """A phrase or token pattern that signals a polarity."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    polarity: Polarity
    pattern: str | list[dict[str, Any]]
    weight: float = 1.0
    regex: bool = Field(default=False, description="The pattern is a regular expression over the text.")


class ModifierRule(BaseModel):
    """A phrase that changes the cues in its scope (ConText-style)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    literal: str
    effect: Literal["negate", "partial", "hedge", "pseudo"]
    direction: Literal["forward", "backward", "both"] = "forward"
    max_scope: int = Field(default=8, ge=0)
    implies: Polarity | None = None
    hedge: bool = Field(default=False, description="Also marks the finding as hedged ('yet to', 'not yet').")
    implied_weight: float = Field(default=1.0, ge=0, description="Weight of the implied polarity.")


class ContrastRule(BaseModel):
    """A marker that splits a sentence into clauses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    literal: str
    kind: Literal["subordinate", "coordinate"]
    at_start: bool = True
    implies_opposite: bool = Field(default=False, description="A concession clause without cues takes the opposite polarity.")


class ThemeRule(BaseModel):
    """A phrase that puts a finding under a theme."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    theme: str
    pattern: str


class FindingRules(BaseModel):
    """Every rule the findings stage uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cues: list[CueRule]
    modifiers: list[ModifierRule]
    contrasts: list[ContrastRule]
    themes: list[ThemeRule]


@cache
def finding_rules() -> FindingRules:
    """The packaged rule files."""
    return FindingRules(
        cues=load_jsonl("rules", "cues.jsonl", CueRule),
        modifiers=load_jsonl("rules", "modifiers.jsonl", ModifierRule),
        contrasts=load_jsonl("rules", "contrasts.jsonl", ContrastRule),
        themes=load_jsonl("rules", "themes.jsonl", ThemeRule),
    )


class RuleMatch(NamedTuple):
    """A rule that matched tokens ``[start, end)`` of the Doc (a tuple: there are many per Doc)."""

    rule: str
    start: int
    end: int


class DocMatches(BaseModel):
    """All rule matches in a Doc, by family, each sorted by position."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cues: list[RuleMatch]
    modifiers: list[RuleMatch]
    contrasts: list[RuleMatch]
    themes: list[RuleMatch]


def register_extensions() -> None:
    """Register the Doc extension that carries the matches (idempotent)."""
    if not Doc.has_extension(MATCHES_EXTENSION):
        Doc.set_extension(MATCHES_EXTENSION, default=None)


class FindingMatcher:
    """spaCy component: matches cue, modifier, contrast and theme rules."""

    def __init__(self, nlp: Language, rules: FindingRules, validate: bool = True) -> None:
        """``rules``: the rule families; ``validate``: check token patterns against spaCy's schema."""
        register_extensions()
        self._nlp = nlp
        self._validate = validate
        self.rules = rules
        self._matchers: dict[str, tuple[PhraseMatcher, Matcher]] = {}
        self.set_rules(rules)

    def set_rules(self, rules: FindingRules) -> None:
        """Replace the rules and recompile the matchers (e.g. after adding a cue in Python)."""
        nlp, validate = self._nlp, self._validate
        self.rules = rules
        self._matchers = {}
        regex_cues = [rule for rule in rules.cues if rule.regex and isinstance(rule.pattern, str)]
        self._regex = (
            re.compile("|".join(f"(?P<r{i}>{rule.pattern})" for i, rule in enumerate(regex_cues)), re.IGNORECASE)
            if regex_cues
            else None
        )
        self._regex_ids = {f"r{i}": rule.id for i, rule in enumerate(regex_cues)}
        families: dict[str, list[tuple[str, str | list[dict[str, Any]]]]] = {
            "cues": [(rule.id, rule.pattern) for rule in rules.cues if not rule.regex],
            "modifiers": [(rule.id, rule.literal) for rule in rules.modifiers],
            "contrasts": [(rule.id, rule.literal) for rule in rules.contrasts],
            "themes": [(rule.id, rule.pattern) for rule in rules.themes],
        }
        for family, patterns in families.items():
            phrase = PhraseMatcher(nlp.vocab, attr="LOWER")
            tokens = Matcher(nlp.vocab, validate=validate)
            for rule_id, pattern in patterns:
                if isinstance(pattern, str):
                    phrase.add(rule_id, [nlp.make_doc(pattern)])
                else:
                    tokens.add(rule_id, [pattern])
            self._matchers[family] = (phrase, tokens)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> DocMatches:
        """Every match of every rule family."""
        found: dict[str, list[RuleMatch]] = {}
        strings = doc.vocab.strings
        for family, (phrase, tokens) in self._matchers.items():
            items = [RuleMatch(strings[key], start, end) for key, start, end in phrase(doc)]
            if len(tokens):
                items.extend(RuleMatch(strings[key], start, end) for key, start, end in tokens(doc))
            if family == "cues" and self._regex is not None:
                items.extend(self._regex_matches(doc))
            found[family] = sorted(items, key=lambda m: (m.start, -m.end, m.rule))
        return DocMatches.model_construct(
            cues=found["cues"], modifiers=found["modifiers"], contrasts=found["contrasts"], themes=found["themes"]
        )

    def _regex_matches(self, doc: Doc) -> list[RuleMatch]:
        """Regex cues over the text, widened to whole tokens."""
        assert self._regex is not None
        items: list[RuleMatch] = []
        for match in self._regex.finditer(doc_text(doc)):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None and match.lastgroup is not None:
                items.append(RuleMatch(self._regex_ids[match.lastgroup], span.start, span.end))
        return items

    def set_annotations(self, doc: Doc, matches: DocMatches) -> None:
        """Store the matches on ``doc._.of_matches``."""
        doc._.set(MATCHES_EXTENSION, matches)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the rules as JSONL files (one per family) in ``path``."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        for family in RULE_FAMILIES:
            rules: list[BaseModel] = getattr(self.rules, family)
            text = "".join(rule.model_dump_json(exclude_defaults=False) + "\n" for rule in rules)
            (folder / f"{family}.jsonl").write_text(text, encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> FindingMatcher:
        """Load rules saved by :meth:`to_disk` and rebuild the matchers."""
        folder = Path(path)

        def read(family: str) -> tuple[str, str]:
            file = folder / f"{family}.jsonl"
            return file.read_text(encoding="utf-8"), str(file)

        self.set_rules(
            FindingRules(
                cues=parse_jsonl(*read("cues"), CueRule),
                modifiers=parse_jsonl(*read("modifiers"), ModifierRule),
                contrasts=parse_jsonl(*read("contrasts"), ContrastRule),
                themes=parse_jsonl(*read("themes"), ThemeRule),
            )
        )
        return self


@Language.factory("ofsted_findings", assigns=[f"doc._.{MATCHES_EXTENSION}"], default_config={"validate": True})
def make_finding_matcher(nlp: Language, name: str, validate: bool) -> FindingMatcher:
    """spaCy factory for :class:`FindingMatcher` with the packaged rules."""
    return FindingMatcher(nlp, finding_rules(), validate=validate)


# --- classification -----------------------------------------------------------------------


@dataclass
class _CueHit:
    rule: CueRule
    start: int
    end: int
    polarity: Polarity
    modifiers: list[ModifierRule] = field(default_factory=list)


@dataclass
class _Clause:
    start: int  # token index
    end: int
    polarity: Polarity | None = None
    score: float = 0.0
    cues: list[_CueHit] = field(default_factory=list)
    modifiers: list[tuple[ModifierRule, int, int]] = field(default_factory=list)
    hedged: bool = False
    negated: bool = False
    contrast: ContrastRule | None = None
    contrast_span: tuple[int, int] | None = None
    implied_by_contrast: bool = False


class _RuleIndex:
    """Rules by id, for turning matches back into rules."""

    def __init__(self, rules: FindingRules) -> None:
        self.cues = {rule.id: rule for rule in rules.cues}
        self.modifiers = {rule.id: rule for rule in rules.modifiers}
        self.contrasts = {rule.id: rule for rule in rules.contrasts}
        self.themes = {rule.id: rule for rule in rules.themes}


def finding_id(start: int, end: int, polarity: str) -> str:
    """Content-derived id from position and polarity."""
    return f"f-{start:06d}-{end:06d}-{polarity[0]}"


def classify(
    doc: Doc,
    sentences: list[Sentence],
    sections: list[SectionInfo],
    page_of: PageMap,
    rules: FindingRules | None = None,
) -> list[Finding]:
    """Findings for every sentence, from the matches stored on ``doc``."""
    rules = rules or finding_rules()
    index = _RuleIndex(rules)
    matches: DocMatches | None = doc._.get(MATCHES_EXTENSION)
    if matches is None:
        raise ValueError("the Doc has no rule matches: run the ofsted_findings component first")
    doc_text(doc)
    by_section = {info.section.id: info for info in sections}
    tokens = _TokenIndex(doc)
    buckets = _bucket(doc, sentences, matches, tokens)
    findings: list[Finding] = []
    for sentence, found in zip(sentences, buckets, strict=True):
        info = by_section.get(sentence.section or "")
        rule = info.rule if info else None
        if rule is not None and rule.no_findings:
            continue
        findings.extend(_sentence_findings(doc, sentence, found, info, index, page_of, tokens))
    findings.sort(key=lambda f: (f.start, f.end))
    return findings


class _TokenSpan(NamedTuple):
    start: int
    end: int


class _TokenIndex:
    """Maps character offsets to token indices (``doc.char_span`` with 'expand', without Span objects)."""

    def __init__(self, doc: Doc) -> None:
        self.starts: list[int] = doc.to_array(IDX).tolist() if len(doc) else []

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Tokens ``[first, last)`` covering characters ``[start, end)``."""
        first = max(bisect_right(self.starts, start) - 1, 0)
        return first, bisect_left(self.starts, end)


def _bucket(doc: Doc, sentences: list[Sentence], matches: DocMatches, tokens: _TokenIndex) -> list[DocMatches]:
    """Split the Doc's matches by sentence (both sorted by position)."""
    spans = [tokens.span(sentence.start, sentence.end) for sentence in sentences]
    families: dict[str, list[list[RuleMatch]]] = {}
    for family in ("cues", "modifiers", "contrasts", "themes"):
        items: list[RuleMatch] = getattr(matches, family)
        grouped: list[list[RuleMatch]] = [[] for _ in sentences]
        cursor = 0
        for position, (start, end) in enumerate(spans):
            while cursor < len(items) and items[cursor].start < start:
                cursor += 1
            probe = cursor
            while probe < len(items) and items[probe].start < end:
                if items[probe].end <= end:
                    grouped[position].append(items[probe])
                probe += 1
        families[family] = grouped
    return [
        DocMatches.model_construct(
            cues=families["cues"][i],
            modifiers=families["modifiers"][i],
            contrasts=families["contrasts"][i],
            themes=families["themes"][i],
        )
        for i in range(len(sentences))
    ]


def _longest(matches: list[RuleMatch]) -> list[RuleMatch]:
    """Keep the longest of overlapping matches (first on ties)."""
    ordered = sorted(matches, key=lambda m: (-(m.end - m.start), m.start, m.rule))
    taken: set[int] = set()
    kept: list[RuleMatch] = []
    for match in ordered:
        if taken.isdisjoint(range(match.start, match.end)):
            kept.append(match)
            taken.update(range(match.start, match.end))
    return sorted(kept, key=lambda m: (m.start, m.end))


def _sentence_findings(
    doc: Doc,
    sentence: Sentence,
    found: DocMatches,
    info: SectionInfo | None,
    index: _RuleIndex,
    page_of: PageMap,
    tokens: _TokenIndex,
) -> list[Finding]:
    span = _TokenSpan(*tokens.span(sentence.start, sentence.end))
    if span.start >= span.end:
        return []
    section_rule = info.rule if info else None
    section_themes = list(section_rule.themes) if section_rule else []
    modifiers = _longest(found.modifiers)
    cues = _longest(found.cues)
    clauses = _clauses(doc, span.start, span.end, found.contrasts, index)
    for clause in clauses:
        _score(clause, cues, modifiers, index)

    if section_rule is not None and section_rule.default_polarity is not None:
        polarity = Polarity(section_rule.default_polarity)
        cue = Cue(
            rule=section_rule.id,
            kind="section_default",
            effect=polarity.value,
            text=info.section.title if info else "",
            start=info.section.start if info else sentence.start,
            end=(info.section.start + len(info.section.title)) if info else sentence.start,
        )
        whole = _Clause(start=span.start, end=span.end, polarity=polarity)
        for clause in clauses:
            whole.cues.extend(clause.cues)
            whole.modifiers.extend(clause.modifiers)
        return [_finding(doc, sentence, whole, polarity, [cue], section_themes, found, index, page_of, whole_sentence=True)]

    _concessions(clauses)
    polar = [clause for clause in clauses if clause.polarity is not None]
    if not polar:
        return []
    polarities = {clause.polarity for clause in polar}
    if len(polarities) == 1:
        only = polar[0].polarity
        assert only is not None
        whole = _Clause(start=span.start, end=span.end, polarity=only)
        for clause in clauses:
            whole.cues.extend(clause.cues)
            whole.modifiers.extend(clause.modifiers)
            whole.hedged |= clause.hedged
            whole.negated |= clause.negated
        return [_finding(doc, sentence, whole, only, [], section_themes, found, index, page_of, whole_sentence=True)]
    merged = _merge(clauses)
    return [
        _finding(doc, sentence, clause, clause.polarity, [], section_themes, found, index, page_of, whole_sentence=False)
        for clause in merged
        if clause.polarity is not None
    ]


def _clauses(doc: Doc, start: int, end: int, contrasts: list[RuleMatch], index: _RuleIndex) -> list[_Clause]:
    """Split tokens [start, end) at contrast markers."""
    cuts: set[int] = set()
    first_word = _first_word(doc, start) if contrasts else start
    for match in _longest(contrasts):
        rule = index.contrasts[match.rule]
        at_sentence_start = match.start == first_word
        after_break = match.start > start and doc[match.start - 1].text in {",", ";", "—", "–", "-", ":"}
        if rule.at_start and not (at_sentence_start or after_break):
            continue
        if at_sentence_start:
            if rule.kind == "subordinate":
                comma = next(
                    (i for i in range(match.end, end) if doc[i].text in {",", ";"}),
                    None,
                )
                if comma is not None and comma + 1 < end:
                    cuts.add(comma + 1)
            continue
        cuts.add(match.start)
    bounds = [start, *sorted(cut for cut in cuts if start < cut < end), end]
    clauses = [_Clause(start=a, end=b) for a, b in zip(bounds, bounds[1:], strict=False) if a < b]
    for clause in clauses:
        first = _first_word(doc, clause.start)
        marker = next((m for m in contrasts if m.start == first), None)
        if marker is not None:
            clause.contrast = index.contrasts[marker.rule]
            clause.contrast_span = (marker.start, marker.end)
    return clauses


def _concessions(clauses: list[_Clause]) -> None:
    """A concession clause with no cue takes the opposite polarity of the other clauses."""
    others = {clause.polarity for clause in clauses if clause.polarity is not None}
    if len(others) != 1:
        return
    main = others.pop()
    for clause in clauses:
        if clause.polarity is None and clause.contrast is not None and clause.contrast.implies_opposite:
            clause.polarity = _flip(main)
            clause.implied_by_contrast = True


def _first_word(doc: Doc, start: int) -> int:
    position = start
    while position < len(doc) and (doc[position].is_space or doc[position].is_punct):
        position += 1
    return position


def _score(clause: _Clause, cues: list[RuleMatch], modifiers: list[RuleMatch], index: _RuleIndex) -> None:
    """Apply modifiers to the clause's cues and set its polarity."""
    inside_mods = [m for m in modifiers if clause.start <= m.start and m.end <= clause.end]
    inside_cues = [m for m in cues if clause.start <= m.start and m.end <= clause.end]
    active = [(index.modifiers[m.rule], m) for m in inside_mods if index.modifiers[m.rule].effect != "pseudo"]
    hits: list[_CueHit] = []
    used: set[int] = set()
    for match in inside_cues:
        rule = index.cues[match.rule]
        hit = _CueHit(rule=rule, start=match.start, end=match.end, polarity=Polarity(rule.polarity))
        for modifier, where in active:
            if where.start <= match.start < where.end or where.start < match.end <= where.end:
                continue  # the cue is the modifier's own words
            if _in_scope(modifier, where, match, clause):
                hit.modifiers.append(modifier)
                used.add(id(where))
                if modifier.effect == "negate":
                    hit.polarity = _flip(hit.polarity)
                    clause.negated = True
                elif modifier.effect == "partial":
                    hit.polarity = Polarity.WEAKNESS
                if modifier.hedge:
                    clause.hedged = True
                elif modifier.effect == "hedge":
                    clause.hedged = True
        hits.append(hit)
    # A cue inside a modifier's words counts only when the modifier neither changed a cue
    # nor implies a polarity of its own ("not consistently" already says weakness).
    final: list[_CueHit] = []
    for hit in hits:
        owner = next(
            (
                (modifier, where)
                for modifier, where in active
                if where.start <= hit.start < where.end or where.start < hit.end <= where.end
            ),
            None,
        )
        if owner is not None and (id(owner[1]) in used or owner[0].implies is not None):
            continue
        final.append(hit)
    score = sum(hit.rule.weight * (1 if hit.polarity is Polarity.STRENGTH else -1) for hit in final)
    for modifier, where in active:
        if modifier.effect == "hedge":
            clause.hedged = True
        if modifier.implies is not None and id(where) not in used:
            score += modifier.implied_weight * (1 if modifier.implies is Polarity.STRENGTH else -1)
            clause.modifiers.append((modifier, where.start, where.end))
            clause.hedged |= modifier.hedge
        elif id(where) in used:
            clause.modifiers.append((modifier, where.start, where.end))
    clause.cues = final
    clause.score = score
    if score >= MIN_SCORE:
        clause.polarity = Polarity.STRENGTH
    elif score <= -MIN_SCORE:
        clause.polarity = Polarity.WEAKNESS


def _in_scope(modifier: ModifierRule, where: RuleMatch, cue: RuleMatch, clause: _Clause) -> bool:
    if modifier.direction in ("forward", "both") and where.end <= cue.start:
        return cue.start - where.end < modifier.max_scope and cue.start < clause.end
    if modifier.direction in ("backward", "both") and cue.end <= where.start:
        return where.start - cue.end < modifier.max_scope and cue.start >= clause.start
    return False


def _flip(polarity: Polarity) -> Polarity:
    return Polarity.WEAKNESS if polarity is Polarity.STRENGTH else Polarity.STRENGTH


def _merge(clauses: list[_Clause]) -> list[_Clause]:
    """Join neighbouring clauses of the same polarity; neutral clauses join the one before."""
    merged: list[_Clause] = []
    for clause in clauses:
        if merged and (clause.polarity is None or clause.polarity == merged[-1].polarity):
            last = merged[-1]
            last.end = clause.end
            last.cues.extend(clause.cues)
            last.modifiers.extend(clause.modifiers)
            last.hedged |= clause.hedged
            last.negated |= clause.negated
            if last.polarity is None:
                last.polarity = clause.polarity
            continue
        merged.append(
            _Clause(
                start=clause.start,
                end=clause.end,
                polarity=clause.polarity,
                cues=list(clause.cues),
                modifiers=list(clause.modifiers),
                hedged=clause.hedged,
                negated=clause.negated,
                contrast=clause.contrast,
                contrast_span=clause.contrast_span,
                implied_by_contrast=clause.implied_by_contrast,
            )
        )
    return merged


def _finding(
    doc: Doc,
    sentence: Sentence,
    clause: _Clause,
    polarity: Polarity,
    extra: list[Cue],
    section_themes: list[str],
    found: DocMatches,
    index: _RuleIndex,
    page_of: PageMap,
    *,
    whole_sentence: bool,
) -> Finding:
    text = doc_text(doc)
    if whole_sentence:
        start, end = sentence.start, sentence.end
    else:
        start = max(doc[clause.start].idx, sentence.start)
        last = doc[clause.end - 1]
        end = min(last.idx + len(last.text), sentence.end)
        while start < end and text[start] in TRIM_CHARACTERS:
            start += 1
        while end > start and text[end - 1] in TRIM_CHARACTERS:
            end -= 1
    cues = list(extra)
    for hit in clause.cues:
        first, last_token = doc[hit.start], doc[hit.end - 1]
        cue_start, cue_end = first.idx, last_token.idx + len(last_token.text)
        cues.append(
            Cue(rule=hit.rule.id, kind="cue", effect=hit.polarity.value, text=text[cue_start:cue_end], start=cue_start, end=cue_end)
        )
    if clause.implied_by_contrast and clause.contrast is not None and clause.contrast_span is not None:
        first, last_token = doc[clause.contrast_span[0]], doc[clause.contrast_span[1] - 1]
        cue_start, cue_end = first.idx, last_token.idx + len(last_token.text)
        cues.append(
            Cue(rule=clause.contrast.id, kind="contrast", effect=polarity.value, text=text[cue_start:cue_end], start=cue_start, end=cue_end)
        )
    for modifier, mod_start, mod_end in clause.modifiers:
        first, last_token = doc[mod_start], doc[mod_end - 1]
        cue_start, cue_end = first.idx, last_token.idx + len(last_token.text)
        cues.append(
            Cue(rule=modifier.id, kind="modifier", effect=modifier.effect, text=text[cue_start:cue_end], start=cue_start, end=cue_end)
        )
    cues = sorted({(c.start, c.end, c.rule): c for c in cues}.values(), key=lambda c: (c.start, c.end, c.rule))
    themes = _themes(doc, found, index, start, end) or sorted(set(section_themes))
    modifiers = sorted({modifier.id for modifier, _, _ in clause.modifiers})
    return Finding(
        id=finding_id(start, end, polarity.value),
        polarity=polarity,
        text=text[start:end],
        page=page_of(start),
        start=start,
        end=end,
        sentence=sentence.id,
        section=sentence.section,
        themes=themes,
        cues=cues,
        negated=clause.negated,
        hedged=clause.hedged,
        modifiers=modifiers,
    )


def _themes(doc: Doc, found: DocMatches, index: _RuleIndex, start: int, end: int) -> list[str]:
    themes: set[str] = set()
    for match in found.themes:
        token = doc[match.start]
        if start <= token.idx < end:
            themes.add(index.themes[match.rule].theme)
    return sorted(themes)
