"""Checks of the manifest against the files: declared and approved, model registered, integrity,
freshness, retention, lineage."""

from __future__ import annotations

from datetime import date, timedelta

from govaudit.provenance._context import ROLE_WORDS, Context, finding, incomplete_fields
from govaudit.core import Finding, Principle, Status
from govaudit.exceptions import InputDataError
from govaudit.provenance._manifest import DatasetSpec, todo_fields
from govaudit.provenance._profile import table_schema

__all__ = ["declared", "freshness", "integrity", "lineage", "model_registered", "retention"]

_OPEN = (Principle.TRANSPARENCY,)
_OPEN_SHARED = (Principle.TRANSPARENCY, Principle.SHARED_RISK)
_SUSTAIN = (Principle.SUSTAINABILITY, Principle.PEOPLE_ORIENTED)
_REF_ORIGIN = "EU AI Act Art. 10(2)(b)"
_REF_PREP = "EU AI Act Art. 10(2)(c)"
_REF_QUALITY = "EU AI Act Art. 10(3)"
_REF_DATASHEET = "EU AI Act Annex IV 2(d)"
_REF_ATRS = "UK ATRS Tier 2 (data)"
_REF_TRAIL = "Canada DADM audit trail"
_REF_STORAGE = "GDPR Art. 5(1)(e)"

#: Declared column type -> found types that are acceptable (a float column may hold whole numbers).
_COMPATIBLE = {
    "float": {"float", "integer"},
    "string": {"string", "category"},
    "category": {"string", "category"},
    "date": {"date", "datetime"},
    "datetime": {"date", "datetime"},
}


def _short(digest: str | None) -> str:
    return f"{digest[:12]}…" if digest else "none"


def _list(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def declared(ctx: Context) -> list[Finding]:
    """Every data file the audit read is declared in the manifest, complete and approved."""
    out = []
    for role, path in ctx.used.items():
        if role == "model":
            continue
        words = ROLE_WORDS.get(role, role)
        name = ctx.matches.get(role)
        evidence = {"role": role, "file": path.name}
        if name is None:
            out.append(finding(
                "declared", Status.FAIL, f"The {words} file {path.name} is not declared in the data manifest, "
                "so its origin, owner and approval are unknown.",
                groups=(role,), evidence=evidence, principles=_OPEN_SHARED,
                references=(_REF_ORIGIN, _REF_DATASHEET, _REF_ATRS)))
            continue
        missing = incomplete_fields(ctx.manifest.sources[name])
        evidence.update(dataset=name, incomplete=missing)
        if missing:
            out.append(finding(
                "declared", Status.FAIL, f"The {words} file {path.name} is declared as {name!r}, but its entry is "
                f"incomplete or unapproved: {_list(missing)} still to be filled in.",
                groups=(role, name), evidence=evidence, principles=_OPEN_SHARED,
                references=(_REF_ORIGIN, _REF_DATASHEET, _REF_ATRS)))
        else:
            spec = ctx.manifest.sources[name]
            out.append(finding(
                "declared", Status.PASS, f"The {words} file {path.name} is declared as {name!r} and was approved "
                f"by {spec.approval.by} on {spec.approval.date}.",
                groups=(role, name), evidence=evidence, principles=_OPEN_SHARED,
                references=(_REF_ORIGIN, _REF_DATASHEET, _REF_ATRS)))
    if not out:
        out.append(finding("declared", Status.SKIPPED, "The audit read no data files to match against the manifest.",
                           principles=_OPEN))
    return out


def model_registered(ctx: Context) -> list[Finding]:
    """The model artifact's sha256 matches the one registered in the manifest."""
    path = ctx.used.get("model")
    refs = (_REF_DATASHEET, _REF_TRAIL)
    if path is None:
        return [finding("model_registered", Status.SKIPPED, "No model file was audited, so there is no artifact "
                        "hash to compare with the manifest.", principles=_OPEN, references=refs)]
    registered = ctx.manifest.model
    if not path.is_file():  # e.g. a model folder or a served model: no single artifact to hash
        return [finding("model_registered", Status.WARN, f"The model at {path.name} is not a single file, so its "
                        "hash cannot be compared with the manifest's registration.", evidence={"file": path.name},
                        principles=_OPEN, references=refs)]
    found = ctx.sha256(path)
    evidence: dict = {"file": path.name, "sha256": found}
    if registered is None:
        return [finding("model_registered", Status.FAIL, f"The model {path.name} is not registered in the data "
                        "manifest: nothing ties it to the data it was built from.", evidence=evidence,
                        principles=_OPEN_SHARED, references=refs)]
    evidence.update(name=registered.name, version=registered.version, registered_sha256=registered.sha256)
    problems = []
    if found != registered.sha256:
        problems.append(f"its sha256 ({_short(found)}) differs from the registered one ({_short(registered.sha256)})")
    training = ctx.matches.get("training_data")
    if registered.trained_on and training is not None and training not in registered.trained_on:
        problems.append(f"it is registered as trained on {_list(list(registered.trained_on))}, not on {training!r}")
    for name in registered.trained_on:
        if name not in ctx.manifest.sources:
            problems.append(f"its training table {name!r} is not declared")
    if registered.approval is not None and todo_fields(registered.approval):
        problems.append("its approval is not filled in")
    if problems:
        return [finding("model_registered", Status.FAIL, f"The model {path.name} does not match its registration "
                        f"{registered.name!r}: {'; '.join(problems)}.", evidence={**evidence, "problems": problems},
                        principles=_OPEN_SHARED, references=refs)]
    return [finding("model_registered", Status.PASS, f"The model {path.name} is the registered artifact "
                    f"{registered.name!r}" + (f" version {registered.version}" if registered.version else "")
                    + " (sha256 matches).", evidence=evidence, principles=_OPEN_SHARED, references=refs)]


def _schema_mismatches(spec: DatasetSpec, types: dict[str, str]) -> list[str]:
    problems = []
    declared_names = [c.name for c in spec.columns]
    if not declared_names:
        return problems
    absent = [n for n in declared_names if n not in types]
    extra = [n for n in types if n not in declared_names]
    if absent:
        problems.append(f"declared column {absent[0]!r} is absent" + (f" (and {len(absent) - 1} more)" if len(absent) > 1 else ""))
    if extra:
        problems.append(f"column {extra[0]!r} is not declared" + (f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""))
    for column in spec.columns:
        found = types.get(column.name)
        if found is not None and found not in _COMPATIBLE.get(column.type, {column.type}):
            problems.append(f"column {column.name!r} is declared {column.type} but holds {found} values")
    return problems


def _integrity_one(ctx: Context, name: str, spec: DatasetSpec) -> Finding:
    refs = (_REF_QUALITY, _REF_PREP, _REF_DATASHEET)
    path = ctx.local_path(spec)
    if path is None:
        return finding("integrity", Status.WARN, f"Source {name!r} is only named by URI ({spec.uri}); its content "
                       "cannot be verified against the manifest here.", groups=(name,),
                       evidence={"dataset": name, "uri": spec.uri}, references=refs)
    evidence: dict = {"dataset": name, "file": path.name}
    if not path.is_file():
        return finding("integrity", Status.FAIL, f"Source {name!r}: the declared file {path.name} does not exist.",
                       groups=(name,), evidence=evidence, references=refs)
    problems = []
    found = ctx.sha256(path)
    evidence.update(sha256=found, declared_sha256=spec.sha256)
    if spec.sha256 is not None and found != spec.sha256:
        problems.append(f"sha256 differs (declared {_short(spec.sha256)}, file {_short(found)}): the file was changed")
    try:
        rows, types = table_schema(path)
    except InputDataError as exc:
        problems.append(f"the file cannot be read as a table ({exc})")
        rows, types = None, {}
    evidence.update(rows=rows, declared_rows=spec.rows)
    if spec.rows is not None and rows is not None and rows != spec.rows:
        problems.append(f"row count differs (declared {spec.rows:,}, file {rows:,})")
    problems += _schema_mismatches(spec, types)
    evidence["mismatches"] = problems
    if problems:
        return finding("integrity", Status.FAIL, f"Source {name!r} ({path.name}) does not match the manifest: "
                       f"{problems[0]}" + (f"; {len(problems) - 1} more mismatch(es)" if len(problems) > 1 else "") + ".",
                       groups=(name,), evidence=evidence, references=refs)
    if spec.sha256 is None:
        return finding("integrity", Status.WARN, f"Source {name!r} ({path.name}) has no sha256 in the manifest, so "
                       "a changed file would go unnoticed.", groups=(name,), evidence=evidence, references=refs)
    return finding("integrity", Status.PASS, f"Source {name!r} ({path.name}) matches the manifest: sha256, "
                   f"{rows:,} rows and its columns.", groups=(name,), evidence=evidence, references=refs)


def integrity(ctx: Context) -> list[Finding]:
    """Each declared file's sha256, row count and schema match the manifest (the first mismatch named)."""
    return [_integrity_one(ctx, name, spec) for name, spec in ctx.manifest.sources.items()]


def _data_date(spec: DatasetSpec) -> tuple[date | None, str]:
    if isinstance(spec.extracted, date):
        return spec.extracted, "extracted"
    if isinstance(spec.collection_period.end, date):
        return spec.collection_period.end, "collected until"
    return None, ""


def freshness(ctx: Context) -> list[Finding]:
    """No source is older than the spec allows (``max_age_days``) on the audit date."""
    out = []
    limit = ctx.config.max_age_days
    refs = (_REF_QUALITY, _REF_ATRS)
    for name, spec in ctx.manifest.sources.items():
        when, how = _data_date(spec)
        if when is None:
            out.append(finding("freshness", Status.WARN, f"Source {name!r} has no extract date or collection end, "
                               "so its age cannot be judged.", groups=(name,), evidence={"dataset": name},
                               principles=_SUSTAIN, references=refs))
            continue
        age = (ctx.as_of - when).days
        evidence = {"dataset": name, "date": when.isoformat(), "basis": how, "age_days": age,
                    "max_age_days": limit, "as_of": ctx.as_of.isoformat()}
        if age < 0:
            # a date after the audit date is a wrong date or a wrong as_of: its age is not measured
            out.append(finding("freshness", Status.INCONCLUSIVE, f"Source {name!r} is dated {when} ({how}), "
                               f"{-age} days after the audit date {ctx.as_of}: either date is wrong, so its age "
                               "cannot be judged.", groups=(name,), evidence=evidence, principles=_SUSTAIN,
                               references=refs))
            continue
        status = Status.FAIL if age > limit else Status.PASS
        verdict = f"older than the {limit} days allowed" if age > limit else f"within the {limit} days allowed"
        out.append(finding("freshness", status, f"Source {name!r} was {how} {when} ({age} days before "
                           f"{ctx.as_of}): {verdict}.", value=age, threshold=limit, operator="<=", groups=(name,),
                           evidence=evidence, principles=_SUSTAIN, references=refs))
    return out


def retention(ctx: Context) -> list[Finding]:
    """No source is kept beyond its declared retention period; personal data must declare one."""
    out = []
    refs = (_REF_STORAGE, "EU AI Act Art. 10(5)")
    for name, spec in ctx.manifest.sources.items():
        personal = any(c.personal_data for c in spec.columns)
        when, how = _data_date(spec)
        if not isinstance(spec.retention_days, int):
            if personal:
                out.append(finding("retention", Status.WARN, f"Source {name!r} holds personal data but declares no "
                                   "retention period.", groups=(name,), evidence={"dataset": name},
                                   principles=_SUSTAIN, references=refs))
            continue
        if when is None:
            continue
        expiry = when + timedelta(days=spec.retention_days)
        evidence = {"dataset": name, "retention_days": spec.retention_days, "from": when.isoformat(),
                    "expires": expiry.isoformat(), "as_of": ctx.as_of.isoformat()}
        if ctx.as_of > expiry:
            out.append(finding("retention", Status.FAIL, f"Source {name!r} ({how} {when}) should have been deleted "
                               f"by {expiry}: its {spec.retention_days}-day retention period is exceeded.",
                               groups=(name,), evidence=evidence, principles=_SUSTAIN, references=refs))
        else:
            out.append(finding("retention", Status.PASS, f"Source {name!r} is within its {spec.retention_days}-day "
                               f"retention period (until {expiry}).", groups=(name,), evidence=evidence,
                               principles=_SUSTAIN, references=refs))
    return out


def lineage(ctx: Context) -> list[Finding]:
    """The lineage graph is complete, and what the audit's tables derive from is declared and approved."""
    manifest = ctx.manifest
    refs = (_REF_ORIGIN, _REF_PREP, _REF_DATASHEET)
    problems: list[str] = []
    undeclared: dict[str, list[str]] = {}
    for name, spec in manifest.sources.items():
        for source in spec.lineage.inputs if spec.lineage else ():
            if source not in manifest.sources:
                undeclared.setdefault(source, []).append(name)
    for source, users in sorted(undeclared.items()):
        problems.append(f"{_list(users)} {'was' if len(users) == 1 else 'were'} derived from {source!r}, "
                        "which is not declared")
    used = [n for r, n in ctx.matches.items() if n is not None]
    unapproved: dict[str, list[str]] = {}
    for name in used:
        for upstream in manifest.upstream(name):
            spec = manifest.sources.get(upstream)
            if spec is not None and incomplete_fields(spec):
                unapproved.setdefault(upstream, incomplete_fields(spec))
    for upstream, fields in sorted(unapproved.items()):
        problems.append(f"upstream source {upstream!r} is not fully documented and approved ({_list(fields, 3)})")
    edges = [[i, n] for n, s in manifest.sources.items() for i in (s.lineage.inputs if s.lineage else ())]
    evidence = {"edges": edges, "undeclared_inputs": sorted(undeclared), "unapproved_upstream": sorted(unapproved),
                "audited_tables": sorted(set(used)),
                "sources": sorted(n for n, s in manifest.sources.items() if not s.is_derived),
                "derived": sorted(n for n, s in manifest.sources.items() if s.is_derived), "problems": problems}
    if problems:
        return [finding("lineage", Status.FAIL, f"The data lineage is incomplete: {problems[0]}"
                        + (f"; {len(problems) - 1} more problem(s)" if len(problems) > 1 else "") + ".",
                        groups=tuple(sorted(undeclared) + sorted(unapproved)), evidence=evidence,
                        principles=_OPEN_SHARED, references=refs)]
    return [finding("lineage", Status.PASS, f"The data lineage is complete and acyclic: {len(edges)} derivation "
                    f"step(s), and every table the audit used derives only from declared, approved sources.",
                    evidence=evidence, principles=_OPEN_SHARED, references=refs)]
