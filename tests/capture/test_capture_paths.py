"""Inputs: folders walked recursively in order, hidden files skipped, formats sniffed."""

from __future__ import annotations

from pathlib import Path

import pytest

from refwatch.capture import CaptureError, iter_input_paths, read_path, sniff_format


def test_folders_are_walked_sorted_and_hidden_entries_skipped(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for rel in ["z.txt", "b/2.txt", "b/1.txt", "a/deep/x.txt", ".hidden.txt", ".git/config", "a/.secret"]:
        (tmp_path / rel).write_text("text")
    single = tmp_path / "b" / "1.txt"
    got = list(iter_input_paths([str(tmp_path), str(single), "-", str(tmp_path / "missing.txt")]))
    rel = [p.relative_to(tmp_path).as_posix() if p.is_absolute() else str(p) for p in got]
    assert rel == ["a/deep/x.txt", "b/1.txt", "b/2.txt", "z.txt", "b/1.txt", "-", "missing.txt"]


def test_a_named_hidden_file_is_still_read(tmp_path: Path) -> None:
    hidden = tmp_path / ".note.txt"
    hidden.write_text("Held in Tumen since March, her family says.")
    assert list(iter_input_paths([str(hidden)])) == [hidden]
    assert read_path(hidden)[0].text.startswith("Held in Tumen")


@pytest.mark.parametrize(
    ("data", "name", "fmt"),
    [
        (b"%PDF-1.7\n...", "x.bin", "pdf"),
        (b"WARC/1.1\r\n", "x", "warc"),
        (b'<?xml version="1.0"?>\n<rss version="2.0">', "x.txt", "feed"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", "x", "feed"),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html>", "x.txt", "html"),
        (b"a,b\n1,2\n", "x.csv", "csv"),
        (b"Plain words.", "x.html", "html"),
        (b"Plain words.", "notes", "text"),
    ],
)
def test_content_decides_before_the_extension(data: bytes, name: str, fmt: str) -> None:
    assert sniff_format(data, name) == fmt


@pytest.mark.parametrize(("magic", "what"), [(b"\xff\xd8\xff\xe0", "JPEG"), (b"PK\x03\x04", "ZIP"),
                                             (b"\x7fELF", "executable")])
def test_foreign_formats_are_named_in_the_error(tmp_path: Path, magic: bytes, what: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(magic + b"\x00" * 64)
    with pytest.raises(CaptureError) as err:
        read_path(path)
    assert what in err.value.reason and err.value.path == str(path)


def test_load_bytes_reads_all_of_a_file_that_grew_after_stat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read asks for the size stat() gave; growth after that is still read, and still bounded."""
    import os

    from refwatch.capture import readers

    path = tmp_path / "growing.txt"
    path.write_bytes(b"A" * 3000)
    real_stat = os.stat

    def stale_stat(name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        st = real_stat(name, *args, **kwargs)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 100,
                               st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(readers.os, "stat", stale_stat)
    assert readers.load_bytes(path, max_bytes=5000) == b"A" * 3000
    with pytest.raises(CaptureError, match="file too large: more than 2000 bytes"):
        readers.load_bytes(path, max_bytes=2000)
