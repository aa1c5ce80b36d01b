"""Open the briefing in headless Chromium (selenium, a dev extra) and take screenshots.

Used by the browser tests and by ``make demo`` (``scripts/screenshots.py``). Chromium runs with
no network features, no sandbox (containers) and a fresh profile that is removed afterwards.

>>> with chromium(400) as driver:  # doctest: +SKIP
...     driver.get(Path("briefing.html").resolve().as_uri())
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["BROWSER_FLAGS", "WIDTHS", "browser_missing", "chromium", "screenshot_briefing"]

#: Screen widths the briefing is checked and photographed at: a laptop and a phone.
WIDTHS = (1400, 400)
BROWSER_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--hide-scrollbars")
_BINARIES = ("chromium", "chromium-browser", "google-chrome")
_DRIVERS = ("chromedriver",)


def _find(names: Sequence[str]) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


def browser_missing() -> str | None:
    """Why no browser can be started here (None when Chromium, its driver and selenium exist)."""
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (pip install -e '.[dev]')"
    if _find(_BINARIES) is None:
        return "no Chromium found (apt-get install -y chromium chromium-driver)"
    if _find(_DRIVERS) is None:
        return "no chromedriver found (apt-get install -y chromium-driver)"
    return None


@contextmanager
def chromium(width: int, height: int = 1000) -> Iterator[Any]:
    """A headless Chromium WebDriver whose page area is ``width`` x ``height`` CSS pixels."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    missing = browser_missing()
    if missing:
        raise RuntimeError(missing)
    profile = tempfile.mkdtemp(prefix="hrdc-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = _find(_BINARIES)
    for flag in (*BROWSER_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(_find(_DRIVERS)), options=options)
    try:
        # the page area itself is width x height (a window has a minimum size; a phone is narrower)
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot_briefing(briefing: str | os.PathLike[str], out_dir: str | os.PathLike[str],
                        widths: Sequence[int] = WIDTHS) -> list[Path]:
    """Screenshots of the briefing's top and of its first company section at each width.

    Writes ``briefing-<width>-top.png`` and ``briefing-<width>-company.png`` into ``out_dir``."""
    from selenium.webdriver.common.by import By

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    url = Path(briefing).resolve().as_uri()
    for width in widths:
        with chromium(width, height=1600 if width < 800 else 1100) as driver:
            driver.get(url)
            written.append(out / f"briefing-{width}-top.png")
            driver.save_screenshot(str(written[-1]))
            company = driver.find_elements(By.CSS_SELECTOR, "section.company")
            if company:
                driver.execute_script("arguments[0].scrollIntoView()", company[0])
                written.append(out / f"briefing-{width}-company.png")
                driver.save_screenshot(str(written[-1]))
    return written
