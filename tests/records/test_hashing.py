import hashlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govaudit.exceptions import GovauditError, InputDataError
from govaudit.records._hashing import CHUNK_SIZE, sha256_bytes, sha256_file, sha256_text

EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ABC_SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def _reference(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def test_chunk_size_is_one_mebibyte():
    assert CHUNK_SIZE == 1024 * 1024


@pytest.mark.parametrize(
    "size",
    [0, 1, 1000, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE + 12345],
    ids=lambda n: f"{n}B",
)
def test_sha256_file_matches_hashlib(tmp_path, size):
    path = tmp_path / "data.bin"
    # Deterministic, non-repeating-ish content so that chunk boundaries matter.
    block = hashlib.sha256(str(size).encode()).digest() * (size // 32 + 1)
    path.write_bytes(block[:size])
    assert sha256_file(path) == _reference(path)


def test_sha256_file_small_text_file(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text("case_id,score\n1,0.3\n2,0.9\n", encoding="utf-8")
    assert sha256_file(path) == _reference(path)


def test_sha256_file_large_file_is_more_than_one_chunk(tmp_path):
    path = tmp_path / "large.bin"
    path.write_bytes(bytes(range(256)) * (5 * CHUNK_SIZE // 256 + 7))
    assert path.stat().st_size > CHUNK_SIZE
    assert sha256_file(path) == _reference(path)


def test_sha256_file_reads_in_chunks(tmp_path, monkeypatch):
    path = tmp_path / "large.bin"
    path.write_bytes(b"x" * (2 * CHUNK_SIZE + 1))
    sizes = []
    real_open = Path.open

    def spying_open(self, *args, **kwargs):
        fh = real_open(self, *args, **kwargs)
        real_read = fh.read

        class Spy:
            def __enter__(self):
                fh.__enter__()
                return self

            def __exit__(self, *exc):
                return fh.__exit__(*exc)

            def read(self, n=-1):
                sizes.append(n)
                return real_read(n)

        return Spy()

    monkeypatch.setattr(Path, "open", spying_open)
    assert sha256_file(path) == hashlib.sha256(b"x" * (2 * CHUNK_SIZE + 1)).hexdigest()
    assert sizes and all(n == CHUNK_SIZE for n in sizes)


def test_sha256_file_accepts_str_path(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    assert sha256_file(str(path)) == ABC_SHA


def test_sha256_file_empty_file(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert sha256_file(path) == EMPTY_SHA


def test_sha256_file_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nowhere" / "model.skops"
    with pytest.raises(InputDataError, match="model.skops") as info:
        sha256_file(missing)
    assert str(missing) in str(info.value)
    assert isinstance(info.value, GovauditError)


def test_sha256_file_directory_is_an_input_error(tmp_path):
    with pytest.raises(InputDataError, match="not a regular file"):
        sha256_file(tmp_path)


def test_sha256_bytes_known_vectors():
    assert sha256_bytes(b"") == EMPTY_SHA
    assert sha256_bytes(b"abc") == ABC_SHA


def test_sha256_text_is_utf8():
    assert sha256_text("abc") == ABC_SHA
    assert sha256_text("Zürich – 65+") == hashlib.sha256("Zürich – 65+".encode("utf-8")).hexdigest()


@given(st.binary(max_size=4096))
def test_sha256_bytes_is_lowercase_hex_and_matches_hashlib(data):
    digest = sha256_bytes(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert len(digest) == 64 and digest == digest.lower()


@given(st.text(max_size=200))
def test_sha256_text_equals_bytes_of_utf8(text):
    assert sha256_text(text) == sha256_bytes(text.encode("utf-8"))
