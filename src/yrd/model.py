"""The document, its facts and the domain's vocabularies: what every stage passes on (stdlib only).

Every offset is a Python ``str`` index into ``Document.text`` (end-exclusive),
so ``text[span.start:span.end] == span.text`` always holds.

The vocabularies (fact kinds, event and relation types, project stages in their order, place levels and
scopes, amount qualifiers, target statuses) are written here once; the CLI's choices, the API's validation and
the dashboard (``/api/vocabulary``) all take them from here. Facts travel as plain dicts (JSON at C speed) typed
by the ``TypedDict``s below.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, TypedDict, get_args

# --- vocabularies -------------------------------------------------------------------------------------------

FactKind = Literal["place", "person", "organization", "amount", "target", "event", "relation", "project", "portfolio"]
EventType = Literal["meeting", "signing", "unveiling", "groundbreaking", "completion", "approval", "release", "launch"]
RelationType = Literal["cooperation", "membership", "connects"]
Modality = Literal["happened", "planned", "quoted"]  # an event's: told as done, scheduled, or hoped for by someone
DateFrom = Literal["stated", "paragraph", "document"]
# a project's stages, in order: planned (规划建设, 拟建), approved, signed, ground broken, under construction, completed,
# in service
Stage = Literal["planned", "approval", "signing", "groundbreaking", "construction", "completion", "launch"]
ProjectKind = Literal["infrastructure", "industrial", "park", "platform", "centre", "fund", "other"]
PlaceLevel = Literal["province", "city", "district", "county", "town", "village", "zone", "area", "foreign"]
Scope = Literal["delta", "china", "foreign"]  # inside 上海/江苏/浙江/安徽, elsewhere in China, abroad
Approx = Literal["exact", "over", "under", "about", "order"]
# open: due later; reported: a later figure, below the goal; achieved: a later figure reaches it; missed: past its
# deadline, reported below the goal; unreported: past its deadline, nothing later found
TargetStatus = Literal["open", "reported", "achieved", "missed", "unreported"]
Topic = Literal["industry", "science_technology", "transport", "ecology_water", "public_services", "trade_ftz",
                "finance", "culture_tourism", "health", "education", "energy", "agriculture", "governance", "general"]
OrgKind = Literal["government", "company", "university", "research", "park", "zone", "platform", "project", "other"]
EntityKind = Literal["place", "organization", "project", "person"]
Role = Literal["participant", "party", "subject", "place", "stage", "investment"]  # an entity's part in a fact
Format = Literal["markdown", "html", "text", "jsonl", "feed"]
ExportFormat = Literal["jsonl", "csv", "xlsx", "geojson", "parquet"]
ExportTable = Literal["documents", "facts", "projects", "targets", "relations"]

FACT_KINDS: tuple[FactKind, ...] = get_args(FactKind)
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
RELATION_TYPES: tuple[RelationType, ...] = get_args(RelationType)
MODALITIES: tuple[Modality, ...] = get_args(Modality)
STAGES: tuple[Stage, ...] = get_args(Stage)
PLACE_LEVELS: tuple[PlaceLevel, ...] = get_args(PlaceLevel)
SCOPES: tuple[Scope, ...] = get_args(Scope)
APPROXES: tuple[Approx, ...] = get_args(Approx)
TARGET_STATUSES: tuple[TargetStatus, ...] = get_args(TargetStatus)
ORG_KINDS: tuple[OrgKind, ...] = get_args(OrgKind)
PROJECT_KINDS: tuple[ProjectKind, ...] = get_args(ProjectKind)
TOPICS: tuple[Topic, ...] = get_args(Topic)
FORMATS: tuple[Format, ...] = get_args(Format)
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
EXPORT_TABLES: tuple[ExportTable, ...] = get_args(ExportTable)

VOCABULARY: dict[str, tuple[str, ...]] = {
    "fact_kinds": FACT_KINDS, "event_types": EVENT_TYPES, "modalities": MODALITIES, "relation_types": RELATION_TYPES,
    "stages": STAGES,
    "place_levels": PLACE_LEVELS, "scopes": SCOPES, "approx": APPROXES, "target_statuses": TARGET_STATUSES,
    "organization_kinds": ORG_KINDS, "project_kinds": PROJECT_KINDS, "topics": TOPICS, "formats": FORMATS, "export_formats": EXPORT_FORMATS,
    "export_tables": EXPORT_TABLES,
}


def choices(name: str) -> str:
    """A vocabulary written for an error message: ``meeting, signing, …``."""
    return ", ".join(VOCABULARY[name])


# --- facts (the shapes of ../shared/spec/FACTSHEET.md) --------------------------------------------------------


class Mention(TypedDict):
    start: int
    end: int
    text: str


class Place(TypedDict, total=False):
    name: str
    adcode: str | None
    level: PlaceLevel
    lat: float | None
    lon: float | None
    parent_adcode: str | None
    code: str | None  # a zone's or region's own code, where the gazetteer has one
    mentions: list[Mention]


class Person(TypedDict):
    name: str
    title: str | None
    mentions: list[Mention]


class Organization(TypedDict):
    name: str
    kind: OrgKind | None
    mentions: list[Mention]


class Amount(TypedDict, total=False):
    value: float
    unit: str
    approx: Approx
    text: str
    start: int
    end: int
    kind: str  # money, percent, count, area …
    value_max: float | None


class Target(TypedDict, total=False):
    deadline: int | None
    metric: str
    value: float | None
    unit: str | None
    approx: Approx | None
    subject: str | None
    text: str
    start: int
    end: int


class Event(TypedDict, total=False):
    type: EventType
    modality: Modality  # happened, planned (scheduled: 将于…开工), quoted (a hope or a plan in someone's words)
    date: str | None
    date_from: DateFrom | None  # where the date comes from: its own sentence, its paragraph, the article's lead
    participants: list[str]
    place: str | None
    text: str
    start: int
    end: int
    mentions: list[Mention]  # later sentences that tell the same happening (仪式上，双方签订了…)
    trigger: Mention  # the word that makes it an event (签署, 开工, 第二十次全体会议)


class Relation(TypedDict, total=False):
    type: RelationType
    parties: list[str]
    topic: str | None
    text: str
    start: int
    end: int


class ProjectStage(TypedDict, total=False):
    stage: Stage
    date: str | None
    modality: Modality
    text: str
    start: int
    end: int


class Investment(TypedDict, total=False):
    value: float
    unit: str
    approx: Approx
    text: str
    start: int
    end: int


class Project(TypedDict, total=False):
    name: str
    kind: ProjectKind
    places: list[str]
    investment: Investment | None  # bound to it in its own clause
    stage: Stage | None  # the latest stage the article states as done
    stage_date: str | None
    stages: list[ProjectStage]  # every stage stated, planned ones with their modality, in date order
    text: str
    start: int
    end: int
    mentions: list[Mention]


class Portfolio(TypedDict, total=False):
    count: int
    investment: Investment | None
    place: str | None
    stage: Stage | None
    text: str
    start: int
    end: int


_SPACE = re.compile(r"\s+")
_RAIL = re.compile(r"(?:高速铁路|城际铁路|高铁|城际|铁路)$")
_COMPANY = re.compile(r"(?:股份有限公司|有限责任公司|有限公司)$")


def entity_key(name: str) -> str:
    """The normalised name that identifies an organisation or project across articles (沪苏湖高铁 = 沪苏湖铁路,
    …有限公司 = …公司)."""
    return _COMPANY.sub("公司", _RAIL.sub("铁路", _SPACE.sub("", name)))


# --- documents ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        return cls(start, end, text[start:end])


@dataclass
class Source:
    """Where a document came from: file path or URL, its sniffed shape, who published it."""

    path: str | None = None
    url: str | None = None
    format: str = "text"
    publisher: str | None = None
    author: str | None = None


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


@dataclass
class RawDocument:
    """One article as a reader found it: decoded but not yet cleaned.

    ``body`` is the article's markup or text in its sniffed ``format``
    (``html`` for pages and HTML bodies, ``markdown`` for Markdown bodies,
    ``text`` for plain text); ``meta`` holds what the container said about it
    (front matter, JSON fields, feed item fields).
    """

    raw: bytes
    body: str
    format: str
    path: str | None = None
    url: str | None = None
    body_kind: str = "html"  # how ``body`` is written: html | markdown | text
    encoding: str = "utf-8"
    meta: dict[str, Any] = field(default_factory=dict)
    part: int | None = None  # index inside a multi-article container (jsonl line, feed item)

    def __post_init__(self):
        # NUL is no character of any article, and PostgreSQL refuses it in text where SQLite stores it: it is
        # dropped here, before cleaning, so both backends store the same (the id still hashes the raw bytes)
        if "\x00" in self.body:
            self.body = self.body.replace("\x00", "")
        if self.meta:
            self.meta = _without_nul(self.meta)

    @cached_property  # (asked by the store lookup and by the cleaner: hashed once)
    def id(self) -> str:
        """Stable id: the same bytes in (and the same position in a container) give the same id."""
        h = hashlib.sha256(self.raw)
        if self.part is not None:
            h.update(b"#%d" % self.part)
        return h.hexdigest()[:20]

    @property
    def where(self) -> str:
        return self.path or self.url or "<input>"


@dataclass
class Document:
    """An article on its way through the pipeline: cleaned, then extracted, linked, signed and indexed.

    The fact lists are the fact sheet's (``projects`` and ``portfolios`` are the link step's); ``signature``,
    ``buckets`` and ``terms`` are what the later steps add for the store (they are not part of the fact sheet)."""

    id: str
    source: Source
    title: str
    published_at: str | None
    script: str
    text: str
    original_text: str = ""  # clean text before script conversion (same length as ``text``)
    raw: bytes = b""
    encoding: str = "utf-8"
    meta: dict[str, Any] = field(default_factory=dict)
    duplicate_of: str | None = None
    places: list[Place] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)  # link step: the article's named projects
    portfolios: list[Portfolio] = field(default_factory=list)  # link step: aggregates of many projects
    signature: bytes | None = None  # sign step: MinHash, 128 little-endian uint32
    buckets: list[int] = field(default_factory=list)  # sign step: LSH band keys
    terms: str | None = None  # index step: the search terms of title and text
    extractor: str | None = None  # extract step: the extractors' version (extract.confidence), kept by the store

    @property
    def where(self) -> str:
        return self.source.path or self.source.url or self.id

    def factsheet(self) -> dict[str, Any]:
        """The per-document contract of ../shared/spec/FACTSHEET.md (plus a few added fields)."""
        return {
            "id": self.id,
            "source": {"path": self.source.path, "url": self.source.url, "format": self.source.format,
                       "publisher": self.source.publisher, "author": self.source.author},
            "title": self.title,
            "published_at": self.published_at,
            "script": self.script,
            "text": self.text,
            "duplicate_of": self.duplicate_of,
            "places": self.places,
            "people": self.people,
            "organizations": self.organizations,
            "amounts": self.amounts,
            "targets": self.targets,
            "events": self.events,
            "relations": self.relations,
            "projects": self.projects,
            "portfolios": self.portfolios,
            "meta": {k: v for k, v in self.meta.items() if v not in (None, "", [])},
        }
