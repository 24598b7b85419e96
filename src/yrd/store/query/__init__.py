"""Read the knowledge base: filters, documents, search, entities, and the analytic views.

Every list counts each article once: duplicates (``duplicate_of``) and old
versions are left out unless asked for, and appear as corroboration (the
number of copies) of their canonical document.

Every query is built to stay fast at a million documents: lists are read in
``documents.num`` order (newest first) from an index and stop at the page;
what would need a count or an aggregate over the whole store on each request
(totals, articles per entity, the network) is read from the tables the writer
keeps up to date; filters fall back to exact queries.
"""
from .analytics import events, network, portfolios, projects, targets
from .documents import fact_data, factsheet, get_document, list_documents, stats
from .entities import entity_page, find_entity, organizations, places
from .filters import Filters, parse_day, where
from .fulltext import COUNT_CAP, SEARCH_WINDOW, SearchResult, docs_containing, search, search_page, snippet
from .recent import arrivals, count_arrived

__all__ = ["COUNT_CAP", "SEARCH_WINDOW", "Filters", "SearchResult", "arrivals", "count_arrived", "docs_containing",
           "entity_page", "events", "fact_data", "factsheet", "find_entity", "get_document", "list_documents", "network",
           "organizations", "parse_day", "places", "portfolios", "projects", "search", "search_page", "snippet", "stats",
           "targets", "where"]
