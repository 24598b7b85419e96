"""Every input shape, on fixtures written for the project (tests/fixtures/shapes, see expected.json)."""
import json
from pathlib import Path

import pytest

from yrd.pipeline import Failure, run

SHAPES = Path(__file__).resolve().parent.parent / "fixtures" / "shapes"
EXPECTED = json.loads((SHAPES / "expected.json").read_text(encoding="utf-8"))


def _cases():
    for name, spec in EXPECTED.items():
        specs = spec if isinstance(spec, list) else [spec]
        for i, s in enumerate(specs):
            yield pytest.param(name, i, s, id=f"{name}[{i}]" if len(specs) > 1 else name)


@pytest.fixture(scope="module")
def docs_by_file():
    out = {}
    for name in EXPECTED:
        results = list(run([str(SHAPES / name)]))
        assert not [r for r in results if isinstance(r, Failure)], results
        out[name] = results
    return out


@pytest.mark.parametrize("name, index, spec", list(_cases()))
def test_shape(docs_by_file, name, index, spec):
    doc = docs_by_file[name][index]
    assert doc.source.format == spec["format"]
    assert doc.title == spec["title"]
    assert doc.published_at == spec["published_at"]
    assert doc.source.publisher == spec["publisher"]
    assert doc.script == spec["script"]
    for s in spec["must_contain"]:
        assert s in doc.text, f"lost article text: {s!r}"
    for s in spec["must_not_contain"]:
        assert s not in doc.text, f"kept chrome/spam/markup: {s!r}"
    for para in spec.get("repeated", []):
        assert doc.text.count(para) == 1
    for s in spec.get("keep_parens", []):
        assert s in doc.text
    if "url" in spec:
        assert doc.source.url == spec["url"]
    # the contract: paragraphs joined by \n, nothing blank, same-length original before conversion
    assert all(p.strip() == p and p for p in doc.text.split("\n"))
    assert len(doc.original_text) == len(doc.text)


def test_directories_are_read_recursively_in_a_stable_order():
    docs = [d for d in run([str(SHAPES / "nested")])]
    assert [Path(d.source.path).relative_to(SHAPES).as_posix() for d in docs] == [
        s["path"] for s in EXPECTED["nested"]
    ]


def test_same_bytes_give_the_same_id(tmp_path):
    a = [d.id for d in run([str(SHAPES / "hexo_feed.md")])]
    copy = tmp_path / "renamed.txt"
    copy.write_bytes((SHAPES / "hexo_feed.md").read_bytes())
    b = [d.id for d in run([str(copy)])]
    assert a == b
    ids = [d.id for d in run([str(SHAPES)]) if not isinstance(d, Failure)]
    assert len(ids) == len(set(ids))


def test_traditional_copy_keeps_the_original_characters():
    [doc] = list(run([str(SHAPES / "traditional_big5.txt")]))
    assert doc.encoding == "big5" or doc.encoding.startswith(("big5", "cp950"))
    i = doc.text.index("示范区")
    assert doc.original_text[i:i + 3] == "示範區"
    assert doc.raw == (SHAPES / "traditional_big5.txt").read_bytes()


def test_gbk_is_detected():
    [doc] = list(run([str(SHAPES / "simplified_gbk.txt")]))
    assert doc.encoding == "gb18030"


@pytest.mark.parametrize("pad", [0, 300_000])
def test_a_page_is_read_whole_whatever_its_size(tmp_path, pad):
    """A page within the first read (most are) is decoded once; a longer one is read to its end and decoded whole
    (GB18030 here, declared only in its head, with the article after the first 256 KB)."""
    from yrd.read import read_input

    page = ("<html><head><meta charset=gbk><title>长三角</title></head><body>" + "<!-- 注释 -->" * (pad // 12)
            + "<p>沪苏浙皖合作推进一体化发展，签约项目总投资120亿元。</p></body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gb18030"))
    [raw] = list(read_input(str(path)))
    assert raw.encoding == "gb18030"
    assert raw.body.endswith("签约项目总投资120亿元。</p></body></html>")
    assert raw.body == page
