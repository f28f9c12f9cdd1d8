"""People and organisations: the shipped list, a user list, titles, English and Arabic."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sitroom.analysis.base import AnalysisItem, AnalysisSettings
from sitroom.analysis.entities import EntitiesStep, read_names
from sitroom.errors import AnalysisError


@cache
def step() -> EntitiesStep:
    return EntitiesStep(AnalysisSettings())


def find(
    text: str, places: list[dict[str, Any]] | None = None, entities: EntitiesStep | None = None
) -> tuple[list[Any], list[Any]]:
    item = AnalysisItem(id="1", text=text, platform="twitter")
    if places is not None:
        item.annotations["places"] = {"value": places}  # type: ignore[dict-item]
    out = (entities or step()).annotate([item])[0]
    assert set(out) == {"people", "orgs"}
    people, orgs = out["people"]["value"], out["orgs"]["value"]
    assert isinstance(people, list) and isinstance(orgs, list)
    for entry in [*people, *orgs]:
        start, end = entry["span"]
        assert text[start:end] == entry["text"]
    return people, orgs


def names(entries: list[Any]) -> list[str]:
    return [entry["name"] for entry in entries]


def test_aid_agencies_and_forces_in_english() -> None:
    people, orgs = find(
        "WHO and UNICEF teams, the Syrian Arab Red Crescent and Doctors Without Borders were "
        "blocked by government forces; White Helmets pulled people from the rubble."
    )
    assert names(orgs) == [
        "WHO",
        "UNICEF",
        "Syrian Arab Red Crescent",
        "MSF",
        "government forces",
        "White Helmets",
    ]
    assert [o["type"] for o in orgs][:2] == ["aid_agency", "aid_agency"]
    assert orgs[4]["type"] == "armed_group"
    assert people == []


def test_acronyms_need_capitals() -> None:
    _, orgs = find("who is there? the un said nothing, care for us")
    assert orgs == []
    _, orgs = find("The UN and WHO")
    assert names(orgs) == ["United Nations", "WHO"]


def test_the_same_orgs_in_arabic_with_clitics() -> None:
    text = (
        "وصلت قافلة للهلال الأحمر العربي السوري وبالأمم المتحدة ومنظمة الصحة العالمية"
        " رغم قصف قوات النظام والطيران الروسي"
    )
    _, orgs = find(text)
    assert names(orgs) == [
        "Syrian Arab Red Crescent",
        "United Nations",
        "WHO",
        "government forces",
        "Russian air force",
    ]
    assert orgs[0]["text"] == "لهلال الأحمر العربي السوري"  # li- is left out, al- kept
    _, orgs = find("أطباء بلا حدود والدفاع المدني وداعش")
    assert names(orgs) == ["MSF", "White Helmets", "Islamic State"]


def test_role_then_person_merge_in_both_languages() -> None:
    people, _ = find("UN human rights spokesman Rupert Colville told reporters in Geneva")
    assert people == [
        {
            "text": "Rupert Colville",
            "span": [26, 41],
            "name": "Rupert Colville",
            "role": "UN human rights spokesman",
        }
    ]
    people, _ = find("قال المبعوث الأممي ستافان دي ميستورا إن الوضع كارثي")
    assert names(people) == ["Staffan de Mistura"]
    assert people[0]["role"] == "UN envoy"


def test_listed_people_and_lone_roles() -> None:
    people, _ = find("Ban Ki-moon and Stephen O'Brien; later the UN envoy spoke. بان كي مون")
    assert names(people) == ["Ban Ki-moon", "Stephen O'Brien", "UN envoy", "Ban Ki-moon"]
    assert people[1]["role"] == "UN humanitarian chief"
    assert people[2]["role"] == "UN envoy"


def test_titles_give_unlisted_people() -> None:
    people, _ = find("Dr. Ahmad Tarakji said, and spokesman Jens Laerke agreed. Mr Smith left")
    assert [(p["name"], p.get("role")) for p in people] == [
        ("Ahmad Tarakji", "doctor"),
        ("Jens Laerke", "OCHA spokesman"),
        ("Smith", None),
    ]
    assert "role" not in people[2]
    people, _ = find("قال الدكتور محمد أبو رجب إن المشفى خرج عن الخدمة")
    assert [(p["name"], p["role"]) for p in people] == [("محمد أبو رجب", "doctor")]


def test_titles_without_names_give_nothing() -> None:
    people, _ = find("the general hospital; President of the council; dr. who? الدكتور قال")
    assert people == []


def test_place_words_are_not_names() -> None:
    places = [{"text": "الشيخ مقصود", "span": [14, 25]}]
    people, _ = find("اشتباكات في حي الشيخ مقصود", places=places)
    assert people == []


def test_user_names_file_extends_and_wins(tmp_path: Path) -> None:
    path = tmp_path / "names.json"
    path.write_text(
        json.dumps(
            {
                "orgs": [
                    {"name": "Molham Team", "type": "aid_agency", "aliases": ["فريق ملهم"]},
                    {"name": "Local council", "type": "government", "aliases": ["WHO"]},
                ],
                "people": [{"name": "Abu Ahmad", "role": "medic"}],
                "titles": {"medic": "medic"},
            }
        ),
        encoding="utf-8",
    )
    entities = EntitiesStep(AnalysisSettings(names_path=path))
    people, orgs = find(
        "Molham Team, فريق ملهم, WHO; medic Omar Ali and Abu Ahmad", entities=entities
    )
    assert names(orgs) == ["Molham Team", "Molham Team", "Local council"]
    assert [(p["name"], p.get("role")) for p in people] == [
        ("Omar Ali", "medic"),
        ("Abu Ahmad", "medic"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read it as JSON"),
        ("[1, 2]", "top level must be an object"),
        ('{"orgs": {"name": "x"}}', "'orgs' must be a list"),
        ('{"people": [{"aliases": ["x"]}]}', r"people\[0\] needs a string 'name'"),
        ('{"orgs": [{"name": "x", "aliases": [1]}]}', r"orgs\[0\] needs"),
    ],
)
def test_malformed_names_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "names.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnalysisError, match=message):
        read_names(path)
    with pytest.raises(AnalysisError):
        EntitiesStep(AnalysisSettings(names_path=path))


@pytest.mark.parametrize(
    "text", ["", "😀😀", "http://t.co/x @UN", "\x00\x1b", "UN " * 30_000, "الأمم المتحدة " * 5000]
)
def test_odd_text_never_raises(text: str) -> None:
    people, orgs = find(text)
    assert all(entry["span"][1] <= 20_000 for entry in [*people, *orgs])


def test_output_is_json() -> None:
    item = AnalysisItem(id="1", text="MSF and Dr. Ali Hassan", platform="x")
    json.dumps(step().annotate([item]))


def test_step_contract() -> None:
    assert (EntitiesStep.name, EntitiesStep.version, EntitiesStep.keys) == (
        "entities",
        "1",
        ("people", "orgs"),
    )
