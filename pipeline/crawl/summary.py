"""The end-of-run summary of a crawl: counts by outcome and failures by reason."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

OUTCOMES = ("new", "changed", "unchanged", "not_modified", "blocked", "robots", "skipped", "failed")


@dataclass
class CrawlSummary:
    """What one crawl run did (counts over the whole run, a resumed part included)."""

    run_id: int
    companies: int
    outcomes: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)  # outcome -> reason -> count
    bytes: int = 0
    seconds: float = 0.0
    resumed: bool = False
    interrupted: bool = False

    @classmethod
    def from_rows(cls, run_id: int, companies: int, rows, **kw) -> "CrawlSummary":
        """Build from ``fetches`` rows (mappings with outcome, error, bytes)."""
        outcomes: Counter[str] = Counter()
        reasons: dict[str, Counter[str]] = {}
        size = 0
        for row in rows:
            outcomes[row["outcome"]] += 1
            size += row["bytes"] or 0
            if row["error"]:
                reasons.setdefault(row["outcome"], Counter())[row["error"].split(":", 1)[0]] += 1
        return cls(run_id, companies, dict(outcomes), {k: dict(v) for k, v in reasons.items()}, size, **kw)

    @property
    def fetched(self) -> int:
        return sum(self.outcomes.get(k, 0) for k in ("new", "changed", "unchanged", "not_modified"))

    @property
    def failures(self) -> dict[str, int]:
        return dict(self.reasons.get("failed", {}))

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "companies": self.companies, "outcomes": self.outcomes,
                "reasons": self.reasons, "bytes": self.bytes, "seconds": round(self.seconds, 2),
                "resumed": self.resumed, "interrupted": self.interrupted}

    def format(self) -> str:
        total = sum(self.outcomes.values())
        head = (f"crawl run {self.run_id}{' (resumed)' if self.resumed else ''}"
                f"{' INTERRUPTED, rerun to resume' if self.interrupted else ''}: {self.companies} companies, "
                f"{total} URLs, {_size(self.bytes)} in {self.seconds:.1f} s")
        lines = [head]
        got = ", ".join(f"{self.outcomes[k]} {k.replace('_', ' ')}" for k in OUTCOMES[:4] if self.outcomes.get(k))
        lines.append(f"  fetched: {self.fetched}" + (f" ({got})" if got else ""))
        for outcome in OUTCOMES[4:]:
            n = self.outcomes.get(outcome, 0)
            if n:
                why = {r: c for r, c in self.reasons.get(outcome, {}).items() if r != outcome}
                detail = ", ".join(f"{r} {c}" for r, c in sorted(why.items(), key=lambda kv: (-kv[1], kv[0])))
                lines.append(f"  {outcome}: {n}" + (f" ({detail})" if detail else ""))
        return "\n".join(lines)


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"
