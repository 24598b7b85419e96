"""The gazetteer as the extractors use it: units by id, and every surface form of each.

Loaded once per process from ``resources/gazetteer.tsv`` (built by
``resources/build_gazetteer.py``). Villages are kept out of mention matching:
tens of thousands of short village names collide with ordinary words.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from ..resources import path

DELTA_PROVINCES = ("310000", "320000", "330000", "340000")
LEVEL_RANK = {"province": 0, "city": 1, "zone": 2, "district": 3, "county": 3, "town": 4, "village": 5}


_ANCESTORS: dict[str, list[str]] = {}


@dataclass(frozen=True)
class Unit:
    id: str  # adcode, or "town:<code>" / "zone:<name>" for units without one
    adcode: str | None
    name: str
    short: str
    level: str
    parent: str | None  # adcode of the parent (host county for towns and zones)
    province: str | None
    lat: float | None
    lon: float | None
    hosts: tuple[str, ...] = ()

    @property
    def in_delta(self) -> bool:
        return (self.province or "") in DELTA_PROVINCES

    def ancestors(self, gaz: "Gazetteer") -> list[str]:
        cached = _ANCESTORS.get(self.id)
        if cached is not None:
            return cached
        out, cur, seen = [], self.parent, set()
        while cur and cur not in seen:
            seen.add(cur)
            out.append(cur)
            unit = gaz.units.get(cur)
            cur = unit.parent if unit else None
        if self.province and self.province not in out and self.province != self.adcode:
            out.append(self.province)
        _ANCESTORS[self.id] = out
        return out


@dataclass
class Gazetteer:
    units: dict[str, Unit]
    forms: dict[str, list[tuple[str, str]]]  # surface form -> [(unit id, form kind)]; kind: name|short|alias|old
    abbreviations: dict[str, list[str]]  # one-character 简称 -> unit ids
    renamed: dict[str, str]  # unit id of a former unit name -> current unit id


def _float(v: str) -> float | None:
    try:
        return round(float(v), 4)
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    units: dict[str, Unit] = {}
    forms: dict[str, list[tuple[str, str]]] = {}
    abbreviations: dict[str, list[str]] = {}

    def add(form: str, uid: str, kind: str) -> None:
        if form and (uid, kind) not in forms.setdefault(form, []):
            forms[form].append((uid, kind))

    with open(path("gazetteer.tsv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            level = row["level"]
            if level == "village":
                continue
            adcode = row["adcode"] or None
            if adcode:
                uid = adcode  # zones with a statistical code (320571 苏州工业园区) too: other rows host them by it
            elif level == "town":
                uid = "town:" + (row.get("code") or row["parent"] + row["name"])
            else:
                uid = "zone:" + row["name"]
            if uid in units:
                continue
            unit = Unit(uid, adcode, row["name"], row["short"] or row["name"], level, row["parent"] or None,
                        row["province"] or None, _float(row["lat"]), _float(row["lon"]),
                        tuple(h for h in (row.get("hosts") or "").split("|") if h))
            units[uid] = unit
            add(unit.name, uid, "name")
            if level == "town":
                if len(unit.short) >= 2 and unit.short != unit.name:
                    add(unit.short, uid, "townshort")  # 盛泽: only right after its county, city or province
                continue
            if len(unit.short) >= 2:
                add(unit.short, uid, "short")
            for alias in filter(None, (row["aliases"] or "").split("|")):
                if len(alias) == 1:
                    abbreviations.setdefault(alias, []).append(uid)
                else:
                    add(alias, uid, "alias")
    renamed: dict[str, str] = {}
    with open(path("renamed.tsv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            current = row.get("current_adcode") or row["new_adcode"]
            if current in units and row["old_name"] and row["old_name"] not in forms:
                old_id = "old:" + row["old_adcode"] + row["old_name"]
                renamed[old_id] = current
                add(row["old_name"], old_id, "old")
    return Gazetteer(units, forms, abbreviations, renamed)
