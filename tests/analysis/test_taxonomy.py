"""Taxonomy files: the shipped default and every way a user's file can be wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitroom.analysis.taxonomy import default_taxonomy, load_taxonomy, parse_taxonomy
from sitroom.errors import AnalysisError

DESIGN_LABELS = (
    "requests_or_urgent_needs", "injured_or_dead_people", "missing_or_found_people",
    "displaced_people_and_evacuations", "infrastructure_and_utility_damage", "caution_and_advice",
    "sympathy_and_support", "rescue_volunteering_or_donation_effort",
    "other_relevant_information", "not_humanitarian",
)


def test_default_taxonomy_is_design_section_4() -> None:
    taxonomy = default_taxonomy()
    assert taxonomy.ids == DESIGN_LABELS
    assert "not_humanitarian" in taxonomy.not_informative
    assert taxonomy.not_informative <= set(taxonomy.ids)
    assert all(label.description for label in taxonomy.labels)
    assert "caution_and_advice" in taxonomy
    assert "weather" not in taxonomy


def test_user_taxonomy_file(tmp_path: Path) -> None:
    path = tmp_path / "tax.json"
    path.write_text(json.dumps({
        "name": "armed-conflict",
        "labels": [{"id": "shelling", "description": "قصف"}, {"id": "aid"}],
        "not_informative": [],
    }, ensure_ascii=False), encoding="utf-8")
    taxonomy = load_taxonomy(path)
    assert taxonomy.name == "armed-conflict"
    assert taxonomy.ids == ("shelling", "aid")
    assert taxonomy.labels[0].description == "قصف"
    assert taxonomy.labels[1].description == ""
    assert taxonomy.not_informative == frozenset()


@pytest.mark.parametrize(("document", "message"), [
    ([], "must be a JSON object"),
    ({"labels": [{"id": "a"}]}, "'name'"),
    ({"name": "x", "labels": []}, "non-empty list"),
    ({"name": "x", "labels": ["a"]}, "labels[0] must be an object"),
    ({"name": "x", "labels": [{"id": ""}]}, "labels[0].id"),
    ({"name": "x", "labels": [{"id": "has space"}]}, "labels[0].id"),
    ({"name": "x", "labels": [{"id": "a"}, {"id": "a"}]}, "duplicate label ids: a"),
    ({"name": "x", "labels": [{"id": "a", "description": 3}]}, "description"),
    ({"name": "x", "labels": [{"id": "a"}], "not_informative": ["b"]}, "unknown labels: b"),
    ({"name": "x", "labels": [{"id": "a"}], "not_informative": "a"}, "list of label ids"),
])
def test_malformed_taxonomy_documents(document: object, message: str) -> None:
    with pytest.raises(AnalysisError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_taxonomy(document, "t.json")


def test_taxonomy_file_not_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"name": "x", "labels": [', encoding="utf-8")
    with pytest.raises(AnalysisError, match="not valid JSON"):
        load_taxonomy(path)


def test_taxonomy_file_missing_or_binary(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="cannot read taxonomy"):
        load_taxonomy(tmp_path / "absent.json")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(AnalysisError, match="cannot read taxonomy"):
        load_taxonomy(binary)
