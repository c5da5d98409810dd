"""Metric shapes: each construction the tool must read, in our own sentences."""

from __future__ import annotations

from typing import Any

import pytest

from ofsted_findings.api import extract
from ofsted_findings.metrics.grammar import Grammar
from ofsted_findings.metrics.numbers import parse_number
from ofsted_findings.models import Metric, PartialDate
from ofsted_findings.ruleset import RuleSet

RULES = RuleSet.default()
GRAMMAR = Grammar(RULES.metrics, RULES.vocabulary)


def _metrics(sentence: str) -> list[Metric]:
    document = extract("Findings\n\n" + sentence)
    for metric in document.metrics:
        assert document.text[metric.start : metric.end] == metric.text
    return document.metrics


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param(
            "Of those children, 89% were seen within a week.",
            {"text": "89%", "kind": "percentage", "value": 89, "unit": "percent"},
            id="percent-sign",
        ),
        pytest.param(
            "Some 89 per cent of plans were reviewed.",
            {"text": "89 per cent", "value": 89, "unit": "percent", "approx": "about"},
            id="per-cent-words",
        ),
        pytest.param(
            "Only 7 percent of cases were audited.",
            {"text": "7 percent", "value": 7, "approx": "just"},
            id="percent-one-word",
        ),
        pytest.param(
            "The council made savings of more than £4m this year.",
            {
                "text": "£4m",
                "kind": "money",
                "value": 4_000_000,
                "unit": "GBP",
                "approx": "more_than",
            },
            id="money-m",
        ),
        pytest.param(
            "It invested £1.2 million in early help.",
            {"text": "£1.2 million", "value": 1_200_000, "unit": "GBP"},
            id="money-million",
        ),
        pytest.param(
            "Each visit costs 50p in travel.",
            {"text": "50p", "kind": "money", "value": 0.5},
            id="money-pence",
        ),
        pytest.param(
            "The service cost £250k this year.",
            {"text": "£250k", "kind": "money", "value": 250_000},
            id="money-k",
        ),
        pytest.param(
            "The council spends £1.5bn a year.",
            {"text": "£1.5bn", "kind": "money", "value": 1_500_000_000},
            id="money-bn",
        ),
        pytest.param(
            "A hundred children were seen.",
            {"text": "A hundred", "kind": "count", "value": 100},
            id="count-a-hundred",
        ),
        pytest.param(
            "Caseloads are 18, down from 24 last year.",
            {
                "text": "18",
                "value": 18,
                "baseline": {"value": 24},
                "change": "decrease",
            },
            id="down-from",
        ),
        pytest.param(
            "Re-referrals are 21%, up from 17% in 2019.",
            {
                "text": "21%",
                "value": 21,
                "baseline": {"value": 17, "date": "2019"},
                "change": "increase",
            },
            id="up-from",
        ),
        pytest.param(
            "The rate is 40% (statistical neighbours 35%).",
            {
                "text": "40%",
                "comparator": {"value": 35, "label": "statistical neighbours"},
            },
            id="comparator-statistical-neighbours",
        ),
        pytest.param(
            "It is 30%, compared with 28% for England.",
            {
                "text": "30%",
                "baseline": None,
                "comparator": {"value": 28, "label": "england"},
            },
            id="comparator-england",
        ),
        pytest.param(
            "There are 1,271 children in care.",
            {
                "text": "1,271",
                "kind": "count",
                "value": 1271,
                "subject": "children in care",
            },
            id="count-separator",
        ),
        pytest.param(
            "Inspectors sampled nine children's records.",
            {"text": "nine", "kind": "count", "value": 9},
            id="count-word",
        ),
        pytest.param(
            "There were twenty-two referrals in a week.",
            {"text": "twenty-two", "value": 22},
            id="count-hyphenated-word",
        ),
        pytest.param(
            "Caseloads are between 25 to 35 children.",
            {"text": "between 25 to 35", "value": None, "low": 25, "high": 35},
            id="range-between",
        ),
        pytest.param(
            "Between 10% and 20% of audits are moderated.",
            {"text": "Between 10% and 20%", "low": 10, "high": 20, "unit": "percent"},
            id="range-sentence-start",
        ),
        pytest.param(
            "Care leavers in suitable accommodation rose from 58% in March 2019 to 91% in May 2020.",
            {
                "text": "91%",
                "value": 91,
                "date": "2020-05",
                "baseline": {"value": 58, "date": "2019-03"},
                "change": "increase",
            },
            id="from-to-with-dates",
        ),
        pytest.param(
            "Children waiting for allocation fell from 312 at the last inspection to just seven at the end of June.",
            {
                "text": "seven",
                "value": 7,
                "approx": "just",
                "baseline": {"value": 312},
                "change": "decrease",
            },
            id="from-count-to-word",
        ),
        pytest.param(
            "Agency social workers reduced from143 in 2018-19 to just two.",
            {
                "text": "two",
                "value": 2,
                "baseline": {"value": 143, "date": "2018-04/2019-03"},
                "change": "decrease",
            },
            id="glued-from-and-financial-year",
        ),
        pytest.param(
            "Average caseloads are now 17 compared with between 25 to 35 last year.",
            {"text": "17", "value": 17, "baseline": {"low": 25, "high": 35}},
            id="compared-with-range-last-year",
        ),
        pytest.param(
            "The re-referral rate is 19% (the national average is 15%).",
            {
                "text": "19%",
                "value": 19,
                "comparator": {"value": 15, "label": "the national average"},
            },
            id="comparator-national-average",
        ),
        pytest.param(
            "This is a rate of 98 per 10,000 children.",
            {"text": "98 per 10,000", "kind": "rate", "unit": "per_10000", "value": 98},
            id="rate",
        ),
        pytest.param(
            "In the region: 20.7 children per 10,000 population.",
            {"text": "20.7 children per 10,000", "kind": "rate", "value": 20.7},
            id="rate-noun-between",
        ),
        pytest.param(
            "Some waited longer than 30 weeks.",
            {"text": "30 weeks", "approx": "more_than"},
            id="approx-longer-than",
        ),
        pytest.param(
            "Carers look after children for 295 days or less per year.",
            {"text": "295 days", "approx": "up_to"},
            id="approx-or-less-after",
        ),
        pytest.param(
            "Two thirds of audits included feedback.",
            {"text": "Two thirds", "kind": "fraction", "value": 0.667},
            id="fraction-words",
        ),
        pytest.param(
            "Plans were out of date for one in five children.",
            {"text": "one in five", "kind": "fraction", "value": 0.2},
            id="fraction-one-in",
        ),
        pytest.param(
            "Half of the children were seen alone.",
            {"text": "Half", "kind": "fraction", "value": 0.5},
            id="fraction-half",
        ),
        pytest.param(
            "Conferences are held within ten working days.",
            {
                "text": "ten working days",
                "kind": "duration",
                "unit": "working_days",
                "value": 10,
                "approx": "up_to",
            },
            id="duration-working-days",
        ),
        pytest.param(
            "Some children waited six months for a plan.",
            {"text": "six months", "kind": "duration", "unit": "months", "value": 6},
            id="duration-months",
        ),
        pytest.param(
            "Two-year waiting times are not uncommon.",
            {"text": "Two-year", "kind": "duration", "unit": "years", "value": 2},
            id="duration-hyphenated",
        ),
        pytest.param(
            "Less than 2,000 of these were referrals.",
            {"text": "2,000", "kind": "count", "value": 2000, "approx": "less_than"},
            id="thousands-not-a-year",
        ),
        pytest.param(
            "Care leavers are almost twice as likely to be in work.",
            {"text": "twice", "kind": "other", "value": 2, "approx": "almost"},
            id="multiple-twice",
        ),
        pytest.param(
            "Six (46%) of the 13 cases were incomplete.",
            {"text": "Six", "kind": "count", "value": 6},
            id="word-number-before-bracket",
        ),
        pytest.param(
            "Of these, three live in residential schools.",
            {"text": "three", "kind": "count", "value": 3},
            id="word-number-before-verb",
        ),
        pytest.param(
            "Ten live with parents, of whom one lives out of the area.",
            {"text": "one", "kind": "count", "value": 1},
            id="one-after-of-whom",
        ),
        pytest.param(
            "Referrals rose from 30% to a peak of 70% in this period.",
            {
                "text": "70%",
                "value": 70,
                "baseline": {"value": 30},
                "change": "increase",
            },
            id="from-to-a-peak-of",
        ),
        pytest.param(
            "Case supervision takes place at three-monthly intervals.",
            {"text": "three-monthly", "kind": "duration", "value": 3, "unit": "months"},
            id="hyphenated-frequency",
        ),
        pytest.param(
            "Plans are reviewed on a 6-weekly basis.",
            {"text": "6-weekly", "kind": "duration", "value": 6, "unit": "weeks"},
            id="hyphenated-frequency-digits",
        ),
        pytest.param(
            "If assessments reach 25 days from their start, a plan is made.",
            {"text": "25 days", "kind": "duration", "value": 25, "unit": "days"},
            id="reach-a-duration-is-no-age",
        ),
        pytest.param(
            "The number of children in private fostering remains low at four.",
            {"text": "four", "kind": "count", "value": 4, "unit": "count"},
            id="low-at-a-number-word",
        ),
        pytest.param(
            "Three live in residential special schools, of whom all live out of the authority area.",
            {"text": "all", "kind": "count", "value": 3, "unit": "count"},
            id="of-whom-all",
        ),
        pytest.param(
            "Of these: 25 live in residential homes, of whom 10 live out of the area one lives in a special school.",
            {"text": "one", "kind": "count", "value": 1, "unit": "count"},
            id="one-lives-list-item",
        ),
        pytest.param(
            "Managers review children subject to a plan for a nine-month period or longer.",
            {"text": "nine-month", "kind": "duration", "value": 9, "unit": "months"},
            id="n-month-period-or-longer",
        ),
    ],
)
def test_metric_shapes(sentence: str, expected: dict[str, Any]) -> None:
    metrics = _metrics(sentence)
    metric = next((m for m in metrics if m.text == expected["text"]), None)
    assert metric is not None, [m.text for m in metrics]
    for key, value in expected.items():
        got = _plain(getattr(metric, key))
        if value is None:
            assert got is None, key
        elif isinstance(value, dict):
            assert got is not None, key
            for inner_key, inner_value in value.items():
                assert _plain(getattr(got, inner_key)) == inner_value, (key, inner_key)
        else:
            assert got == value, key


def _plain(value: Any) -> Any:
    """A date as the ISO text the table rows are written in."""
    return value.iso() if isinstance(value, PartialDate) else value


def test_duration_inside_a_percentage_is_its_own_metric() -> None:
    metrics = _metrics("Of all visits, 88% were completed within ten working days.")
    assert [(m.text, m.kind) for m in metrics] == [
        ("88%", "percentage"),
        ("ten working days", "duration"),
    ]
    assert metrics[0].subject is not None and "ten working days" in metrics[0].subject


def test_next_sentence_baseline() -> None:
    metrics = _metrics("412 children were the subject of a plan. This is an increase from 355 at 31 March 2019.")
    assert [m.text for m in metrics] == ["412"]
    (metric,) = metrics
    assert metric.baseline is not None and metric.baseline.value == 355 and _plain(metric.baseline.date) == "2019-03-31"
    assert metric.change == "increase"
    assert metric.baseline.start is not None


def test_next_sentence_baseline_with_rate_in_brackets() -> None:
    metrics = _metrics(
        "At 31 March 2015, 354 children are looked after (a rate of 78.7 per 10,000 children). "
        "This is a reduction from 365 (80 per 10,000 children) at 31 March 2014."
    )
    assert [(m.text, m.baseline.value if m.baseline else None, m.change) for m in metrics] == [
        ("354", 365, "decrease"),
        ("78.7 per 10,000", 80, "decrease"),
    ]
    assert all(m.baseline is not None and _plain(m.baseline.date) == "2014-03-31" for m in metrics)


@pytest.mark.parametrize(
    ("following", "change"),
    [
        pytest.param("This is a reduction from 266 children (42.3 per 10,000 children) at 31 March 2014.", "decrease"),
        pytest.param("This is an increase from 200 (30 per 10,000) at 31 March 2014.", "increase"),
    ],
)
def test_a_baseline_rate_in_brackets_after_its_count_is_the_rate_s_baseline(following: str, change: str) -> None:
    metrics = _metrics(
        "At 31 March 2015, 252 children are being looked after (a rate of 39.5 per 10,000 children). " + following
    )
    assert [m.text for m in metrics] == ["252", "39.5 per 10,000"]
    rate = metrics[1]
    assert rate.baseline is not None and rate.baseline.value in (42.3, 30.0) and rate.change == change
    assert rate.baseline.date is not None and rate.baseline.date.iso() == "2014-03-31"


def test_no_change_from_a_baseline_is_no_figure_of_its_own() -> None:
    metrics = _metrics(
        "Four children lived in a privately arranged placement. This is no change from four at 31 March 2014."
    )
    assert [m.text for m in metrics] == ["Four"]
    assert metrics[0].change == "no_change" and metrics[0].baseline is not None and metrics[0].baseline.value == 4


def test_percentage_change_in_next_sentence_spans_both_dates() -> None:
    metrics = _metrics(
        "At 30 September 2014, 423 children were the subject of a plan. This is a 41% increase from 300 at 31 March 2013."
    )
    change = next(m for m in metrics if m.text == "41%")
    assert change.change == "increase" and _plain(change.date) == "2013-03-31/2014-09-30"
    # The sentence names nothing that is measured, and a subject never crosses a sentence boundary.
    assert change.subject is None


def test_from_to_is_never_averaged() -> None:
    metrics = _metrics("The share fell from 30% to 13%.")
    assert [(m.value, m.baseline.value if m.baseline else None) for m in metrics] == [(13, 30)]


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("The visit took place on 6 and 7 February 2024.", id="dates"),
        pytest.param(
            "Services for 16- and 17-year-olds who are homeless are good.",
            id="ages-hyphenated",
        ),
        pytest.param("Young people aged 16 or 17 were housed.", id="ages-aged"),
        pytest.param("This was the second monitoring visit since 2022.", id="ordinal-and-year"),
        pytest.param("Leaders focused on National Framework, Outcome 2.", id="outcome-number"),
        pytest.param("Section 47 enquiries are timely.", id="section-number"),
        pytest.param("The impact of COVID-19 was significant.", id="name-with-number"),
        pytest.param("One of the areas for improvement was supervision.", id="one-of"),
        pytest.param("Spending in 2023-24 was higher.", id="financial-year"),
        pytest.param("They support 16-year-old boys.", id="hyphenated-age"),
        pytest.param("In the last six months, plans improved.", id="reference-period"),
        pytest.param("Please telephone 0300 123 1231 for a copy.", id="phone-number"),
        pytest.param("Planning starts when young people are 17.", id="age-are-17"),
        pytest.param("Until three months ago, plans were weak.", id="time-ago"),
        pytest.param(
            "The academy will grow over the forthcoming two years.",
            id="forthcoming-period",
        ),
        pytest.param(
            "Improvements over the last three to six months are clear.",
            id="reference-period-range",
        ),
        pytest.param("Families can call a 24-hour crisis mental health team.", id="round-the-clock-service"),
        pytest.param("Leaders wrote a five year 'SEND and alternative provision strategy'.", id="quoted-plan-name"),
        pytest.param("Information is shared with a third person for protection.", id="a-third-person"),
        pytest.param("See www.gov.uk/government/collections/households-income-hbai--2 for data.", id="web-address"),
        pytest.param("Many assessments lead to no subsequent social care service.", id="no-subsequent"),
    ],
)
def test_not_metrics(sentence: str) -> None:
    assert _metrics(sentence) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,271", 1271),
        ("nine", 9),
        ("twenty-two", 22),
        ("a hundred", 100),
        ("3.5", 3.5),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text, GRAMMAR) == value


def test_metric_inside_finding_links_to_it() -> None:
    document = extract("Findings\n\nCare leavers in suitable accommodation have improved from 58% to 91%.")
    (metric,) = document.metrics
    finding = next(f for f in document.findings if f.id == metric.finding)
    assert finding.polarity == "strength"


def test_list_items_take_their_lead_in_date_or_period() -> None:
    document = extract(
        "Information about this local authority area\n\n"
        "• At 31 March 2015, 354 children are being looked after by the local authority.\n"
        "• Of this number: 174 (or 51%) live outside the local authority area;\n"
        "• 20 live in residential children's homes;\n"
        "• In the last 12 months:\n"
        "• there have been 32 adoptions\n"
    )
    dated = {m.text: (_plain(m.date), m.date_text) for m in document.metrics}
    assert dated["354"] == ("2015-03-31", "31 March 2015")
    assert dated["174"][0] == "2015-03-31" and dated["20"][0] == "2015-03-31"
    assert dated["32"] == (None, "In the last 12 months")
    # the lead-in's own first item is not what 'this number' refers to
    subjects = {m.text: m.subject for m in document.metrics}
    # 'Of this number' names what the figure before counts, in full (the extractive subject)
    assert subjects["20"] == "children looked after by the local authority live in residential children's homes"


def test_a_share_of_a_whole_named_before_is_matched_on_what_it_measures() -> None:
    (share, _) = _metrics(
        "Of the children who came into care in May, only 40% had an initial health assessment within 20 working days."
    )
    assert share.subject == "children who came into care"
    assert share.indicator == "initial_health_assessments_timely"


def test_of_these_in_a_paragraph_opens_no_list() -> None:
    document = extract(
        "Findings\n\n"
        "12. In April 2013, 300 families were referred to the programme. Of these, 48% showed improved outcomes.\n\n"
        "13. Six young people live in houses of multiple occupation.\n"
    )
    six = next(m for m in document.metrics if m.text == "Six")
    assert six.date is None and six.date_text is None


@pytest.mark.parametrize("preposition", ["in", "In"])
def test_a_list_item_keeps_the_preposition_that_ties_it_to_its_lead_in(preposition: str) -> None:
    document = extract(
        "Information about this local authority area\n\n"
        "• The proportion of children entitled to free school meals:\n"
        f"• {preposition} primary schools is 19% (the national average is 15%)\n"
    )
    (metric,) = [m for m in document.metrics if m.text == "19%"]
    assert metric.subject == f"children entitled to free school meals {preposition} primary schools"


def test_a_list_item_is_no_count_of_its_lead_in() -> None:
    document = extract(
        "Information about this local authority area\n\n"
        "• At 31 March 2015, 354 children are being looked after by the local authority (a rate of 79 per 10,000).\n"
        "• Of this number: 174 (or 51%) live outside the local authority area;\n"
        "• 32 live with parents;\n"
        "• 300 live with foster families, of whom 32% live out of the authority area\n"
    )
    by_text = {m.text: m for m in document.metrics}
    # the rate in brackets measures what its count does
    assert (
        by_text["79 per 10,000"].subject
        == by_text["354"].subject
        == "children are being looked after by the local authority"
    )
    assert by_text["354"].population == "children looked after"
    assert by_text["354"].indicator == "children_in_care"
    # items count parts of the children looked after: they take its words, not its indicator
    assert by_text["32"].subject == "children looked after by the local authority live with parents"
    assert by_text["32"].indicator is None
    # a part of a part ('of whom') names what it does, and is no count of children placed out of area
    assert by_text["32%"].subject == "children looked after by the local authority live out of the authority area"
    assert by_text["32%"].indicator != "cla_placed_out_of_area"


@pytest.mark.parametrize(
    "lead_in",
    [
        pytest.param(
            "• Of this number:\n\nThe local authority was given the opportunity to review this section of the report.\n\n"
            "• 137 (or 32%) live outside the local authority area\n",
            id="note-between-lead-in-and-item",
        ),
        pytest.param("• of this number, 137 (or 32%) live outside the local authority area\n", id="comma-lead-in"),
    ],
)
def test_a_lead_in_that_refers_back_reaches_its_items(lead_in: str) -> None:
    document = extract(
        "Information about this local authority area\n\n"
        "• At 31 March 2015, 425 children are being looked after by the local authority.\n"
        f"{lead_in}"
        "• 25 live in residential children's homes\n"
        "• 5 children are unaccompanied asylum-seeking children.\n"
    )
    subjects = {m.text: m.subject for m in document.metrics}
    assert subjects["137"] == "children looked after by the local authority live outside the local authority area"
    # an item that names who it counts takes no lead-in
    assert subjects["5"] == "children are unaccompanied asylum-seeking children"
    assert subjects["25"] == "children looked after by the local authority live in residential children's homes"


@pytest.mark.parametrize(
    ("sentence", "figure", "subject"),
    [
        pytest.param(
            "Children from minority ethnic groups account for 8% of all children living in the area.",
            "8%",
            "Children from minority ethnic groups",
            id="part-of-a-whole",
        ),
        pytest.param(
            "Six of the 14 plans sampled were incomplete.", "Six", "plans sampled were incomplete", id="of-the-n"
        ),
        # a count ends at its predicate, unless its noun is a general one or it is a share
        pytest.param(
            "Four serious incident notifications have been submitted to Ofsted.",
            "Four",
            "serious incident notifications",
            id="count-ends-at-predicate",
        ),
        pytest.param(
            "412 children are looked after by the local authority.",
            "412",
            "children are looked after by the local authority",
            id="general-noun-runs-on",
        ),
        pytest.param(
            "Partners have invested in two new posts to progress the work of the partnership.",
            "two",
            "new posts",
            id="purpose-clause-left-out",
        ),
        pytest.param(
            "Approximately 22,800 children and young people under the age of 18 years live in the area.",
            "22,800",
            "children and young people under the age of 18 years live in the area",
            id="number-inside-subject",
        ),
        pytest.param(
            "A monitoring inspection will be carried out within approximately 18 months.",
            "18 months",
            "monitoring inspection",
            id="words-before-end-at-predicate",
        ),
        pytest.param(
            "There were 125 children subject to a plan due to risk of emotional abuse, 120 due to neglect.",
            "120",
            "children subject to a plan",
            id="noun-left-out-after-cause-clause",
        ),
        pytest.param(
            "Of the 193 care leavers in the area, just over half are in education, employment or training.",
            "half",
            "care leavers in the area",
            id="whole-named-before",
        ),
        pytest.param(
            "At the time of the inspection, no children were living in unregistered homes.",
            "no",
            "children were living in unregistered homes",
            id="of-the-time-is-no-whole",
        ),
        pytest.param(
            "This has reduced the number of repeat referrals received by the service, from 22% in March to 9% now.",
            "9%",
            "repeat referrals received by the service",
            id="leader-phrase-ends-at-the-figures",
        ),
        pytest.param(
            "The percentage of initial conferences held within 15 days of a strategy discussion rose from 50% to 78%.",
            "78%",
            "initial conferences held within days of a strategy discussion",
            id="leader-phrase-keeps-its-timescale",
        ),
        pytest.param(
            "These are residential special schools that look after children for fewer than 295 days.",
            "295 days",
            "residential special schools that look after children",
            id="comparison-word-dropped",
        ),
        pytest.param(
            "62% of strategy meetings are timely with appropriate agencies present.",
            "62%",
            "strategy meetings are timely with appropriate agencies present",
            id="share-runs-on",
        ),
        pytest.param(
            "Too many reviews are late (41% in the same period).", "41%", "Too many reviews are late", id="period-after"
        ),
    ],
)
def test_subject_is_the_measured_phrase(sentence: str, figure: str, subject: str) -> None:
    metric = next(m for m in _metrics(sentence) if m.text == figure)
    assert metric.subject == subject


def test_figures_in_footnote_bodies_are_read_and_flagged() -> None:
    from pdf_factory import Page, build_pdf

    page = Page()
    page.line("Children looked after", 100, size=14, bold=True)
    page.line("Seven children live in residential special schools,", 130, marker="4", after_marker="")
    page.line("of whom five live out of the authority area.", 145)
    page.line("4 These are residential special schools that look after children for fewer than 295 days.", 785, size=8)
    document = extract(build_pdf([page]), name="footnote.pdf")
    footnoted = [m for m in document.metrics if "footnote" in m.flags]
    assert [(m.text, m.value, m.unit, m.sentence, m.page) for m in footnoted] == [("295 days", 295, "days", None, 1)]
    assert document.text[footnoted[0].start : footnoted[0].end] == "295 days"
    assert "4" not in [m.text for m in document.metrics]  # the footnote's own marker
    assert all("footnote" not in m.flags for m in document.metrics if m.sentence is not None)
