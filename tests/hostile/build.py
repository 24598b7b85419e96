"""Build a corpus of hostile inputs (never committed: made by this script, into a directory).

Each case is one input an attacker or an unlucky operator could hand to ``yrd``: nesting that exhausts a
recursive parser, lines that make a regex backtrack, records over the size cap, symbolic-link loops, long runs
of one character. ``GOOD`` inputs sit beside them: they must still be stored. Sizes scale with ``--scale`` so
the test suite can use small ones (with a small ``--max-bytes``) and a probe the issue's full sizes.

    python tests/hostile/build.py DIR [--scale 1.0]
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

#: an ordinary article, written for these tests (no corpus text)
ARTICLE = ("嘉兴市与上海市青浦区签署战略合作协议，双方将共建科创走廊，推动长三角一体化发展。"
           "根据协议，两地将在产业协同、交通互联和公共服务共享方面深化合作，到2025年共同建成一批重大项目。")
TITLE = "嘉兴与青浦签署战略合作协议"


def good_page(n: int = 0) -> str:
    paras = "".join(f"<p>第{i}段：{ARTICLE}</p>" for i in range(4))
    return (f"<html><head><title>{TITLE}（{n}）</title></head><body><div class='article'>"
            f"<h1>{TITLE}（{n}）</h1><p>发布时间：2024-05-0{n % 9 + 1} 09:30</p>{paras}</div></body></html>")


def good_record(n: int) -> str:
    return json.dumps({"title": f"{TITLE}（记录{n}）", "text": f"记录{n}。" + ARTICLE * 3,
                       "url": f"https://example.org/{n}", "published_at": "2024-05-06"}, ensure_ascii=False)


def breadcrumb(levels: int) -> str:
    return "首页 > " + " > ".join(["新闻"] * levels) + " >"


CASES: dict[str, str] = {}  # name -> what it is


def build(out: Path, scale: float = 1.0) -> dict[str, Path]:
    """Write every case under ``out``; return {case name: path}."""
    out.mkdir(parents=True, exist_ok=True)
    deep = max(1000, int(100_000 * scale))
    big = max(2_000_000, int(120_000_000 * scale))
    made: dict[str, Path] = {}

    def put(name: str, data: str | bytes, what: str, suffix: str = "") -> Path:
        path = out / (name + suffix)
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        CASES[name] = what
        made[name] = path
        return path

    put("good", good_page(0), "a good page", ".html")
    put("deep_jsonl", "\n".join([good_record(1), "[" * deep + "]" * deep, good_record(2),
                                 '{"text": ' + "[" * deep + "]" * deep + "}", good_record(3)]) + "\n",
        "JSON Lines: good lines around lines nested 100,000 deep", ".jsonl")
    put("deep_json", "[" * deep + "]" * deep, "a JSON document nested 100,000 deep", ".json")
    put("deep_front_matter", "---\ntitle: x\ntags: " + "[" * deep + "]" * deep + "\n---\n" + ARTICLE * 5,
        "Markdown whose YAML front matter nests 100,000 deep", ".md")
    put("deep_front_matter_block", "---\ntitle: x\ntags:\n" + "".join("  " * i + "- \n" for i in range(min(deep, 3000)))
        + "---\n" + ARTICLE * 5, "front matter of block lists nested thousands deep", ".md")
    put("deep_html", "<html><head><title>t</title></head><body>" + "<div>" * deep + ARTICLE * 5 + "</div>" * deep
        + "</body></html>", "HTML with 100,000 nested divs", ".html")
    put("deep_inline_html", "<p>" + "<span>" * deep + ARTICLE * 5 + "</span>" * deep + "</p>",
        "an HTML fragment with 100,000 nested spans", ".html")
    put("deep_markdown", "---\ntitle: x\n---\n" + "> " * min(deep, 20000) + ARTICLE + "\n" + "[" * deep + ARTICLE,
        "Markdown quotes and brackets nested deep", ".md")
    put("deep_feed", '<?xml version="1.0"?><rss><channel><item><title>t</title><description>'
        + "&lt;div&gt;" * deep + ARTICLE + "</description></item></channel></rss>", "a feed item of nested markup",
        ".xml")
    for levels in (12, 20, 40):
        put(f"breadcrumb_{levels}", breadcrumb(levels) + "\n" + TITLE + "\n发布时间：2024-05-06 09:30\n"
            + "\n".join(ARTICLE for _ in range(5)) + "\n", f"a breadcrumb of {levels} levels over an article", ".txt")
    put("breadcrumb_jsonl", json.dumps({"title": TITLE, "text": breadcrumb(40) + "\n" + ARTICLE * 3},
                                       ensure_ascii=False) + "\n" + good_record(4) + "\n",
        "a JSON Lines record whose text starts with a breadcrumb of 40 levels", ".jsonl")
    seps = "".join(f"{s} 新闻 " for s in (">", "»", "/", "|", "-", "·", "＞", "→", "›") * max(4, int(40 * scale)))
    put("separators", seps + "\n" + ARTICLE * 5, "a line of every separator, alternating", ".txt")
    put("one_char", "啊" * max(100_000, int(5_000_000 * scale)), "five million of one character", ".txt")
    put("one_char_lines", ("好" * 200 + "\n") * max(1000, int(50_000 * scale)), "fifty thousand equal lines", ".txt")
    put("dots", "。" * max(100_000, int(2_000_000 * scale)) + ARTICLE, "two million full stops", ".txt")
    put("digits", "1" * max(100_000, int(1_000_000 * scale)) + "亿元" + ARTICLE, "a million digits before a unit",
        ".txt")
    put("spaces", ARTICLE + " " * max(100_000, int(2_000_000 * scale)) + ARTICLE, "two million spaces", ".txt")
    put("nested_brackets", "（" * max(10_000, int(200_000 * scale)) + ARTICLE + "）" * max(10_000, int(200_000 * scale)),
        "brackets nested 200,000 deep", ".txt")
    # over the cap: written in pieces, never held whole
    path = out / "big_record.jsonl"
    with open(path, "wb") as fh:
        fh.write((good_record(5) + "\n").encode())
        fh.write(b'{"title": "big", "text": "')
        chunk = (ARTICLE * 200).encode()
        written = 0
        while written < big:
            fh.write(chunk)
            written += len(chunk)
        fh.write(b'"}\n')
        fh.write((good_record(6) + "\n").encode())
    CASES["big_record"] = "a JSON Lines record over the cap for one article, between two good ones"
    made["big_record"] = path
    path = out / "big_line.txt"
    with open(path, "wb") as fh:
        chunk = (ARTICLE * 200).encode()
        written = 0
        while written < big:
            fh.write(chunk)
            written += len(chunk)
    CASES["big_line"] = "a text file of one line over the cap"
    made["big_line"] = path
    path = out / "big_brace_line.txt"
    with open(path, "wb") as fh:
        fh.write(b"{")
        written = 0
        while written < big:
            fh.write(chunk)
            written += len(chunk)
    CASES["big_brace_line"] = "a file of one line starting with '{', over the cap"
    made["big_brace_line"] = path
    loops = out / "loops"
    loops.mkdir(exist_ok=True)
    (loops / "article.html").write_text(good_page(7), encoding="utf-8")
    for name, target in (("self", "."), ("up", ".."), ("again", "article.html")):
        link = loops / name
        if not os.path.lexists(link):
            os.symlink(target, link)
    CASES["loops"] = "a directory with one article beside self -> ., up -> .. and a second link to the article"
    made["loops"] = loops
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: the issue's sizes (120 MB records, 100,000 deep)")
    args = parser.parse_args()
    for name, path in build(args.out, args.scale).items():
        print(f"{name}\t{path}\t{CASES[name]}")


if __name__ == "__main__":
    main()
