"""Checks over the whole development corpus (../shared/corpus; skipped where it is absent)."""
import re
from collections import Counter

import pytest

from yrd.pipeline import Failure, run

_MARKUP = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9]*)[\s>/]|&(?:[a-z]{2,8}|#\d{2,5});|\{\s*[a-z-]+\s*:")


@pytest.fixture(scope="module")
def corpus_docs(corpus):
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name not in ("README.md", "MANIFEST.tsv"))
    results = list(run([str(p) for p in files], steps=[]))
    return files, results


def test_every_corpus_file_gives_articles_and_nothing_fails(corpus_docs):
    files, results = corpus_docs
    failures = [r for r in results if isinstance(r, Failure)]
    assert not failures, failures[:5]
    per_file = Counter(d.source.path for d in results)
    assert set(per_file) == {str(p) for p in files}
    # a day's 新闻联播 transcript is split into its stories
    transcripts = [p for p in per_file if "/cctv_xwlb_md/" in p]
    assert transcripts and all(per_file[p] >= 5 for p in transcripts)


def test_clean_text_contract(corpus_docs):
    _, docs = corpus_docs
    for d in docs:
        web = "/web_pages/" in d.source.path  # a scraped page may show no headline: its title is then empty
        assert d.text and (d.title or web), d.source.path
        paragraphs = d.text.split("\n")
        assert all(p and p == p.strip() for p in paragraphs), d.source.path
        long = [p for p in paragraphs if len(p) >= 6]
        assert len(long) == len(set(long)), f"repeated paragraph in {d.source.path}"
        assert not _MARKUP.search(d.text), (d.source.path, _MARKUP.search(d.text).group(0))
        assert len(d.original_text) == len(d.text)
        assert d.script == "zh-Hans" or web  # (web_pages holds traditional-script mirrors)


def test_metadata_of_html_pages(corpus_docs):
    _, docs = corpus_docs
    pages = [d for d in docs if "/cctv_xwlb_html/" in (d.source.path or "")]
    assert len(pages) == 699 and all(d.source.format == "html" for d in pages)
    for d in pages:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", d.published_at), d.source.path
        assert d.source.publisher == "央视网"
        assert not d.title.startswith("[视频]")


def test_every_story_has_a_date_and_url(corpus_docs):
    _, docs = corpus_docs
    stories = [d for d in docs if "/cctv_xwlb_md/" in (d.source.path or "")]
    assert all(d.published_at for d in stories)
    assert sum(1 for d in stories if d.source.url) / len(stories) > 0.95
