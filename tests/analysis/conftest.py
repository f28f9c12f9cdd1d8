"""Shared analysis fixtures: the small labelled CSV and the model trained on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom.analysis.classifier.learn import train_classifier
from sitroom.analysis.classifier.model import CrisisClassifier
from sitroom.analysis.classifier.training import ColumnSpec, LabelledExample, read_labelled

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "analysis" / "labelled_small.csv"
COLUMNS = ColumnSpec(text="text", label="label", informative="informative")


@pytest.fixture(scope="session")
def small_examples() -> list[LabelledExample]:
    """The 42 labelled English and Arabic messages of fixtures/analysis/labelled_small.csv."""
    return read_labelled(FIXTURE, COLUMNS).examples


@pytest.fixture(scope="session")
def small_model(small_examples: list[LabelledExample]) -> CrisisClassifier:
    """A classifier trained on them without embeddings (fast, deterministic)."""
    return train_classifier(small_examples, embedder=None)
