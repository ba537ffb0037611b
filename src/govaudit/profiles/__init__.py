"""Policy profiles: rule packs per legal instrument, the coverage matrix, documentation and exports.

A spec names profiles (``profiles = ["nyc-ll144"]``); each pack's requirements are judged against
the run's findings, the declared documentation and dates, and written into the record as a coverage
matrix: ``met``, ``not met``, ``no evidence`` or ``not applicable`` with the reason and the
findings behind it. A requirement is ``met`` only when every piece of evidence it names is present,
down to the sensitive features and intersections its evidence rules ask for. It reports evidence,
never legal compliance.
"""

from typing import TYPE_CHECKING

from govaudit._lazy import lazy_exports

if TYPE_CHECKING:
    from govaudit.profiles._coverage import coverage_for_plan, coverage_matrix
    from govaudit.profiles._documentation import DOCUMENTATION_FIELDS, Documentation, check_documentation, impact_level
    from govaudit.profiles._exports import EXPORTS, export
    from govaudit.profiles._load import list_packs, load_pack, parse_pack
    from govaudit.profiles._matrix import CoverageMatrix, ProfileCoverage, RequirementCoverage
    from govaudit.profiles._pack import EvidenceRule, FeatureConcept, Pack, PackRequirement, pack_json_schema
    from govaudit.profiles._timing import working_days_after, working_days_between
else:
    # Type checkers read the imports above; at run time a name is imported on first use (PEP 562), loading
    # only its own module and what that module imports.
    __getattr__, __dir__ = lazy_exports(__name__, {
        "govaudit.profiles._coverage": ("coverage_for_plan", "coverage_matrix"),
        "govaudit.profiles._documentation": (
            "DOCUMENTATION_FIELDS", "Documentation", "check_documentation", "impact_level",
        ),
        "govaudit.profiles._exports": ("EXPORTS", "export"),
        "govaudit.profiles._load": ("list_packs", "load_pack", "parse_pack"),
        "govaudit.profiles._matrix": ("CoverageMatrix", "ProfileCoverage", "RequirementCoverage"),
        "govaudit.profiles._pack": ("EvidenceRule", "FeatureConcept", "Pack", "PackRequirement", "pack_json_schema"),
        "govaudit.profiles._timing": ("working_days_after", "working_days_between"),
    }, globals())

__all__ = [
    "DOCUMENTATION_FIELDS",
    "EXPORTS",
    "CoverageMatrix",
    "Documentation",
    "EvidenceRule",
    "FeatureConcept",
    "Pack",
    "PackRequirement",
    "ProfileCoverage",
    "RequirementCoverage",
    "check_documentation",
    "coverage_for_plan",
    "coverage_matrix",
    "documentation_json_schema",
    "export",
    "impact_level",
    "list_packs",
    "load_pack",
    "pack_json_schema",
    "parse_pack",
    "working_days_after",
    "working_days_between",
]


def documentation_json_schema() -> dict:
    """JSON Schema of the ``[documentation]`` section (or side file)."""
    from govaudit.profiles._documentation import Documentation

    return Documentation.model_json_schema()
