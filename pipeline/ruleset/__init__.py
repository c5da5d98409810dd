"""The rule set: every rule file, validated, as one object passed to every stage."""

from ofsted_findings.ruleset.loading import RULE_FILES, RuleFile, RuleSet, RuleSetError

__all__ = ["RULE_FILES", "RuleFile", "RuleSet", "RuleSetError"]
