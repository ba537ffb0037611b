"""The triage cases the multi-class tests audit."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The tracks a case can be decided into, from the mildest to the most adverse.
CLASSES = ["none", "letter", "interview", "investigation"]


def triage(n: int, seed: int, extra: float = 0.0, sexes: tuple[str, str] = ("f", "m")) -> pd.DataFrame:
    """Cases in three regions; ``extra`` of the south's cases are moved to investigation whatever their class."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"sex": rng.choice(list(sexes), n), "region": rng.choice(["north", "south", "east"], n)})
    frame["true"] = rng.choice(CLASSES, n, p=[0.4, 0.25, 0.15, 0.2])
    frame["pred"] = np.where(rng.random(n) < 0.8, frame["true"], rng.choice(CLASSES, n))
    moved = (frame["region"] == "south") & (rng.random(n) < extra)
    frame.loc[moved, "pred"] = "investigation"
    return frame
