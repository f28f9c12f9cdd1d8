"""Retraining from labels through the API: too few labels, then a model the archive uses."""

from __future__ import annotations

import tomllib
from pathlib import Path

from fastapi.testclient import TestClient

from sitroom.analysis.classifier.model import CrisisClassifier
from sitroom.analysis.classify import ClassifyStep
from sitroom.analyzing import analysis_settings
from sitroom.archive_folder import ArchiveFolder
from sitroom.config import ArchivePaths
from tests.web.conftest import auth
from tests.web.fixture_archive import CORRECTIONS, correction_texts


def _ids_by_platform_id(client: TestClient) -> dict[str, str]:
    body = client.get("/api/v1/messages", params={"limit": 500}).json()
    return {str(m["platform_id"]): str(m["id"]) for m in body["messages"]}


def _label_corrections(client: TestClient) -> None:
    ids = _ids_by_platform_id(client)
    for platform_id, category in CORRECTIONS.items():
        response = client.post("/api/v1/labels", headers=auth(), json={
            "message_id": ids[platform_id], "field": "category", "value": category,
            "labelled_by": "amira"})
        assert response.status_code == 201, response.text


def _agreement(model: CrisisClassifier) -> int:
    texts = correction_texts()
    best = model.predict(list(texts.values())).category.argmax(axis=1).tolist()
    return sum(model.labels[i] == CORRECTIONS[pid] for pid, i in zip(texts, best, strict=True))


def test_retrain_with_too_few_labels_is_a_clear_409(writer: TestClient) -> None:
    ids = _ids_by_platform_id(writer)
    writer.post("/api/v1/labels", headers=auth(), json={
        "message_id": ids["7011"], "field": "category", "value": "requests_or_urgent_needs"})
    response = writer.post("/api/v1/retrain", headers=auth(), json={"embeddings": False})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["type"] == "NotEnoughLabelsError"
    assert "at least 10" in error["message"] and "has 1" in error["message"]


def test_retrain_saves_a_model_the_archive_then_uses(writer: TestClient,
                                                     archive_copy: Path) -> None:
    _label_corrections(writer)
    response = writer.post("/api/v1/retrain", headers=auth(), json={"embeddings": False})
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["labels"] == len(CORRECTIONS) and summary["base_model"] == "default"
    assert summary["label_counts"]["requests_or_urgent_needs"] == 4
    assert summary["model"].startswith("models/collection-")
    assert summary["previous_model"] is None and summary["embeddings"] is False
    assert 0.0 <= summary["accuracy_before"] <= 1.0 and summary["folds"] == 5
    assert any("sitroom analyze" in note for note in summary["notes"])
    config = tomllib.loads((archive_copy / "sitroom.toml").read_text(encoding="utf-8"))
    assert config["model"] == summary["model"]
    with ArchiveFolder(ArchivePaths(archive_copy), read_only=True) as folder:
        step = ClassifyStep(analysis_settings(folder, embeddings=False))
    assert step.model.meta["retrained"]["labels"] == len(CORRECTIONS)
    before, after = _agreement(CrisisClassifier.load()), _agreement(step.model)
    assert before <= 3 and after >= len(CORRECTIONS) - 1, (before, after)
    # labels are never touched, and a second retraining starts from the default model again
    detail = writer.get(f"/api/v1/messages/{_ids_by_platform_id(writer)['7011']}").json()
    assert detail["labels"][0]["value"] == "requests_or_urgent_needs"
    again = writer.post("/api/v1/retrain", headers=auth(), json={"embeddings": False}).json()
    assert again["previous_model"] == summary["model"] and again["base_model"] == "default"
    assert again["model"] != summary["model"]
    assert (archive_copy / summary["model"]).is_file()
