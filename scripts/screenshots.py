"""Screenshots of a briefing at 1400 and 400 px, for a person to look at (``make demo``).

Usage: python scripts/screenshots.py [OUT_DIR]   (default demo-output; writes OUT_DIR/screenshots/)
Prints why and exits 0 where no browser is installed, so ``make demo`` still works there.
"""
from __future__ import annotations

import sys
from pathlib import Path

from pipeline.export.screens import browser_missing, screenshot_briefing


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "demo-output")
    briefing = out / "briefing.html"
    if not briefing.is_file():
        print(f"{briefing}: no briefing to photograph; run hrdc demo first", file=sys.stderr)
        return 2
    missing = browser_missing()
    if missing:
        print(f"screenshots skipped: {missing}")
        return 0
    for path in screenshot_briefing(briefing, out / "screenshots"):
        print(f"png      {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
