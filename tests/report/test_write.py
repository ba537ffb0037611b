import os
import stat
import xml.etree.ElementTree as ET

import pytest

from govaudit.exceptions import InputDataError, StorageFullError
from govaudit.records import AuditRecord
from govaudit.report import (
    _json,
    _junit,
    _write,
    check_output_paths,
    render_json,
    render_junit,
    report_paths,
    write_reports,
)

from _factories import make_record

OLD = '{"old": "record"}\n'


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_record_json_into_a_new_nested_folder(tmp_path):
    record = make_record()
    out = tmp_path / "reports" / "benefits"
    written = write_reports(record, out)
    assert written == {"json": out / "record.json"}
    text = written["json"].read_text(encoding="utf-8")
    assert text == render_json(record) + "\n"
    assert AuditRecord.from_json(text) == record


def test_writes_junit_when_asked(tmp_path):
    record = make_record()
    junit = tmp_path / "ci" / "results" / "junit.xml"
    written = write_reports(record, tmp_path / "out", junit=junit)
    assert written == {"json": tmp_path / "out" / "record.json", "junit": junit}
    assert junit.read_text(encoding="utf-8") == render_junit(record)
    assert ET.parse(junit).getroot().tag == "testsuites"


def test_overwrites_an_earlier_record_and_leaves_no_temp_files(tmp_path):
    (tmp_path / "record.json").write_text(OLD)
    write_reports(make_record(), tmp_path)
    assert (tmp_path / "record.json").read_text(encoding="utf-8") != OLD
    assert _leftovers(tmp_path) == []


def test_new_files_are_world_readable(tmp_path):
    path = write_reports(make_record(), tmp_path)["json"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_existing_file_mode_is_kept(tmp_path):
    path = tmp_path / "record.json"
    path.write_text(OLD)
    os.chmod(path, 0o600)
    write_reports(make_record(), tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_existing_record_untouched_when_rendering_json_fails(tmp_path, monkeypatch):
    path = tmp_path / "record.json"
    path.write_text(OLD)
    before = path.stat().st_mtime_ns

    def broken(record):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(_json, "render_json", broken)
    with pytest.raises(RuntimeError, match="renderer exploded"):
        write_reports(make_record(), tmp_path)
    assert path.read_text() == OLD
    assert path.stat().st_mtime_ns == before
    assert _leftovers(tmp_path) == []


def test_nothing_is_written_when_rendering_junit_fails(tmp_path, monkeypatch):
    path = tmp_path / "record.json"
    path.write_text(OLD)
    junit = tmp_path / "junit.xml"

    def broken(record, **options):
        raise ValueError("bad xml")

    monkeypatch.setattr(_junit, "render_junit", broken)
    with pytest.raises(ValueError, match="bad xml"):
        write_reports(make_record(), tmp_path, junit=junit)
    assert path.read_text() == OLD
    assert not junit.exists()


def test_existing_record_untouched_when_the_replace_fails(tmp_path, monkeypatch):
    path = tmp_path / "record.json"
    path.write_text(OLD)

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_write.os, "replace", failing_replace)
    with pytest.raises(OSError, match="no space left on device while writing .*record.json") as caught:
        write_reports(make_record(), tmp_path)
    assert isinstance(caught.value, StorageFullError) and caught.value.errno == 28
    assert path.read_text() == OLD
    assert _leftovers(tmp_path) == []


def test_existing_record_untouched_when_writing_is_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "record.json"
    path.write_text(OLD)

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(_write.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_reports(make_record(), tmp_path)
    assert path.read_text() == OLD
    assert _leftovers(tmp_path) == []


def test_out_dir_that_is_a_file_raises_oserror(tmp_path):
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        write_reports(make_record(), blocker)
    assert blocker.read_text() == "not a folder"


def test_refuses_other_objects_and_writes_nothing(tmp_path):
    with pytest.raises(TypeError, match="AuditRecord"):
        write_reports({"verdict": "pass"}, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_report_paths_are_the_files_write_reports_writes(tmp_path):
    paths = report_paths(tmp_path / "out", junit=tmp_path / "junit.xml")
    assert paths == {"json": tmp_path / "out" / "record.json", "junit": tmp_path / "junit.xml"}
    assert write_reports(make_record(), tmp_path / "out", junit=tmp_path / "junit.xml") == paths
    assert report_paths(tmp_path, case_tables=["reason_codes"])["reason_codes"] == tmp_path / "reason_codes.parquet"


def test_check_output_paths_accepts_new_and_existing_files_and_creates_nothing(tmp_path):
    (tmp_path / "record.json").write_text(OLD)
    check_output_paths({"json": tmp_path / "record.json", "junit": tmp_path / "a" / "b" / "junit.xml",
                        "html": None})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


@pytest.mark.parametrize("problem", ["folder", "under a file", "twice"])
def test_check_output_paths_names_the_path_that_cannot_be_written(tmp_path, problem):
    html = tmp_path / "report.html"
    if problem == "folder":
        html.mkdir()
        why = "it is a folder"
    elif problem == "under a file":
        (tmp_path / "site").write_text("a file")
        html = tmp_path / "site" / "pages" / "report.html"
        why = f"{tmp_path / 'site'} is not a folder"
    else:
        html = tmp_path / "out" / "record.json"
        why = "it is named for two outputs, the json and the html"
    with pytest.raises(InputDataError) as caught:
        check_output_paths({**report_paths(tmp_path / "out"), "html": html})
    assert str(caught.value) == f"cannot write {html}: {why}"
    assert not (tmp_path / "out").exists()
