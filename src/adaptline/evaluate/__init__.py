"""Evaluation of the models of one adapter on held-out data.

Every model (base, CPT, SFT, and the deployment models: QAT, PTQ, student) is scored with the
same suite so the numbers sit side by side: test-split perplexity, domain-term accuracy, held-out
instruction pairs (exact match, token F1) and, for firmware adapters, whether generated C
functions compile. The qat and distill stages call ``evaluate_model`` on their own models.
"""

from adaptline.evaluate.params import EvaluateParams
from adaptline.evaluate.suite import EvalData, evaluate_adapter, evaluate_model, load_eval_data

__all__ = ["EvalData", "EvaluateParams", "evaluate_adapter", "evaluate_model", "load_eval_data"]
