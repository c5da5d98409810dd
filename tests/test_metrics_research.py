"""Figures a researcher compares across authorities: what is not a figure, zero quantities,
compound number words, multiples, ceilings, comparators, flags, populations and indicators.
Every sentence is invented."""

from __future__ import annotations

import random
from typing import Any

import pytest

from ofsted_findings.api import extract
from ofsted_findings.diagnostics import metric_noise
from ofsted_findings.diagnostics.noise import Family, scan
from ofsted_findings.evaluation.metrics_eval import _Tally, bootstrap
from ofsted_findings.metrics.grammar import Grammar
from ofsted_findings.metrics.indicators import IndicatorMatcher, figure_clause
from ofsted_findings.metrics.numbers import parse_number
from ofsted_findings.models import Document, Metric, Unit
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.ruleset.schema import IndicatorRules

RULES = RuleSet.default()
GRAMMAR = Grammar(RULES.metrics, RULES.vocabulary, RULES.indicators)


def _metrics(sentence: str) -> list[Metric]:
    document = extract("Findings\n\n" + sentence)
    for metric in document.metrics:
        assert document.text[metric.start : metric.end] == metric.text
    return document.metrics


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Leaders have acted on the concerns raised earlier (Paras 40, 41, 45).", id="paras-list"),
        pytest.param("The review is summarised above (pages 9, 14, paragraphs 22, 60).", id="pages-and-paras"),
        pytest.param("Support for those aged under 16 is well planned.", id="aged-under"),
        pytest.param("Advisers help care leavers over 21 who ask for it.", id="leavers-over"),
        pytest.param("Plans for 16-17-year-olds are reviewed by managers.", id="age-band-hyphens"),
        pytest.param("The 0-19 service works closely with schools.", id="zero-to-nineteen-service"),
        pytest.param("In one case, a worker visited the wrong address.", id="in-one-case"),
        pytest.param("One young person said that her worker listens well.", id="one-anecdote"),
        pytest.param("Children move from one team to another too often.", id="from-one-to-another"),
        pytest.param("Pupils at key stages 3 and 4 are supported to attend.", id="key-stages"),
        pytest.param("The partnership follows Principle 1 of its charter.", id="principle"),
        pytest.param("A fourth visit was arranged by a third-party provider.", id="ordinals"),
        pytest.param("The helpline runs 24/7 and offers 1:1 support.", id="notations"),
        pytest.param("Visits took place on March 3-4 in the new offices.", id="date-fragment"),
        pytest.param("The three-year average is used for planning.", id="averaging-window"),
        pytest.param("Call the team on 0300 123 4567 for advice.", id="phone-number"),
        pytest.param("Write to Duke Street, Bury BL9 0EL 4 Piccadilly for a copy.", id="number-after-a-postcode"),
        pytest.param("12", id="a-number-that-is-all-of-its-line"),
        pytest.param("A 16-plus service helps young people to settle.", id="age-plus"),
        pytest.param("Young people leave care at 18 and move on.", id="at-age-and"),
        pytest.param("The service hopes to finish one in 2019.", id="one-in-a-year"),
        pytest.param("Care leavers keep their adviser until they become 25.", id="age-become"),
        pytest.param("Histories are shared as they approach 18, which helps.", id="age-approach"),
        pytest.param("The partnership supports children with SEND from birth to 25.", id="age-birth-to"),
        pytest.param("Young people receive good support over 21, through their workers.", id="age-support-over"),
        pytest.param("Advisers are allocated at the age of 17 and a half.", id="age-and-a-half"),
        pytest.param("Workers use the 'Three houses' tool and a 'no borders' approach.", id="number-in-quoted-name"),
        pytest.param("Young people are referred to the '722 Project' for help.", id="digits-in-quoted-name"),
        pytest.param("One school leader captured the views of many staff.", id="one-anecdote-leader"),
        pytest.param("Reflecting on it, one young person summed up the view of many.", id="one-anecdote-after-comma"),
        pytest.param("Good examples were seen, including one case which led to a referral.", id="including-one-case"),
        pytest.param("The programme was delivered one to one by his officer.", id="one-to-one"),
        pytest.param("Some are in years one to three of a university course.", id="course-years-in-words"),
        pytest.param("For example, one young person successfully argued to remain on a plan.", id="for-example-one"),
        pytest.param("Care leavers who are under 18 are reviewed by reviewing officers.", id="age-who-are-under"),
        pytest.param("Children who reach 18 move to adult services.", id="age-reach"),
    ],
)
def test_not_figures(sentence: str) -> None:
    assert [m.text for m in _metrics(sentence)] == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param("No young people are in custody at present.", {"text": "No", "value": 0}, id="no-plural"),
        pytest.param("There were no placement breakdowns this year.", {"text": "no", "value": 0}, id="no-events"),
        pytest.param("The council runs no residential homes.", {"text": "no", "value": 0}, id="runs-no"),
        pytest.param("Nine children were assessed and none of them waited.", {"text": "none", "value": 0}, id="none"),
        pytest.param("Only one child was placed out of area.", {"text": "one", "value": 1}, id="only-one"),
        pytest.param("Both children's homes are judged good.", {"text": "Both", "value": 2}, id="both-homes"),
        pytest.param("The service received three hundred referrals.", {"value": 300}, id="three-hundred"),
        pytest.param("It supports one hundred and twenty families.", {"value": 120}, id="hundred-and-twenty"),
        pytest.param("The council operates one children's home.", {"text": "one", "value": 1}, id="one-childrens-home"),
        pytest.param("One serious case review has been completed.", {"text": "One", "value": 1}, id="one-serious"),
        pytest.param("There were no unallocated social care cases.", {"text": "no", "value": 0}, id="no-four-words"),
        pytest.param(
            "There have been no permanent exclusions this year.", {"text": "no", "value": 0}, id="no-permanent"
        ),
        pytest.param(
            "No children experienced harm, but checks were late.", {"text": "No", "value": 0}, id="no-noun-then-verb"
        ),
    ],
)
def test_counts(sentence: str, expected: dict[str, Any]) -> None:
    metrics = _metrics(sentence)
    found = [m for m in metrics if expected.get("text", m.text) == m.text and m.value == expected["value"]]
    assert found, [(m.text, m.value) for m in metrics]
    assert found[0].unit == "count"


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("There is no evidence of drift in plans.", id="no-evidence"),
        pytest.param("Children experience no delay in planning.", id="no-delay"),
        pytest.param("Both children and parents were seen alone.", id="both-and"),
        pytest.param("There are no backlogs in the work of the police team.", id="no-backlogs"),
        pytest.param("There is little or no preventative work in schools.", id="little-or-no"),
        pytest.param("Children are only looked after if there are no suitable alternatives.", id="no-suitable"),
        pytest.param("Risks to children with no allocated social worker were not managed.", id="group-with-no"),
    ],
)
def test_absence_is_not_a_count(sentence: str) -> None:
    assert [m.text for m in _metrics(sentence)] == []


def test_all_of_whom_restates_the_count() -> None:
    metrics = _metrics("The service supports 12 care leavers, all of whom have a pathway plan.")
    assert [(m.text, m.value) for m in metrics] == [("12", 12), ("all", 12)]


@pytest.mark.parametrize(
    ("text", "value"),
    [("three hundred", 300), ("one hundred and twenty", 120), ("two thousand five hundred", 2500), ("forty-two", 42)],
)
def test_compound_number_words(text: str, value: float) -> None:
    assert parse_number(text, GRAMMAR) == value


def test_multiples_are_changes() -> None:
    doubled = _metrics("The number of families helped early has doubled.")
    halved = _metrics("Waiting times for assessments have halved.")
    assert [(m.text, m.value, m.change) for m in doubled] == [("doubled", 2, "increase")]
    assert [(m.text, m.value, m.change) for m in halved] == [("halved", 0.5, "decrease")]


def test_up_to_is_a_ceiling_not_a_rise() -> None:
    metrics = _metrics("Referrals fell to 200 from 300, and workers hold up to 12 children.")
    twelve = next(m for m in metrics if m.text == "12")
    assert twelve.approx == "up_to"
    assert twelve.change is None
    assert twelve.baseline is None


def test_every_comparator_attaches_and_none_is_a_figure() -> None:
    metrics = _metrics(
        "Of care leavers, 29% are in education, compared with 51% in England and 41% for statistical neighbours."
    )
    assert [m.text for m in metrics] == ["29%"]
    assert metrics[0].comparator is not None and metrics[0].comparator.value == 51


@pytest.mark.parametrize(
    ("sentence", "figure", "flag"),
    [
        pytest.param("The visit was carried out by a team of five inspectors.", "five", "inspection_team", id="team"),
        pytest.param("Two inspectors spoke with leaders on site.", "Two", "inspection_team", id="inspectors"),
        pytest.param("The team consisted of six of His Majesty's Inspectors.", "six", "inspection_team", id="majesty"),
        pytest.param(
            "The next inspection will be within approximately three years.", "three years", "administrative", id="next"
        ),
    ],
)
def test_flags(sentence: str, figure: str, flag: str) -> None:
    metrics = _metrics(sentence)
    found = next(m for m in metrics if m.text == figure)
    assert found.flags == [flag]
    assert found.indicator is None


def test_population_is_the_counted_group() -> None:
    metrics = _metrics("At the end of March, 180 children in care lived with foster families.")
    assert metrics[0].population == "children in care"


@pytest.mark.parametrize(
    ("sentence", "figure", "indicator"),
    [
        pytest.param(
            "In the year, 23% of referrals were re-referrals.", "23%", "re_referrals_12_months", id="rereferral"
        ),
        pytest.param(
            "Of care leavers, 64% are in education, employment or training.", "64%", "care_leavers_eet", id="eet"
        ),
        pytest.param(
            "Most care leavers (88%) live in suitable accommodation.",
            "88%",
            "care_leavers_suitable_accommodation",
            id="accommodation",
        ),
        pytest.param(
            "Social workers have an average caseload of 17 children.", "17", "average_caseload", id="caseload"
        ),
        pytest.param("Agency workers make up 31% of the workforce.", "31%", "agency_workers", id="agency"),
        pytest.param(
            "There are 412 children in care (a rate of 71 per 10,000 children).", "412", "children_in_care", id="cla"
        ),
        pytest.param(
            "Only 61% of assessments are completed within 45 working days.",
            "61%",
            "assessments_within_45_days",
            id="assessments",
        ),
        pytest.param(
            "Of children on plans, 4% have been subject to a plan for two years or more.",
            "4%",
            "cp_plans_two_years_or_more",
            id="two-years",
        ),
        pytest.param("The council grew its budget by £2m this year.", "£2m", "spending", id="spending"),
        pytest.param("The social workers were kind to 3 of the families visited.", "3", None, id="none"),
        pytest.param(
            "At 31 March, 200 children are being looked after by the local authority.",
            "200",
            "children_in_care",
            id="being-looked-after",
        ),
        pytest.param(
            "At 31 March, 823 children had been identified as being in need of a specialist children's service.",
            "823",
            "children_in_need",
            id="in-need-of-a-specialist-service",
        ),
        pytest.param("The local authority operates four children's homes.", "four", None, id="homes-not-children"),
        pytest.param(
            "There were 125 children subject to child protection plans due to risk of neglect.",
            "125",
            None,
            id="plans-by-category",
        ),
        pytest.param(
            "Of children in care, 25 live in residential homes, of whom 10 live out of the authority area.",
            "10",
            None,
            id="part-of-one-placement-type",
        ),
    ],
)
def test_indicators(sentence: str, figure: str, indicator: str | None) -> None:
    metrics = _metrics(sentence)
    found = next(m for m in metrics if m.text == figure)
    assert found.indicator == indicator


def test_a_timescale_is_not_the_indicator() -> None:
    metrics = _metrics("Only 61% of assessments are completed within 45 working days.")
    timescale = next(m for m in metrics if m.text == "45 working days")
    assert timescale.indicator is None


def _indicator(identifier: str, match: dict[str, Any]) -> dict[str, Any]:
    """One invented indicator entry of ``indicators.json``."""
    return {
        "id": identifier,
        "label": identifier,
        "unit": "count",
        "definition": "Invented.",
        "collection": None,
        "match": match,
    }


def _matcher(*indicators: dict[str, Any]) -> IndicatorMatcher:
    return IndicatorMatcher(IndicatorRules.model_validate({"conventions": [], "indicators": list(indicators)}))


def test_narrower_indicator_wins_and_units_must_fit() -> None:
    matcher = _matcher(
        _indicator("broad", {"units": ["count", "percent"], "any": ["widgets?"], "priority": 1}),
        _indicator("narrow", {"units": ["percent"], "any": ["blue widgets?"], "priority": 2}),
    )
    assert matcher.match(Unit.PERCENT, "blue widgets", "") == "narrow"
    assert matcher.match(Unit.COUNT, "blue widgets", "") == "broad"
    assert matcher.match(Unit.COUNT, "gadgets", "") is None


def test_figure_clause_stops_at_a_comparison() -> None:
    body = "Of care leavers, 29% are in work, compared with 51% in education."
    start = body.index("29%")
    assert "education" not in figure_clause(body, start, start + 3)


def test_indicator_ids_are_unique() -> None:
    base = RULES.indicators.model_dump()
    base["indicators"].append(base["indicators"][0])
    with pytest.raises(ValueError, match="used twice"):
        IndicatorRules.model_validate(base)


def test_every_indicator_is_defined() -> None:
    for item in RULES.indicators.indicators:
        assert item.label and item.definition and item.match.any


@pytest.mark.parametrize(
    ("sentence", "figure", "noise_class"),
    [
        pytest.param("Care leavers keep their adviser until they become 25.", "25", "age_descriptor", id="become"),
        pytest.param("Histories are shared as they approach 18, which helps.", "18", "age_descriptor", id="approach"),
        pytest.param("Services support children from birth to 25 here.", "25", "age_descriptor", id="birth-to"),
        pytest.param("They receive good support over 21, through workers.", "21", "age_descriptor", id="support-over"),
        pytest.param(
            "Advisers are allocated at the age of 17 and a half.", "a half", "age_descriptor", id="and-a-half"
        ),
        pytest.param("Workers use the 'three houses' tool.", "three", "number_in_name", id="quoted-name"),
        pytest.param("Those who are under 18, by law, are reviewed.", "18", "age_descriptor", id="who-are-under"),
        pytest.param("For example, one young person argued well.", "one", "one_as_determiner", id="for-example"),
    ],
)
def test_noise_detects_each_new_not_a_figure_class(sentence: str, figure: str, noise_class: str) -> None:
    document = extract(f"Findings\n\n{sentence} Only 3 children were waiting.")
    report = scan([("made-up.txt", _with_figure(document, figure, keep=False))], {Family.METRICS})
    assert report.counts[noise_class] == 1, report.counts


def _with_figure(document: Document, figure: str, *, keep: bool = True) -> Document:
    """``document`` with a metric forced onto the first ``figure`` of its text (besides its own
    metrics when ``keep``), as if the extractor had emitted it."""
    start = document.text.index(figure)
    forced = document.metrics[-1].model_copy(update={"text": figure, "start": start, "end": start + len(figure)})
    return document.model_copy(update={"metrics": [*(document.metrics if keep else []), forced]})


def test_a_count_stated_as_low_at_n_is_no_age() -> None:
    """'remains low at four' counts something; 'at 16' alone would be an age."""
    document = extract("Findings\n\nThe number of referrals remains low at four. Only 3 children were waiting.")
    assert [m.text for m in document.metrics] == ["four", "3"]
    assert scan([("made-up.txt", document)], {Family.METRICS}).counts["age_descriptor"] == 0
    aged = extract("Findings\n\nYoung people leave care at 16. Only 3 children were waiting.")
    assert scan([("made-up.txt", _with_figure(aged, "16"))], {Family.METRICS}).counts["age_descriptor"] == 1


def test_noise_classes_flag_what_the_extractor_would_not_emit() -> None:
    assert metric_noise.METRIC_CLASSES
    document = extract("Findings\n\nIn one case, the plan was late.\n\nOnly 3 children were waiting.")
    report = scan([("made-up.txt", _with_figure(document, "one"))], {Family.METRICS})
    assert report.counts["one_as_determiner"] == 1
    clean = scan([("made-up.txt", document)], {Family.METRICS})
    assert all(count == 0 for count in clean.counts.values())


def test_bootstrap_is_seeded_and_brackets_the_score() -> None:
    rng = random.Random(1)
    tallies = []
    for _ in range(20):
        gold = rng.randint(5, 10)
        tallies.append(_Tally(tp=gold - rng.randint(0, 2), gold=gold, predicted=gold, fields={"value": [1.0, 0.0]}))
    first, second = bootstrap(tallies, draws=200), bootstrap(tallies, draws=200)
    assert first == second
    assert first["detection_f1"].low <= first["detection_f1"].high <= 1.0
    assert first["value"].low <= 0.5 <= first["value"].high


def test_list_items_keep_the_lead_in_population() -> None:
    text = (
        "Findings\n\nAt the end of March, the service supported 250 care leavers. Of this number:\n\n"
        "• 12 live out of the authority area\n\n• 30 live with former foster carers\n\n"
        "In the last 12 months:\n\n• there have been 9 adoptions\n"
    )
    metrics = {m.text: m for m in extract(text).metrics}
    assert metrics["12"].subject == "care leavers live out of the authority area"
    assert metrics["30"].population == "care leavers"
    assert metrics["9"].subject == "adoptions"  # a new lead-in passes nothing on


def test_a_bullet_that_states_its_own_subject_ends_the_list() -> None:
    text = (
        "Findings\n\nThe proportion of children entitled to free school meals:\n\n"
        "• in primary schools is 7%\n\n"
        "• Children from minority ethnic groups account for 6% of all children living in the area\n"
    )
    metrics = {m.text: m for m in extract(text).metrics}
    assert metrics["7%"].subject is not None and "free school meals" in metrics["7%"].subject
    assert metrics["6%"].subject is not None and "free school meals" not in metrics["6%"].subject
    assert metrics["6%"].indicator == "minority_ethnic_children"


def test_what_rules_an_indicator_out_is_looked_for_in_the_clause_too() -> None:
    matcher = _matcher(
        _indicator("widgets", {"units": ["count"], "any": ["widgets?"], "none": ["\\bsells\\b"], "priority": 1})
    )
    assert matcher.match(Unit.COUNT, "widgets", "12 widgets are in use") == "widgets"
    assert matcher.match(Unit.COUNT, "widgets", "the shop sells 12 widgets") is None


def test_a_part_names_what_it_does() -> None:
    metrics = _metrics("Of children in care, 25 live in residential homes, of whom 10 live out of the area.")
    ten = next(m for m in metrics if m.text == "10")
    assert ten.subject == "live out of the area"


def test_each_part_after_of_whom_names_what_it_does() -> None:
    metrics = _metrics(
        "160 children were home educated, 23 of whom are known to the service and 45 of whom have returned to school."
    )
    subjects = {m.text: m.subject for m in metrics}
    assert subjects["45"] == "have returned to school"


def test_subject_stays_in_its_sentence() -> None:
    metrics = _metrics("Leaders track caseloads closely. 14 social workers joined the service in the spring.")
    assert metrics[0].subject is not None and "caseloads" not in metrics[0].subject


def _gold(**extra: Any) -> Any:
    from ofsted_findings.evaluation.gold import GoldFigure

    base = {
        "file": "letters/made-up.pdf",
        "sha256": "0" * 64,
        "split": "tune",
        "page": 1,
        "figure": "31%",
        "context": "Agency workers make up 31% of the workforce.",
        "kind": "percentage",
        "value": 31,
        "unit": "percent",
    }
    return GoldFigure.model_validate({**base, **extra})


def test_indicator_accuracy_counts_only_labelled_figures() -> None:
    from collections import defaultdict

    from ofsted_findings.evaluation.metrics_eval import _compare_fields

    metric = next(m for m in _metrics("Agency workers make up 31% of the workforce.") if m.text == "31%")
    unlabelled: dict[str, list[float]] = defaultdict(list)
    _compare_fields(_gold(), metric, unlabelled)
    assert "indicator" not in unlabelled and "indicator_precision" not in unlabelled
    right: dict[str, list[float]] = defaultdict(list)
    _compare_fields(_gold(indicator="agency_workers"), metric, right)
    assert right["indicator"] == [1.0] and right["indicator_precision"] == [1.0]
    none: dict[str, list[float]] = defaultdict(list)
    _compare_fields(_gold(indicator=None), metric, none)
    assert "indicator" not in none and none["indicator_precision"] == [0.0]
    assert right["flags"] == [1.0]
