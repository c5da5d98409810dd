"""``python -m ofsted_findings``: the command line."""

from ofsted_findings.cli.app import main

main()
