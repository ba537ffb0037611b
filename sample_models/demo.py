"""The combined demo: five scenario audits, one signed ledger, one HTML report each, one summary table.

``python sample_models/demo.py [--quick]`` (``make demo`` runs it) builds the five samples, runs the
five audit specs with ``govaudit run`` (each appended to ``reports/ledger.sqlite``, signed with the
demo key in ``reports/keys/``, generated when missing), writes ``reports/<name>/report.html``, and
prints: scenario, verdict, the failed checks in plain words, and where the report is.

The five scenarios (the governance failures each sample carries):

1. government services -- ``benefits_full``: the digitally excluded (in-person, older applicants)
   refused more often; all four auditors.
2. public services -- ``welfare_fraud_risk_full``: a language proxy for migration background carries
   the fraud-risk model, investigators act on its flags without real review, and against a random
   control sample the model over-selects people with a migration background.
3. digital industry -- ``job_matching``: a vendor's ONNX ranking model with sex and race/ethnicity
   gaps (NYC LL144 audit) and an incomplete vendor data manifest.
4. urban living -- ``community_access_face_match``: face verification with demographic false
   match / false non-match differentials and a two-person rule broken at night.
5. social services -- ``home_visit_priority``: a child-welfare home-visit queue that visits families
   with a migration background beyond their need, and a family allowance under-paid to fathers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console
from rich.table import Table

from govaudit.cli import main as govaudit_main
from govaudit.provenance import TODO, draft_manifest, manifest_toml
from govaudit.report._summary import plain_check

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_models"

class _PlainWords(dict):
    """check id -> plain words for the summary: the reports' own wording (``plain_check``)."""

    def __missing__(self, check: str) -> str:
        return plain_check(check)


PLAIN = _PlainWords()


NAMES = ("benefits_eligibility", "welfare_fraud_risk", "job_matching", "community_access_face_match",
         "home_visit_priority")
BENEFITS_OWNER = "Ministry of Social Affairs, Benefits Directorate"


@dataclass(frozen=True)
class Scenario:
    """One scenario: its title, the audit spec (in ``audits/``), and the steps that build its inputs."""

    title: str
    spec: str
    sample: str
    build: tuple[tuple[str, list[str]], ...]


#: rows of each sample: the demo's sizes and the ``--quick`` ones (smaller only where a gate can still be
#: judged on a clean sample: benchmarks/false_alarms.py measures both). The decision logs must be large
#: for the group comparisons of override and appeal rates (5-point limits) to be judged, and the welfare
#: model needs 35,000 training rows not to give noise-level importance to a proxy (the samples' READMEs).
SIZES: dict[bool, dict[str, int]] = {
    False: {"benefits": 20_000, "log": 200_000, "welfare": 50_000, "welfare_log": 150_000, "jobs": 30_000,
            "face": 40_000, "visits": 10_000},
    True: {"benefits": 10_000, "log": 200_000, "welfare": 50_000, "welfare_log": 150_000, "jobs": 30_000,
           "face": 40_000, "visits": 10_000},
}


def scenarios(quick: bool, art: dict[str, Path], *, seed: int = 0, bias: bool = True,
              rows: dict[str, int] | None = None) -> tuple[Scenario, ...]:
    """The five scenarios, building into ``art[<sample>]``.

    ``seed`` seeds every generator (the welfare decision log draws its people with ``seed + 1``, as
    its own default does); ``bias=False`` builds each sample's clean variant (``--no-bias``);
    ``rows`` overrides the sizes of :data:`SIZES`.
    """
    rows = {**SIZES[quick], **(rows or {})}
    common = ["--seed", str(seed)] + ([] if bias else ["--no-bias"])
    log_common = ["--seed", str(seed + 1)] + ([] if bias else ["--no-bias"])
    benefits, welfare = art["benefits_eligibility"], art["welfare_fraud_risk"]
    return (
        Scenario("Government services: benefits (digitally excluded)", "benefits_full.toml", "benefits_eligibility", (
            ("sample_models.benefits_eligibility.__main__", ["--rows", str(rows["benefits"]), "--out", str(benefits),
                                                             *common]),
            ("sample_models.benefits_eligibility.decision_log",
             ["--cases", str(rows["log"]), "--out", str(benefits / "decision_log.parquet"), *common]),
            ("sample_models.benefits_eligibility.manifest", ["--data-dir", str(benefits)]))),
        Scenario("Public services: welfare fraud risk (proxy, no review)", "welfare_fraud_risk_full.toml",
                 "welfare_fraud_risk", (
            ("sample_models.welfare_fraud_risk.__main__",
             ["--rows", str(rows["welfare"]), "--out", str(welfare), *common]),
            ("sample_models.welfare_fraud_risk.decision_log",
             ["--cases", str(rows["welfare_log"]), "--out", str(welfare / "decision_log.parquet"), *log_common]),
            ("sample_models.welfare_fraud_risk.manifest", ["--data-dir", str(welfare)]))),
        Scenario("Digital industry: vendor job matching (LL144)", "job_matching.toml", "job_matching", (
            ("sample_models.job_matching.__main__",
             ["--rows", str(rows["jobs"]), "--out", str(art["job_matching"]), *common]),)),
        Scenario("Urban living: face-match building access", "community_access_face_match.toml",
                 "community_access_face_match", (
            ("sample_models.community_access_face_match.__main__",
             ["--rows", str(rows["face"]), "--out", str(art["community_access_face_match"]), *common]),)),
        Scenario("Social services: child-welfare home visits and allowance", "home_visit_priority.toml",
                 "home_visit_priority", (
            ("sample_models.home_visit_priority.__main__",
             ["--rows", str(rows["visits"]), "--out", str(art["home_visit_priority"]), *common]),)),
    )


def declare_decision_log(folder: Path, *, owner: str, as_of: date | None = None) -> Path:
    """Add ``decision_log.parquet`` to ``folder/manifest.toml``, drafted from the file and then completed.

    :func:`govaudit.provenance.draft_manifest` reads the hash, row count and column types; the fields
    only a person can know (owner, legal basis, period, approval, retention) are filled in here, and
    the drafter's column guesses are confirmed (a ``model_name`` is not a person's name; the group
    columns are demographic).
    """
    as_of = as_of or date.today()
    path = folder / "manifest.toml"
    manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    draft = tomllib.loads(draft_manifest([folder / "decision_log.parquet"], relative_to=folder))
    entry = draft["sources"]["decision_log"]
    for column in entry["columns"]:
        guessed = column.pop("review", None) is not None
        if guessed and column.get("personal_category") == "identifier" and column["name"].startswith("model_"):
            column.pop("personal_data"), column.pop("personal_category")
        elif column.get("personal_category") == TODO:
            column["personal_category"] = "demographic"
        if column["name"].startswith("reviewer_"):  # staff ids: personal data of the reviewers
            column.update(personal_data=True, personal_category="identifier")
    entry.update(
        description="Every recommendation of the model, its human review and the final decision.",
        owner=owner, legal_basis="Public task (the statute the service operates under); GDPR Art. 6(1)(e)",
        collection_method="Written by the case-management system at each decision", extracted=as_of - timedelta(days=7),
        collection_period={"start": as_of - timedelta(days=400), "end": as_of - timedelta(days=8)},
        approval={"by": "Data Protection Officer", "date": as_of - timedelta(days=7)}, retention_days=1825)
    entry.pop("licence")  # no third party supplied it
    manifest["sources"]["decision_log"] = entry
    path.write_text(manifest_toml(manifest, header="# Data manifest, with the decision log declared by "
                                  "sample_models/demo.py."), encoding="utf-8")
    return path


def _call(module: str, argv: list[str]) -> None:
    import importlib

    code = importlib.import_module(module).main(argv)
    if code:
        raise SystemExit(f"demo: {module} {' '.join(argv)} exited with {code}")


def build_scenario(scenario: Scenario, art: dict[str, Path]) -> None:
    """Run the scenario's build steps (and declare the benefits decision log, which its manifest predates)."""
    for module, argv in scenario.build:
        _call(module, argv)
    if scenario.sample == "benefits_eligibility":
        declare_decision_log(art[scenario.sample], owner=BENEFITS_OWNER)


def failed_checks(record: dict) -> list[str]:
    """The failed (or errored) checks of a record as plain phrases, each once, in order."""
    out: list[str] = []
    for f in record["findings"]:
        if f["status"] in ("fail", "error"):
            words = plain_check(f["check"])
            if words not in out:
                out.append(words)
    return out


def spec_for(scenario: Scenario, art: dict[str, Path], workdir: Path | None) -> Path:
    """The shipped spec, or (with ``workdir``) a copy of it reading the samples from ``workdir``."""
    spec = REPO / "audits" / scenario.spec
    if workdir is None:
        return spec
    text = spec.read_text(encoding="utf-8")
    for name, folder in art.items():
        text = text.replace(f"../sample_models/{name}/artifacts", folder.as_posix())
    copy = workdir / scenario.spec
    copy.write_text(text, encoding="utf-8")
    return copy


def run_demo(*, quick: bool = False, reports: Path = REPO / "reports", workdir: Path | None = None,
             console: Console | None = None) -> list[dict]:
    """Build, audit, ledger and report the five scenarios; return one summary row per scenario.

    Parameters
    ----------
    quick : bool
        Smaller samples.
    reports : Path
        Report folder: ``<name>/`` per audit, ``ledger.sqlite``, ``keys/demo.key``.
    workdir : Path, optional
        Build the samples here instead of ``sample_models/<name>/artifacts`` (the specs are copied
        with their paths changed).
    """
    console = console or Console()
    art = {name: (workdir / name if workdir is not None else SAMPLES / name / "artifacts") for name in NAMES}
    keys = reports / "keys"
    key = keys / "demo.key"
    if not key.is_file() and govaudit_main(["keys", "generate", "--out", str(keys), "--name", "demo"]) != 0:
        raise SystemExit("demo: could not generate the demo key pair")
    ledger = reports / "ledger.sqlite"
    rows = []
    for scenario in scenarios(quick, art):
        started = time.perf_counter()
        with console.status(f"building {scenario.sample}"):
            build_scenario(scenario, art)
        spec = spec_for(scenario, art, workdir)
        name = Path(scenario.spec).stem
        out = reports / name
        html = out / "report.html"
        with console.status(f"auditing {name}"):
            code = govaudit_main(["run", str(spec), "--out", str(out), "--ledger", str(ledger),
                                  "--signing-key", str(key), "--html", str(html), "--quiet"])
        if code not in (0, 1):
            raise SystemExit(f"demo: govaudit run {spec} exited with {code}")
        record = json.loads((out / "record.json").read_text(encoding="utf-8"))
        rows.append({"scenario": scenario.title, "name": name, "verdict": record["verdict"],
                     "failed": failed_checks(record),
                     "report": str(html.relative_to(REPO) if html.is_relative_to(REPO) else html),
                     "seconds": round(time.perf_counter() - started, 1)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python sample_models/demo.py", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples")
    parser.add_argument("--reports", type=Path, default=REPO / "reports", help="report folder (default reports/)")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 160)  # a log file gets a readable table
    started = time.perf_counter()
    rows = run_demo(quick=args.quick, reports=args.reports, console=console)
    table = Table(title=f"govaudit demo: {len(rows)} scenario audits")
    for column in ("scenario", "verdict", "failed checks", "report"):
        table.add_column(column, overflow="fold", no_wrap=column == "report")
    for row in rows:
        table.add_row(row["scenario"], row["verdict"].upper(), "; ".join(row["failed"]) or "-", row["report"])
    console.print(table)
    console.print(f"ledger: {args.reports / 'ledger.sqlite'} ({len(rows)} entries appended, signed with "
                  f"{args.reports / 'keys' / 'demo.key'}); verify with `govaudit ledger verify`. "
                  f"Demo took {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
