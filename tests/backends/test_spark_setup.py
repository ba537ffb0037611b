"""Why the spark backend cannot run is said plainly: pyspark missing, java missing, or a Java older than 17."""

from __future__ import annotations

import stat

import pytest

from govaudit.backends import spark_unavailable

pytest.importorskip("pyspark", reason="spark tests skipped: the spark backend needs pyspark")


def _fake_java(folder, banner: str) -> str:
    """A JAVA_HOME whose bin/java prints ``banner`` to stderr, as ``java -version`` does."""
    java = folder / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho '{banner}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return str(folder)


@pytest.fixture(autouse=True)
def _fresh():
    spark_unavailable.cache_clear()  # the answer is cached per process
    yield
    spark_unavailable.cache_clear()


@pytest.mark.parametrize(("banner", "reason"), [
    ('openjdk version "11.0.2" 2019-01-15', "version 11.0.2"),
    ('java version "1.8.0_292"', "version 1.8.0_292"),
    ('openjdk version "17.0.15" 2025-04-15', None),
    ('openjdk version "21" 2023-09-19', None),
])
def test_java_older_than_17_is_named(tmp_path, monkeypatch, banner, reason):
    monkeypatch.setenv("JAVA_HOME", _fake_java(tmp_path, banner))
    why = spark_unavailable()
    if reason is None:
        assert why is None
    else:
        assert why is not None and "Java 17 or later" in why and reason in why and str(tmp_path) in why


def test_missing_java_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    assert "java was not found" in spark_unavailable()
