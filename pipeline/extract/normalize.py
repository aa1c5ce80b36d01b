"""Text clean-up shared by the HTML and PDF extractors."""
from __future__ import annotations

import re
import unicodedata

# Zero-width and formatting characters that split words invisibly.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\ufffe\x02"), None)
_SPACES = re.compile(r"[^\S\n]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BULLET = re.compile(r"^\s*(?:[\u2022\u2023\u2043\u2219\u25aa\u25ab\u25cf\u25cb\u25a0\u25a1\u25e6\u25c6\u25c7\u27a2\u2713\u2714\uf0a7\uf0b7\uf0d8\uf0fc\u00b7*]|[-\u2013\u2014](?=\s))\s*")


def clean_line(text: str, form: str = "NFKC") -> str:
    """Unicode-normalised (NFKC folds ligatures and full-width forms), no invisible
    characters, single spaces."""
    text = unicodedata.normalize(form, text.translate(_INVISIBLE))
    return _SPACES.sub(" ", _CONTROL.sub("", text)).strip()


def clean_block(text: str, form: str = "NFKC") -> str:
    """Clean every line of a block and drop empty ones, so a block never holds a blank line."""
    lines = (clean_line(line, form) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def strip_bullet(text: str) -> tuple[str, bool]:
    """Remove a leading bullet glyph; say whether there was one."""
    match = BULLET.match(text)
    if match and match.end() < len(text):
        return text[match.end():], True
    return text, False
