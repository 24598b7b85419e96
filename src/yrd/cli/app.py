"""The ``yrd`` command group: one module per command group, each command a thin layer over one library call."""
from __future__ import annotations

import click

from .. import __version__
from .alerts import alerts
from .browse import search, show, stats
from .correct import correct, corrections
from .digest import digest
from .entity import entity
from .export import export
from .extract import evaluate, extract
from .ingest import ingest
from .library import network, portfolios, projects, targets
from .reextract import reextract
from .review import review
from .serve import serve
from .watch import sources, watch


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="yrd")
def main() -> None:
    """yrd — the Yangtze River Delta Integration Observatory.

    Reads Chinese news in every common shape, cleans it to faithful
    simplified text and extracts the facts of 长三角一体化.

    \b
    Example:
      yrd extract samples/articles/ > factsheets.jsonl
    """


for command in (extract, evaluate, ingest, search, show, entity, projects, portfolios, targets, network, stats, export,
                serve, sources, watch, review, alerts, correct, corrections):
    main.add_command(command)
main.add_command(digest)
main.add_command(reextract)
