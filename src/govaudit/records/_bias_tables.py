"""The bias auditor's per-group tables, rebuilt from a record's evidence.

A record read back from JSON gives the same tables as the :class:`~govaudit.bias.BiasReport` of the
run (``by_group`` and ``group_disparities``), except where disclosure control withheld a group's
numbers: those stay null.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from govaudit.core import Finding
from govaudit.exceptions import InputDataError
from govaudit.metrics._confusion import DISPARITY_RATES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["by_group_table", "disparity_table"]

_CELLS = ("tp", "fp", "tn", "fn", "pp", "pn", "label_pos", "label_neg")
_DISPARITY_COLUMNS = ("group", "metric", "ratio", "ratio_low", "ratio_high", "difference", "difference_low",
                      "difference_high", "reference")
#: groups whose status keeps them out of ratios and gates
_LEFT_OUT = ("excluded", "warn")


def _table_finding(findings: Sequence[Finding], feature: str) -> tuple[Finding, str]:
    """The ``bias.group_metrics`` finding of ``feature`` (or its scoring rates), and its rate's name."""
    scoring = feature.endswith(" (scoring rate)")
    name = feature.removesuffix(" (scoring rate)")
    wanted = ("bias.scoring_rates",) if scoring else ("bias.group_metrics", "bias.scoring_rates")
    for check in wanted:
        for f in findings:
            if f.auditor == "bias" and f.check == check and f.evidence.get("feature") == name:
                return f, "scoring_rate" if check == "bias.scoring_rates" else "selection_rate"
    have = sorted({str(f.evidence.get("feature")) for f in findings
                   if f.check in ("bias.group_metrics", "bias.scoring_rates")})
    raise InputDataError(f"the record has no bias group table for {feature!r}; features: {', '.join(have) or 'none'}")


def _bound(row: dict[str, Any], key: str, i: int) -> Any:
    ci = row.get(f"{key}_ci")
    return ci[i] if isinstance(ci, list) and len(ci) == 2 else None


def _column(values: list[Any], integer: bool) -> Any:
    import numpy as np
    import pandas as pd

    if integer:
        if any(v is None for v in values):
            return pd.array(values, dtype="Int64")  # withheld counts stay null
        return np.asarray(values, dtype=np.int64)
    return np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)


def by_group_table(findings: Sequence[Finding], feature: str) -> "pd.DataFrame":
    """One row per group: the columns of ``BiasReport.by_group[feature]``."""
    import numpy as np
    import pandas as pd

    finding, rate_name = _table_finding(findings, feature)
    ev = finding.evidence
    rows = [r for r in ev.get("groups", []) if isinstance(r, dict)]
    metrics = [m for m in ev.get("all_metrics") or ev.get("metrics") or [] if isinstance(m, str)]
    columns: dict[str, Any] = {"count": _column([r.get("count") for r in rows], True),
                               "share": _column([r.get("share") for r in rows], False)}
    for cell in _CELLS:
        if any(cell in r for r in rows):
            columns[cell] = _column([r.get(cell) for r in rows], True)
    for m in metrics + ["impact_ratio"]:  # a scoring table keeps its names (scoring_rate), as BiasReport does
        columns[m] = _column([r.get(m) for r in rows], False)
        columns[f"{m}_low"] = _column([_bound(r, m, 0) for r in rows], False)
        columns[f"{m}_high"] = _column([_bound(r, m, 1) for r in rows], False)
    columns["eligible"] = np.asarray([r.get("status") not in _LEFT_OUT for r in rows], dtype=bool)
    index = pd.Index([str(r.get("group")) for r in rows], name="group")
    return pd.DataFrame(columns, index=index)


def disparity_table(findings: Sequence[Finding], feature: str) -> "pd.DataFrame":
    """One row per (group, rate): the columns of ``BiasReport.group_disparities[feature]``."""
    import pandas as pd

    finding, rate_name = _table_finding(findings, feature)
    ev = finding.evidence
    rows = [r for r in ev.get("groups", []) if isinstance(r, dict)]
    references = ev.get("references") if isinstance(ev.get("references"), dict) else {}
    present = [m for m in DISPARITY_RATES if any(f"{m.replace('selection_rate', rate_name)}_ratio" in r for r in rows)]
    records = []
    for r in rows:
        for m in present:
            key = m.replace("selection_rate", rate_name)
            records.append({
                "group": str(r.get("group")), "metric": m,
                "ratio": r.get(f"{key}_ratio"), "ratio_low": _bound(r, f"{key}_ratio", 0),
                "ratio_high": _bound(r, f"{key}_ratio", 1),
                "difference": r.get(f"{key}_difference"), "difference_low": _bound(r, f"{key}_difference", 0),
                "difference_high": _bound(r, f"{key}_difference", 1),
                "reference": references.get(key),
            })
    table = pd.DataFrame.from_records(records, columns=list(_DISPARITY_COLUMNS))
    numeric = [c for c in _DISPARITY_COLUMNS if c not in ("group", "metric", "reference")]
    table[numeric] = table[numeric].astype("float64")
    return table
