"""The humanitarian classifier: text preparation, n-gram and embedding heads, training,
adaptation to a new crisis, model files and evaluation."""

from sitroom.analysis.classifier.model import DEFAULT_MODEL_PATH, CrisisClassifier, Prediction

__all__ = ["DEFAULT_MODEL_PATH", "CrisisClassifier", "Prediction"]
