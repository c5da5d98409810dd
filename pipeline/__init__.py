"""ofsted-findings: rule-based extraction from Ofsted letters and reports on children's services."""

from pipeline.extract import extract, to_json

__all__ = ["extract", "to_json"]
