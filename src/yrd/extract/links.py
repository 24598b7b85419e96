"""The link step: a named project's stages (the events stated in its sentence) and investments (the sums of
money stated in its sentence after a word of investing), as :class:`~yrd.model.Link`s the store turns into
entity links."""
from __future__ import annotations

import re
from bisect import bisect_right

from ..model import Document, Link
from .text import sentences

_INVEST = re.compile(r"投资|总投资|投入|资金|造价|金额|融资")


def link_projects(doc: Document) -> list[Link]:
    """Links of every project mentioned in ``doc`` to the events and money amounts of its sentences."""
    projects = [(m["start"], o["name"]) for o in doc.organizations if o.get("kind") == "project"
                for m in o["mentions"]]
    if not projects or not (doc.events or doc.amounts):
        return []
    spans = sentences(doc.text)
    starts = [s for s, _ in spans]

    def sentence(offset: int) -> tuple[int, int]:
        i = bisect_right(starts, offset) - 1
        if i >= 0 and offset < spans[i][1]:
            return spans[i]
        return offset, offset + 1

    out: dict[Link, None] = {}
    for i, e in enumerate(doc.events):
        s, t = sentence(e["start"])
        for start, name in projects:
            if s <= start < t:
                out[Link("event", i, name, "stage")] = None
    for i, a in enumerate(doc.amounts):
        if a.get("kind") != "money":
            continue
        s, t = sentence(a["start"])
        for start, name in projects:
            if s <= start < t and _INVEST.search(doc.text, s, a["end"]):
                out[Link("amount", i, name, "investment")] = None
    return list(out)
