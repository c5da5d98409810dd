"""Plain-text tables for evaluation reports (stable output for the README and CI logs)."""

from __future__ import annotations

from ofsted_findings.evaluation.common import LABELS, Scores
from ofsted_findings.evaluation.findings_eval import FindingsReport, ValidityReport
from ofsted_findings.evaluation.metrics_eval import MetricsReport


def _row(name: str, value: Scores | None) -> str:
    if value is None:
        return f"  {name:<28} {'-':>9} {'-':>9} {'-':>9} {'-':>6} {'-':>6}"
    return f"  {name:<28} {value.precision:>9.3f} {value.recall:>9.3f} {value.f1:>9.3f} {value.gold:>6} {value.predicted:>6}"


def _span(bounds: tuple[float, float]) -> str:
    return f"{bounds[0]:.2f}-{bounds[1]:.2f}"


HEADER = f"  {'':<28} {'precision':>9} {'recall':>9} {'F1':>9} {'gold':>6} {'pred':>6}"


def findings_table(report: FindingsReport) -> str:
    """Findings report as text."""
    lines = [
        f"Findings ({report.split} split): {report.documents} documents, {report.sentences} gold sentences"
        + (f", {report.unanchored} not found in the text" if report.unanchored else ""),
        HEADER,
    ]
    for polarity, value in report.polarity.items():
        lines.append(_row(f"ofsted-findings {polarity}", value))
    for polarity, interval in report.intervals.items():
        lines.append(
            f"  {'  95% interval ' + polarity:<28} {_span(interval.precision):>9} {_span(interval.recall):>9} "
            f"{_span(interval.f1):>9}   ({interval.draws} bootstrap draws of documents)"
        )
    if report.whole_page_extra:
        lines.append(f"  findings on wholly annotated pages outside every gold sentence: {report.whole_page_extra}")
    for polarity in report.polarity:
        lines.append(_row(f"VADER baseline {polarity}", (report.baseline or {}).get(polarity)))
    lines.append("  by document kind:")
    for kind, values in report.by_kind.items():
        for polarity, value in values.items():
            lines.append(_row(f"  {kind} {polarity}", value))
    lines.append(_row("themes (micro)", report.theme_f1) + f"   exact sets {report.theme_exact:.3f}")
    lines.append("  confusion (rows gold, columns predicted):")
    lines.append("  " + f"{'':<10}" + "".join(f"{label:>10}" for label in LABELS))
    for gold_label in LABELS:
        lines.append("  " + f"{gold_label:<10}" + "".join(f"{report.confusion[gold_label][p]:>10}" for p in LABELS))
    return "\n".join(lines)


def metrics_table(report: MetricsReport) -> str:
    """Metrics report as text."""
    lines = [
        f"Metrics ({report.split} split): {report.documents} documents, {report.figures} gold figures"
        + (f", {report.unanchored} not found in the text" if report.unanchored else ""),
        HEADER,
        _row("ofsted-findings detection", report.detection),
        _row("quantulum3 detection", report.baseline_detection),
        "  field accuracy on detected figures (subject: mean token F1):",
    ]
    detection = report.intervals.get("detection_f1")
    if detection is not None:
        lines.insert(3, f"  {'detection F1, 95% interval':<28} {detection.low:>9.3f} - {detection.high:.3f}")
    for name, value in report.fields.items():
        interval = report.intervals.get(name)
        shown = f"   [{interval.low:.3f}, {interval.high:.3f}]" if interval else ""
        lines.append(f"  {name:<28} {value.accuracy:>9.3f}   ({value.total} figures){shown}")
    if report.indicator_precision is not None:
        value = report.indicator_precision
        lines.append(f"  {'indicator precision':<28} {value.accuracy:>9.3f}   ({value.total} figures given one)")
    if report.baseline_value is not None:
        lines.append(
            f"  {'quantulum3 value':<28} {report.baseline_value.accuracy:>9.3f}   ({report.baseline_value.total} figures)"
        )
    return "\n".join(lines)


def validity_table(report: ValidityReport) -> str:
    """Validity report as text."""
    lines = [
        f"Weakness share of findings in each judged area's section, by the area's grade ({report.documents} ILACS reports)",
        f"  {'grade':<22} {'sections':>9} {'findings':>9} {'mean weakness share':>20}",
    ]
    for row in report.by_grade:
        lines.append(f"  {row.grade:<22} {row.sections:>9} {row.findings:>9} {row.mean_weakness_share:>20.3f}")
    lines.append(
        f"  Spearman rank correlation (grade vs share): {report.spearman:.3f}; strictly rising: {report.strictly_rising}"
    )
    return "\n".join(lines)
