"""Score extracted events against a gold file (same rules as ../shared/tools/score_extraction.py).

A predicted event matches a gold event when their coarse class agrees and
their date ranges overlap (an undated prediction matches only an undated gold
event); pairs are chosen greedily, best first (+1 same count figure, +0.5
same date range). Optional gold events neither add a true positive when
matched nor a false negative when missed. Figures: event precision, recall,
F1, count accuracy (same figure and an accepted qualifier; a range must
agree on low and high), exact dates among matches, place and victim recall
(lenient name comparison).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from refwatch.model.vocab import event_class

__all__ = ["Figures", "score", "load_gold", "format_figures", "FIGURE_NAMES"]

FIGURE_NAMES = ("event_precision", "event_recall", "event_f1", "count_acc", "date_exact", "place_recall",
                "victim_recall")
# Type names other annotators use for the same classes.
_EXTRA_CLASSES = {"deportation": "repatriation", "execution": "death", "sentence": "punishment",
                  "imprisonment": "punishment", "resettlement": "release"}
# Spellings that name the same thing.
_SAME_NAME = {"tjwg": "transitional justice working group", "hrw": "human rights watch", "rfa": "radio free asia",
              "kyongwon": "gyeongwon", "onsong": "onseong"}
_NOISE_WORDS = {"city", "province", "county", "the"}


def _class(t: str | None) -> str | None:
    if t is None:
        return None
    t = _EXTRA_CLASSES.get(t, t)
    return event_class(t)


def _norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKD", s or "")
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = "".join(c if c.isalnum() or c == " " else " " for c in s)
    s = " ".join(w for w in s.split() if w not in _NOISE_WORDS)
    return _SAME_NAME.get(s, s)


def _day(s: str | None, default: date) -> date:
    return date.fromisoformat(s[:10]) if s else default


def _gold_range(ev: dict) -> tuple[date, date, bool]:
    e, l_ = ev.get("date_earliest"), ev.get("date_latest")
    return _day(e, date.min), _day(l_, date.max), e is None and l_ is None


def _pred_range(ev: dict) -> tuple[date, date, bool]:
    d = ev.get("date") or {}
    return _day(d.get("earliest"), date.min), _day(d.get("latest"), date.max), not d.get("earliest") and not d.get("latest")


def _overlap(g: tuple, p: tuple) -> bool:
    if g[2] or p[2]:
        return g[2] and p[2]
    return g[0] <= p[1] and p[0] <= g[1]


def _names(items: list | None) -> set[str]:
    out: set[str] = set()
    for it in items or []:
        if isinstance(it, str):
            out.add(_norm(it))
        else:
            out.update(_norm(it[k]) for k in ("name", "text") if it.get(k))
    return out


def _covered(gold: set[str], pred: set[str]) -> int:
    return sum(1 for g in gold if any(g == p or g in p.split() or p in g.split() or (len(g) > 3 and g in p)
                                      for p in pred))


def _count_ok(gc: dict, pc: dict) -> bool:
    quals = gc.get("qualifier")
    quals = quals if isinstance(quals, list) else [quals]
    if pc.get("best") != gc.get("best") or pc.get("qualifier") not in quals:
        return False
    if "between" in quals:
        return (pc.get("low"), pc.get("high")) == (gc.get("low"), gc.get("high"))
    return True


@dataclass
class Figures:
    values: dict[str, float]
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


def score(gold_docs: dict[str, dict], pred_docs: dict[str, dict]) -> Figures:
    """Figures for predictions (``{"events": [...]}`` per document name) against gold."""
    tp = fp = fn = matched_n = 0
    count_ok = count_n = date_ok = place_hit = place_n = victim_hit = victim_n = 0
    missed_lines: list[str] = []
    extra_lines: list[str] = []
    for name, g in gold_docs.items():
        preds = (pred_docs.get(name) or {"events": []})["events"]
        pairs = []
        for gi, ge in enumerate(g["events"]):
            for pi, pe in enumerate(preds):
                if _class(ge["type"]) != _class(pe.get("type")) or not _overlap(_gold_range(ge), _pred_range(pe)):
                    continue
                s = 1.0
                gc, pc = ge.get("count") or {}, pe.get("count") or {}
                if gc and pc and gc.get("best") == pc.get("best"):
                    s += 1.0
                if _gold_range(ge)[:2] == _pred_range(pe)[:2]:
                    s += 0.5
                pairs.append((s, gi, pi))
        pairs.sort(reverse=True)
        used_g: set[int] = set()
        used_p: set[int] = set()
        for _s, gi, pi in pairs:
            if gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            ge, pe = g["events"][gi], preds[pi]
            matched_n += 1
            tp += 0 if ge.get("optional") else 1
            if ge.get("count"):
                count_n += 1
                count_ok += bool(pe.get("count") and _count_ok(ge["count"], pe["count"]))
            date_ok += _gold_range(ge)[:2] == _pred_range(pe)[:2]
            gp, pp = _names(ge.get("places")), _names(pe.get("places"))
            place_n += len(gp)
            place_hit += _covered(gp, pp)
            gv, pv = _names(ge.get("named_victims")), _names(pe.get("victims"))
            victim_n += len(gv)
            victim_hit += _covered(gv, pv)
        for gi, ge in enumerate(g["events"]):
            if gi not in used_g and not ge.get("optional"):
                fn += 1
                missed_lines.append(f"  missed {name} {ge.get('id')}: {ge['type']} {ge.get('date_earliest')}.."
                                    f"{ge.get('date_latest')} {ge.get('count')}")
        for pi, pe in enumerate(preds):
            if pi not in used_p:
                fp += 1
                d = pe.get("date") or {}
                extra_lines.append(f"  extra  {name}: {pe.get('type')} {d.get('earliest')}..{d.get('latest')} "
                                   f"{pe.get('count')}")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    values = {
        "event_precision": p, "event_recall": r, "event_f1": f1,
        "count_acc": count_ok / count_n if count_n else 0.0,
        "date_exact": date_ok / matched_n if matched_n else 0.0,
        "place_recall": place_hit / place_n if place_n else 1.0,
        "victim_recall": victim_hit / victim_n if victim_n else 1.0,
    }
    return Figures(values, missed_lines, extra_lines)


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Gold lines in file order."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
    return out


def format_figures(values: dict[str, float]) -> str:
    """The scorer's final line: ``event_precision=0.900 event_recall=...``."""
    return " ".join(f"{k}={values[k]:.3f}" for k in FIGURE_NAMES)
