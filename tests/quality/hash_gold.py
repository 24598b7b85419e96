#!/usr/bin/env python3
"""Convert plain clean-text annotations into the hashed gold set.

    python tests/quality/hash_gold.py [--plain /tmp/clean_gold_plain.jsonl]
                                      [--out tests/quality/clean_gold.jsonl]
                                      [--corpus ../shared/corpus]
    python tests/quality/hash_gold.py --verify   # re-check the hashed file only

The plain file lives OUTSIDE the repository (it contains corpus text). One JSON
object per line:

    {"file": "cctv_xwlb_html/VIDE....shtml", "kind": "html|hexo|jekyll|xwlb_md",
     "must": ["snippet", ...], "must_not": ["snippet", ...]}

A snippet may also be {"text": "snippet", "hint": "my own words"}; otherwise a
generic hint is derived from its position / a chrome pattern. Every snippet is
checked against the raw corpus file (crude tag strip + html.unescape +
normalize); any that is not found is reported and the script exits 1 without
writing. See README.md in this folder.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from goldhash import GoldText, normalize, snippet_key  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_PLAIN = "/tmp/clean_gold_plain.jsonl"
DEFAULT_OUT = os.path.join(HERE, "clean_gold.jsonl")
KINDS = {"html", "hexo", "jekyll", "xwlb_md"}
MUST_LEN = (8, 40)
MUST_NOT_LEN = (3, 40)  # short chrome labels (e.g. a 3-char widget title) are allowed


def find_corpus(arg: str | None) -> str | None:
    for c in (arg, os.environ.get("YRD_CORPUS"), os.path.join(REPO, "..", "shared", "corpus")):
        if c and os.path.isdir(c):
            return os.path.abspath(c)
    return None


def crude_views(raw: str) -> list[str]:
    """Normalized crude renderings of a raw file that a snippet may match.

    Tags and comments are dropped (scripts/styles are kept: they are what a
    bad cleaner leaks), Markdown bold markers are dropped, then the text is
    entity-decoded. The undecoded rendering is also offered so that literal
    entity leaks such as '&#123;' can be annotated as must_not.
    """
    t = re.sub(r"(?s)<!--.*?-->", "", raw)
    t = re.sub(r"<[^>]+>", "", t).replace("**", "")
    return [normalize(html.unescape(t)), normalize(t)]


# (regex on the snippet, hint) - generic labels for chrome, in our own words.
CHROME_HINTS = [
    (r"^来源[:：].*更新时间", "source + update-time line"),
    (r"^责任编辑", "responsible-editor line"),
    (r"^编辑[:：]", "editor line"),
    (r"^(全部评论|查看更多评论)$", "comment widget"),
    (r"^热播榜$", "trending box label"),
    (r"^视频简介$", "video brief label"),
    (r"^(央视节目官网首页|央视网首页)$", "footer nav"),
    (r"版权所有$|^京ICP", "footer copyright/licence"),
    (r"^（\d+）", "brief's numbered story list (视频简介 box)"),
    (r"^原标题", "original-title line"),
    (r"股民福利|炒股神器|新浪财经APP", "promo box"),
    (r"^!\[img\]", "image markdown"),
    (r"&#123;", "escaped CSS brace entity"),
    (r"[{;]|px", "CSS fragment"),
    (r"^(title|categories|headimg|author|comments|date|thumbnail|layout|description|keywords|mermaid|sequence|flow|mathjax|mindmap2?):", "front-matter key"),
    (r"AliceBox|^EnR?A\+A-", "toolbar widget"),
    (r"本期视频由", "video credit line"),
    (r"^\d\d-\d\d \d\d:\d\d ?Wind$", "timestamp line"),
    (r"标题栏", "translation disclaimer"),
    (r"^（《新闻联播》", "broadcast stamp line"),
    (r"^\[查看原文\]", "source link line"),
    (r"^更新时间", "update-time trailer"),
]


def chrome_hint(s: str, kind: str) -> str:
    for pat, hint in CHROME_HINTS:
        if re.search(pat, s):
            return hint
    if kind == "html":
        return "trending box item"
    return "chrome"


def must_hint(i: int, n: int) -> str:
    if n == 1:
        return "first and last sentence of body"
    if i == 0:
        return "first sentence of body"
    if i == n - 1:
        return "last sentence of body"
    return "body, middle (%d/%d)" % (i, n - 2)


def split(entry) -> tuple[str, str | None]:
    if isinstance(entry, dict):
        return entry["text"], entry.get("hint")
    return entry, None


def build(plain: str, out: str, corpus: str) -> int:
    problems: list[str] = []
    warnings: list[str] = []
    out_lines: list[str] = []
    seen: set[str] = set()
    n_files = n_must = n_not = 0
    with open(plain, encoding="utf-8") as f:
        recs = [json.loads(l) for l in f if l.strip()]
    for rec in recs:
        fn, kind = rec["file"], rec["kind"]
        if kind not in KINDS:
            problems.append("%s: unknown kind %r" % (fn, kind))
        if fn in seen:
            problems.append("%s: annotated twice" % fn)
        seen.add(fn)
        path = os.path.join(corpus, fn)
        if not os.path.isfile(path):
            problems.append("%s: not in corpus" % fn)
            continue
        with open(path, "rb") as fb:
            data = fb.read()
        views = crude_views(data.decode("utf-8"))
        entry = {"file": fn, "kind": kind, "file_sha1": hashlib.sha1(data).hexdigest()}
        for field, lo_hi in (("must", MUST_LEN), ("must_not", MUST_NOT_LEN)):
            items = rec.get(field, [])
            hashed = []
            for i, it in enumerate(items):
                text, hint = split(it)
                n = normalize(text)
                if not any(n in v for v in views):
                    problems.append("%s: %s[%d] not found in raw file: %r" % (fn, field, i, text))
                elif field == "must" and n not in views[0]:
                    problems.append("%s: must[%d] only matches undecoded text: %r" % (fn, i, text))
                if not lo_hi[0] <= len(n) <= lo_hi[1]:
                    warnings.append("%s: %s[%d] normalized length %d outside %s" % (fn, field, i, len(n), lo_hi))
                if hint is None:
                    hint = must_hint(i, len(items)) if field == "must" else chrome_hint(text.strip(), kind)
                hashed.append(dict(snippet_key(text), hint=hint))
            entry[field] = hashed
        if not entry["must"] or not entry["must_not"]:
            warnings.append("%s: %d must / %d must_not" % (fn, len(entry["must"]), len(entry["must_not"])))
        n_files += 1
        n_must += len(entry["must"])
        n_not += len(entry["must_not"])
        out_lines.append(json.dumps(entry, ensure_ascii=False, sort_keys=False))
    for w in warnings:
        print("warning:", w, file=sys.stderr)
    if problems:
        for p in problems:
            print("ERROR:", p, file=sys.stderr)
        print("%d problem(s); %s not written" % (len(problems), out), file=sys.stderr)
        return 1
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(out_lines) + "\n")
    print("wrote %s: %d files, %d must, %d must_not snippets" % (out, n_files, n_must, n_not))
    return 0


def verify(gold: str, corpus: str) -> int:
    """Check every hashed snippet still occurs in its raw corpus file."""
    bad = 0
    with open(gold, encoding="utf-8") as f:
        recs = [json.loads(l) for l in f if l.strip()]
    for rec in recs:
        path = os.path.join(corpus, rec["file"])
        with open(path, "rb") as fb:
            data = fb.read()
        if hashlib.sha1(data).hexdigest() != rec.get("file_sha1"):
            print("note: %s changed since annotation" % rec["file"], file=sys.stderr)
        views = [GoldText(v, already_normalized=True) for v in crude_views(data.decode("utf-8"))]
        for field in ("must", "must_not"):
            for i, m in enumerate(rec[field]):
                if not any(g.contains(m["sha1"], m["len"]) for g in views):
                    bad += 1
                    print("MISSING %s %s[%d] (%s)" % (rec["file"], field, i, m["hint"]), file=sys.stderr)
    print("verified %d files: %d missing snippet(s)" % (len(recs), bad))
    return 1 if bad else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plain", default=DEFAULT_PLAIN, help="plain annotations (outside the repo)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="hashed gold file to write")
    ap.add_argument("--corpus", default=None, help="corpus dir (default: $YRD_CORPUS or ../shared/corpus)")
    ap.add_argument("--verify", action="store_true", help="only re-check --out against the corpus")
    a = ap.parse_args(argv)
    corpus = find_corpus(a.corpus)
    if corpus is None:
        print("corpus not found (pass --corpus or set YRD_CORPUS)", file=sys.stderr)
        return 2
    if a.verify:
        return verify(a.out, corpus)
    if os.path.abspath(a.plain).startswith(os.path.abspath(REPO) + os.sep):
        print("refusing: the plain annotation file must live outside the repository", file=sys.stderr)
        return 2
    return build(a.plain, a.out, corpus)


if __name__ == "__main__":
    sys.exit(main())
