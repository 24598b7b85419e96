"""The command line: fact-sheet contract, --help with an example for every command, URLs over loopback."""
import http.server
import json
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
