"""`govaudit run` checks every output path before it writes anything, and appends to the ledger last.

A bad --html or --junit path used to fail after record.json was written and the ledger entry appended,
so that a rerun appended the same audit twice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from _factories import make_record
from govaudit.cli import main
from govaudit.records import Ledger, generate_keypair, load_signing_key


def run_cli(args, capsys):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(audit_project, tmp_path, monkeypatch):
    """A private copy of the fair sample project, with a ledger of one entry and a key to extend it."""
    monkeypatch.delenv("GOVAUDIT_KEY_PASSPHRASE", raising=False)
    folder = tmp_path / "project"
    shutil.copytree(audit_project["fair"].parent, folder, ignore=shutil.ignore_patterns("reports", "*.sqlite"))
    generate_keypair(tmp_path, name="auditor")
    key = load_signing_key(tmp_path / "auditor.key")
    with Ledger(tmp_path / "ledger.sqlite", create=True) as ledger:
        ledger.append(make_record(), key)
    return folder / "audit.toml"


def _args(project, *extra):
    folder = project.parent.parent
    return ["run", project, "--out", folder / "out", "--ledger", folder / "ledger.sqlite",
            "--signing-key", folder / "auditor.key", "--quiet", *extra]


def _state(project):
    """What a failed run must leave as it was: the ledger's entries and bytes, and no record."""
    ledger = project.parent.parent / "ledger.sqlite"
    with Ledger(ledger) as led:
        count = len(led)
    return count, ledger.read_bytes(), (project.parent.parent / "out").exists()


def _one_line_naming(err, path):
    assert err.count("\n") == 1 and err.startswith("govaudit: error: cannot write"), err
    assert str(path) in err and "Traceback" not in err


def test_a_html_path_that_is_a_folder_writes_nothing_and_appends_nothing(project, capsys):
    html = project.parent / "report.html"
    html.mkdir()
    before = _state(project)
    code, out, err = run_cli(_args(project, "--html", html), capsys)
    assert code == 2 and out == ""
    _one_line_naming(err, html)
    assert "it is a folder" in err
    assert _state(project) == before  # same entries, same bytes, no report folder, no record.json


def test_a_junit_path_under_a_file_writes_nothing_and_appends_nothing(project, capsys):
    blocker = project.parent / "ci"
    blocker.write_text("a file, not a folder\n")
    junit = blocker / "results" / "junit.xml"
    before = _state(project)
    code, _, err = run_cli(_args(project, "--junit", junit), capsys)
    assert code == 2
    _one_line_naming(err, junit)
    assert f"{blocker} is not a folder" in err
    assert _state(project) == before
    assert blocker.read_text() == "a file, not a folder\n"


def test_a_report_that_would_replace_the_ledger_is_refused(project, capsys):
    ledger = project.parent.parent / "ledger.sqlite"
    before = _state(project)
    code, _, err = run_cli(_args(project, "--junit", ledger), capsys)
    assert code == 2
    _one_line_naming(err, ledger)
    assert "two outputs, the junit and the ledger" in err
    assert _state(project) == before


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder that refuses new files: mode 0500, or (as root, who ignores modes) a read-only tmpfs."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.skipif(sys.platform != "linux", reason="folder permissions as on Linux")
@pytest.mark.parametrize("option", ["--html", "--junit"])
def test_a_folder_that_refuses_new_files_writes_nothing_and_appends_nothing(project, read_only_folder, capsys,
                                                                            option):
    target = read_only_folder / "sub" / "report.out"
    before = _state(project)
    code, _, err = run_cli(_args(project, option, target), capsys)
    assert code == 2
    _one_line_naming(err, target)
    assert f"the folder {read_only_folder} does not accept new files" in err
    assert _state(project) == before


def test_a_record_folder_that_is_a_file_writes_nothing_and_appends_nothing(project, capsys):
    out = project.parent.parent / "out"
    out.write_text("not a folder\n")
    ledger = project.parent.parent / "ledger.sqlite"
    before = ledger.read_bytes()
    code, _, err = run_cli(_args(project), capsys)
    assert code == 2
    _one_line_naming(err, out / "record.json")
    assert ledger.read_bytes() == before and out.read_text() == "not a folder\n"


def test_good_paths_write_every_report_and_append_once(project, capsys):
    folder = project.parent.parent
    html, junit = folder / "pages" / "report.html", folder / "ci" / "junit.xml"
    code, _, err = run_cli(_args(project, "--html", html, "--junit", junit), capsys)
    assert code == 0, err
    assert (folder / "out" / "record.json").is_file() and junit.is_file()
    with Ledger(folder / "ledger.sqlite") as ledger:
        assert len(ledger) == 2
        entry = ledger.entry(2)
    assert entry.entry_hash in html.read_text(encoding="utf-8")  # the page shows the new entry
