"""Pack files: valid against their schema, citing real check ids, and with the parts each issue asks for."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import jsonschema
import pytest

import govaudit
from govaudit.bias._config import GateMetric
from govaudit.exceptions import SpecError
from govaudit.profiles import Documentation, list_packs, load_pack, pack_json_schema, parse_pack
from govaudit.registry import load_registry

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

PACKS_DIR = Path(__file__).resolve().parents[2] / "src" / "govaudit" / "profiles" / "packs"
EXPECTED = {"nyc-ll144", "eeoc-four-fifths", "eu-ai-act-high-risk", "canada-adm", "uk-atrs",
            "china-algorithm-filing", "governance-principles"}


def emitted_check_ids() -> set[str]:
    """Every check id the built-in auditors can emit, read from their source."""
    ids: set[str] = set()
    root = Path(govaudit.__file__).parent
    packages = ("bias", "explainability", "oversight", "provenance", "deployment")
    for path in (p for package in packages for p in (root / package).glob("*.py")):
        text = path.read_text(encoding="utf-8")
        ids |= set(re.findall(r'"((?:bias|explainability|oversight|provenance|deployment)\.[a-z_0-9]+)"', text))
        if path.parent.name == "provenance":
            ids |= {f"provenance.{c}" for c in re.findall(r'\bfinding\(\s*"([a-z_]+)"', text)}
    ids |= {f"bias.{m}" for m in typing.get_args(GateMetric)}  # f"bias.{metric}" for every gate metric
    return ids


def test_every_expected_pack_ships():
    assert set(list_packs()) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pack_file_validates_against_schema(name):
    data = tomllib.loads((PACKS_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(data, default=str)), pack_json_schema())
    pack = load_pack(name)
    assert pack.source and pack.version and pack.effective_date
    assert all(r.summary.endswith(".") and r.reference for r in pack.requirements)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_check_a_pack_names_exists(name):
    known = emitted_check_ids()
    registered = set(load_registry().entries)
    pack = load_pack(name)
    assert pack.check_ids <= known, sorted(pack.check_ids - known)
    assert {c.split(".")[0] for c in pack.check_ids} <= registered
    fields = set(Documentation.model_fields)
    for req in pack.requirements:
        assert set(req.documentation) <= fields, req.id


def test_emitted_ids_are_really_emitted_by_the_bias_auditor(tmp_path):
    # the static scan above is checked against a real run for the bias checks the packs use most
    import numpy as np
    import pandas as pd

    from govaudit import audit

    rng = np.random.default_rng(0)
    groups = pd.DataFrame({"sex": rng.choice(["f", "m"], 400), "race": rng.choice(["a", "b"], 400)})
    record = audit(y_pred=rng.integers(0, 2, 400), sensitive_features=groups,
                   auditors={"bias": {"n_resamples": 0, "intersectional": True}})
    assert {"bias.group_metrics", "bias.impact_ratio"} <= {f.check for f in record.findings} <= emitted_check_ids()


def test_canada_pack_changes_with_impact_level():
    pack = load_pack("canada-adm")
    human = next(r for r in pack.requirements if r.id == "canada-adm/6.3/human-final-decision")
    assert [lvl for lvl in range(1, 5) if pack.applies(human, {"canada_impact_level": lvl})] == [3, 4]
    explain = next(r for r in pack.requirements if r.id == "canada-adm/6.2/decision-explanation")
    assert [lvl for lvl in range(1, 5) if pack.applies(explain, {"canada_impact_level": lvl})] == [2, 3, 4]


@pytest.mark.parametrize("text, match", [
    ('name = "x"', "title"),
    ('name = "x"\ntitle = "t"\nsource = "s"\nversion = "1"\neffective_date = 2024-01-01\n'
     '[[requirements]]\nid = "x/1"\nsummary = "s."\nreference = "r"', "names no check"),
    ('name = "x"\ntitle = "t"\nsource = "s"\nversion = "1"\neffective_date = 2024-01-01\n'
     '[[requirements]]\nid = "x/1"\nsummary = "s."\nreference = "r"\nchecks = ["Bias"]', "not a check id"),
    ('name = "x"\ntitle = "t"\nsource = "s"\nversion = "1"\neffective_date = 2024-01-01\nsurprise = 1\n'
     '[[requirements]]\nid = "x/1"\nsummary = "s."\nreference = "r"\nchecks = ["bias.x"]', "surprise"),
])
def test_a_bad_pack_is_a_clear_error(text, match):
    with pytest.raises(SpecError, match=match):
        parse_pack(text, source="x.toml")


def test_unknown_pack_names_the_available_ones():
    with pytest.raises(SpecError, match="unknown profile 'nyc'.*nyc-ll144"):
        load_pack("nyc")
