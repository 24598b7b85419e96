"""The browser and the page the newer end-to-end tests share (test_dashboard.py keeps its own): Debian's Chromium,
nothing from another host, and a page that fails its test on any console error or failed request."""
from pathlib import Path
from urllib.parse import urlparse

import pytest

from test_dashboard import ARGS, CHROMIUM, Watch


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: the dashboard tests need Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.route("**/*", lambda route: route.continue_() if urlparse(route.request.url).hostname == "127.0.0.1"
                  else route.abort())
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.watch = Watch(pg)
    yield pg
    problems = pg.watch.problems
    context.close()
    assert not problems, "\n".join(problems)
