"""Sample model for govaudit's explainability demo: welfare fraud-risk scoring with a language proxy.

Past investigations recorded paperwork mistakes of people with limited proficiency in the official
language as irregularities; a model trained on them, with ``language_proficiency`` as an input,
flags people with a migration background far more often although it never sees that attribute.
See ``README.md`` for the data-generating process.
"""

from .generate import (
    COLUMNS,
    INJECTED_EFFECT,
    LANGUAGE_EFFECT,
    PROFICIENCY_GIVEN_BACKGROUND,
    expected_proxy_auc,
    generate_recipients,
    irregularity_probability,
    split_train_eval,
)
from .train import FEATURES, FLAG_THRESHOLD, LABEL, load_model, save_model, train_model

__all__ = [
    "COLUMNS",
    "FEATURES",
    "FLAG_THRESHOLD",
    "INJECTED_EFFECT",
    "LABEL",
    "LANGUAGE_EFFECT",
    "PROFICIENCY_GIVEN_BACKGROUND",
    "expected_proxy_auc",
    "generate_recipients",
    "irregularity_probability",
    "load_model",
    "save_model",
    "split_train_eval",
    "train_model",
]
