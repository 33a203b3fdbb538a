"""A real headless Chromium (Selenium + Debian's chromium and chromium-driver) on `rapportkb serve`
and on the HTML compare report.

Needs the `serve` extra (datasette), selenium, /usr/bin/chromium and /usr/bin/chromedriver; .ci/run
installs them. Outside CI a missing piece skips these tests; in CI (CI=true) it fails them, so a
broken install cannot pass as green.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from test_index_search import report_one, report_two, run_cli, write_kb

CHROMIUM = os.environ.get("RAPPORTKB_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("RAPPORTKB_CHROMEDRIVER", "/usr/bin/chromedriver")
# The machine's network is closed: without these Chromium keeps trying to reach Google's services.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--window-size=1280,1600",
]


def _missing() -> list[str]:
    missing = [m for m in ("selenium", "datasette") if importlib.util.find_spec(m) is None]
    missing += [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    return missing


if _missing():
    reason = f"browser tests need {', '.join(_missing())} (see .ci/run)"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPORTS = [report_one(), report_two()]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kb(tmp_path_factory.mktemp("browser") / "kb", REPORTS)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"rapportkb serve exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"rapportkb serve did not listen on port {port} within {seconds} s")


@pytest.fixture(scope="module")
def server(kb: Path) -> Iterator[str]:
    """`rapportkb serve` as a user starts it, on a free loopback port; stopped with SIGTERM."""
    port = _free_port()
    command = [sys.executable, "-c", "from rapportkb.cli import main; raise SystemExit(main())"]
    process = subprocess.Popen(
        [*command, "serve", "--kb", str(kb), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _all_entities() -> list[dict]:
    return [e for _doc, sections in REPORTS for s in sections for e in s["entities"]]


def test_entity_facet_counts(server: str, browser: WebDriver) -> None:
    browser.get(f"{server}/rapportkb/entities")
    expected = Counter(e["type"] for e in _all_entities())
    facet = browser.find_element(By.CSS_SELECTOR, "#facet-type")
    shown = {}
    for item in facet.find_elements(By.CSS_SELECTOR, "li"):
        label, count = item.text.rsplit(" ", 1)
        shown[label] = int(count.replace(",", ""))
    assert shown == dict(expected)
    # The metadata also turns on a facet on the normal form; clicking a value filters the table.
    assert browser.find_elements(By.CSS_SELECTOR, "#facet-norm li")
    facet.find_element(By.LINK_TEXT, "LOC").click()
    WebDriverWait(browser, 10).until(lambda b: "type=LOC" in b.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert len(rows) == expected["LOC"]


def _headings(browser: WebDriver) -> list[str]:
    return [
        cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns td.col-heading")
    ]


def _sections_with(word: str) -> list[str]:
    return [s["heading"] for _doc, sections in REPORTS for s in sections if word in s["text"].split()]


def test_full_text_search_box(server: str, browser: WebDriver) -> None:
    browser.get(f"{server}/rapportkb/sections")
    box = browser.find_element(By.CSS_SELECTOR, "input#_search")
    box.send_keys("Gällivare")
    box.submit()
    WebDriverWait(browser, 10).until(lambda b: "_search=" in b.current_url)
    assert _headings(browser) == _sections_with("Gällivare") == ["Gruvsamhällen"]
    # å, ä and ö are letters of their own: the undotted spelling finds only the section written so.
    browser.get(f"{server}/rapportkb/sections?_search={quote('Gallivare')}")
    assert "Gruvsamhällen" not in _headings(browser)


def test_canned_search_query_ranks_and_highlights(server: str, browser: WebDriver) -> None:
    browser.get(f"{server}/rapportkb/search?q={quote('konsert*')}")
    snippets = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "td.col-snippet")]
    with_konsert = [
        s["heading"]
        for _doc, sections in REPORTS
        for s in sections
        if any(w.lower().startswith("konsert") for w in s["text"].split())
    ]
    assert len(snippets) == len(with_konsert) > 0
    assert all("«konsert" in s.lower() for s in snippets)


def test_server_is_immutable_snapshot(server: str, browser: WebDriver, kb: Path) -> None:
    browser.get(f"{server}/-/databases.json")
    databases = json.loads(browser.find_element(By.TAG_NAME, "body").text)
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("rapportkb", False)]
    # Served from a snapshot, not the live index that `add` updates in place.
    assert Path(databases[0]["path"]).parent != kb


def test_compare_report_charts_render(kb: Path, tmp_path: Path, browser: WebDriver) -> None:
    out = tmp_path / "compare.html"
    argv = ["compare", "--kb", str(kb), "--period", "2023-01..2023-04", "--period", "2023-05..2023-08"]
    assert run_cli([*argv, "--format", "html", "--out", str(out)]) == 0
    browser.get(out.as_uri())
    charts = browser.find_elements(By.CSS_SELECTOR, "svg")
    assert len(charts) == 3
    for chart in charts:
        # Laid out with a real size and drawn bars: the SVG parsed and rendered, not shown as text.
        assert chart.size["width"] > 100 and chart.size["height"] > 10
        bars = chart.find_elements(By.CSS_SELECTOR, "rect")
        assert any(bar.size["width"] > 0 for bar in bars)
    assert "Gällivare" in browser.find_element(By.TAG_NAME, "body").text
