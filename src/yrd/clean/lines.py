"""Paragraph-level filters: metadata lines, site chrome, spam and repeats.

Each paragraph of a candidate article passes through :func:`filter_paragraphs`,
which keeps the article's own paragraphs, moves metadata lines (source,
publication time, editor, original title) into ``meta``, and drops chrome and
spam, counting each drop by reason.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .dates import find_date_in_text

_SP = r"[\s\u3000\xa0]*"
_COLON = _SP + r"[:：]" + _SP
# Metadata lines; each may be written in either script.
_METADATA_START = re.compile(
    r"^(?:(?:发布|發布|发表|發表|更新|发稿|發稿|刊发|刊發)(?:时间|時間|日期)|来源|來源|稿源|作者|记者|記者)[\s\u3000]*[:：]"
)
_DIGIT = re.compile(r"\d")
_SOURCE = re.compile(r"(?:来源|來源|稿源|出处|出處)" + _COLON + r"([^\s\u3000|｜]{2,30})")
_AUTHOR = re.compile(r"(?:作者|记者|記者|文|撰稿)" + _COLON + r"([^\s\u3000|｜]{2,20})")
_EDITOR = re.compile(r"^[（(【\[]?" + _SP + r"(?:责任编辑|責任編輯|编辑|編輯|责编|責編|审核|審核|校对|校對|值班编辑|主编|監製|监制|流程编辑|实习编辑|见习编辑)" + _COLON + r"(.{1,30})$")
_ORIGINAL_TITLE = re.compile(r"^原标题|^原標題")
_COPYRIGHT = re.compile(
    r"版权声明|版權聲明|版权所有|版權所有|Copyright|©|\(c\)\s*\d{4}|ICP[备備证證]|禁止转载|禁止轉載|"
    r"转载请注明|轉載請註明|本站文章来源于网络|本文来源于网络|如有侵权|如有侵權|违法和不良信息举报|不代表本站观点"
)
_DISCLAIMER = re.compile(r"^[*【\[]*(?:免责声明|免責聲明|版权声明|版權聲明)")
_COUNTERS = re.compile(r"^(?:访问量|訪問量|浏览量|瀏覽量|浏览次数|瀏覽次數|阅读量|閱讀量|点击数|點擊數|点击量|阅读)" + _COLON + r"?\d+\s*次?$")
_LIST_HEADERS = re.compile(
    r"^(?:热门新闻|熱門新聞|热门文章|熱門文章|热点新闻|熱點新聞|热点排行|熱點排行|相关新闻|相關新聞|相关阅读|相關閱讀|相关文章|相關文章|推荐阅读|推薦閱讀|"
    r"延伸阅读|延伸閱讀|猜你喜欢|猜你喜歡|最新新闻|最新文章|热播榜|精彩推荐|精彩推薦|更多新闻|排行榜|热门推荐|熱門推薦|今日推荐|友情链接|友情鏈接)"
    r"[\s\u3000:：>》]*$"
)
_CHROME = re.compile(
    r"^(?:分享到|分享至|扫一扫|掃一掃|打印本页|打印本頁|关闭窗口|關閉窗口|返回顶部|返回頂部|上一篇|下一篇|上一條|下一條|【纠错】|【糾錯】|【打印】|【关闭】|"
    r"点击查看|點擊查看|查看原文|阅读原文|閱讀原文|查看更多|全部评论|全部評論|我要评论|我要評論|视频简介|視頻簡介|内容简介|内容簡介|主要内容|"
    r"[A-Za-z]{0,4}\s*A\+\s*A-|收藏|字号|字號|\[?查看原文\]?|下载.{0,8}APP|下載.{0,8}APP|海量资讯|海量資訊|股民福利|关注我们|關注我們|微信扫|微信掃)"
)
_CHROME_ANYWHERE = re.compile(
    r"收藏到 ?AliceBox|本期视频由.{0,20}提供技术支持|尽在新浪财经APP|尽在.{0,8}APP|扫描二维码|掃描二維碼|长按识别二维码|"
    r"官网入口|官網入口|娱乐城|娛樂城|注册送|註冊送|彩金|百家乐|百家樂|真人视讯|真人視訊|澳门葡京|澳門葡京|威尼斯人|六合彩|时时彩|時時彩|北京赛车|"
    r"在线娱乐|線上娛樂|在线博彩|线上赌场|網上賭場|网上赌场"
)
_CRUMB_SEPARATOR = re.compile(r"\s*[>＞»›]+\s*")


def _is_breadcrumb(p: str) -> bool:
    """``首页 > 新闻 > 正文``: a short first step, then steps of at most 40 characters between separators (a
    trailing separator allowed). Split, not matched by one pattern: steps and separators both take spaces, and a
    pattern repeating ``\\s*[>]+\\s*[^>]{1,40}`` backtracks exponentially in the number of steps."""
    if len(p) >= 120:
        return False
    steps = _CRUMB_SEPARATOR.split(p)
    return (len(steps) >= 2 and 1 <= len(steps[0]) <= 24 and not steps[0].isspace()
            and all(len(s) <= 40 for s in steps[1:]) and any(steps[1:]))


_SEPARATORS = re.compile(r"[|｜]")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[。！？!?；;”」』]$")
_DATELINE = re.compile(r"^(?:(?:19|20)\d\d[-/年])?\d{1,2}[-/月]\d{1,2}日?\s+\d{1,2}:\d{2}(?::\d{2})?\s*[A-Za-z\u4e00-\u9fff]{0,8}$")
_PROGRAM_STAMP = re.compile(r"^[（(]《[^》]{1,20}》\s*\d{8}\s*\d{1,2}:\d{2}[）)]$")


_WRAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]*\r?\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")
_RUNS = re.compile(r"[ \t\r\n\f\v]+")


def normalize_paragraph(p: str) -> str:
    """Trim the whitespace around a paragraph (ASCII, ideographic U+3000, no-break) and collapse runs inside."""
    p = p.replace("\xa0", " ").replace("\u200b", "").replace("\ufeff", "")
    # A line break inside a Chinese paragraph is a wrapping artifact of the markup, not a space.
    if "\n" in p:
        p = _WRAP.sub("", p)
    p = _RUNS.sub(" ", p)
    return p.strip(" \t\u3000\n")


_WIDE_PUNCTUATION = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，：；！？（）％")


def _key(p: str) -> str:
    """What makes two paragraphs the same (spaces aside, full-width and half-width alike)."""
    p = _SPACES.sub("", p)
    for wide, narrow in _WIDE_PUNCTUATION:  # what fails NFKC's quick check in nearly every Chinese paragraph
        if wide in p:
            p = p.replace(wide, narrow)
    return p if unicodedata.is_normalized("NFKC", p) else unicodedata.normalize("NFKC", p)


@dataclass
class LineVerdict:
    kept: list[str] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    meta: dict[str, str] = field(default_factory=dict)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (reason, paragraph), for --explain


def _is_spam(p: str) -> bool:
    seps = len(_SEPARATORS.findall(p))
    if seps >= 4:
        parts = [x.strip() for x in _SEPARATORS.split(p) if x.strip()]
        if parts and sum(len(x) for x in parts) / len(parts) <= 16:
            return True
    hits = len(_CHROME_ANYWHERE.findall(p))
    return hits >= 1 and (hits >= 3 or len(p) < 80 or not re.search(r"[，。]", p))


def _metadata(p: str, meta: dict[str, str]) -> bool:
    """If ``p`` is a metadata line, record its values in ``meta`` and return True."""
    if len(p) > 120:
        return False
    if _ORIGINAL_TITLE.match(p):
        meta.setdefault("original_title", re.sub(r"^原[标標]题" + _COLON, "", p))
        return True
    m = _EDITOR.match(p)
    if m:
        meta.setdefault("editor", m.group(1).strip(" )）】]"))
        return True
    date = find_date_in_text(p) if _DIGIT.search(p) else None
    src = _SOURCE.search(p)
    if (_METADATA_START.match(p) and (date or src)) or (date and src and len(p) < 80):
        if date:
            meta.setdefault("published_at", date)
        if src:
            meta.setdefault("publisher", src.group(1).strip())
        auth = _AUTHOR.search(p)
        if auth:
            meta.setdefault("author", auth.group(1).strip())
        return True
    m = _AUTHOR.match(p)
    if m and len(p) < 40:
        meta.setdefault("author", m.group(1).strip())
        return True
    return False


def filter_paragraphs(paragraphs: list[str], title: str | None = None) -> LineVerdict:
    """Keep the article's paragraphs; drop chrome, spam, metadata and repeats (counted by reason)."""
    verdict = LineVerdict()
    seen: set[str] = set()
    title_key = _key(title) if title else None
    in_list = False
    for raw in paragraphs:
        p = normalize_paragraph(raw)
        if not p:
            continue
        key = _key(p)
        reason = None
        if in_list:
            if len(p) < 40 and not _SENTENCE_END.search(p):
                reason = "related-links list"
            else:
                in_list = False
        if reason:
            pass
        elif _LIST_HEADERS.match(p):
            in_list, reason = True, "related-links list"
        elif title_key and key == title_key and not verdict.kept:
            reason = "title line"
        elif _is_spam(p):
            reason = "spam"
        elif _COUNTERS.match(p):
            reason = "page counter"
        elif _COPYRIGHT.search(p) and (len(p) < 150 or p.startswith(("版权", "版權"))) or _DISCLAIMER.match(p):
            reason = "copyright notice"
        elif _metadata(p, verdict.meta):
            reason = "metadata line"
        elif _CHROME.match(p) and len(p) < 60:
            reason = "site chrome"
        elif _CHROME_ANYWHERE.search(p) and len(p) < 60:
            reason = "site chrome"
        elif _DATELINE.match(p):
            reason = "dateline"
        elif _PROGRAM_STAMP.match(p):
            reason = "broadcast stamp"
        elif _is_breadcrumb(p) and not _SENTENCE_END.search(p):
            reason = "breadcrumb"
        elif key in seen and len(key) >= 6:
            reason = "repeated paragraph"  # short markers ("无", "▷") legitimately recur
        if reason:
            verdict.dropped[reason] += 1
            verdict.removed.append((reason, p))
            continue
        seen.add(key)
        verdict.kept.append(p)
    return verdict
