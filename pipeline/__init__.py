"""ofsted-findings: rule-based extraction from Ofsted letters and reports on children's services.

Importing the package is cheap: spaCy and the PDF engine are imported only when a name
that needs them is first used, so :mod:`ofsted_findings.models` (the output models) can be
used with pydantic alone.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ofsted_findings.api import Pipeline, extract
    from ofsted_findings.ruleset import RuleSet
    from ofsted_findings.serialize import to_json

__all__ = ["Pipeline", "RuleSet", "__version__", "extract", "to_json"]

#: Public names and the module that defines each.
_LAZY = {
    "extract": "ofsted_findings.api",
    "to_json": "ofsted_findings.serialize",
    "Pipeline": "ofsted_findings.api",
    "RuleSet": "ofsted_findings.ruleset",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("ofsted-findings")
        except PackageNotFoundError:
            return "0+unknown"
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ofsted_findings' has no attribute {name!r}")
    return getattr(import_module(module), name)
