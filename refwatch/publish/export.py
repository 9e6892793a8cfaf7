"""The public export: redacted events as JSON, CSV or GeoJSON.

Input is a list of resolved event dicts. The minimal shape read here::

    {"id": "ev-1", "type": "repatriation",
     "date": {"earliest": "2023-10-09", "latest": "2023-10-09", "precision": "day"},
     "places": [{"name": "Dandong", "kind": "crossing", "country": "CN",
                 "lat": 40.1, "lon": 124.4, "place_id": "cn-dandong"}],
     "count": {"best": 600, "qualifier": "exact", "low": 600, "high": 600, "unit": "persons"},
     "victims": [{"name": "..."}], "sources": ["..."], "evidence": [{"text": "..."}]}

Every event goes through ``redact.redact_event``; the whole output is then
checked once more against every victim name in the input before a byte is
written, and written atomically (a refused export leaves no partial file).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Mapping

from refwatch.security import redact

FORMATS = ("json", "csv", "geojson")
CSV_COLUMNS = ("id", "type", "date_earliest", "date_latest", "date_precision", "place_names",
               "place_kinds", "countries", "lat", "lon", "count_best", "count_low", "count_high",
               "count_qualifier", "count_unit", "sources", "sources_withheld", "coarsened")


def public_events(events: list[Mapping[str, Any]], gazetteer: Any = None,
                  pol: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    return [redact.redact_event(e, gazetteer, pol) for e in events]


def to_json(public: list[dict[str, Any]], pol: Mapping[str, Any]) -> str:
    doc = {"redaction": {"min_people_for_exact_place": pol["min_people_for_exact_place"],
                         "coarsen_to": pol["coarsen_to"]},
           "events": public}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas (=, +, -, @ at the start of a text cell)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def to_csv(public: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for ev in public:
        date, count, places = ev.get("date") or {}, ev.get("count") or {}, ev.get("places") or []
        first = next((p for p in places if p.get("lat") is not None), {})
        row = [ev.get("id"), ev.get("type"), date.get("earliest"), date.get("latest"),
               date.get("precision"), "; ".join(str(p.get("name")) for p in places),
               "; ".join(str(p.get("kind")) for p in places),
               "; ".join(sorted({str(p.get("country")) for p in places if p.get("country")})),
               first.get("lat"), first.get("lon"), count.get("best"), count.get("low"),
               count.get("high"), count.get("qualifier"), count.get("unit"),
               "; ".join(ev.get("sources") or []), ev.get("sources_withheld"), ev.get("coarsened")]
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()


def to_geojson(public: list[dict[str, Any]]) -> str:
    """One point per event and place with coordinates (already coarsened if small)."""
    features = []
    for ev in public:
        for place in ev.get("places") or []:
            if place.get("lat") is None or place.get("lon") is None:
                continue
            props = {k: v for k, v in ev.items() if k != "places"}
            props["place"] = {k: v for k, v in place.items() if k not in ("lat", "lon")}
            features.append({"type": "Feature",
                             "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
                             "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False) + "\n"


def render_public(events: list[Mapping[str, Any]], fmt: str, gazetteer: Any = None,
                  pol: Mapping[str, Any] | None = None) -> str:
    """The export as text, checked for surviving names; nothing written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format; choose one of {', '.join(FORMATS)}")
    pol = pol or redact.policy()
    public = public_events(events, gazetteer, pol)
    text = {"json": lambda: to_json(public, pol), "csv": lambda: to_csv(public),
            "geojson": lambda: to_geojson(public)}[fmt]()
    redact.assert_no_names(text, list(events))
    return text


def export_public(events: list[Mapping[str, Any]], fmt: str, out_path: str | Path,
                  gazetteer: Any = None, pol: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Write the redacted public export; return a summary (path, format, events, bytes)."""
    text = render_public(events, fmt, gazetteer, pol)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    data = text.encode("utf-8")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, out)
    return {"path": str(out), "format": fmt, "events": len(events), "bytes": len(data)}


def export_store(store: Any, data_key: bytes, principal: Any, fmt: str, out_path: str | Path,
                 gazetteer: Any = None, events: list[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The public export of the store's resolved events (or of ``events`` given).

    Checks export.public first; reads the events through the resolve step's
    reader (names included, only to be redacted here); writes atomically; then
    records a custody entry ("export") and an audit entry in one transaction.
    """
    from refwatch.resolve.process import event_dicts_for_export
    from refwatch.security import audit
    from refwatch.security.roles import authorize
    from refwatch.store import custody

    authorize(principal, "export.public")
    if events is None:
        events = event_dicts_for_export(store, data_key, principal=principal)
    summary = export_public(list(events), fmt, out_path, gazetteer=gazetteer)
    digest = _sha256_file(Path(summary["path"]))
    with store.write() as conn:
        custody.record(conn, principal.name, "export", None,
                       {"format": fmt, "events": summary["events"], "sha256": digest, "public": True})
        audit.record(conn, principal, "export.public", f"export:{fmt}",
                     {"events": summary["events"], "sha256": digest})
    summary["sha256"] = digest
    return summary


def _sha256_file(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
