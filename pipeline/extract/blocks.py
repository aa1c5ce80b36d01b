"""Assemble blocks into an extraction's text, with offsets."""
from __future__ import annotations

from pipeline.records import Block


def assemble(items) -> tuple[str, tuple[Block, ...]]:
    """Join block texts with blank lines and record each block's offsets.

    ``items`` are ``(text, kind, section)`` or ``(text, kind, section, page)`` tuples.
    """
    blocks: list[Block] = []
    parts: list[str] = []
    pos = 0
    for text, kind, section, *page in items:
        if parts:
            pos += 2
        blocks.append(Block(text, page[0] if page else None, section, kind, pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    return "\n\n".join(parts), tuple(blocks)
