"""Benchmark: does a clean system pass and a biased one fail? The five demo samples over many seeds.

For each seed, each of the demo's five samples (``sample_models/demo.py``) is built twice, clean
(``--no-bias``) and with its documented injected effects, into a temporary folder, and audited through
its full spec in ``audits/`` with the public API (``govaudit.run_plan(govaudit.load_spec(...))``), the
significance-gated findings judged together across the whole audit (Holm's correction,
:func:`govaudit.metrics.judge_significance`). Per sample it prints:

- **false alarms**: clean runs whose verdict blocks a release (fail, error or inconclusive), and
  which checks blocked;
- **detection**: for every documented effect (:data:`EFFECTS`: the check that documents it, on the
  feature it concerns), the biased runs in which that check fails.

Targets: at most 1 clean run in 20 blocks; every effect caught in at least 19 biased runs in 20.

Usage::

    python benchmarks/false_alarms.py                 # 20 seeds (1-20) at the demo's sizes, 2 processes
    python benchmarks/false_alarms.py --seeds 5 --quick --jobs 1

The results are also written to ``benchmarks/results/false_alarms.json``. Measured on the 2-core
machine (seeds 1-20, demo sizes, two processes): 3.3 minutes (10 minutes while the machine was
shared); clean runs that block: benefits_full 1/20 (seed 8, a chance gap in appeal success between
two age bands, p < 0.001), the three others 0/20; every documented effect caught in 20/20 biased runs.
Since the welfare sample gained its random control stream (``--sample welfare_fraud_risk --seeds 10``,
4.2 minutes): 0/10 clean runs block, and each of its five effects, the over-selection against the
control sample included, is caught in 10/10 biased runs. The fifth sample, home_visit_priority
(``--sample home_visit_priority --seeds 10``, demo size): 0/10 clean runs block, and each of its five
effects is caught in 10/10 biased runs.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make the repository importable
    sys.path.insert(0, str(REPO))

RESULTS_PATH = REPO / "benchmarks" / "results" / "false_alarms.json"
#: statuses that block a release
BLOCKING = ("fail", "error", "inconclusive")


@dataclass(frozen=True)
class Effect:
    """A documented injected effect and the check that must fail on it.

    ``feature`` is the sensitive feature the failing finding must concern (its evidence's ``feature``
    or ``sensitive_feature``); ``names`` what it must name among its ``groups`` (an input, a group).
    """

    label: str
    check: str
    feature: str | None = None
    names: tuple[str, ...] = ()

    def caught_by(self, finding: dict[str, Any]) -> bool:
        """Whether ``finding`` (a record finding as a dict) is this effect's check failing on it."""
        if finding["check"] != self.check or finding["status"] != "fail":
            return False
        evidence = finding.get("evidence") or {}
        if self.feature is not None and self.feature not in (evidence.get("feature"), evidence.get("sensitive_feature")):
            return False
        return all(name in (finding.get("groups") or ()) for name in self.names)


#: the documented effects of each sample (READMEs and generator docstrings), keyed by the sample's spec stem
EFFECTS: dict[str, tuple[Effect, ...]] = {
    "benefits_full": (
        Effect("in-person denials: impact ratio", "bias.impact_ratio", "channel"),
        Effect("in-person denials: equal opportunity", "bias.equal_opportunity_difference", "channel"),
        Effect("channel is a model input", "explainability.direct_use", names=("channel",)),
        Effect("age is a model input (age_band bins it)", "explainability.direct_use", names=("age_band",)),
        Effect("RV-05 rubber-stamps", "oversight.rubber_stamping", names=("RV-05",)),
        Effect("RV-05 reviews too short", "oversight.review_time", names=("RV-05",)),
        Effect("2025-07 unreviewed cases", "oversight.review_coverage"),
        Effect("2025-07 automation drift", "oversight.automation_drift"),
        Effect("2025-07 late appeals", "oversight.appeal_timeliness"),
        Effect("appeals succeed less in person", "oversight.appeal_fairness", "channel"),
        Effect("two-person rule broken", "oversight.two_person_rule"),
    ),
    "welfare_fraud_risk_full": (
        Effect("language proxy for migration background", "explainability.proxy_risk", "migration_background",
               ("language_proficiency",)),
        Effect("flags acted on without review", "oversight.review_coverage"),
        Effect("rubber-stamped reviews", "oversight.rubber_stamping"),
        Effect("reviews too short", "oversight.review_time"),
        Effect("over-selection against the random control sample", "control_sample.share_ratio",
               "migration_background", ("none",)),
    ),
    "job_matching": (
        Effect("employment gaps: selection by sex", "bias.impact_ratio", "sex"),
        Effect("employment gaps: scoring by sex", "bias.scoring_impact_ratio", "sex"),
        Effect("commute zone: selection by race/ethnicity", "bias.impact_ratio", "race_ethnicity"),
        Effect("commute zone: scoring by race/ethnicity", "bias.scoring_impact_ratio", "race_ethnicity"),
        Effect("vendor manifest incomplete", "provenance.declared"),
        Effect("undeclared source in lineage", "provenance.lineage", names=("vendor_partner_cvs",)),
    ),
    "community_access_face_match": (
        Effect("false matches for women", "bias.equalized_odds_ratio", "sex"),
        Effect("false matches by age band", "bias.equalized_odds_ratio", "age_band"),
        Effect("false non-matches for 65+", "bias.equal_opportunity_difference", "age_band"),
        Effect("two-person rule broken at night", "oversight.two_person_rule"),
    ),
    "home_visit_priority": (
        Effect("interpreter proxy: visited beyond need", "bias.selection_rate_ratio", "migration_background",
               ("non_eu",)),
        Effect("interpreter proxy: visited without need", "bias.fpr_ratio", "migration_background", ("non_eu",)),
        Effect("interpreter proxy: pushed up the queue", "ranking.top_k_share_ratio", "migration_background",
               ("non_eu",)),
        Effect("interpreter proxy: attention by place", "ranking.exposure_ratio", "migration_background",
               ("non_eu",)),
        Effect("fathers under-paid: mean allowance", "amounts.mean_ratio", "caregiver_sex", ("male",)),
        Effect("fathers under-paid: share under-paid", "amounts.underpaid_share", "caregiver_sex", ("male",)),
        Effect("fathers under-paid: error", "amounts.group_mae", "caregiver_sex", ("male",)),
    ),
}


def _finding_label(finding: dict[str, Any]) -> str:
    evidence = finding.get("evidence") or {}
    feature = evidence.get("feature") or evidence.get("sensitive_feature")
    return f"{finding['check']}[{feature}]" if feature else finding["check"]


def run_one(sample: str, seed: int, bias: bool, quick: bool, rows: dict[str, int] | None = None) -> dict[str, Any]:
    """Build one sample (clean or biased) for one seed in a temporary folder and audit it with its full spec.

    Returns the verdict, the blocking findings (``check[feature] (status)``), the effects caught
    (biased runs) and the seconds taken.
    """
    import govaudit
    from govaudit.metrics import judge_significance
    from govaudit.records import verdict_of
    from sample_models.demo import NAMES, build_scenario, scenarios, spec_for

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="govaudit-false-alarms-") as tmp:
        workdir = Path(tmp)
        art = {name: workdir / name for name in NAMES}
        scenario = next(s for s in scenarios(quick, art, seed=seed, bias=bias, rows=rows) if s.sample == sample)
        with contextlib.redirect_stdout(io.StringIO()):
            build_scenario(scenario, art)
        record = govaudit.run_plan(govaudit.load_spec(spec_for(scenario, art, workdir)))
    findings = judge_significance(record.findings)
    verdict = verdict_of(findings).value
    as_dicts = [f.model_dump(mode="json") for f in findings]
    name = Path(scenario.spec).stem
    return {
        "sample": name, "seed": seed, "variant": "biased" if bias else "clean", "verdict": verdict,
        "blocking": sorted({f"{_finding_label(f)} ({f['status']})" for f in as_dicts if f["status"] in BLOCKING}),
        "caught": [e.label for e in EFFECTS[name] if any(e.caught_by(f) for f in as_dicts)] if bias else [],
        "seconds": round(time.perf_counter() - started, 1),
    }


@contextlib.contextmanager
def _threads_per_process(jobs: int) -> Iterator[None]:
    """Cap the numerical libraries' threads of the worker processes (they start with this environment)."""
    names = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    saved = {n: os.environ.get(n) for n in names}
    os.environ.update({n: str(max(1, (os.cpu_count() or 1) // jobs)) for n in names})
    try:
        yield
    finally:
        for n, v in saved.items():
            if v is None:
                os.environ.pop(n, None)
            else:
                os.environ[n] = v


def run_all(samples: Sequence[str], seeds: Sequence[int], *, quick: bool, jobs: int,
            rows: dict[str, int] | None = None, progress: bool = False) -> list[dict[str, Any]]:
    """Every (sample, seed, variant) run, in ``jobs`` processes (in this process when ``jobs`` is 1)."""
    from sample_models.demo import NAMES

    unknown = sorted(set(samples) - set(NAMES))
    if unknown:
        raise ValueError(f"unknown sample(s) {unknown}; choose from {list(NAMES)}")
    tasks = [(sample, seed, bias, quick, rows) for seed in seeds for sample in samples for bias in (False, True)]
    results: list[dict[str, Any]] = []

    def note(result: dict[str, Any]) -> None:
        results.append(result)
        if progress:
            print(f"[{len(results)}/{len(tasks)}] {result['sample']} seed {result['seed']} {result['variant']}: "
                  f"{result['verdict']} in {result['seconds']} s"
                  + (f"; blocking {', '.join(result['blocking'])}" if result["variant"] == "clean"
                     and result["verdict"] in BLOCKING else ""), flush=True)

    if jobs <= 1:
        for task in tasks:
            note(run_one(*task))
        return results
    with _threads_per_process(jobs), ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
        for result in pool.map(run_one, *zip(*tasks)):
            note(result)
    return results


def summarise(results: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per sample: false alarms (count, runs, blocking checks) and detection of each documented effect."""
    out: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(r["sample"] for r in results):
        clean = [r for r in results if r["sample"] == name and r["variant"] == "clean"]
        biased = [r for r in results if r["sample"] == name and r["variant"] == "biased"]
        alarms = [r for r in clean if r["verdict"] in BLOCKING]
        out[name] = {
            "clean_runs": len(clean), "false_alarms": len(alarms),
            "false_alarm_seeds": [r["seed"] for r in alarms],
            "blocking_checks": dict(Counter(b for r in alarms for b in r["blocking"]).most_common()),
            "biased_runs": len(biased),
            "detection": {e.label: sum(e.label in r["caught"] for r in biased) for e in EFFECTS[name]},
            "missed_seeds": {e.label: [r["seed"] for r in biased if e.label not in r["caught"]] for e in EFFECTS[name]},
        }
    return out


def _print(summary: dict[str, dict[str, Any]], seconds: float, seeds: Sequence[int], quick: bool, jobs: int) -> None:
    print(f"\nfalse alarms and detection over seeds {seeds[0]}-{seeds[-1]} ({len(seeds)} seeds), "
          f"{'quick' if quick else 'demo'} sizes, {jobs} process(es), {seconds / 60:.1f} min\n")
    for name, s in summary.items():
        print(f"{name}: false alarms {s['false_alarms']}/{s['clean_runs']}"
              + (f" (seeds {s['false_alarm_seeds']})" if s["false_alarms"] else ""))
        for check, count in s["blocking_checks"].items():
            print(f"    blocked by {check}: {count}")
        for label, caught in s["detection"].items():
            missed = s["missed_seeds"][label]
            print(f"  detected {caught:>3}/{s['biased_runs']}  {label}" + (f"  (missed: seeds {missed})" if missed else ""))
        print()


def main(argv: list[str] | None = None) -> int:
    from sample_models.demo import NAMES

    parser = argparse.ArgumentParser(prog="python benchmarks/false_alarms.py", description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds per sample and variant (default 20)")
    parser.add_argument("--first-seed", type=int, default=1,
                        help="first seed (default 1; seed 0 is the demo's own run)")
    parser.add_argument("--quick", action="store_true", help="the demo's --quick sizes")
    parser.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--sample", action="append", choices=NAMES, help="only this sample (repeatable)")
    parser.add_argument("--out", type=Path, default=RESULTS_PATH, help=f"results JSON (default {RESULTS_PATH})")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.jobs < 1:
        parser.error("--seeds and --jobs must be at least 1")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    started = time.perf_counter()
    results = run_all(args.sample or NAMES, seeds, quick=args.quick, jobs=args.jobs, progress=True)
    seconds = time.perf_counter() - started
    summary = summarise(results)
    _print(summary, seconds, seeds, args.quick, args.jobs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"seeds": seeds, "quick": args.quick, "jobs": args.jobs,
                                    "seconds": round(seconds, 1), "summary": summary, "runs": results},
                                   indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
