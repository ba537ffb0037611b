"""Sample model for govaudit's demo: synthetic benefit applications with an injected bias.

Historical decisions (the label ``eligible``) wrongly denied a fixed share of in-person
applicants who needed support; a model trained on them, with ``channel`` as an input,
reproduces the disparity.  See ``README.md`` for the data-generating process.
"""

from .generate import (
    COLUMNS,
    IN_PERSON_DENIAL_RATE,
    INJECTED_EFFECT,
    LABEL_NOISE_RATE,
    generate_applications,
    split_train_eval,
)
from .train import FEATURES, LABEL, load_model, save_model, train_model

__all__ = [
    "COLUMNS",
    "FEATURES",
    "INJECTED_EFFECT",
    "IN_PERSON_DENIAL_RATE",
    "LABEL",
    "LABEL_NOISE_RATE",
    "generate_applications",
    "load_model",
    "save_model",
    "split_train_eval",
    "train_model",
]
