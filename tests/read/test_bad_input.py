"""Bad input: one clear line per bad file on stderr, every good file still processed, exit status 1."""
import json
import os
import subprocess
import sys

import pytest

from yrd.errors import InputError
from yrd.pipeline import Failure, run
from yrd.read import ReadOptions, read_all

GOOD = "<html><head><title>嘉兴与上海签署合作协议</title></head><body><div class='article'>" + "".join(
    f"<p>第{i}段：嘉兴市与上海市青浦区签署战略合作协议，双方将共建科创走廊，推动长三角一体化发展。</p>" for i in range(4)
) + "</div></body></html>"


def _failures(paths, **kw):
    return [x for x in run([str(p) for p in paths], **kw) if isinstance(x, Failure)]


@pytest.fixture
def bad_dir(tmp_path):
    d = tmp_path / "inbox"
    d.mkdir()
    (d / "good.html").write_text(GOOD, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b"  \n\n \t\n")
    (d / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (d / "nul.txt").write_bytes(b"abc\x00\x01\x02" * 100)
    (d / "truncated.html").write_text(GOOD[: len(GOOD) // 2], encoding="utf-8")
    (d / "garbage.txt").write_bytes(bytes([0x80, 0xFF, 0xFE, 0x81, 0x30]) * 400)
    os.symlink(d / "missing-target.html", d / "dangling.html")
    os.mkfifo(d / "pipe.txt")
    return d


def test_every_bad_file_is_reported_and_the_good_ones_survive(bad_dir):
    results = list(run([str(bad_dir)]))
    docs = [r for r in results if not isinstance(r, Failure)]
    failures = {os.path.basename(f.where): f.reason for f in results if isinstance(f, Failure)}
    assert sorted(d.source.path.rsplit("/", 1)[-1] for d in docs) == ["good.html", "truncated.html"]
    assert "empty file" in failures["empty.txt"]
    assert "empty file" in failures["blank.txt"]
    assert "PNG" in failures["image.md"]
    assert "binary" in failures["nul.txt"]
    assert "cannot decode" in failures["garbage.txt"]
    assert "broken symbolic link" in failures["dangling.html"]
    assert "not a regular file" in failures["pipe.txt"]
    assert all("\n" not in reason for reason in failures.values())


def test_truncated_html_keeps_what_arrived(bad_dir):
    doc = next(d for d in run([str(bad_dir / "truncated.html")]))
    assert doc.title == "嘉兴与上海签署合作协议"
    assert doc.text.startswith("第0段：嘉兴市与上海市青浦区签署战略合作协议")


def test_a_200_mb_file_is_refused_without_being_read_whole(tmp_path):
    big = tmp_path / "huge.html"
    chunk = ("<p>" + "长三角一体化发展。" * 100 + "</p>\n").encode("utf-8")
    with open(big, "wb") as fh:
        fh.write(b"<html><body>")
        for _ in range(200 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
    good = tmp_path / "good.html"
    good.write_text(GOOD, encoding="utf-8")
    results = list(run([str(big), str(good)]))
    assert isinstance(results[0], Failure)
    assert "over the 50.0 MB limit" in results[0].reason and "--max-bytes" in results[0].reason
    assert not isinstance(results[1], Failure)


def test_a_large_jsonl_file_streams_past_the_single_article_limit(tmp_path):
    path = tmp_path / "many.jsonl"
    line = json.dumps({"title": "标题", "text": "嘉兴与上海签署合作协议。" * 20}, ensure_ascii=False)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(2000):
            fh.write(line.replace("标题", f"标题{i}") + "\n")
        fh.write("{not json\n")
    items = list(read_all([str(path)], ReadOptions(max_bytes=100_000)))
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(items) - len(errors) == 2000
    assert len(errors) == 1 and errors[0].where.endswith("many.jsonl:2001")


def test_a_few_bad_bytes_in_utf8_are_replaced_not_fatal(tmp_path):
    path = tmp_path / "almost.txt"
    text = "长三角一体化示范区明确今年重点工作。" * 20
    path.write_bytes(text.encode("utf-8")[:30] + b"\xff" + text.encode("utf-8")[30:])
    doc = next(iter(run([str(path)])))
    assert not isinstance(doc, Failure)
    assert "replaced" in doc.encoding


def test_missing_path():
    [failure] = _failures(["/nonexistent/file.html"])
    assert failure.reason == "no such file or directory"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_entries(tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text(GOOD, encoding="utf-8")
    secret.chmod(0)
    [failure] = _failures([tmp_path])
    assert "cannot read" in failure.reason


def test_cli_reports_one_line_per_bad_input_and_exit_status_1(bad_dir):
    proc = subprocess.run([sys.executable, "-m", "yrd", "extract", str(bad_dir)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    sheets = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(sheets) == 2
    lines = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr
    skipped = [ln for ln in lines if ln.startswith("yrd: skipped ")]
    assert len(skipped) == 7
    assert all(str(bad_dir) in ln for ln in skipped)
    assert "2 document(s) extracted, 7 input(s) failed" in lines[-1]
