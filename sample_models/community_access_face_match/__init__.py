"""Sample for govaudit's urban-living scenario: a face-verification gate for residential buildings.

Synthetic verification attempts whose genuine and impostor score distributions differ by sex and
age band (documented in ``README.md``), the gate's decision log with two-person verification of
matches, and a data manifest that declares the biometric data and their retention period.
"""

from .curve import threshold_curve
from .decision_log import SAMPLE_POLICY, generate_decision_log
from .generate import INJECTED_EFFECTS, OPERATING_THRESHOLD, expected_rates, generate_attempts
from .manifest import write_manifest

__all__ = [
    "INJECTED_EFFECTS",
    "OPERATING_THRESHOLD",
    "SAMPLE_POLICY",
    "expected_rates",
    "generate_attempts",
    "generate_decision_log",
    "threshold_curve",
    "write_manifest",
]
