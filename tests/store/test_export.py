"""``yrd.export``: every format read back with its own reader, on a store built from samples/articles."""
from __future__ import annotations

import csv
import json
import uuid
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from yrd.errors import YrdError
from yrd.export import DOC_COLUMNS, FACT_COLUMNS, TABLES, export
from yrd.ingest import ingest
from yrd.store.db import make_engine
from yrd.model import FACT_KINDS
from yrd.store.query import Filters, factsheet
from yrd.store.schema import documents
from yrd.store.rows import compress, decompress

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
FIELDS = ("id", "source", "title", "published_at", "script", "text", "duplicate_of", "places", "people",
          "organizations", "amounts", "targets", "events", "relations")
SOURCE_KEYS = {"path", "url", "format", "publisher", "author"}
EVENT_TYPES = {"meeting", "signing", "unveiling", "groundbreaking", "completion", "approval", "release", "launch"}
APPROX = {"exact", "over", "under", "about", "order"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request, tmp_path_factory):
    """The samples ingested once per backend (PostgreSQL through tests/store/conftest.py's pg_server)."""
    name = None
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("export") / "kb.db")
    else:
        server = request.getfixturevalue("pg_server")
        name = f"yrd_test_{uuid.uuid4().hex[:10]}"
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.url.set(database=name).render_as_string(hide_password=False)
    eng = None
    try:
        summary = ingest([str(SAMPLES)], url)
        assert summary.duplicates == 1 and not summary.failed
        eng = make_engine(url)
        yield eng
    finally:
        if eng is not None:
            eng.dispose()
        if name:
            with server.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run(engine, fmt, out, filters=None, table="documents"):
    with engine.connect() as conn:
        return export(conn, fmt, None if out is None else str(out), filters or Filters(), table)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_csv(path: Path) -> list[dict]:
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # the BOM Excel needs for Chinese
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def sheets(engine, tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("jsonl") / "all.jsonl"
    n = run(engine, "jsonl", out)
    docs = read_jsonl(out)
    assert n == len(docs)
    return docs


def check_span(text: str, span: dict) -> None:
    assert isinstance(span["start"], int) and isinstance(span["end"], int)
    assert 0 <= span["start"] < span["end"] <= len(text)
    assert text[span["start"]:span["end"]] == span["text"]


# --- jsonl -------------------------------------------------------------------------------------------


def test_jsonl_is_the_factsheet_contract(sheets, engine):
    assert len(sheets) == 10
    assert len({d["id"] for d in sheets}) == len(sheets)
    for d in sheets:
        assert all(k in d for k in FIELDS), set(FIELDS) - set(d)
        assert set(d["source"]) >= SOURCE_KEYS
        assert d["source"]["format"] in ("markdown", "html", "text", "jsonl", "feed")
        assert d["title"] and isinstance(d["title"], str)
        assert d["script"] in ("zh-Hans", "zh-Hant")
        assert d["published_at"] is None or date.fromisoformat(d["published_at"][:10])
        assert d["duplicate_of"] is None
        text = d["text"]
        for p in d["places"]:
            assert {"name", "adcode", "level", "lat", "lon", "mentions"} <= set(p) and p["mentions"]
            assert p["adcode"] is None or (len(p["adcode"]) == 6 and p["adcode"].isdigit())
            for m in p["mentions"]:
                check_span(text, m)
        for group in ("people", "organizations"):
            for e in d[group]:
                assert e["name"] and e["mentions"]
                for m in e["mentions"]:
                    check_span(text, m)
        for a in d["amounts"]:
            assert isinstance(a["value"], (int, float)) and a["unit"] and a["approx"] in APPROX
            check_span(text, a)
        for t in d["targets"]:
            assert {"deadline", "metric", "value", "unit", "approx", "subject"} <= set(t)
            check_span(text, t)
        for e in d["events"]:
            assert e["type"] in EVENT_TYPES and isinstance(e["participants"], list)
            check_span(text, e)
        for r in d["relations"]:
            assert r["type"] in ("cooperation", "membership", "connects") and len(r["parties"]) >= 1
            check_span(text, r)
    dates = [d["published_at"][:10] for d in sheets]
    assert dates == sorted(dates)  # published order
    with engine.connect() as conn:  # what is stored is what is exported
        stored = factsheet(conn.execute(select(documents).where(documents.c.id == sheets[0]["id"])).one())
    assert stored == sheets[0]


def test_jsonl_duplicates_only_when_asked(sheets, engine, tmp_path):
    fanti = [d for d in sheets if d["source"]["path"].endswith("nanjing_maanshan_fanti.txt")]
    assert fanti == []
    out = tmp_path / "dups.jsonl"
    assert run(engine, "jsonl", out, Filters(include_duplicates=True)) == 11
    docs = read_jsonl(out)
    by_file = {Path(d["source"]["path"]).name: d for d in docs}
    dup, canonical = by_file["nanjing_maanshan_fanti.txt"], by_file["nanjing_maanshan.md"]
    assert dup["duplicate_of"] == canonical["id"] and canonical["duplicate_of"] is None
    assert dup["script"] == "zh-Hant" and dup["title"] == canonical["title"]
    assert [d for d in docs if d["duplicate_of"]] == [dup]


def test_jsonl_duplicate_of_comes_from_the_column(engine, tmp_path):
    """A later, better copy can take over as canonical: the column is the truth, not the stored sheet."""
    out = tmp_path / "dups.jsonl"
    with engine.connect() as conn:
        dup_id, canonical_id = conn.execute(select(documents.c.id, documents.c.duplicate_of)
                                            .where(documents.c.duplicate_of.is_not(None))).one()
        sheet = json.loads(decompress(conn.scalar(select(documents.c.sheet).where(documents.c.id == dup_id))))
        sheet["duplicate_of"] = None
        conn.execute(update(documents).where(documents.c.id == dup_id)
                     .values(sheet=compress(json.dumps(sheet, ensure_ascii=False).encode())))
        export(conn, "jsonl", str(out), Filters(include_duplicates=True))
        conn.rollback()
    assert {d["id"]: d["duplicate_of"] for d in read_jsonl(out)}[dup_id] == canonical_id


def test_jsonl_to_stdout(engine, sheets, capsys):
    assert run(engine, "jsonl", "-") == 10
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["id"] for x in lines] == [d["id"] for d in sheets]


# --- csv ---------------------------------------------------------------------------------------------


def test_csv_documents(engine, sheets, tmp_path):
    out = tmp_path / "docs.csv"
    assert run(engine, "csv", out) == 10
    rows = read_csv(out)
    assert tuple(rows[0]) == DOC_COLUMNS
    assert [r["id"] for r in rows] == [d["id"] for d in sheets]
    by_id = {d["id"]: d for d in sheets}
    for r in rows:
        d = by_id[r["id"]]
        assert r["title"] == d["title"] and r["duplicate_of"] == ""
        assert r["places"].split("；") == [p["name"] for p in d["places"]] if d["places"] else r["places"] == ""
        assert int(r["n_amounts"]) == len(d["amounts"]) and int(r["n_events"]) == len(d["events"])
    jiashan = next(r for r in rows if r["path"].endswith("shifanqu_jiashan.md"))
    assert "嘉善县" in jiashan["places"].split("；") and "330421" in jiashan["adcodes"].split("；")


def test_csv_facts_match_the_text(engine, sheets, tmp_path):
    out = tmp_path / "facts.csv"
    n = run(engine, "csv", out, table="facts")
    rows = read_csv(out)
    assert tuple(rows[0]) == FACT_COLUMNS and len(rows) == n
    texts = {d["id"]: d["text"] for d in sheets}
    assert {r["doc_id"] for r in rows} == set(texts)
    assert {r["kind"] for r in rows} <= set(FACT_KINDS) and {"place", "amount", "event"} <= {r["kind"] for r in rows}
    for r in rows:
        assert texts[r["doc_id"]][int(r["start"]):int(r["end"])] == r["text"]
    mentions = sum(len(e["mentions"]) for d in sheets for g in ("places", "people", "organizations") for e in d[g])
    expected = mentions + sum(len(d[k]) for d in sheets
                              for k in ("amounts", "targets", "events", "relations", "projects", "portfolios"))
    assert n == expected
    only = tmp_path / "targets_only.csv"
    assert run(engine, "csv", only, Filters(kind="target"), "facts") == sum(len(d["targets"]) for d in sheets)


def test_csv_projects_targets_relations(engine, tmp_path):
    for table in ("projects", "targets", "relations"):
        n = run(engine, "csv", tmp_path / f"{table}.csv", table=table)
        assert n == len(read_csv(tmp_path / f"{table}.csv")) and n > 0, table
    rail = next(r for r in read_csv(tmp_path / "projects.csv") if r["name"] == "沪苏湖铁路")
    assert float(rail["investment"]) == 38637000000 and rail["investment_unit"] == "CNY"
    assert "湖州市" in rail["places"].split("；") and rail["stage"] in ("completion", "launch")
    ic = [r for r in read_csv(tmp_path / "targets.csv") if r["metric"] == "集成电路产业规模"]
    assert len(ic) == 1 and ic[0]["deadline"] == "2027" and float(ic[0]["value"]) == 3e11 and ic[0]["approx"] == "over"
    rel = read_csv(tmp_path / "relations.csv")
    assert any(r["type"] == "cooperation" and set(r["parties"].split("；")) >= {"南京市", "马鞍山市"} for r in rel)
    assert all(r["date"] and r["doc_id"] for r in rel)


# --- xlsx --------------------------------------------------------------------------------------------


def test_xlsx_has_every_table(engine, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "kb.xlsx"
    assert run(engine, "xlsx", out) == 10
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == list(TABLES)
    ws = wb["documents"]
    assert tuple(c.value for c in ws[1]) == DOC_COLUMNS
    assert all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws.max_row == 11 and ws.column_dimensions["B"].width > 20  # titles get room
    for table in ("facts", "projects", "targets", "relations"):
        n = run(engine, "csv", tmp_path / f"{table}.csv", table=table)
        assert wb[table].max_row == n + 1, table
        assert tuple(c.value for c in wb[table][1]) == tuple(read_csv(tmp_path / f"{table}.csv")[0])


def test_xlsx_never_writes_formulas(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    title = '=HYPERLINK("http://x","y")'
    art = tmp_path / "evil.md"
    art.write_text(f"---\ntitle: '{title}'\nauthor: 测试日报\ndate: Thu, 09 Nov 2023 10:02:55 GMT\n---\n\n"
                   "<p>11月8日，湖州市与嘉善县在湖州签署合作协议，双方将共建跨区域产业园，总投资约20亿元。</p>\n"
                   "<p>根据协议，两地将在交通互联、产业协作和生态环境共保等领域深化合作，到2027年园区产值突破100亿元。</p>\n"
                   "<p>湖州市有关负责人表示，将加快推进项目落地，推动长三角一体化高质量发展。</p>\n", encoding="utf-8")
    url = "sqlite:///" + str(tmp_path / "evil.db")
    ingest([str(art)], url)
    eng = make_engine(url)
    try:
        assert run(eng, "xlsx", tmp_path / "evil.xlsx") == 1
    finally:
        eng.dispose()
    cell = openpyxl.load_workbook(tmp_path / "evil.xlsx")["documents"]["B2"]
    assert cell.value == title and cell.data_type == "s"
    with zipfile.ZipFile(tmp_path / "evil.xlsx") as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "HYPERLINK" in xml


def test_binary_formats_need_a_file(engine):
    for fmt in ("xlsx", "parquet"):
        for out in (None, "-"):
            with pytest.raises(YrdError, match=f"--format {fmt} needs --output FILE"):
                run(engine, fmt, out)


# --- geojson -----------------------------------------------------------------------------------------


def test_geojson_points_are_lon_lat(engine, sheets, tmp_path):
    out = tmp_path / "places.geojson"
    n = run(engine, "geojson", out)
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == n > 0
    by_code = {f["properties"]["adcode"]: f for f in fc["features"] if f["properties"]["adcode"]}
    ids = {d["id"] for d in sheets}
    for code, name in (("330421", "嘉善县"), ("330500", "湖州市")):
        f = by_code[code]
        lon, lat = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "Point" and f["properties"]["name"] == name
        assert 119.5 < lon < 121.5 and 30.5 < lat < 31.2, (name, lon, lat)
        docs = [d for d in sheets if any(p["adcode"] == code for p in d["places"])]
        assert f["properties"]["documents"] == len(docs) > 0
        assert f["properties"]["mentions"] == sum(len(p["mentions"]) for d in docs for p in d["places"]
                                                  if p["adcode"] == code)
        assert set(f["properties"]["document_ids"]) == {d["id"] for d in docs} <= ids
    assert all(len(f["properties"]["document_ids"]) <= 20 for f in fc["features"])
    assert "德国" not in {f["properties"]["name"] for f in fc["features"]}  # no coordinates, no feature


# --- parquet -----------------------------------------------------------------------------------------


def test_parquet_documents_and_facts(engine, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "kb.parquet"
    assert run(engine, "parquet", out) == 10
    docs = pq.read_table(out)
    assert docs.num_rows == 10 and "raw" not in docs.column_names
    assert {"id", "title", "text", "published_date", "duplicate_of", "factsheet"} <= set(docs.column_names)
    assert str(docs.schema.field("title").type) == "string" and str(docs.schema.field("version").type) == "int64"
    assert pq.ParquetFile(out).metadata.row_group(0).column(0).compression == "ZSTD"
    fx = pq.read_table(tmp_path / "kb.facts.parquet")
    n_facts = run(engine, "csv", tmp_path / "facts.csv", table="facts")
    assert fx.num_rows == n_facts and set(fx.column("doc_id").to_pylist()) == set(docs.column("id").to_pylist())


# --- filters and errors ------------------------------------------------------------------------------


def test_place_filter(engine, sheets, tmp_path):
    out = tmp_path / "huzhou.jsonl"
    n = run(engine, "jsonl", out, Filters(place="330500"))
    docs = read_jsonl(out)
    expected = {d["id"] for d in sheets if any((p["adcode"] or "").startswith("3305") for p in d["places"])}
    assert 0 < n < len(sheets) and {d["id"] for d in docs} == expected
    facts = tmp_path / "huzhou_facts.csv"
    run(engine, "csv", facts, Filters(place="330500"), "facts")
    assert {r["doc_id"] for r in read_csv(facts)} == expected
    geo = tmp_path / "huzhou.geojson"
    run(engine, "geojson", geo, Filters(place="330500"))
    features = json.loads(geo.read_text(encoding="utf-8"))["features"]
    assert all(set(f["properties"]["document_ids"]) <= expected for f in features)


def test_date_filter(engine, tmp_path):
    out = tmp_path / "2024.csv"
    n = run(engine, "csv", out, Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)))
    rows = read_csv(out)
    assert n == len(rows) == 4 and all(r["published_at"].startswith("2024") for r in rows)


def test_projects_and_targets_with_place_filter(engine, sheets, tmp_path):
    huzhou = {d["id"] for d in sheets if any((p["adcode"] or "").startswith("3305") for p in d["places"])}
    run(engine, "csv", tmp_path / "all.csv", table="targets")
    n = run(engine, "csv", tmp_path / "t.csv", Filters(place="330500"), "targets")
    assert n == len([t for t in read_csv(tmp_path / "all.csv") if t["source_id"] in huzhou]) > 0
    assert {t["source_id"] for t in read_csv(tmp_path / "t.csv")} <= huzhou
    run(engine, "csv", tmp_path / "p.csv", Filters(place="330500"), "projects")
    projects = read_csv(tmp_path / "p.csv")
    assert "沪苏湖铁路" in {p["name"] for p in projects}
    assert all(set(p["sources"].split("；")) <= huzhou for p in projects)
    assert run(engine, "xlsx", tmp_path / "huzhou.xlsx", Filters(place="330500")) == len(huzhou)


def test_bad_format_table_and_filter(engine, tmp_path):
    with pytest.raises(YrdError, match=r"format 'pdf'.*jsonl, csv, xlsx, geojson, parquet"):
        run(engine, "pdf", tmp_path / "x.pdf")
    with pytest.raises(YrdError, match=r"table 'people'.*documents, facts, projects, targets, relations"):
        run(engine, "csv", tmp_path / "x.csv", table="people")
    with pytest.raises(YrdError, match="csv only"):
        run(engine, "jsonl", tmp_path / "x.jsonl", table="facts")
    with pytest.raises(YrdError, match="6-digit adcode"):
        run(engine, "csv", tmp_path / "x.csv", Filters(place="Huzhou"))
    with pytest.raises(YrdError, match="cannot write"):
        run(engine, "jsonl", tmp_path / "missing" / "x.jsonl")
    assert not list(tmp_path.iterdir())  # nothing half-written
