"""Bytes → text: encoding detection and the normalisation every reader shares.

Strict UTF-8 is tried first because it is by far the most common encoding and
decoding it costs microseconds; charset-normalizer (much slower) only runs
when UTF-8 fails, e.g. for Korean cp949/EUC-KR or Latin-1 files.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from refwatch.capture.errors import UndecodableError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it shares its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# C0 controls other than tab, newline, vertical tab, form feed, carriage return,
# plus DEL: text files practically never hold them, binary files are full of them.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_RATIO = 0.01
_SAMPLE = 8192


_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f])


def _utf8_has_no_control(data: bytes) -> bool:
    """True when the bytes behind the first ``_SAMPLE`` characters hold no C0 control.

    In UTF-8 a byte below 0x80 is always that ASCII character, and ``_SAMPLE``
    characters come from at most four times as many bytes; ``bytes.translate``
    counts them at C speed, where the regex scan of :func:`_looks_binary` costs
    tens of microseconds per file. Settles clean text only; otherwise the
    regex decides.
    """
    head = data[:4 * _SAMPLE]
    return len(head.translate(None, _CONTROL_BYTES)) == len(head)


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE]
    if not sample:
        return False
    return len(_CONTROL.findall(sample)) > _MAX_CONTROL_RATIO * len(sample)


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    ``declared`` is an encoding the container names (an HTTP or HTML charset);
    it is tried, strictly, after UTF-8 (a valid non-ASCII UTF-8 byte string is
    almost never anything else, while "iso-8859-1" is often declared wrongly). Raises
    :class:`UndecodableError` (a ``ValueError``) for binary data. The text is
    not yet normalised; see :func:`normalize_text`.
    """
    if not data:
        return "", "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(name)
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"invalid {name} text after byte-order mark") from exc
            if _looks_binary(text):
                raise UndecodableError("binary data, not text")
            return text, name
    if b"\x00" in data[:_SAMPLE]:
        raise UndecodableError("binary data, not text (NUL bytes)")
    candidates = ["utf-8"]
    if declared:
        try:
            declared_name = codecs.lookup(declared).name
        except LookupError:
            declared_name = None
        if declared_name and declared_name != "utf-8":
            candidates.append(declared_name)
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if not (name == "utf-8" and _utf8_has_no_control(data)) and _looks_binary(text):
            raise UndecodableError("binary data, not text")
        return text, name
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise UndecodableError("binary data or unknown encoding")
    encoding = _prefer_western(data, matches, best)
    text = data.decode(encoding) if encoding != best.encoding else str(best)
    if _looks_binary(text):
        raise UndecodableError("binary data, not text")
    return text, encoding


# Single-byte Latin code pages between which charset-normalizer often cannot
# choose (French text comes out as cp1250: "arręté"). When cp1252 fits the
# bytes equally well it wins: it is by far the most common of them.
_LATIN_SINGLE_BYTE = {
    "cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "cp775", "cp850", "cp852", "latin_1",
    "iso8859_2", "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
    "mac_latin2", "mac_roman",
}


def _prefer_western(data: bytes, matches, best) -> str:  # type: ignore[no-untyped-def]
    if best.encoding not in _LATIN_SINGLE_BYTE or best.encoding == "cp1252":
        return best.encoding
    for match in matches:
        if match.chaos <= best.chaos + 0.01 and "cp1252" in match.could_be_from_charset:
            try:
                data.decode("cp1252")
            except UnicodeDecodeError:
                break
            return "cp1252"
    return best.encoding


def normalize_text(text: str) -> str:
    """Line endings to ``\\n``, no byte-order mark, Unicode NFC.

    Applied to every reader's output so that the same bytes always give the
    same text and character offsets stay stable across platforms.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text
