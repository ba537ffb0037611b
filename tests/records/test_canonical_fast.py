"""The canonical JSON serialiser writes exactly the bytes of the reference ``rfc8785`` package."""

from __future__ import annotations

import enum
import struct

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from govaudit.exceptions import InputDataError
from govaudit.records import canonical_json
from govaudit.records._canonical import es_number

_finite = st.floats(allow_nan=False, allow_infinity=False)
_scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | _finite | st.text()
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(_values)
def test_same_bytes_as_rfc8785_on_random_json(value):
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:  # lone surrogates in text
        with pytest.raises(InputDataError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected


@settings(max_examples=2000, deadline=None)
@given(st.binary(min_size=8, max_size=8))
def test_every_float_is_written_as_ecmascript_writes_it(raw):
    value = struct.unpack("<d", raw)[0]
    if value != value or value in (float("inf"), float("-inf")):
        return
    assert es_number(value) == rfc8785.dumps(value).decode()


@pytest.mark.parametrize("value", [1e21, 1e20, 1e-6, 1e-7, 5e-324, 1.7976931348623157e308, 2.0**60, -0.0, 100.0])
def test_number_form_boundaries(value):
    assert es_number(value) == rfc8785.dumps(value).decode()


def test_keys_are_ordered_by_utf16_code_units():
    # U+FB01 sorts after U+1F600 by code point but before it in UTF-16 (a surrogate pair starts 0xD8).
    value = {"\U0001f600": 1, "\ufb01": 2, "a": 3}
    assert canonical_json(value) == rfc8785.dumps(value)
    assert canonical_json(value).index("\ufb01".encode()) > canonical_json(value).index("\U0001f600".encode())


def test_subclasses_of_json_types_are_written_as_their_values():
    class Colour(str, enum.Enum):
        RED = "red"

    class Size(enum.IntEnum):
        BIG = 3

    value = {"c": Colour.RED, "s": Size.BIG, "t": (1, 2.5), "b": True}
    assert canonical_json(value) == rfc8785.dumps(value) == b'{"b":true,"c":"red","s":3,"t":[1,2.5]}'
