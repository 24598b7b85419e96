"""The command line: fact-sheet contract, --help with an example for every command, URLs over loopback."""
import http.server
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from yrd.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "tests" / "fixtures" / "shapes"
FACTSHEET_FIELDS = {
    "id": str, "source": dict, "title": str, "published_at": (str, type(None)), "script": str, "text": str,
    "duplicate_of": (str, type(None)), "places": list, "people": list, "organizations": list, "amounts": list,
    "targets": list, "events": list, "relations": list,
}


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


@pytest.mark.parametrize("path", [()] + [p for p, _ in _commands(main)], ids=lambda p: " ".join(p) or "yrd")
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "yrd " in result.output.split("Example", 1)[1]


def test_extract_prints_the_factsheet_contract():
    result = subprocess.run([sys.executable, "-m", "yrd", "extract", str(SHAPES / "hexo_feed.md"),
                             str(SHAPES / "traditional_pinyin.txt")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    sheets = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(sheets) == 2
    for sheet in sheets:
        for field, kind in FACTSHEET_FIELDS.items():
            assert isinstance(sheet[field], kind), field
        assert set(sheet["source"]) >= {"path", "url", "format", "publisher", "author"}
        assert sheet["script"] in ("zh-Hans", "zh-Hant")
    assert "長" not in result.stdout and "长三角" in result.stdout  # ensure_ascii=False, simplified


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=str(SHAPES), **kw)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def loopback_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_feed_and_page_by_url(loopback_server):
    result = CliRunner().invoke(main, ["extract", f"{loopback_server}/feed_rss.xml",
                                       f"{loopback_server}/news_page.txt", f"{loopback_server}/missing.xml"])
    sheets = [json.loads(line) for line in result.stdout.splitlines()]
    assert [s["source"]["format"] for s in sheets] == ["feed", "feed", "html"]
    assert sheets[2]["title"].startswith("苏州与嘉兴建立跨界水体联保机制")
    assert result.exit_code == 1
    assert "missing.xml: HTTP 404" in result.stderr


def test_what_is_no_article_is_skipped_with_its_reason_and_is_no_failure(tmp_path):
    (tmp_path / "MANIFEST.tsv").write_text("file\tsite\tdate\n" + "".join(f"a{i}.txt\t站点{i}\t2024-01-0{i}\n"
                                                                          for i in range(1, 8)), encoding="utf-8")
    (tmp_path / "README.md").write_text("# Corpus\n\nThese files are real pages kept for testing the cleaner.\n"
                                        "Each one was saved as text.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(tmp_path), str(SHAPES / "hexo_feed.md")])
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert "MANIFEST.tsv: not an article: a table" in result.stderr
    assert "README.md: not an article" in result.stderr
    assert "2 input(s) skipped, no error (" in result.stderr and "failed" not in result.stderr
    failing = CliRunner().invoke(main, ["extract", str(tmp_path), str(tmp_path / "missing.txt")])
    assert failing.exit_code == 1 and "1 input(s) failed" in failing.stderr


# --- reading the store: lists page, the entity's page, times in Beijing time ------------------------------------

SAMPLES = ROOT / "samples" / "articles"
LATE = {"title": "嘉兴港与太仓港开通集装箱快线", "published_at": "2024-05-06T20:00:00+00:00", "url": "https://example.com/late",
        "text": "5月6日，嘉兴港与太仓港开通集装箱快线，两港每周对开班轮6班，全年运量预计达到20万标准箱。"}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """The samples and one article stamped at 20:00 UTC (04:00 the next day in Beijing) in a SQLite store."""
    from yrd.ingest import ingest

    tmp = tmp_path_factory.mktemp("kb")
    (tmp / "late.jsonl").write_text(json.dumps(LATE, ensure_ascii=False) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp / 'kb.db'}"
    ingest([str(SAMPLES), str(tmp / "late.jsonl")], url)
    return url


def _rows(kb, *args):
    """A list command's rows (jsonl; network's edges) and its last line on stderr."""
    result = CliRunner(env={"COLUMNS": "100"}).invoke(main, [*args, "--db", kb])
    assert result.exit_code == 0, result.stderr
    if args[0] == "network":
        rows = json.loads(result.stdout)["edges"]
    else:
        rows = [json.loads(line) for line in result.stdout.splitlines()]
    return rows, result.stderr.splitlines()[-1]


LISTS = [("search", "合作", "--format", "jsonl"), ("projects", "--format", "jsonl"),
         ("portfolios", "--format", "jsonl"), ("targets", "--format", "jsonl"), ("network", "--format", "json", "--scope", "all"),
         ("network", "--format", "json", "--from", "2023")]  # (kept by the writer; built from the facts)


@pytest.mark.parametrize("command", LISTS, ids=lambda c: " ".join(c[:1] + c[3:]))
def test_every_list_pages_and_says_how_many_were_left_out(kb, command):
    whole, last = _rows(kb, *command, "--limit", "1000")
    total = int(re.fullmatch(r"yrd: (\d+) of (\d+) \w+ shown", last).group(2))
    assert total == len(whole) >= 4
    first, last = _rows(kb, *command, "--limit", "2")
    assert first == whole[:2]
    assert last == f"yrd: 2 of {total} {last.split()[4]} shown (--offset 2 for more)"
    pages = first
    for offset in range(2, total, 2):  # the pages, one after another, are the whole list
        page, last = _rows(kb, *command, "--limit", "2", "--offset", str(offset))
        pages += page
        assert f"shown, {offset + 1}–{offset + len(page)}" in last
        assert ("for more" in last) == (offset + 2 < total)
    assert pages == whole
    _, last = _rows(kb, *command, "--offset", str(total + 5))
    assert last.endswith(f"(--offset {total + 5} is past the end)")


def test_tables_show_days_in_beijing_time(kb):
    result = CliRunner(env={"COLUMNS": "100"}).invoke(main, ["search", "太仓港", "--db", kb, "--format", "table"])
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "嘉兴港与太仓港" in line)
    assert row.startswith("2024-05-07 ")  # 20:00 UTC on the 6th is 04:00 on the 7th in Beijing
    assert result.stderr.strip() == "yrd: 1 of 1 documents shown"


@pytest.mark.parametrize("stored,shown,day", [
    ("2023-03-15T02:30:00+00:00", "2023-03-15 10:30 (UTC+8)", "2023-03-15"),
    ("2024-05-06T20:00:00+00:00", "2024-05-07 04:00 (UTC+8)", "2024-05-07"),
    ("2024-12-26T11:30:00+08:00", "2024-12-26 11:30 (UTC+8)", "2024-12-26"),
    ("2024-12-26T11:30:00", "2024-12-26 11:30 (UTC+8)", "2024-12-26"),  # no zone: Beijing time already
    ("2024-05-01T10:00:00-05:00", "2024-05-01 23:00 (UTC+8)", "2024-05-01"),
    ("2024-12-26", "2024-12-26", "2024-12-26"), ("2024-12", "2024-12", "2024-12"), (None, "", ""),
])
def test_times_are_told_in_beijing_time_with_the_zone(stored, shown, day):
    from yrd.cli.options import local_day, local_time

    assert local_time(stored) == shown and local_day(stored) == day


def test_entity_prints_a_readable_page_and_its_json(kb):
    runner = CliRunner(env={"COLUMNS": "80"})
    as_json = runner.invoke(main, ["entity", "330421", "--db", kb, "--format", "json"])
    assert as_json.exit_code == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["name"] == "嘉善县" and data["facts"] and data["facts_total"] == len(data["facts"])

    page = runner.invoke(main, ["entity", "330421", "--db", kb])
    assert page.exit_code == 0, page.stderr
    lines = page.stdout.splitlines()
    assert lines[0] == "嘉善县 · place (county) · 330421 · in 嘉兴市 (330400) · delta"
    assert f"{data['document_count']} article(s), {data['mentions']} mention(s)" in lines[2]
    from yrd.cli.options import width

    assert max(width(line) for line in lines) <= 80  # trimmed to the terminal
    # every fact is under its kind's heading, with its date and source on one line and its sentence under it
    for fact in data["facts"]:
        heading = next(i for i, line in enumerate(lines) if line.startswith(f"{fact['kind']}s ("))
        sentence = " ".join(fact["span"]["text"].split())
        at = next(i for i, line in enumerate(lines) if i > heading and line.strip() and
                  sentence.startswith(line.strip().rstrip("…")))
        assert re.match(r"  \d{4}-\d{2}-\d{2}  ", lines[at - 1]) and " — " in lines[at - 1]
        source = fact["source"]["title"] + f" ({fact['source']['publisher']})"
        assert lines[at - 1].split(" — ")[1].rstrip("…") in source
    assert page.stderr.strip() == f"yrd: {len(data['facts'])} of {len(data['facts'])} facts shown"
    limited = runner.invoke(main, ["entity", "330421", "--db", kb, "--limit", "2"])
    assert limited.stderr.strip() == f"yrd: 2 of {len(data['facts'])} facts shown (--offset 2 for more)"
