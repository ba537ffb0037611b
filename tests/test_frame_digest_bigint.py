"""An object column holding an int beyond int64 is hashed by the fallback path, not a crash."""

from __future__ import annotations

import pandas as pd

from govaudit.assembly import frame_digest


def test_object_column_with_an_int_beyond_int64_is_hashed() -> None:
    big = pd.DataFrame({"amount": pd.Series([1, 10**30, None], dtype=object)})
    other = pd.DataFrame({"amount": pd.Series([1, 10**31, None], dtype=object)})
    digest = frame_digest(big)
    assert len(digest) == 64 and digest == frame_digest(big.copy())
    assert digest != frame_digest(other)  # the value still reaches the digest


def test_a_column_of_unhashable_objects_is_an_input_error_naming_it():
    import pandas as pd
    import pytest

    from govaudit import InputDataError
    from govaudit.assembly import frame_digest

    with pytest.raises(InputDataError, match=r"column 'details' holds values that cannot be hashed"):
        frame_digest(pd.DataFrame({"details": [{"x": 1}, {"y": 2}], "n": [1, 2]}))
