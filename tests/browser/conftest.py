"""Browser tests: the real Chromium driven through Playwright's sync API against
pytest-django's live server.

* The browser is started lazily, once per session, only when a test asks for
  the `page` fixture, so runs without browser tests pay nothing.
* Every test gets a fresh browser context (locale cs-CZ) and its page records
  every console message and uncaught page error. At teardown the test fails if
  the browser refused anything because of the Content-Security-Policy or if a
  script threw an uncaught error.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# The demo with what it lacks, for the tests that crawl every kind of page.
from tests.browser.crawl import demo  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Default timeout for actions and expect() in milliseconds: generous enough for
# a loaded CI machine, short enough that a broken test does not hang.
TIMEOUT_MS = 15_000

# Chromium reports a blocked resource or inline code on the console, in older
# versions as
#   Refused to execute inline script because it violates the following
#   Content Security Policy directive: "script-src 'self'". ...
# and in newer ones as
#   Executing inline script violates the following Content Security Policy
#   directive 'script-src 'self''. ... The action has been blocked.
# (with a "[Report Only] " prefix for report-only policies).
CSP_VIOLATION = re.compile(
    r"violates the following Content[- ]Security[- ]Policy directive"
    r"|Refused to .* Content[- ]Security[- ]Policy",
    re.I,
)


@dataclass
class BrowserLog:
    """What the page said while the test ran."""

    console: list = field(default_factory=list)  # (type, text, location)
    page_errors: list = field(default_factory=list)  # str(error)

    def csp_violations(self):
        return [text for _type, text, _loc in self.console if CSP_VIOLATION.search(text)]

    def clear(self):
        self.console.clear()
        self.page_errors.clear()


def is_csp_violation(text):
    return bool(CSP_VIOLATION.search(text))


@pytest.fixture(scope="session")
def _playwright():
    # Playwright's sync API keeps an asyncio loop registered as running in this
    # thread; Django would then refuse ORM calls made by the tests (and by
    # later tests of the same session) with SynchronousOnlyOperation. The ORM
    # calls here really are synchronous, so allow them while Playwright lives.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def browser_log():
    return BrowserLog()


@pytest.fixture
def page(browser, live_server, browser_log):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(locale="cs-CZ", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message):
        location = message.location or {}
        where = f"{location.get('url', '')}:{location.get('lineNumber', '')}"
        browser_log.console.append((message.type, message.text, where))

    page.on("console", on_console)
    page.on("pageerror", lambda error: browser_log.page_errors.append(str(error)))

    yield page

    # Closing the context also delivers any console events still in flight.
    context.close()
    problems = []
    for text in browser_log.csp_violations():
        problems.append(f"CSP violation: {text}")
    for error in browser_log.page_errors:
        problems.append(f"Uncaught page error: {error}")
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems), pytrace=False)


def login(page, live_server, username, password):
    """Sign in through the real login form and wait until the portal has let
    the user in (the form is gone and the log-out button is shown)."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form.edit-form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("form[action$='/accounts/logout/'] button")).to_be_visible()


# --- Accessibility audit (axe-core, vendored) -------------------------------------

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@pytest.fixture
def axe_page(browser, live_server):
    # axe is injected as a script, which the portal's strict CSP would rightly
    # refuse; only this audit context bypasses it.
    context = axe_context(browser, live_server)
    page = context.new_page()
    yield page
    context.close()


def axe_context(browser, live_server):
    """A context whose every page has axe loaded before its own scripts run
    (half the cost of adding it to each page after it loaded)."""
    context = browser.new_context(locale="cs-CZ", base_url=live_server.url, bypass_csp=True)
    context.add_init_script(path=str(AXE))
    return context


def blocking_violations(page):
    """The serious and critical WCAG 2.1 AA violations of the page as it is
    now, each as "id (impact): help — its first nodes". axe comes with an
    `axe_context`; it is added here to a page that has none (another context,
    or content set by the test)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # Only the violations, in detail, cross back to Python: axe then keeps one
    # node per passed rule instead of every node checked.
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations",
        WCAG_AA,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in violations
        if v["impact"] in BLOCKING
    ]


def audit(page, path):
    response = page.goto(path)
    return response, blocking_violations(page)


