"""The full group table and the adverse reading against published audits (shared/data/PROVENANCE.md).

- Amsterdam "Slimme Check" (§4): the city's confusion counts by group, audited as what they are
  (an adverse decision: flagged for investigation), against every column Lighthouse Reports
  published (cms_wide.csv): the four cells as % of the group, ACT_P/ACT_N, PRED_P/PRED_N, FPR, PPV,
  FDR, TPR, STAT_PAR and ERROR.
- Ricci v. DeStefano (§3): the court record's pass rates as selection-rate ratios against the white
  candidates, and the same exams read as an adverse decision (failing).

Skipped when the shared data folder is absent.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import govaudit
from govaudit.auditors import BiasAuditor


# the loaders of the real-data tests (which skip the module when the shared folder is absent)
from test_real_data import _CELLS, _expand, _need, amsterdam  # noqa: E402,F401  (amsterdam is a fixture)


#: Lighthouse's column -> (our column, transform of ours), all in % as published
_PUBLISHED = {
    "TN": ("tn", "share_of_group"), "FP": ("fp", "share_of_group"), "FN": ("fn", "share_of_group"),
    "TP": ("tp", "share_of_group"), "ACT_P": ("prevalence", None), "ACT_N": ("label_neg", "share_of_group"),
    "PRED_P": ("selection_rate", None), "PRED_N": ("pn", "share_of_group"), "FPR": ("fpr", None),
    "PPV": ("precision", None), "FDR": ("fdr", None), "TPR": ("tpr", None), "STAT_PAR": ("selection_rate", None),
    "ERROR": ("accuracy", "complement"),
}


def test_amsterdam_every_published_column_as_an_adverse_decision(amsterdam) -> None:
    wide, published = amsterdam
    defined = published.dropna(subset=["group_size"])
    checked = 0
    for (dataset, model, feature), groups in wide.groupby(["Dataset", "Model", "Feature"]):
        y_true, y_pred, group = _expand(groups, feature)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", govaudit.UndefinedMetricWarning)
            report = BiasAuditor(decision="adverse", min_group_size=1, suppress_below=0, n_resamples=0).assess(
                y_true, y_pred, sensitive_features=group)
        table = report.by_group[feature]
        mask = (defined["Dataset"] == dataset) & (defined["Model"] == model) & (defined["Feature"] == feature)
        for _, truth in defined[mask].iterrows():
            ours = table.loc[truth["Feature_Value"]]
            for column, (name, how) in _PUBLISHED.items():
                value = ours[name]
                value = value / ours["count"] if how == "share_of_group" else (1 - value if how else value)
                assert 100 * value == pytest.approx(truth[column], abs=1e-9), (dataset, model, feature, column)
            checked += 1
    assert checked == 74


def test_amsterdam_pilot_gender_fpr_ratio_against_the_least_flagged_group(amsterdam) -> None:
    """Pilot/BR by gender (PROVENANCE.md's example): men are flagged least (63.19% vs 69.53%), so they
    are the reference; women's FPR 70.8333% over men's 59.4203% is the published figures' ratio."""
    wide, published = amsterdam
    groups = wide[(wide["Dataset"] == "Pilot") & (wide["Model"] == "BR") & (wide["Feature"] == "geslacht")]
    y_true, y_pred, group = _expand(groups, "geslacht")
    report = BiasAuditor(decision="adverse", min_group_size=1, n_resamples=0,
                         gates={"fpr_ratio": {"min": 0.8, "max": 1.25}}).assess(y_true, y_pred,
                                                                               sensitive_features=group)
    truth = published[(published["Dataset"] == "Pilot") & (published["Model"] == "BR")
                      & (published["Feature"] == "geslacht")].set_index("Feature_Value")
    long = report.group_disparities["geslacht"].set_index(["group", "metric"])
    assert long.loc[("V", "fpr"), "reference"] == "M"
    assert long.loc[("V", "fpr"), "ratio"] == pytest.approx(truth.loc["V", "FPR"] / truth.loc["M", "FPR"], rel=1e-12)
    assert round(long.loc[("V", "fpr"), "ratio"], 4) == 1.1921
    assert long.loc[("V", "precision"), "difference"] == pytest.approx(
        (truth.loc["V", "PPV"] - truth.loc["M", "PPV"]) / 100, abs=1e-12)
    (gate,) = [f for f in report.findings if f.check == "bias.fpr_ratio"]
    assert gate.evidence["reference"] == "M" and gate.evidence["gate"] == {"min": 0.8, "max": 1.25}
    assert gate.status is govaudit.Status.PASS  # 1.19 is inside the band


# == Ricci v. DeStefano ===========================================================================
#: Court record (PROVENANCE.md §3): (passed, took); impact ratios against W to 4 dp.
RICCI = {"Lieutenant": {"W": (25, 43), "B": (6, 19), "H": (3, 15)},
         "Captain": {"W": (16, 25), "B": (3, 8), "H": (3, 8)}}
RICCI_RATIOS = {"Lieutenant": {"B": 0.5432, "H": 0.3440}, "Captain": {"B": 0.5859, "H": 0.5859}}


@pytest.mark.parametrize("position", ["Lieutenant", "Captain"])
def test_ricci_selection_rate_ratios_and_the_adverse_reading(position: str) -> None:
    table = pd.read_csv(_need("ricci.csv"))
    rows = table[table["Position"] == position]
    passed = (rows["Combine"] >= 70).astype(int).to_numpy()
    race = rows["Race"].rename("race").reset_index(drop=True)
    settings = {"min_group_size": 5, "suppress_below": 0, "n_resamples": 0}
    report = BiasAuditor(**settings).assess(y_pred=passed, sensitive_features=race)
    long = report.group_disparities["race"].set_index(["group", "metric"])
    by_group = report.by_group["race"]
    total_passed = sum(p for p, _ in RICCI[position].values())
    for race_, (p, n) in RICCI[position].items():
        assert by_group.loc[race_, "pp"] == p and by_group.loc[race_, "count"] == n
        assert by_group.loc[race_, "ppr"] == pytest.approx(p / total_passed)
        assert long.loc[(race_, "selection_rate"), "reference"] == "W"
    for race_, ratio in RICCI_RATIOS[position].items():
        assert round(long.loc[(race_, "selection_rate"), "ratio"], 4) == ratio
    # the same exams read as an adverse decision (1 = failed): W fails least and is the reference, and a
    # group failing at more than 1.25 times W's rate fails the four-fifths rule read the adverse way
    adverse = BiasAuditor(decision="adverse", **settings).assess(y_pred=1 - passed, sensitive_features=race)
    gates = {f.evidence["group"]: f for f in adverse.findings if f.check == "bias.impact_ratio"}
    w_fail = 1 - RICCI[position]["W"][0] / RICCI[position]["W"][1]
    for race_ in ("B", "H"):
        p, n = RICCI[position][race_]
        assert gates[race_].evidence["reference"] == "W"
        assert gates[race_].value == pytest.approx((1 - p / n) / w_fail, rel=1e-12)
        assert gates[race_].value > 1.25 and gates[race_].status is govaudit.Status.FAIL
