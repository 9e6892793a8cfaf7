"""CSV files of reports: a column mapping, one document per good row, bad rows reported."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from refwatch.capture import CaptureError, read_csv, read_path, read_path_with_errors

MAPPING = {"text": "body", "title": "headline", "url": "link", "published": "date", "source": "org"}

GOOD_1 = '"Seven people were arrested in Shenyang, relatives said.",Arrests,https://r.example.org/1,2019-05-03,Group A'
BAD_FIELDS = "Only two,fields"
EMPTY_TEXT = ",No text,https://r.example.org/3,2020-01-01,Group C"
GOOD_2 = '"A woman was held in Tumen,\nthen moved to the border.",Held,https://r.example.org/4,30 February 2024,Group D'


def _csv(tmp_path: Path, rows: list[str], header: str = "body,headline,link,date,org") -> Path:
    path = tmp_path / "reports.csv"
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode())
    return path


def test_bad_rows_are_reported_and_good_rows_kept(tmp_path: Path) -> None:
    path = _csv(tmp_path, [GOOD_1, BAD_FIELDS, EMPTY_TEXT, GOOD_2])
    docs, errors = read_csv(path, MAPPING)
    assert [d.url for d in docs] == ["https://r.example.org/1", "https://r.example.org/4"]
    assert [e.reason for e in errors] == ["line 3: expected 5 fields, found 2", "line 4: empty text"]
    assert all(e.path == str(path) for e in errors)
    first = docs[0]
    assert first.kind == "csv_row"
    assert first.text == "Seven people were arrested in Shenyang, relatives said."
    assert (first.title, first.published, first.source) == ("Arrests", date(2019, 5, 3), "Group A")
    assert first.sha256 == hashlib.sha256(GOOD_1.encode()).hexdigest()  # the row's raw line
    assert first.container_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    multiline = docs[1]
    assert multiline.text == "A woman was held in Tumen,\nthen moved to the border."
    assert multiline.metadata["line"] == 5
    assert multiline.published is None and "bad_date" in multiline.flags


def test_read_path_keeps_good_rows_and_raises_only_without_any(tmp_path: Path) -> None:
    docs = read_path(_csv(tmp_path, [GOOD_1, BAD_FIELDS]), csv_mapping=MAPPING)
    assert len(docs) == 1
    docs, errors = read_path_with_errors(_csv(tmp_path, [GOOD_1, BAD_FIELDS]), csv_mapping=MAPPING)
    assert len(docs) == 1 and len(errors) == 1
    with pytest.raises(CaptureError, match="no good row"):
        read_path(_csv(tmp_path, [BAD_FIELDS, EMPTY_TEXT]), csv_mapping=MAPPING)


def test_error_reasons_do_not_quote_row_content(tmp_path: Path) -> None:
    _, errors = read_csv(_csv(tmp_path, ["Lee Sun-hee,secret"]), MAPPING)
    assert "Lee" not in str(errors[0])


def test_default_mapping_uses_field_named_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path, ["Held in Tumen since March.,https://r.example.org/9"], header="Text,URL")
    (doc,) = read_path(path)
    assert doc.text == "Held in Tumen since March." and doc.url == "https://r.example.org/9"


def test_mapping_to_a_missing_column_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="header lacks"):
        read_csv(_csv(tmp_path, [GOOD_1]), {"text": "content"})
    with pytest.raises(CaptureError, match="no text column"):
        read_path(_csv(tmp_path, [GOOD_1]))


def test_same_row_in_two_files_has_the_same_identity(tmp_path: Path) -> None:
    a = read_csv(_csv(tmp_path, [GOOD_1]), MAPPING)[0][0]
    b = read_csv(_csv(tmp_path, [GOOD_2, GOOD_1]), MAPPING)[0][1]
    assert a.sha256 == b.sha256
