"""The string dtype the sample generators write: missing values as NaN where pandas offers it."""

from __future__ import annotations

import numpy as np
import pandas as pd


def text_dtype() -> pd.StringDtype:
    """pandas' NaN-missing string dtype (the default ``str`` of pandas 3; ``na_value`` needs pandas >= 2.3).

    Older pandas gets the ``pd.NA`` string dtype: the Parquet files it writes hold the same strings and nulls.
    """
    try:
        return pd.StringDtype(na_value=np.nan)
    except TypeError:
        return pd.StringDtype()
