"""The CSV adapter: CrisisLexT26 files, custom tables with a column mapping, bad rows."""

from __future__ import annotations

import csv
import html
import io
import threading
from pathlib import Path

import pytest

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import Message, Record
from sitroom.sources import csv_table
from sitroom.sources.base import SourceSettings
from sitroom.sources.csv_table import CsvSource

ARABIC_SETTINGS = SourceSettings(
    text_column="النص",
    id_column=" المعرف",
    time_column="التاريخ",
    author_column="الكاتب",
    label_columns=("التصنيف",),
    timezone="Asia/Damascus",
)


class OneWayStream(io.BytesIO):
    """A stream that cannot seek, like stdin."""

    def seekable(self) -> bool:
        return False

    def seek(self, offset: int, whence: int = 0) -> int:
        raise io.UnsupportedOperation("seek")

    def tell(self) -> int:
        raise io.UnsupportedOperation("tell")


def read_all(
    data: bytes, settings: SourceSettings | None = None
) -> tuple[CsvSource, list[Record], list[Message | str]]:
    """Records of `data`, and for each its message or its reject reason."""
    source = CsvSource(settings or SourceSettings())
    records = list(source.records(OneWayStream(data), "input.csv"))
    results: list[Message | str] = []
    for record in records:
        assert record.raw in data
        try:
            parsed = source.parse(record)
        except RecordRejected as err:
            results.append(str(err))
            continue
        assert len(parsed) == 1
        message = parsed[0]
        assert isinstance(message, Message)
        results.append(message)
    return source, records, results


def messages(results: list[Message | str]) -> list[Message]:
    return [item for item in results if isinstance(item, Message)]


def test_crisislex_fixture_rows_become_tweets(fixtures: Path) -> None:
    data = (fixtures / "csv" / "crisislex_t26_sample.csv").read_bytes()
    _, records, results = read_all(data)
    found = messages(results)
    assert len(found) == len(results) == 12
    assert {m.platform for m in found} == {"twitter"}
    assert all(m.platform_id is not None and m.platform_id.isdigit() for m in found)
    # The records are the file, header aside, cut without losing or changing a byte.
    header_end = data.index(b"\n") + 1
    assert data[:header_end] + b"".join(r.raw for r in records) == data


def test_crisislex_labels_ids_and_entities(fixtures: Path) -> None:
    data = (fixtures / "csv" / "crisislex_t26_sample.csv").read_bytes()
    _, records, results = read_all(data)
    by_id = {m.platform_id: m for m in messages(results)}
    red_cross = by_id["262598006153543680"]
    assert red_cross.text.startswith("Red Cross & volunteers handing out water at the stadium >>")
    assert red_cross.extra == {
        "labels": {
            "Information Source": "NGOs",
            "Information Type": "Donations and volunteering",
            "Informativeness": "Related and informative",
        }
    }
    raw = next(r.raw for r in records if b"262598006153543680" in r.raw)
    assert b"&amp;" in raw and b"&gt;&gt;" in raw
    # An id written with a leading apostrophe is the same tweet id.
    assert "262601234567890123" in by_id
    assert by_id["262605811416391680"].text.endswith("Ipagdasal natin sila <3")
    assert by_id["262602855094747136"].text.startswith("زلزال قوي يضرب غواتيمالا، الناس")
    assert "¡Mantengan la calma!" in by_id["262596978112860160"].text
    assert by_id["262604117035003904"].text.startswith('He said "stay inside, aftershocks')


def test_crisislex_multiline_row_keeps_its_bytes_and_first_line(fixtures: Path) -> None:
    data = (fixtures / "csv" / "crisislex_t26_sample.csv").read_bytes()
    _, records, results = read_all(data)
    index = next(i for i, r in enumerate(records) if b"Evacuation centres" in r.raw)
    assert records[index].locator == "line 6"
    assert records[index].raw.count(b"\n") == 2
    assert records[index + 1].locator == "line 8"
    message = results[index]
    assert isinstance(message, Message)
    assert message.text.startswith("Evacuation centres open:\nSan Marcos, Quetzaltenango")
    tsunami = next(m for m in messages(results) if m.text.startswith("RT @news"))
    assert tsunami.text == "RT @news: Tsunami warning lifted\rhttp://t.co/Lm3nOp4Q"


def test_sniff_scores(fixtures: Path) -> None:
    crisis = (fixtures / "csv" / "crisislex_t26_sample.csv").read_bytes()
    custom = (fixtures / "csv" / "custom_semicolon.csv").read_bytes()
    assert CsvSource.sniff(crisis, "events.csv") == 85
    assert 40 <= CsvSource.sniff(custom, "aleppo.csv") <= 70
    assert 40 <= CsvSource.sniff(b"Date,Username,Message\n2016-12-13,ali,hello\n", "x") <= 70
    assert CsvSource.sniff(b'{"text": "a, b", "id": 1}\n', "x.csv") == 0
    assert CsvSource.sniff(b'[{"text": "a, b"}]', "x.csv") == 0
    assert CsvSource.sniff(b"12/13/16, 10:22 - Ali: hello, all\n", "chat.txt") == 0
    assert CsvSource.sniff(b"\x00\x01binary,stuff\n", "x.csv") == 0
    assert CsvSource.sniff(b"", "x.csv") == 0


def test_semicolon_table_with_arabic_column_mapping(fixtures: Path) -> None:
    data = (fixtures / "csv" / "custom_semicolon.csv").read_bytes()
    _, records, results = read_all(data, ARABIC_SETTINGS)
    found = messages(results)
    assert [m.platform_id for m in found] == ["sy-0001", "sy-0002", "sy-0003", "sy-0004", "sy-0005"]
    first = found[0]
    assert first.platform == "csv"
    assert first.text == "انقطاع الكهرباء في حي الشعار؛ المولدات متوقفة"
    assert first.author == "مراسل_حلب"
    # 10:22 in Damascus (UTC+2 in December 2016).
    assert first.created_at == "2016-12-13T08:22:00Z"
    assert first.extra == {
        "labels": {"التصنيف": "بنية تحتية"},
        "columns": {"المنطقة": "حلب الشرقية"},
    }
    assert "; العدد كبير 🚑" in found[1].text
    assert found[4].created_at == "2016-12-13T11:12:00Z"
    assert found[4].text == "Evacuation convoy delayed & buses waiting at Ramouseh"
    # The BOM belongs to the header line, CRLF endings stay in the raw bytes.
    assert not records[0].raw.startswith(b"\xef\xbb\xbf")
    assert all(r.raw.endswith(b"\r\n") for r in records)
    assert [r.locator for r in records] == ["line 2", "line 3", "line 4", "line 6", "line 7"]


def test_very_long_message_and_unreadable_time_are_kept(fixtures: Path) -> None:
    data = (fixtures / "csv" / "custom_semicolon.csv").read_bytes()
    _, _, results = read_all(data, ARABIC_SETTINGS)
    long_one = messages(results)[3]
    assert len(long_one.text) > 5000
    assert long_one.text.count("🆘") == 60
    assert long_one.created_at is None
    assert long_one.extra["time_raw"] == "13/12/2016 noon"


def test_missing_text_column_names_columns_and_option() -> None:
    with pytest.raises(SourceError) as caught:
        read_all(b"id,sender,posted\n1,ali,2016-12-13\n")
    message = str(caught.value)
    assert "--text-column" in message
    assert "'sender'" in message and "'posted'" in message


def test_named_column_not_in_header() -> None:
    settings = SourceSettings(text_column="body", id_column="msg_no")
    with pytest.raises(SourceError, match="--id-column"):
        read_all(b"body,id\nhello,1\n", settings)


def test_bad_rows_are_rejected_one_by_one(fixtures: Path) -> None:
    data = (fixtures / "csv" / "bad_rows.csv").read_bytes()
    _, records, results = read_all(data)
    outcome = {
        record.locator: (result if isinstance(result, str) else result.platform_id)
        for record, result in zip(records, results, strict=True)
    }
    assert outcome == {
        "line 2": "1",
        "line 3": "expected 4 fields as in the header, found 2",
        "line 4": "3",  # empty text: archived as a message with what could be read
        "line 5": "invalid UTF-8 at byte 11",
        "line 6": "5",
        "line 7": "malformed CSV row: ',' expected after '\"'",
        "line 9": "7",
        "line 10": "malformed CSV row: unterminated quoted field",
    }
    good = messages(results)
    assert good[0].created_at == "2015-12-09T19:40:11Z" and good[0].author == "alice"
    assert good[1].text == "" and good[1].author == "bob"
    assert good[1].created_at == "2016-12-13T10:22:00Z"
    assert good[2].created_at is None and good[2].extra == {"time_raw": "next tuesday"}
    assert good[3].created_at == "2016-12-13T10:22:00Z"


def test_column_guessing_is_case_and_space_insensitive() -> None:
    data = (
        b"Message ID, Date ,USERNAME,Message,Language,Region\n"
        b"77,2016-12-13T10:22:00+02:00,ali,Hi,ar,North\n"
    )
    _, _, results = read_all(data)
    (message,) = messages(results)
    assert (message.platform_id, message.author, message.text, message.lang) == (
        "77",
        "ali",
        "Hi",
        "ar",
    )
    assert message.created_at == "2016-12-13T08:22:00Z"
    assert message.extra == {"columns": {"Region": "North"}}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2016-12-13T10:22:00Z", "2016-12-13T10:22:00Z"),
        ("2016-12-13T12:22:00+02:00", "2016-12-13T10:22:00Z"),
        ("Tue Dec 13 10:22:00 +0000 2016", "2016-12-13T10:22:00Z"),
        ("Tue, 13 Dec 2016 13:22:00 +0300", "2016-12-13T10:22:00Z"),
        ("1481624520", "2016-12-13T10:22:00Z"),
        ("2016-12-13 12:22", "2016-12-13T10:22:00Z"),
    ],
)
def test_time_formats(written: str, expected: str) -> None:
    settings = SourceSettings(timezone="Asia/Damascus")
    data = f"text\tcreated_at\nhello\t{written}\n".encode()
    _, _, results = read_all(data, settings)
    assert [m.created_at for m in messages(results)] == [expected]


def test_tab_separated_with_crlf_and_blank_lines() -> None:
    data = b'id\ttext\tuser\r\n1\tfirst, with a comma\tali\r\n\r\n2\t"quoted\ttab"\tsara\r\n'
    _, records, results = read_all(data)
    assert [r.locator for r in records] == ["line 2", "line 4"]
    assert [m.text for m in messages(results)] == ["first, with a comma", "quoted\ttab"]
    assert [m.author for m in messages(results)] == ["ali", "sara"]


def test_settings_platform_and_labels() -> None:
    settings = SourceSettings(platform="facebook", label_columns=("verdict",))
    data = b"content,verdict,page\nflood in the valley,relevant,news\n"
    _, _, results = read_all(data, settings)
    (message,) = messages(results)
    assert message.platform == "facebook"
    assert message.extra == {"labels": {"verdict": "relevant"}, "columns": {"page": "news"}}


def test_empty_input_and_header_only_give_no_records() -> None:
    assert read_all(b"")[1] == []
    assert read_all(b"\n\ntext,id\n")[1] == []


def test_utf16_input_is_refused_clearly() -> None:
    data = "text,id\nhello,1\n".encode("utf-16")
    with pytest.raises(SourceError, match="UTF-16"):
        read_all(data)


def test_parse_needs_the_header_first() -> None:
    with pytest.raises(SourceError):
        CsvSource(SourceSettings()).parse(Record(b"hello,1\n", "line 2"))


def test_parse_on_another_thread_after_first_record() -> None:
    source = CsvSource(SourceSettings())
    records = source.records(io.BytesIO(b"text,id\nfirst,1\nsecond,2\n"), "x.csv")
    first = next(records)
    out: list[str] = []
    worker = threading.Thread(target=lambda: out.append(source.parse(first)[0].platform_id or ""))
    worker.start()
    worker.join()
    assert out == ["1"]


def test_overlong_line_is_cut_and_rejected_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_table, "MAX_LINE_BYTES", 64)
    long_line = b"2," + b"x" * 200 + b",tail\n"
    data = b"id,text,extra\n1,before,a\n" + long_line + b"3,after,c\n"
    _, records, results = read_all(data)
    assert [r.locator for r in records] == ["line 2", "line 3", "line 4"]
    assert [m.platform_id for m in messages(results)] == ["1", "3"]
    assert isinstance(results[1], str) and "longer than 64 bytes" in results[1]


def test_every_real_crisislex_file_parses(shared_data: Path) -> None:
    paths = sorted((shared_data / "crisislex-t26").glob("*.csv"))
    assert paths, "no CrisisLexT26 files"
    for path in paths:
        data = path.read_bytes()
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        with path.open("rb") as stream:
            assert CsvSource.sniff(stream.read(1 << 16), path.name) == 85
        _, records, results = read_all(data)
        found = messages(results)
        assert len(records) == len(found) == len(rows), path.name
        for row, message in zip(rows, found, strict=True):
            assert message.platform == "twitter"
            assert message.platform_id == row[0].strip("'\" ")
            assert message.text == html.unescape(row[1])
            assert message.extra["labels"] == {
                "Information Source": row[2],
                "Information Type": row[3],
                "Informativeness": row[4],
            }
