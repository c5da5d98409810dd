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
