"""Noise classes of figures: numbers that are not measures (cross-references, ages as
descriptors, numbers inside names, ...). Each registers itself with
:func:`ofsted_findings.diagnostics.noise.register` when this module is imported."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)
