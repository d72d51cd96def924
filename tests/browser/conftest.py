"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright, against the live server."""

import os
import shutil
import threading
import time

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("LECTIO_CHROMIUM", "/usr/bin/chromium")
# Headless, no sandbox (CI runs as root), and nothing that reaches past this machine.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Browser:
    assert shutil.which(CHROMIUM), f"{CHROMIUM} is missing: install Debian's chromium package"
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server, transactional_db):
    """Open pages in fresh browser sessions (one per person); all closed at teardown."""
    contexts = []
    threads_before = threading.active_count()  # the live server answers each request in a thread

    def open_page(**options: object) -> Page:
        # bypass_csp=True lets a test poll with wait_for_function (it evaluates strings).
        context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    # Closed before the database is flushed, with the network cut first, so no late
    # heartbeat, beacon or media request reaches the server during the flush.
    for context in contexts:
        context.route("**/*", lambda route: route.abort())
        for page in context.pages:
            page.goto("about:blank")
        context.close()
    # Requests already under way finish in their server threads; wait for them, so none
    # holds a lock while the database is flushed (PostgreSQL would detect a deadlock).
    deadline = time.monotonic() + 10
    while threading.active_count() > threads_before and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()
