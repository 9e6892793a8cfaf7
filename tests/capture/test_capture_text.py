"""Plain text: encodings, languages, identity, and the errors for bad input."""

from __future__ import annotations

import hashlib
import io
import os
import sys
from pathlib import Path

import pytest

from refwatch.capture import CaptureError, decode_text, detect_language, read_bytes, read_path

KOREAN = "중국 당국이 2023년 10월 9일 밤 탈북민 약 600명을 다섯 곳의 세관을 통해 강제북송했다."
ENGLISH = ("China forcibly returned about 600 North Koreans on the night of 9 October 2023, "
           "according to a group that monitors the border and the detention centres.")
CHINESE = "据人权组织称，中国当局于2023年10月9日夜间将约600名脱北者强制遣返朝鲜。"


def test_utf8_text_is_read_with_identity_and_language(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(ENGLISH.encode())
    (doc,) = read_path(path, source="field notes")
    assert doc.kind == "text"
    assert doc.text == ENGLISH
    assert doc.sha256 == hashlib.sha256(ENGLISH.encode()).hexdigest()
    assert doc.original == ENGLISH.encode()
    assert (doc.language, doc.encoding, doc.source, doc.filename) == ("en", "utf-8", "field notes", "note.txt")


def test_same_bytes_give_same_identity_and_text_whatever_the_name() -> None:
    data = ("line one\r\nline two\r\n" + KOREAN).encode("utf-8")
    a = read_bytes(data, "a.txt")[0]
    b = read_bytes(data, "other/b.md")[0]
    assert (a.sha256, a.text) == (b.sha256, b.text)
    assert "\r" not in a.text and a.text.startswith("line one\nline two\n")


def test_published_is_used_for_text_files() -> None:
    from datetime import date

    (doc,) = read_bytes(ENGLISH.encode(), "x.txt", published=date(2023, 12, 6))
    assert doc.published == date(2023, 12, 6)


@pytest.mark.parametrize("codec", ["cp949", "euc-kr"])
def test_korean_legacy_encodings_are_decoded(codec: str) -> None:
    text = (KOREAN + "\n") * 3
    (doc,) = read_bytes(text.encode(codec), "testimony.txt")
    assert doc.text == text
    assert doc.language == "ko"
    assert doc.encoding.replace("_", "-") in {"cp949", "euc-kr", "johab", "uhc"} or "949" in doc.encoding


def test_latin1_is_decoded() -> None:
    text = "Le réfugié a été arrêté à la frontière près de Dandong; la police a confisqué son téléphone. " * 2
    (doc,) = read_bytes(text.encode("latin-1"), "note.txt")
    assert doc.text == text
    assert doc.language == "fr"


def test_utf16_with_bom_and_utf8_bom() -> None:
    assert decode_text(ENGLISH.encode("utf-16"))[0] == ENGLISH
    (doc,) = read_bytes(b"\xef\xbb\xbf" + ENGLISH.encode(), "bom.txt")
    assert doc.text == ENGLISH  # the BOM never reaches the text


@pytest.mark.parametrize(("text", "lang"), [(ENGLISH, "en"), (KOREAN, "ko"), (CHINESE, "zh"),
                                             ("Die Polizei nahm am Montag sieben Nordkoreaner in Shenyang fest.", "de")])
def test_language_detection(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_language_of_nothing_is_none() -> None:
    assert detect_language("") is None
    assert detect_language("  12 34 ") is None


def test_binary_garbage_named_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(CaptureError) as err:
        read_path(path)
    assert err.value.path == str(path)
    assert "binary" in err.value.reason
    assert str(err.value) == f"{path}: {err.value.reason}"


def test_binary_without_nul_bytes_is_refused() -> None:
    with pytest.raises(CaptureError, match="binary"):
        read_bytes(bytes(range(1, 32)) * 50 + b"abc", "x.txt")


def test_decode_text_raises_value_error_on_binary() -> None:
    with pytest.raises(ValueError):
        decode_text(os.urandom(64) + b"\x00" * 10)


def test_oversized_file_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(60 * 1024 * 1024)  # sparse: takes no disk space
    opened: list[str] = []
    real_open = open

    def spy_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy_open)
    with pytest.raises(CaptureError) as err:
        read_path(path)
    assert "too large" in err.value.reason
    assert str(path) not in opened  # refused from its size alone


def test_caller_limit_applies(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_bytes(b"x" * 2000)
    with pytest.raises(CaptureError, match="too large"):
        read_path(path, max_bytes=1000)
    with pytest.raises(CaptureError, match="too large"):
        read_bytes(b"x" * 2000, "y.txt", max_bytes=1000)


def test_missing_file_and_directory_are_capture_errors(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="no such file"):
        read_path(tmp_path / "absent.txt")
    with pytest.raises(CaptureError, match="directory"):
        read_path(tmp_path)


def test_stdin_is_read_as_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(ENGLISH.encode()))
    monkeypatch.setattr(sys, "stdin", fake)
    (doc,) = read_path(Path("-"))
    assert doc.text == ENGLISH
    assert doc.filename == "<stdin>"


def test_error_messages_never_quote_the_content() -> None:
    secret = "Lee Sun-hee hides at 12 Riverside Road".encode()
    with pytest.raises(CaptureError) as err:
        read_bytes(b"\x89PNG\r\n\x1a\n" + secret, "photo.pdf")
    assert "Lee" not in str(err.value) and "PNG" in err.value.reason
