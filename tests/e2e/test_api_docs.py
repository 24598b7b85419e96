"""The API documentation at /docs in a real Chromium: the vendored Swagger UI renders FastAPI's OpenAPI 3.1
document under the server's Content-Security-Policy, and no page of the server can be framed.

Reuses the dashboard suite's server, browser and page fixtures (a page fails on any console error, failed
request or request to another host). A screenshot goes to artifacts/screenshots/api-docs.png.
"""
from __future__ import annotations

from playwright.sync_api import expect
from test_dashboard import browser, page, server, shot  # noqa: F401  (fixtures of the dashboard suite)

# records every CSP violation the page reports, before any of its own scripts runs
RECORD_CSP = ("window.__csp = [];"
              "document.addEventListener('securitypolicyviolation',"
              " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


def test_docs_render_openapi_31_under_csp(page, server):  # noqa: F811
    page.add_init_script(RECORD_CSP)
    response = page.goto(f"{server}/docs")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    # one block per operation once Swagger UI has read /openapi.json
    ops = page.locator(".opblock")
    expect(ops.first).to_be_visible(timeout=20000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for path in ("/api/search", "/api/projects", "/api/stats", "/api/documents/{doc_id}"):
        assert path in paths, f"{path} not rendered; rendered: {paths}"
    expect(page.locator(".info .title")).to_contain_text("Yangtze River Delta")
    expect(page.locator(".info")).to_contain_text("长三角一体化")
    expect(page.locator(".version-stamp")).to_contain_text("OAS 3.1")
    assert "Unable to render" not in page.content()
    shot(page, "api-docs")
    # "Try it out" reaches the API from the page (connect-src 'self')
    stats = page.locator(".opblock", has=page.locator(".opblock-summary-path", has_text="/api/stats")).first
    stats.locator(".opblock-summary").click()
    stats.locator("button.try-out__btn").click()
    stats.locator("button.execute").click()
    expect(stats.locator(".live-responses-table tr.response .response-col_status").first).to_have_text("200")
    expect(stats.locator(".live-responses-table .highlight-code").first).to_contain_text('"documents"')
    assert page.evaluate("window.__csp") == []
    page.watch.check()


def test_no_page_can_be_framed(browser, server):  # noqa: F811
    context = browser.new_context()
    host = context.new_page()
    refused = []
    host.on("console", lambda m: "frame-ancestors" in m.text and refused.append(m.text))
    host.goto(f"{server}/openapi.json")  # a page of the same origin: even it may not frame one
    for path in ("/", "/docs"):
        host.evaluate("""url => new Promise(done => {
            const f = document.createElement('iframe');
            f.onload = done; f.src = url; document.body.appendChild(f);
        })""", f"{server}{path}")
    framed = [f for f in host.frames if f != host.main_frame]
    assert len(framed) == 2
    for frame in framed:  # a refused frame shows Chromium's error page, never the dashboard or Swagger UI
        assert frame.evaluate("document.querySelector('#app, #swagger-ui')") is None
    assert len(refused) == 2, refused
    context.close()
