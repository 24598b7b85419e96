"""The search terms a document is indexed under: the numpy path gives exactly the terms the query side uses."""
import pytest

from yrd.search.terms import document_terms, terms_string, tokens

CASES = [
    "", " ", "长", "a", "Ab", "AB CD", "G60科创走廊AG600M", "沪A股 a", "ab12 c 长 三角 d", "İstanbul KELVIN K",
    "ＡＢ全角ｃ１２", "𠀀𠀁汉字", "《长三角一体化发展规划纲要》（2019）", "上海\n浙江\t江苏", "x" * 3, "豈更车", "a长b",
]


@pytest.mark.parametrize("text", CASES)
def test_the_terms_string_is_the_joined_tokens(text):
    assert terms_string(text) == " ".join(tokens(text))


def test_two_character_queries_are_one_term_longer_ones_their_bigrams():
    assert tokens("嘉善") == ["嘉善"]
    assert terms_string("嘉善县G60") == "嘉善 善县 g6 60"
    assert document_terms("标题", "正文") == "标题 \n 正文"


def test_on_every_corpus_text(corpus):
    from yrd.model import Document
    from yrd.pipeline import run

    paths = [str(p) for p in sorted(corpus.rglob("*")) if p.is_file() and p.name not in ("README.md", "MANIFEST.tsv")]
    docs = [d for d in run(paths, steps=[]) if isinstance(d, Document)]
    for doc in docs:
        for text in (doc.title or "", doc.text):
            assert terms_string(text) == " ".join(tokens(text)), (doc.source.path, text[:40])
    assert len(docs) > 1000
