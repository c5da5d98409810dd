"""Letter metadata from short invented snippets: kinds, judgements by label, inspectors, authorities."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from ofsted_findings.api import extract
from ofsted_findings.metadata.letter import MetadataReader, resolve_authority
from ofsted_findings.models import Document, Letter, PartialDate
from ofsted_findings.ruleset import RuleSet

ILACS_2019 = """Inspection of Wigan local authority children's services

Inspection dates: 4 to 15 March 2019
Lead inspector: Ann Example, Her Majesty's Inspector

Judgement Grade
The impact of leaders on social work practice with children and families
Good
The experiences and progress of children who need help and protection
Requires improvement to be good
The experiences and progress of children in care and care leavers
Outstanding
Overall effectiveness Good

Services for children in Wigan are good. Leaders know their services well.
"""

ILACS_2024 = """Inspection of Wigan local authority children's services

Inspection dates: 8 to 12 January 2024
Lead inspector: Ann Example, His Majesty's Inspector

Judgement Grade
The impact of leaders on social work practice with children and families
Good
The experiences and progress of children who need help and protection
Good
The experiences and progress of children in care
Good
The experiences and progress of children care leavers
Inadequate
Overall effectiveness Good

Children in Wigan receive good help.
"""

ILACS_BLOCKS = """Inspection of Wigan local authority children's services

Inspection dates: 8 to 12 January 2024
Lead inspector: Ann Example, His Majesty's Inspector

Judgement Grade
The impact of leaders on social work practice with children and families
The experiences and progress of children who need help and protection
The experiences and progress of children in care
The experiences and progress of care leavers
Overall effectiveness
Outstanding
Good
Requires improvement to be good
Inadequate
Good

Children in Wigan receive good help.
"""

ILACS_2026 = """Inspection of Wigan local authority children's services

Inspection dates: 11 to 22 May 2026
Lead inspector: Ann Example, His Majesty's Inspector

Judgement Grade
The impact of leaders on practice with children and families
Outstanding
The experiences and progress of children who need help and protection
Good
The experiences and progress of children in care
Not judged
The experiences and progress of care leavers
Good

The previous inspection judged overall effectiveness to be good.
"""

SIF_IN = """Wigan
Inspection of services for children in need of help and protection, children looked after and care leavers
and
Review of the effectiveness of the Local Safeguarding Children Board
Inspection date: 12 January 2015 – 4 February 2015
Report published: 20 March 2015

Children's services in Wigan require improvement

1. Children who need help and protection
Requires improvement
2. Children looked after and achieving permanence
Good
2.1 Adoption performance
Outstanding
2.2 Experiences and progress of care leavers
Good
3. Leadership, management and governance
Requires improvement

The effectiveness of the Local Safeguarding Children Board (LSCB) is
inadequate

The inspection team
Lead inspector: Ann Example, HMI
Deputy lead inspector: Bo Sample, HMI
"""

SIF_IS_LSCB_LATER = """Wigan
Inspection of services for children in need of help and protection, children looked after and care leavers
Inspection date: 12 January 2015 – 4 February 2015
Report published: 20 March 2015

The overall judgement is that children's services are inadequate

1. Children who need help and protection
Inadequate

Leaders have not made enough progress.

The Local Safeguarding Children Board requires improvement

Executive summary
"""

LAC_2013 = """Inspection of looked after children services
Wigan Council
Inspection dates: 15 – 19 July 2013
Reporting inspector Ann Example HMI

Contents
Overall effectiveness of services for looked after children and young people 4
Capacity to improve 4

Overall effectiveness of services for looked after children and young people
Grade 3 (Adequate)
The overall effectiveness of services is adequate.
Capacity to improve
Grade 2 (Good)
Outcomes for looked after children and young people
Grade 3 (Adequate)
Quality of provision
Grade 4 (Inadequate)
Leadership and management
Grade 2 (Good)
"""

FOCUSED = """Focused visit to Wigan children's services

This letter summarises the findings of a focused visit to Wigan children's services on 9 and 10 May 2023. His Majesty's Inspectors for this visit were Ann Example and Bo Sample.

Inspectors looked at the local authority's arrangements for children in need and children subject to a child protection plan.

Since the last inspection in March 2019, when the local authority was judged good overall, leaders have improved practice.

Yours sincerely

Ann Example
His Majesty's Inspector
"""

JTAI = """Joint targeted area inspection of the multi-agency response to abuse and neglect in Wigan

Between 18 and 22 March 2019, Ofsted, the Care Quality Commission and HMI Constabulary carried out a joint inspection.

Yours sincerely

Ofsted Care Quality Commission
Eve Head Fay Chief
Her Majesty's Inspector Chief Inspector of Hospitals
"""

MONITORING = """Monitoring visit to Wigan children's services

This letter summarises the findings of the monitoring visit to Wigan children's services on 6 and 7 February 2024. This visit was the third monitoring visit since the local authority was judged inadequate in June 2022.

Yours sincerely

Ann Example
His Majesty's Inspector
"""


def _paragraphs(text: str) -> str:
    """One paragraph per line, as a text-layer table row or heading comes out of a PDF."""
    return "\n\n".join(line for line in text.splitlines() if line.strip()) + "\n"


def _extract(text: str, nlp: Language) -> Document:
    return extract(_paragraphs(text), nlp=nlp)


def _letter(text: str, nlp: Language) -> Letter:
    return _extract(text, nlp).letter


def _grades(letter: Letter) -> dict[str, str]:
    return {str(j.area): str(j.grade) for j in letter.judgements}


@pytest.mark.parametrize(
    ("text", "kind", "framework"),
    [
        pytest.param(ILACS_2019, "ilacs_inspection", "standard", id="ilacs-standard"),
        pytest.param(ILACS_2024, "ilacs_inspection", "short", id="ilacs-short"),
        pytest.param(SIF_IN, "sif_inspection", None, id="sif"),
        pytest.param(LAC_2013, "lac_inspection", None, id="lac"),
        pytest.param(FOCUSED, "focused_visit", None, id="focused-visit"),
        pytest.param(JTAI, "jtai", None, id="jtai"),
        pytest.param(MONITORING, "monitoring_visit", None, id="monitoring-visit"),
        pytest.param(
            "Inspection of Wigan local authority children's services\n\nInspection dates: 8 to 12 January 2024\n\n"
            "A joint targeted area inspection in 2017 looked at neglect.\n",
            "ilacs_inspection",
            "short",
            id="ilacs-mentioning-a-jtai",
        ),
    ],
)
def test_kind(text: str, kind: str, framework: str | None, nlp: Language) -> None:
    letter = _letter(text, nlp)
    assert (letter.kind, letter.framework) == (kind, framework)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            ILACS_2019,
            {
                "impact_of_leaders": "good",
                "help_and_protection": "requires_improvement",
                "children_in_care_and_care_leavers": "outstanding",
                "overall_effectiveness": "good",
            },
            id="ilacs-2018-2022",
        ),
        pytest.param(
            ILACS_2024,
            {
                "impact_of_leaders": "good",
                "help_and_protection": "good",
                "children_in_care": "good",
                "care_leavers": "inadequate",
                "overall_effectiveness": "good",
            },
            id="ilacs-2023-care-leavers-typo",
        ),
        pytest.param(
            ILACS_BLOCKS,
            {
                "impact_of_leaders": "outstanding",
                "help_and_protection": "good",
                "children_in_care": "requires_improvement",
                "care_leavers": "inadequate",
                "overall_effectiveness": "good",
            },
            id="ilacs-label-block-then-grade-block",
        ),
        pytest.param(
            ILACS_2026,
            {
                "impact_of_leaders": "outstanding",
                "help_and_protection": "good",
                "children_in_care": "not_judged",
                "care_leavers": "good",
            },
            id="ilacs-2026-no-overall-not-judged",
        ),
        pytest.param(
            SIF_IN,
            {
                "overall_effectiveness": "requires_improvement",
                "help_and_protection": "requires_improvement",
                "children_looked_after_and_permanence": "good",
                "adoption": "outstanding",
                "care_leavers": "good",
                "leadership_management_governance": "requires_improvement",
                "lscb": "inadequate",
            },
            id="sif-children-services-in",
        ),
        pytest.param(
            SIF_IS_LSCB_LATER,
            {
                "overall_effectiveness": "inadequate",
                "help_and_protection": "inadequate",
                "lscb": "requires_improvement",
            },
            id="sif-overall-judgement-is-lscb-heading",
        ),
        pytest.param(
            LAC_2013,
            {
                "overall_effectiveness": "adequate",
                "capacity_for_improvement": "good",
                "lac_outcomes": "adequate",
                "lac_quality_of_provision": "inadequate",
                "leadership_management_governance": "good",
            },
            id="lac-2013-grade-n",
        ),
    ],
)
def test_judgements_by_label(text: str, expected: dict[str, str], nlp: Language) -> None:
    document = _extract(text, nlp)
    assert _grades(document.letter) == expected
    for judgement in document.letter.judgements:
        printed = document.text[judgement.start : judgement.end].lower()
        assert printed.split()[0] in str(judgement.grade).replace("_", " ")


@pytest.mark.parametrize(
    ("text", "inspectors"),
    [
        pytest.param(ILACS_2019, [("Ann Example", True)], id="lead-inspector-line"),
        pytest.param(SIF_IN, [("Ann Example", True), ("Bo Sample", False)], id="team-with-deputy"),
        pytest.param(
            "Inspection of services for children in need of help and protection, children looked after and care "
            "leavers\n\nInspection dates: 4 to 15 March 2016\n\nThe inspection team\nLead inspector: Ann Example HMI\n"
            "Deputy lead inspectors: Bo Sample HMI, Cy Other Senior HMI\nTeam inspectors: Di Person HMI\n",
            [("Ann Example", True), ("Bo Sample", False), ("Cy Other", False), ("Di Person", False)],
            id="deputy-leads-are-not-leads",
        ),
        pytest.param(LAC_2013, [("Ann Example", True)], id="reporting-inspector"),
        pytest.param(FOCUSED, [("Ann Example", True), ("Bo Sample", False)], id="sole-signatory"),
        pytest.param(JTAI, [], id="jtai-joint-signatures"),
        pytest.param(
            "Area SEND inspection of Wigan Local Area Partnership\n\nInspection dates: 22 to 26 May 2023\n\n"
            "Inspection team\nOfsted Care Quality Commission\nAnn Example HMI, Ofsted lead inspector "
            "Cy Other, CQC Lead Inspector Bo Sample, Ofsted Inspector\n",
            [("Ann Example", True), ("Cy Other", False), ("Bo Sample", False)],
            id="area-send-team-table",
        ),
        pytest.param(
            "Area SEND inspection of Wigan Local Area Partnership\n\nInspection dates: 22 to 26 May 2023\n\n"
            "Inspection team\nOfsted Care Quality Commission\nAnn Example, Ofsted HMI, lead inspector Cy Other, CQC lead "
            "inspector Bo Sample, Ofsted HMI Di Person, CQC inspector\n",
            [
                ("Ann Example", True),
                ("Cy Other", False),
                ("Bo Sample", False),
                ("Di Person", False),
            ],
            id="area-send-team-role-after-comma",
        ),
        pytest.param(
            "Focused visit to Wigan children's services\n\nThis letter summarises the findings of a focused visit to "
            "Wigan children's services on 9 and 10 May 2023. The visit was carried out by Ann Example and Bo Sample, "
            "two of His Majesty's Inspectors.\n\nYours sincerely\n\nAnn Example\nHis Majesty's Inspector\n",
            [("Ann Example", True), ("Bo Sample", False)],
            id="visit-carried-out-by",
        ),
        pytest.param(
            "Focused visit to Wigan children's services\n\nThis letter summarises the findings of a focused visit to "
            "Wigan children's services on 9 and 10 May 2023, carried out by Bo Sample and Ann Example, His Majesty's "
            "Inspectors.\n\nYours sincerely\n\nAnn Example\nHis Majesty's Inspector\n",
            [("Bo Sample", False), ("Ann Example", True)],
            id="date-comma-carried-out-by",
        ),
        pytest.param(
            "Focused visit to Wigan children's services\n\nThis letter summarises the findings of a focused visit to "
            "Wigan children's services on 9 and 10 May 2023. The inspectors were Ann Example and Bo Sample.\n\n"
            "Yours sincerely Ann Example.\nHis Majesty's Inspector\n",
            [("Ann Example", True), ("Bo Sample", False)],
            id="signature-on-the-closing-line",
        ),
        pytest.param(
            "Inspection of Wigan local authority children's services\n\nInspection dates: 4 to 15 March 2019\n"
            "Lead inspector: Máire O’Neill-Smith, His Majesty's Inspector\n",
            [("Máire O'Neill-Smith", True)],
            id="accents-and-apostrophes",
        ),
    ],
)
def test_inspectors(text: str, inspectors: list[tuple[str, bool]], nlp: Language) -> None:
    assert [(i.name, i.lead) for i in _letter(text, nlp).inspectors] == inspectors


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        pytest.param(FOCUSED, "visit_start", "2023-05-09", id="focused-start"),
        pytest.param(FOCUSED, "visit_end", "2023-05-10", id="focused-end"),
        pytest.param(JTAI, "visit_end", "2019-03-22", id="between-x-and-y-is-a-range"),
        pytest.param(SIF_IN, "published", "2015-03-20", id="published"),
        pytest.param(FOCUSED, "previous_judgement", "good", id="previous-judgement"),
        pytest.param(FOCUSED, "previous_judgement_date", "2019-03", id="previous-judgement-date"),
        pytest.param(MONITORING, "monitoring_visit_number", 3, id="monitoring-visit-number"),
        pytest.param(
            MONITORING,
            "previous_judgement",
            "inadequate",
            id="previous-judgement-after",
        ),
        pytest.param(
            MONITORING,
            "previous_judgement_date",
            "2022-06",
            id="previous-judgement-date-after",
        ),
    ],
)
def test_letter_fields(text: str, field: str, value: object, nlp: Language) -> None:
    got = getattr(_letter(text, nlp), field)
    if isinstance(got, PartialDate):
        got = got.iso()
    elif isinstance(got, dt.date):
        got = got.isoformat()
    assert got == value


def test_focus_points_into_the_text(nlp: Language) -> None:
    document = _extract(FOCUSED, nlp)
    letter = document.letter
    assert letter.focus is not None and letter.focus.startswith("children in need")
    assert document.text[letter.focus_start : letter.focus_end] == letter.focus


@pytest.mark.parametrize(
    ("name", "when", "expected"),
    [
        pytest.param(
            "Bournemouth",
            "2018-06-01",
            ("Bournemouth", "E06000028"),
            id="bournemouth-before-bcp",
        ),
        pytest.param(
            "Bournemouth",
            "2020-06-01",
            ("Bournemouth, Christchurch and Poole", "E06000058"),
            id="bournemouth-after",
        ),
        pytest.param(
            "Poole",
            "2021-01-01",
            ("Bournemouth, Christchurch and Poole", "E06000058"),
            id="poole-after",
        ),
        pytest.param("Dorset", "2018-06-01", ("Dorset", "E10000009"), id="dorset-county"),
        pytest.param("Dorset", "2020-06-01", ("Dorset", "E06000059"), id="dorset-unitary"),
        pytest.param(
            "Northamptonshire",
            "2019-06-01",
            ("Northamptonshire", "E10000021"),
            id="northants-county",
        ),
        pytest.param(
            "West Northamptonshire",
            "2023-06-01",
            ("West Northamptonshire", "E06000062"),
            id="west-northants",
        ),
        pytest.param(
            "North Northamptonshire",
            "2023-06-01",
            ("North Northamptonshire", "E06000061"),
            id="north-northants",
        ),
        pytest.param("Cumbria", "2019-06-01", ("Cumbria", "E10000006"), id="cumbria"),
        pytest.param("Cumberland", "2024-06-01", ("Cumberland", "E06000063"), id="cumberland"),
        pytest.param(
            "Westmorland and Furness",
            "2024-06-01",
            ("Westmorland and Furness", "E06000064"),
            id="westmorland",
        ),
        pytest.param(
            "north-yorkshire",
            "2018-08-06",
            ("North Yorkshire", "E10000023"),
            id="slug-county",
        ),
        pytest.param(
            "north-yorkshire",
            "2023-08-18",
            ("North Yorkshire", "E06000065"),
            id="slug-unitary",
        ),
    ],
)
def test_authority_by_date(name: str, when: str, expected: tuple[str, str]) -> None:
    record = resolve_authority(name, MetadataReader(RuleSet.default()), dt.date.fromisoformat(when))
    assert record is not None and (record.name, record.ons_code) == expected


def test_authority_in_a_letter_resolves_by_visit_date(nlp: Language) -> None:
    text = "Focused visit to Bournemouth children's services\n\nThis letter summarises the findings of a focused visit to Bournemouth children's services on 9 and 10 May 2018.\n"
    authority = _letter(text, nlp).authority
    assert (authority.name_as_printed, authority.ons_code) == (
        "Bournemouth",
        "E06000028",
    )


# --- kind from structure, warnings ----------------------------------------------------------

TRUST = ILACS_2019.replace(
    "Inspection of Wigan local authority children's services", "Inspection of Wigan Children and Families Trust"
)


def test_a_trust_report_is_read_by_its_judgement_table(nlp: Language) -> None:
    document = _extract(TRUST, nlp)
    assert document.letter.kind == "ilacs_inspection"
    assert _grades(document.letter)["overall_effectiveness"] == "good"
    assert not [w for w in document.warnings if w.code.startswith("metadata_kind")]


def test_a_document_of_no_known_kind_says_why(nlp: Language) -> None:
    document = _extract("A note about Wigan\n\nThe council met on 3 May 2019 and agreed a plan.\n", nlp)
    assert document.letter.kind == "other"
    assert "metadata_kind_not_recognised" in [w.code for w in document.warnings]


# --- inspectors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "inspectors"),
    [
        pytest.param(
            "Focused visit to Wigan children's services\n\nThis letter summarises the findings of a focused visit "
            "to Wigan children's services on 9 and 10 May 2023. The inspectors were Ann Example Senior HMI, "
            "Bo Sample Ofsted Inspector and Cy Other Social Care Regulatory Inspector.\n\nYours sincerely\n\n"
            "Ann Example\nSenior His Majesty's Inspector\n",
            [("Ann Example", True), ("Bo Sample", False), ("Cy Other", False)],
            id="titles-without-commas",
        ),
        pytest.param(
            "Inspection of Wigan local authority children's services\n\nInspection dates: 4 to 15 March 2019\n"
            "Lead inspectors: Ann Example, His Majesty's Inspector and Bo Sample, Senior HMI\n",
            [("Ann Example", True), ("Bo Sample", True)],
            id="two-lead-inspectors",
        ),
    ],
)
def test_inspector_titles_are_never_part_of_a_name(
    text: str, inspectors: list[tuple[str, bool]], nlp: Language
) -> None:
    assert [(i.name, i.lead) for i in _letter(text, nlp).inspectors] == inspectors


# --- judgements -----------------------------------------------------------------------------


def test_a_grade_in_summary_prose_is_not_a_judgement(nlp: Language) -> None:
    text = ILACS_2019.replace(
        "Overall effectiveness Good", "Overall effectiveness\nIn some teams standards have slipped from good."
    )
    assert "overall_effectiveness" not in _grades(_letter(text, nlp))


def test_a_label_with_a_word_missing_is_read_with_a_warning(nlp: Language) -> None:
    text = ILACS_2019.replace(
        "The experiences and progress of children who need help and protection",
        "The experiences and progress of children who need and protection",
    )
    document = _extract(text, nlp)
    assert _grades(document.letter)["help_and_protection"] == "requires_improvement"
    assert "metadata_judgement_label_inexact" in [w.code for w in document.warnings]
    assert "metadata_judgement_label_inexact" not in [w.code for w in _extract(ILACS_2019, nlp).warnings]


# --- authority, focus, area SEND, previous judgements, dates --------------------------------


def test_the_authority_is_never_read_from_ofsteds_address() -> None:
    from ofsted_findings.layout.normalize import PageMap, PageRun
    from ofsted_findings.metadata.letter import read_letter

    text = (
        "Piccadilly Gate\nStore Street\nManchester M1 2WD\n\nFocused visit to Wigan children's services\n\n"
        "This letter summarises the findings of a focused visit to Wigan children's services on 9 and 10 May 2023.\n"
    )
    page_of = PageMap([PageRun(page=1, start=0)])
    reading = read_letter(text, [], page_of, "letter.txt", MetadataReader(RuleSet.default()))
    assert reading.letter.authority.name == "Wigan"


JTAI_THEME = """Joint targeted area inspection of the multi-agency response to children's mental health in Wigan

From 18 to 22 March 2019, three inspectorates carried out a joint inspection of the multi-agency response to neglect of young children in Wigan.
"""

JTAI_2023 = """Joint targeted area inspection of Wigan

This letter sets out what inspectors found in the joint targeted area inspection (JTAI) of the multi-agency response to the safety of children online in Wigan.
"""


@pytest.mark.parametrize(
    ("text", "focus"),
    [
        pytest.param(JTAI_THEME, "the multi-agency response to neglect of young children", id="first-sentence-wins"),
        pytest.param(JTAI_2023, "the multi-agency response to the safety of children online", id="jtai-2023"),
        pytest.param(
            JTAI_THEME.split("\n\n")[0] + "\n",
            "the multi-agency response to children's mental health",
            id="title-only",
        ),
    ],
)
def test_jtai_focus_is_the_theme_without_the_place(text: str, focus: str, nlp: Language) -> None:
    document = _extract(text, nlp)
    assert document.letter.focus == focus
    assert document.text[document.letter.focus_start : document.letter.focus_end] == focus


AREA_SEND = """Area SEND inspection of Wigan Local Area Partnership

Inspection dates: 22 to 26 May 2023

Dates of previous inspection: 6 to 10 February 2017

Inspection outcome

In Wigan, the partners' work leads to inconsistent experiences and outcomes for children and young people who need extra help at school.
"""


@pytest.mark.parametrize(
    ("text", "outcome", "previous", "codes"),
    [
        pytest.param(AREA_SEND, "inconsistent_experiences_and_outcomes", "2017-02-06/2017-02-10", [], id="printed"),
        pytest.param(
            AREA_SEND.replace("6 to 10 February 2017", "Not previously inspected").replace(
                "leads to inconsistent experiences and outcomes for", "is failing"
            ),
            None,
            None,
            ["metadata_area_send_outcome_not_found"],
            id="none-printed",
        ),
        pytest.param(
            AREA_SEND.replace(
                "In Wigan, the partners' work leads to inconsistent experiences and outcomes",
                "Inspectors found widespread and/or systemic failings that worry them about the experiences and outcomes",
            ).replace("6 to 10 February 2017", "14 March 2016"),
            "widespread_and_or_systemic_failings",
            "2016-03-14",
            [],
            id="widespread-one-day",
        ),
        pytest.param(
            AREA_SEND.replace("6 to 10 February 2017", "6 to 10 February 20177"),
            "inconsistent_experiences_and_outcomes",
            None,
            ["metadata_previous_inspection_unreadable"],
            id="previous-dates-unreadable",
        ),
    ],
)
def test_area_send_outcome_and_previous_inspection(
    text: str, outcome: str | None, previous: str | None, codes: list[str], nlp: Language
) -> None:
    document = _extract(text, nlp)
    letter = document.letter
    assert letter.area_send_outcome == outcome
    assert (letter.previous_inspection.iso() if letter.previous_inspection else None) == previous
    assert [w.code for w in document.warnings if w.code.startswith("metadata_")] == codes


FOCUSED_PREVIOUS = """Focused visit to Wigan children's services

This letter summarises the findings of a focused visit to Wigan children's services on 9 and 10 May 2023.

{sentence}

Yours sincerely

Ann Example
His Majesty's Inspector
"""


@pytest.mark.parametrize(
    ("sentence", "grade"),
    [
        pytest.param("At the inspection in March 2019, services were judged to be good overall.", "good", id="overall"),
        pytest.param("In March 2019, inspectors rated the service good.", "good", id="rated"),
        pytest.param(
            "In March 2019, the local authority was judged as requiring improvement to be good.",
            "requires_improvement",
            id="requiring-improvement",
        ),
        pytest.param("In March 2019, services for care leavers were judged to be good.", None, id="sub-judgement"),
        pytest.param(
            "Since the last inspection in March 2019, when the overall effectiveness of the service was good, leaders "
            "have kept their focus.",
            "good",
            id="overall-effectiveness-was",
        ),
        pytest.param(
            "The inspection in March 2019 found that services for children in Wigan required improvement to be good.",
            "requires_improvement",
            id="found-that-services-required",
        ),
        pytest.param(
            "The Ofsted single inspection in March 2019 found that services to children in Wigan required "
            "improvement to be good.",
            "requires_improvement",
            id="found-that-services-to-children",
        ),
        pytest.param(
            "The inspection in March 2019 found that services for children in need were good.",
            None,
            id="found-sub-area",
        ),
        pytest.param(
            "In March 2019, not all areas were judged to be good.",
            None,
            id="not-all-areas",
        ),
        pytest.param(
            "Since the inspection in March 2019, when the overall effectiveness of the service, and services for "
            "care leavers, were judged to be requires improvement to be good, leaders have acted.",
            "requires_improvement",
            id="overall-and-an-area-together",
        ),
    ],
)
def test_previous_judgement_phrasings(sentence: str, grade: str | None, nlp: Language) -> None:
    letter = _letter(FOCUSED_PREVIOUS.format(sentence=sentence), nlp)
    assert letter.previous_judgement == grade
    assert (letter.previous_judgement_date.iso() if letter.previous_judgement_date else None) == (
        "2019-03" if grade else None
    )


@pytest.mark.parametrize(
    ("dates", "visits", "codes"),
    [
        pytest.param("14/03/2016 to 25/03/2016", [("2016-03-14", "2016-03-25")], [], id="numbers"),
        pytest.param("the 3 and 4 of March 2016", [("2016-03-03", "2016-03-04")], [], id="the-and-of"),
        pytest.param("3 \u2500 4 March 2016", [("2016-03-03", "2016-03-04")], [], id="box-drawing-dash"),
        pytest.param("3 and 4 March 20166", [], ["metadata_visit_dates_unreadable"], id="five-digit-year"),
    ],
)
def test_visit_dates_are_right_or_withheld(
    dates: str, visits: list[tuple[str, str]], codes: list[str], nlp: Language
) -> None:
    text = (
        "Focused visit to Wigan children's services\n\nThis letter summarises the findings of a focused visit "
        f"to Wigan children's services on {dates}.\n"
    )
    document = _extract(text, nlp)
    assert [(v.start.isoformat(), v.end.isoformat()) for v in document.letter.visits] == visits
    assert [w.code for w in document.warnings if w.code.startswith("metadata_")] == codes


def test_a_visit_without_its_year_takes_the_letters_year() -> None:
    from ofsted_findings.layout.normalize import PageMap, PageRun
    from ofsted_findings.metadata.letter import read_letter

    text = (
        "Focused visit to Wigan children's services\n\nThis letter summarises the findings of a focused visit "
        "to Wigan children's services on 30 and 31 January.\n"
    )
    page_of = PageMap([PageRun(page=1, start=0)])
    reader = MetadataReader(RuleSet.default())
    letter = read_letter(text, [], page_of, "letter.txt", reader).letter
    assert letter.visits == []  # no letter date: no year to take
    dated = "Piccadilly Gate\n\n22 February 2018\n\n" + text
    from ofsted_findings.layout.normalize import Block, BlockKind

    head_end = len("Piccadilly Gate\n\n22 February 2018\n")
    blocks = [Block(kind=BlockKind.LETTERHEAD, start=0, body_start=0, end=head_end, page=1, lines=3)]
    letter = read_letter(dated, blocks, PageMap([PageRun(page=1, start=0)]), "x.txt", reader).letter
    assert [(v.start.isoformat(), v.end.isoformat()) for v in letter.visits] == [("2018-01-30", "2018-01-31")]


def test_an_area_printed_as_not_judged_differs_from_an_area_not_printed(nlp: Language) -> None:
    text = ILACS_2019.replace(
        "The experiences and progress of children in care and care leavers\nOutstanding",
        "The experiences and progress of children in care\nGood\nThe experiences and progress of care leavers\nNot judged",
    )
    grades = _grades(_letter(text, nlp))
    assert (grades["children_in_care"], grades["care_leavers"]) == ("good", "not_judged")
    assert "children_in_care_and_care_leavers" not in grades


def test_jtai_place_printed_inside_the_theme_is_cut(nlp: Language) -> None:
    text = (
        "Joint targeted area inspection of Wigan\n\nThis letter sets out what inspectors found in the joint targeted "
        "area inspection (JTAI) of the multi-agency response to families in Wigan who move home often.\n"
    )
    assert _letter(text, nlp).focus == "the multi-agency response to families"


@pytest.mark.parametrize(
    ("body", "focus"),
    [
        pytest.param(
            "Inspectors looked at the arrangements for care leavers, with a focus on:\n\nStaying in touch.\n\n"
            "Where they live.\n\nThe visit was carried out in line with the framework and used many kinds of evidence "
            "from many people and many records.",
            "care leavers, with a focus on:\nStaying in touch.\nWhere they live",
            id="colon-list",
        ),
        pytest.param(
            "Inspectors looked at the arrangements for care leavers. Specifically, they considered pathway plans and "
            "housing. They looked at a range of evidence.",
            "care leavers. Specifically, they considered pathway plans and housing",
            id="continuation-sentence",
        ),
        pytest.param(
            "Inspectors looked at a range of evidence, including case records. Inspectors evaluated the "
            "arrangements for children in care.",
            "children in care",
            id="not-the-evidence",
        ),
        pytest.param(
            "The Chief Inspector is leading Ofsted's work into how councils kept in touch with families in the pandemic.",
            "how councils kept in touch with families in the pandemic",
            id="covid-era",
        ),
        pytest.param(
            "The focus of this visit was on planning for permanence for children. Inspectors looked at a range of "
            "evidence.",
            "planning for permanence for children",
            id="focus-of-this-visit",
        ),
        pytest.param(
            "Inspectors looked at the arrangements for care leavers aged 18 to\n25 and their housing. They met staff.",
            "care leavers aged 18 to\n25 and their housing",
            id="sentence-runs-over-a-line-break",
        ),
        pytest.param(
            "Inspectors looked at the arrangements for care leavers. This visit focused specifically on:\n\n"
            "Staying in touch.\n\nWhere they live.\n\nThe visit was carried out in line with the framework and used "
            "many kinds of evidence from many people and many records.",
            "care leavers. This visit focused specifically on:\nStaying in touch.\nWhere they live",
            id="continuation-list",
        ),
        pytest.param(
            "The inspectors focused on the local authority's arrangements for children in need. They looked at a "
            "range of evidence.",
            "children in need",
            id="inspectors-focused-on",
        ),
        pytest.param(
            "Inspectors looked at the arrangements for care leavers. Specifically, they considered their housing. "
            "Inspectors also reviewed their health. Inspectors looked at a range of evidence.",
            "care leavers. Specifically, they considered their housing. Inspectors also reviewed their health",
            id="continuations-in-a-row",
        ),
        pytest.param(
            "Inspectors looked at the arrangements for care leavers. They also looked at housing. They also looked "
            "at health. They also looked at work. They also looked at money.",
            "care leavers. They also looked at housing. They also looked at health. They also looked at work",
            id="at-most-three-continuations",
        ),
    ],
)
def test_focus_printings(body: str, focus: str, nlp: Language) -> None:
    text = (
        "Focused visit to Wigan children's services\n\nThis letter summarises the findings of a focused visit to "
        f"Wigan children's services on 9 and 10 May 2023.\n\n{body}\n"
    )
    assert _letter(text, nlp).focus == focus


def test_the_addressee_follows_ofsteds_address_when_no_date_is_printed() -> None:
    from ofsted_findings.layout.normalize import PageMap, PageRun
    from ofsted_findings.metadata.letter import read_letter

    text = (
        "Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD\nT 0300 123 1231\nwww.gov.uk/ofsted\n"
        "Ann Example\nDirector of Children's Services\nWigan Council\nTown Hall\nWigan\nWN1 1YN\nDear Ann\n"
        "Focused visit to Wigan children's services\n\nThis letter summarises the findings of a focused visit to "
        "Wigan children's services on 9 and 10 May 2023.\n"
    )
    reading = read_letter(text, [], PageMap([PageRun(page=1, start=0)]), "x.txt", MetadataReader(RuleSet.default()))
    assert reading.letter.addressee == "Ann Example"


@pytest.mark.parametrize(
    ("sentence", "grade", "when"),
    [
        pytest.param(
            "At the last inspection, in May 2019, the overall effectiveness of services was judged to be outstanding.",
            "outstanding",
            "2019-05",
            id="overall-effectiveness-was-judged",
        ),
        pytest.param(
            "Since the last inspection in 2016, when services were judged to be good overall, leaders have changed.",
            "good",
            "2016",
            id="year-only",
        ),
        pytest.param(
            "Services were last inspected in November 2018 and were judged to require improvement to be good.",
            "requires_improvement",
            "2018-11",
            id="last-inspected-and-judged",
        ),
        pytest.param(
            "Ofsted last inspected the council in 2017, giving an overall judgement of good.",
            "good",
            "2017",
            id="an-overall-judgement-of",
        ),
        pytest.param(
            "Wigan's services were last inspected in May 2019, when all areas were judged to require improvement "
            "to be good.",
            "requires_improvement",
            "2019-05",
            id="when-all-areas",
        ),
        pytest.param(
            "Services were last inspected in June 2017. All areas were judged to be good, with fostering judged to "
            "be outstanding.",
            "good",
            "2017-06",
            id="all-areas-next-sentence",
        ),
        pytest.param(
            "Services were last inspected in April 2018, when overall effectiveness and services for care leavers "
            "were judged to be good.",
            "good",
            "2018-04",
            id="overall-and-an-area-no-commas",
        ),
        pytest.param(
            "Services were last inspected in April/May 2016 and were judged to require improvement to be good.",
            "requires_improvement",
            "2016-04/2016-05",
            id="over-two-months",
        ),
        pytest.param(
            "Leaders have acted. Leaders know that, despite being judged good overall at the last inspection, there "
            "is work to do. This was found at the last inspection in 2017 and since.",
            "good",
            "2017",
            id="date-printed-in-another-sentence",
        ),
    ],
)
def test_more_previous_judgement_phrasings(sentence: str, grade: str, when: str, nlp: Language) -> None:
    letter = _letter(FOCUSED_PREVIOUS.format(sentence=sentence), nlp)
    assert letter.previous_judgement == grade
    assert letter.previous_judgement_date is not None and letter.previous_judgement_date.iso() == when


def test_team_tables_drop_honorifics_and_specialisms(nlp: Language) -> None:
    text = (
        "Area SEND inspection of Wigan Local Area Partnership\n\nInspection dates: 22 to 26 May 2023\n\n"
        "Inspection team\nOfsted Care Quality Commission\nMr Ann Example, Ofsted HMI, lead inspector Cy Other, CQC "
        "lead inspector Bo Sample HMI, Ofsted Di Person, Ofsted HMI, Social Care Eve Name, CQC inspector\n"
    )
    document = _extract(text, nlp)
    inspectors = document.letter.inspectors
    assert [(i.name, i.lead) for i in inspectors] == [
        ("Ann Example", True),
        ("Cy Other", False),
        ("Bo Sample", False),
        ("Di Person", False),
        ("Eve Name", False),
    ]
    assert all(document.text[i.start : i.end] == i.name for i in inspectors)


def test_a_signature_with_two_role_lines_is_one_signatory(nlp: Language) -> None:
    text = FOCUSED.replace("Ann Example\nHis Majesty's Inspector", "Ann Example HMI\nHis Majesty's Inspector")
    assert [(i.name, i.lead) for i in _letter(text, nlp).inspectors if i.name == "Ann Example"] == [
        ("Ann Example", True)
    ]
