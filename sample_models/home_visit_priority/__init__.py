"""Sample for govaudit's social-services scenario: a child-welfare home-visit priority queue and a family allowance.

Past referrals recorded concerns as substantiated more readily when an interpreter was needed, so
the model ranks families with a migration background higher than their need; the allowance is
under-paid to male caregivers. See ``README.md``.
"""

from .generate import CAPACITY, FEATURES, INJECTED_EFFECTS, LABEL, NEED, generate_cases, queue
from .queue_figures import top_k_shares
from .train import load_model, priority_scores, save_model, train_model

__all__ = ["CAPACITY", "FEATURES", "INJECTED_EFFECTS", "LABEL", "NEED", "generate_cases", "load_model",
           "priority_scores", "queue", "save_model", "top_k_shares", "train_model"]
