"""Sample for govaudit's digital-industry scenario: a vendor's candidate-ranking model delivered as ONNX.

Past employer decisions penalised career gaps and a commute zone, which carry sex and
race/ethnicity; the vendor's training data arrive with an incomplete manifest. See ``README.md``.
"""

from .generate import FEATURES, INJECTED_EFFECTS, LABEL, generate_candidates, split_train_eval
from .manifest import UNDECLARED_SOURCE, write_manifest
from .train import export_onnx, train_model

__all__ = ["FEATURES", "INJECTED_EFFECTS", "LABEL", "UNDECLARED_SOURCE", "export_onnx", "generate_candidates",
           "split_train_eval", "train_model", "write_manifest"]
