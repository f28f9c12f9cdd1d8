"""Loading GeoNames and user gazetteers, the name index, admin paths and nearest places."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom.analysis.base import AnalysisSettings
from sitroom.analysis.gazetteer import (
    load_gazetteer,
    parse_region,
    read_user_gazetteer,
    usable_name,
)
from sitroom.errors import AnalysisError

GAZETTEER = Path(__file__).resolve().parents[1] / "fixtures" / "analysis" / "places_gazetteer.tsv"
ROW = "\t".join(
    [
        "90000100",
        "Jobar",
        "Jobar",
        "Jawbar,جوبر",
        "33.53",
        "36.33",
        "P",
        "PPLX",
        "SY",
        "",
        "13",
        "",
        "",
        "",
        "",
        "",
        "",
        "Asia/Damascus",
        "2016-01-01",
    ]
)


def test_user_rows_are_read_with_names_and_admin_codes() -> None:
    rows = read_user_gazetteer(GAZETTEER)
    assert len(rows) == 11
    place, names = rows[0]
    assert (place.geonameid, place.name, place.kind) == (90000001, "Bustan al-Qasr", "user")
    assert (place.lat, place.lon, place.country_code, place.admin1_code) == (
        36.1967,
        37.14,
        "SY",
        "09",
    )
    assert "بستان القصر" in names and "Bostan al-Qasr" in names


def test_empty_population_is_zero(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("# comment\n\n" + ROW + "\n", encoding="utf-8")
    [(place, names)] = read_user_gazetteer(path)
    assert place.population == 0
    assert names == ["Jobar", "Jobar", "Jawbar", "جوبر"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("90000100\tJobar\tJobar", "line 2: expected 19 tab-separated columns, found 3"),
        (ROW.replace("33.53", "north"), "line 2: id, coordinates or population is not a number"),
        (ROW.replace("90000100", "x1"), "line 2: id, coordinates"),
        (ROW.replace("33.53", "133.5"), "line 2: coordinates 133.5, 36.33 are out of range"),
        (ROW.replace("\tJobar\tJobar", "\t \tJobar"), "line 2: the name column is empty"),
    ],
)
def test_broken_user_file_names_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(ROW + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match=message.replace("(", r"\(")):
        read_user_gazetteer(path)


def test_missing_or_binary_user_file(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="cannot read"):
        load_gazetteer(AnalysisSettings(gazetteer_path=tmp_path / "absent.tsv"))
    binary = tmp_path / "bin.tsv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(AnalysisError, match="UTF-8"):
        read_user_gazetteer(binary)


def test_index_is_built_once_per_settings() -> None:
    first = load_gazetteer(AnalysisSettings(region="SY", gazetteer_path=GAZETTEER))
    again = load_gazetteer(AnalysisSettings(region=" sy ", gazetteer_path=GAZETTEER))
    assert first is again
    assert load_gazetteer(AnalysisSettings(region="IQ")) is not first


def test_region_loads_small_places_and_world_loads_big_ones() -> None:
    syria = load_gazetteer(AnalysisSettings(region="SY"))
    plain = load_gazetteer(AnalysisSettings())
    assert 167558 in syria.places  # Madaya, no population figure
    assert 167558 not in plain.places
    assert 2988507 in plain.places  # Paris
    assert syria.exact.get("madaya")
    assert 170063 in syria.exact.get("حلب")


def test_admin_paths() -> None:
    gazetteer = load_gazetteer(AnalysisSettings(region="SY", gazetteer_path=GAZETTEER))
    assert gazetteer.admin_path(gazetteer.places[170063]) == ["Syria", "Aleppo"]
    assert gazetteer.admin_path(gazetteer.places[90000009]) == ["Syria", "Idlib"]
    assert gazetteer.admin_path(gazetteer.places[163843]) == ["Syria"]
    assert gazetteer.admin_path(gazetteer.places[2988507]) == ["France"]


def test_country_point_is_inside_the_country() -> None:
    syria = load_gazetteer(AnalysisSettings()).places[163843]
    assert syria.kind == "country"
    assert 32 < syria.lat < 37.5 and 35.5 < syria.lon < 42.5


def test_nearest_prefers_close_user_places() -> None:
    gazetteer = load_gazetteer(AnalysisSettings(region="SY", gazetteer_path=GAZETTEER))
    near = gazetteer.nearest(36.1968, 37.1401)
    assert near is not None and near.geonameid == 90000001
    assert gazetteer.nearest(0.0, -30.0) is None


def test_usable_names() -> None:
    assert usable_name("Aleppo") and usable_name("حلب") and usable_name("Ḩamāh")
    assert not usable_name("ALP")  # a code
    assert not usable_name("hlb")  # a lower-case romanisation
    assert not usable_name("Алеппо") and not usable_name("アレッポ")
    assert not usable_name("ڕەققە")  # Kurdish letters
    assert not usable_name("Paris 04")


def test_parse_region() -> None:
    assert parse_region(None) == frozenset()
    assert parse_region("sy, IQ ,") == frozenset({"SY", "IQ"})


def test_common_words_are_words_written_in_lower_case() -> None:
    from sitroom.analysis.placewords import STOP_WORDS, common_words

    texts = ["the police came", "Police said", "police help", "Police are here", "our police"]
    texts += ["Colorado fire", "colorado", "Colorado burns", "Colorado smoke"]
    assert common_words(texts, min_lower=3) == ["police"]
    assert {"police", "reading", "homes", "follow", "syrian", "امان", "بلا"} <= STOP_WORDS
    assert "aleppo" not in STOP_WORDS and "colorado" not in STOP_WORDS
