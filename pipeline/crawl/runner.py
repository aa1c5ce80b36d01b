"""The crawl run: a queue per run in the workspace, a pool of threads, a politeness scheduler.

The main thread owns the scheduler and every database write; worker threads only send one
request each (and store the raw bytes by hash). A URL's outcome, its document version and the
links it adds to the queue are committed in one transaction, so a killed crawl resumes from
the queue without refetching anything completed and without duplicate rows.

Keys: ``crawl_queue`` and ``fetches`` hold the URL as queued (a seed, a link, a sitemap
entry); a document is keyed by its *final* URL after redirects, so links that redirect to one
page give one document. The same bytes under two final URLs give two documents that share one
raw file (later stages dedupe by sha256). Redirects are followed wherever they lead (every hop
is checked for safety and robots.txt); links are followed only within the company's scope.
"""
from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Iterable, Sequence
from urllib.parse import urlsplit

from pipeline.records import Company, stable_id
from pipeline.settings import Settings
from pipeline.store import StoreError, Workspace, now

from .content import Inspection, inspect
from .discover import Link, is_relevant
from .fetch import Request, Result, download, make_session, read_local
from .frontier import Frontier
from .robots import Robots
from .steps import AddressGuard, build_steps, robots_agent, run_steps
from .summary import CrawlSummary
from .urls import FETCHABLE_SCHEMES, Scope, host_key, normalise_url, origin, registered_domain

log = logging.getLogger("hrdc.crawl")

COMMAND = "crawl"
SITEMAP = "[sitemap]"  # the ``anchor`` of a crawl_queue row that is a sitemap, not a page
_LOADING = "loading"
# crawl_queue.state for each fetch outcome
_STATE = {"new": "done", "changed": "done", "unchanged": "done", "not_modified": "done",
          "failed": "failed", "blocked": "skipped", "robots": "skipped", "skipped": "skipped"}
_REFUSED = ("private_address", "bad_scheme", "bad_url")


@dataclass
class Task:
    """One queue entry in progress: the URL it was queued as and where its next request goes."""

    company_id: str
    url: str
    depth: int
    anchor: str = ""
    role: str = "page"  # page | sitemap | robots
    current: str = ""
    hops: tuple[str, ...] = ()
    attempt: int = 0
    elapsed: float = 0.0
    robots_for: str = ""  # robots tasks: the host whose rules they fetch

    def __post_init__(self) -> None:
        self.current = self.current or self.url


@dataclass
class _Doc:
    doc_id: str
    sha256: str
    version: int
    etag: str | None
    last_modified: str | None


def crawl(ws: Workspace, companies: Sequence[Company], settings: Settings | None = None, *,
          progress: bool = True) -> CrawlSummary:
    """Fetch the companies' seed pages and the policy documents they link to into ``ws``.

    Resumes the last crawl run if it was interrupted. Returns the run's summary.

    >>> from pipeline.store import Workspace
    >>> summary = crawl(Workspace("ws"), read_companies("companies.csv"))  # doctest: +SKIP
    >>> print(summary.format())  # doctest: +SKIP
    """
    settings = settings or Settings()
    return _Crawl(ws, list(companies), settings, progress).run()


class _Crawl:
    def __init__(self, ws: Workspace, companies: list[Company], settings: Settings, progress: bool) -> None:
        self.ws, self.companies, self.settings = ws, companies, settings
        self.progress = progress and sys.stderr.isatty()
        self.steps, self.steps_off = build_steps(settings)
        self.agent = robots_agent(settings.user_agent)
        self.frontier: Frontier[Task] = Frontier(settings.delay)
        self.frontier.host("").delay = 0.0  # local files
        self.robots: dict[str, Robots | str] = {}
        self.parked: dict[str, list[Task]] = {}
        self.closed: dict[str, str] = {}  # host -> why it gets no more requests this run
        self.scopes = {c.company_id: set(Scope.for_company(c.seed_urls, c.allow_domains).domains) for c in companies}
        self.known: dict[str, set[str]] = {c.company_id: set() for c in companies}
        self.open: Counter[str] = Counter()  # queue entries not yet finished, per company
        self.docs: dict[tuple[str, str], _Doc] = {}
        self.seed_hosts = {c.company_id: {host_key(u) for u in c.seed_urls} - {""} for c in companies}
        self.bar = None

    # -- setup ------------------------------------------------------------------------------
    def run(self) -> CrawlSummary:
        ws, started = self.ws, time.monotonic()
        removed = ws.clean_partial_files()
        if removed:
            log.info("removed %d partial raw files left by an interrupted run", removed)
        run_id = ws.unfinished_run(COMMAND)
        resumed = run_id is not None
        if run_id is None:
            run_id = ws.start_run(COMMAND)
        self.run_id = run_id
        pending = self._prepare()
        self._log_start(resumed, pending)
        interrupted = True
        guards = [step.check for step in self.steps if isinstance(step, AddressGuard)]
        session = make_session(self.settings, connect_check=guards[0] if guards else None)
        try:
            with self._progress_bar(pending), ThreadPoolExecutor(
                    max_workers=max(1, self.settings.crawl_threads), thread_name_prefix="hrdc-crawl") as pool:
                self._loop(pool, session)
            interrupted = False
        finally:
            session.close()
            rows = ws.fetch_outcomes(run_id, [c.company_id for c in self.companies])
            summary = CrawlSummary.from_rows(run_id, len(self.companies), rows, seconds=time.monotonic() - started,
                                             resumed=resumed, interrupted=interrupted)
            if interrupted:
                log.warning("crawl run %d interrupted; rerun the same command to resume it", run_id)
        ws.finish_run(run_id, "done", summary.as_dict())
        return summary

    def _prepare(self) -> int:
        """Record companies and seeds, load the run's queue and the stored documents."""
        ws, run_id = self.ws, self.run_id
        seeds = []
        for c in self.companies:
            for url, anchor in _seed_rows(c):
                seeds.append({"run_id": run_id, "company_id": c.company_id, "url": url, "depth": 0,
                              "referrer": None, "anchor": anchor, "state": "pending"})
        with ws.transaction() as conn:
            ws.insert("companies", [{"company_id": c.company_id, "name": c.name, "sector": c.sector,
                                     "seed_urls": " ".join(c.seed_urls), "allow_domains": " ".join(c.allow_domains),
                                     "services": " ".join(c.services)}
                                    for c in self.companies], conflict="replace", conn=conn)
            ws.insert("crawl_queue", seeds, conn=conn)
        wanted = set(self.known)
        n_pending = 0
        for row in ws.queue_entries(run_id):
            cid = row["company_id"]
            if cid not in wanted:
                continue
            self.known[cid].add(row["url"])
            if row["state"] == "pending":
                task = Task(cid, row["url"], row["depth"], row["anchor"] or "",
                            "sitemap" if row["anchor"] == SITEMAP else "page")
                self.frontier.push(host_key(task.url), task)
                self.open[cid] += 1
                n_pending += 1
        # seeds that redirected to another domain widen the company's scope (kept on resume)
        for row in ws.seed_redirects(run_id):
            if row["company_id"] in self.scopes:
                self.scopes[row["company_id"]].add(registered_domain(row["final_url"]))
        for row in ws.latest_versions():
            if row["company_id"] in wanted:
                self.docs[(row["company_id"], row["url"])] = _Doc(
                    row["doc_id"], row["sha256"], row["version"], row["etag"], row["last_modified"])
        self.companies_done = sum(1 for c in self.companies if self.open[c.company_id] == 0)
        return n_pending

    def _log_start(self, resumed: bool, pending: int) -> None:
        s = self.settings
        done = sum(len(k) for k in self.known.values()) - pending
        log.info("crawl run %d%s: %d companies, %d URLs to fetch%s", self.run_id, " resumed" if resumed else "",
                 len(self.companies), pending, f" ({done} already done)" if resumed else "")
        log.info("user agent: %s", s.full_user_agent)
        if not s.contact:
            log.warning("no contact in the User-Agent: pass --contact EMAIL so site owners can reach you")
        log.info("politeness: %.2f s between requests to a host (more if its robots.txt asks), "
                 "one request in flight per host, %d threads", s.delay, s.crawl_threads)
        log.info("steps: %s", "; ".join(step.describe() for step in self.steps))
        for note in self.steps_off:
            log.warning("%s", note)
        log.info("limits: depth %d, %d pages per company, %d bytes per response, timeouts %g/%g s",
                 s.max_depth, s.max_pages_per_company, s.max_bytes, s.connect_timeout, s.read_timeout)

    # -- the scheduling loop ----------------------------------------------------------------
    def _loop(self, pool: ThreadPoolExecutor, session) -> None:
        running: dict[Future, tuple[str, Task]] = {}
        threads = max(1, self.settings.crawl_threads)
        while True:
            while len(running) < threads:
                popped = self.frontier.pop()
                if popped is None:
                    break
                key, task = popped
                submitted = self._dispatch(key, task)
                if submitted is not None:
                    req, task = submitted
                    running[pool.submit(self._work, session, task, req)] = (key, task)
            if not running:
                pause = self.frontier.wait_time()
                if pause is None:
                    return
                time.sleep(pause)
                continue
            timeout = None if len(running) >= threads else self.frontier.wait_time()
            done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            for future in done:
                key, task = running.pop(future)
                self._handle(key, task, *future.result())

    def _dispatch(self, key: str, task: Task) -> tuple[Request, Task] | None:
        """The request to send for ``task`` now, or None if it must wait for robots.txt."""
        if key in self.closed:
            self.frontier.release(key, contacted=False)
            result = Result("failed", task.current, error=self.closed[key], contacted=False)
            if task.role == "robots":
                self._robots_done(task, result)
            else:
                self._record(task, result, None, None)
            return None
        if task.role == "robots" or not key or not self.settings.respect_robots:
            return self._request(task), task
        rules = self.robots.get(key)
        if isinstance(rules, Robots):
            return self._request(task, rules), task
        self.parked.setdefault(key, []).append(task)
        if rules == _LOADING:
            self.frontier.release(key, contacted=False)
            return None
        self.robots[key] = _LOADING
        url = f"{urlsplit(task.current).scheme}://{key}/robots.txt"
        robots_task = Task("", url, 0, role="robots", robots_for=key)
        return self._request(robots_task), robots_task

    def _request(self, task: Task, rules: Robots | None = None) -> Request:
        validators: tuple[str | None, str | None] = (None, None)
        doc = self.docs.get((task.company_id, task.current)) if task.role == "page" else None
        if doc is not None and self.ws.has_raw(doc.sha256):
            validators = (doc.etag, doc.last_modified)
        return Request(task.current, task.hops, task.attempt, rules, validators)

    def _work(self, session, task: Task, req: Request) -> tuple[Result, float, Inspection | None, str | None]:
        """Worker thread: one request, then (for a body) classify it and store its bytes.

        Returns the result, the clock time the response ended (the host's delay counts from
        there), the inspection of a body and the sha256 of stored bytes.
        """
        ended = time.monotonic()
        try:
            if req.url.startswith("file:"):
                result = read_local(req.url, self.settings.max_bytes)
            else:
                result = run_steps(self.steps, req, lambda r: download(session, r, self.settings))
            ended = time.monotonic()
            if result.action != "body" or task.role == "robots":
                return result, ended, None, None
            found = inspect(result.data, result.content_type, result.url, self.settings.max_child_sitemaps)
            keep = found.kind is not None and not found.blocked and not found.sitemap and task.role == "page"
            return result, ended, found, self.ws.put_raw(result.data) if keep else None
        except StoreError:
            raise
        except Exception as exc:  # fail the URL, not the crawl
            log.exception("unexpected error on %s", req.url)
            return Result("failed", req.url, error=f"internal: {type(exc).__name__}: {exc}"), time.monotonic(), None, None

    def _handle(self, key: str, task: Task, result: Result, ended: float, found: Inspection | None,
                sha: str | None) -> None:
        task.elapsed += result.elapsed
        self.frontier.release(key, after=result.wait, contacted=result.contacted, ended=ended)
        if result.reason == "rate_limited":
            log.warning("%s: %s", key, result.error)
            self.closed[key] = result.error
        if result.action == "retry":
            log.info("retry %d of %s in %.1f s: %s", task.attempt + 1, task.current, result.wait, result.error)
            task.attempt += 1
            self.frontier.push(key, task, front=True)
        elif result.action == "redirect":
            log.debug("redirect %s -> %s", task.current, result.location)
            task.hops, task.current, task.attempt = (*task.hops, task.current), result.location, 0
            self.frontier.push(host_key(task.current), task, front=True)
        elif task.role == "robots":
            self._robots_done(task, result)
        else:
            self._record(task, result, found, sha)

    def _robots_done(self, task: Task, result: Result) -> None:
        key = task.robots_for
        if result.action == "body":
            rules = Robots.parse(result.data)
        elif not result.contacted:
            rules = Robots()  # nothing was asked; the page requests will report the problem
        elif result.reason in ("redirect_loop", "too_many_redirects", "bad_redirect"):
            rules = Robots()  # as Google does: a robots.txt that cannot be reached by redirects is a 404
        else:
            rules = Robots.from_status(result.status, result.error)
        self.robots[key] = rules
        asked = rules.delay(self.agent)
        if asked > self.settings.delay:
            log.info("%s: robots.txt asks for %.2f s between requests; obeyed", key, asked)
            self.frontier.host(key).delay = asked
        if rules.disallow_all:
            log.warning("%s: %s", key, rules.disallow_all)
        for parked in reversed(self.parked.pop(key, [])):
            self.frontier.push(key, parked, front=True)
        self._queue_robots_sitemaps(key, task.url, rules.sitemaps())

    def _queue_robots_sitemaps(self, key: str, robots_url: str, sitemaps: list[str]) -> None:
        """Queue the sitemaps a robots.txt lists for the companies seeded on that host."""
        for cid, hosts in self.seed_hosts.items():
            if key not in hosts:
                continue
            links = [(Link(url, SITEMAP), 0, "sitemap") for url in map(_normalised, sitemaps[:self.settings.max_robots_sitemaps]) if url]
            rows = self._admit(Task(cid, robots_url, 0), links)
            if rows:
                with self.ws.transaction() as conn:
                    self.ws.insert("crawl_queue", rows, conn=conn)
                self._queued(cid, rows)

    # -- recording --------------------------------------------------------------------------
    def _record(self, task: Task, result: Result, found: Inspection | None, sha: str | None) -> None:
        cid, stamp = task.company_id, now()
        outcome, error, links, doc_write = self._judge(task, result, found, sha)
        headers = result.headers or {}
        row = {"run_id": self.run_id, "company_id": cid, "url": task.url, "final_url": task.current,
               "status": result.status, "outcome": outcome, "content_type": headers.get("Content-Type"),
               "kind": found.kind if found else None, "bytes": len(result.data), "sha256": sha,
               "elapsed": round(task.elapsed, 4), "error": error or None, "fetched_at": stamp}
        new_rows = self._admit(task, links)
        doc = self.docs.get((cid, task.current))
        with self.ws.transaction() as conn:
            self.ws.insert("fetches", [row], conflict="replace", conn=conn)
            if doc_write is not None:
                doc = self._write_document(conn, task, result, found, sha, doc, stamp, outcome)
            self.ws.set_queue_state(conn, self.run_id, cid, task.url, _STATE[outcome])
            self.ws.insert("crawl_queue", new_rows, conn=conn)
        if doc is not None:
            self.docs[(cid, task.current)] = doc
        self._queued(cid, new_rows)
        self.open[cid] -= 1
        self.companies_done += self.open[cid] == 0
        level = logging.WARNING if outcome == "failed" else logging.DEBUG
        log.log(level, "%s %s%s", outcome, task.url, f": {error}" if error else "")
        self._tick(len(new_rows), len(result.data))

    def _queued(self, cid: str, rows: list[dict]) -> None:
        """Schedule queue rows that were just committed."""
        if rows and self.open[cid] == 0:
            self.companies_done -= 1
        for r in rows:
            self.known[cid].add(r["url"])
            self.open[cid] += 1
            self.frontier.push(host_key(r["url"]), Task(cid, r["url"], r["depth"], r["anchor"] or "",
                                                        "sitemap" if r["anchor"] == SITEMAP else "page"))

    def _judge(self, task: Task, result: Result, found: Inspection | None, sha: str | None):
        """``(outcome, error, links to queue, document write or None)`` for a finished task."""
        if result.action == "failed":
            reason = result.reason
            if task.role == "sitemap" and result.status and 400 <= result.status < 500:
                return "skipped", f"no_sitemap: HTTP {result.status}", [], None
            if reason == "robots":
                return "robots", result.error, [], None
            return ("skipped" if reason in _REFUSED else "failed"), result.error, [], None
        if result.action == "not_modified":
            if (task.company_id, task.current) not in self.docs:
                return "failed", "http_304: Not Modified for a document we do not have", [], None
            return "not_modified", "", [], "touch"
        assert found is not None
        if found.sitemap:
            links = [(link, task.depth + 1, "page") for link in found.links if is_relevant(link.url)]
            links += [(Link(url, SITEMAP), task.depth, "sitemap") for url in found.child_sitemaps]
            return "skipped", f"sitemap: {len(found.links)} URLs, {len(links)} to queue", links, None
        if task.role == "sitemap":
            return "skipped", f"no_sitemap: not a sitemap ({result.content_type or 'no Content-Type'})", [], None
        if found.kind is None:
            return "skipped", f"unsupported_type: {result.content_type or 'unknown Content-Type'}", [], None
        if found.blocked:
            return "blocked", f"{found.blocked[0]}: page flagged {' '.join(found.blocked)}; not stored", [], None
        doc = self.docs.get((task.company_id, task.current))
        outcome = "new" if doc is None else "unchanged" if doc.sha256 == sha else "changed"
        if task.role == "page" and task.depth == 0 and registered_domain(task.current):
            self.scopes[task.company_id].add(registered_domain(task.current))
        links = []
        if task.depth < self.settings.max_depth:
            links = [(link, task.depth + 1, "page") for link in found.links if is_relevant(link.url, link.anchor)]
        return outcome, "", links, "write"

    def _admit(self, task: Task, links: Iterable[tuple[Link, int, str]]) -> list[dict]:
        """Queue rows for new in-scope links, within the company's page limit."""
        cid = task.company_id
        known, scope = self.known[cid], Scope(frozenset(self.scopes[cid]))
        rows: list[dict] = []
        seen: set[str] = set()
        room = self.settings.max_pages_per_company - len(known)
        for link, depth, role in links:
            if link.url in known or link.url in seen or link.url not in scope:
                continue
            if len(rows) >= room:
                log.info("%s: page limit %d reached; %s not queued (raise --max-pages)",
                         cid, self.settings.max_pages_per_company, link.url)
                break
            seen.add(link.url)
            rows.append({"run_id": self.run_id, "company_id": cid, "url": link.url, "depth": depth,
                         "referrer": task.current, "anchor": link.anchor if role == "page" else SITEMAP,
                         "state": "pending"})
        return rows

    def _write_document(self, conn, task: Task, result: Result, found, sha, doc: _Doc | None, stamp: str,
                        outcome: str) -> _Doc:
        headers = result.headers or {}
        etag = headers.get("ETag") or (doc.etag if doc else None)
        modified = headers.get("Last-Modified") or (doc.last_modified if doc else None)
        cid, url = task.company_id, task.current
        if outcome == "not_modified":
            self.ws.touch_document(conn, doc.doc_id, stamp, etag, modified)
            return replace(doc, etag=etag, last_modified=modified)
        doc_id = doc.doc_id if doc else stable_id(cid, url)
        self.ws.upsert_document(conn, doc_id, cid, url, found.kind, stamp, etag, modified)
        version = doc.version if doc else 0
        if outcome != "unchanged":
            version += 1
            self.ws.add_version(conn, doc_id, version, sha, stamp, self.run_id)
        return _Doc(doc_id, sha, version, etag, modified)

    # -- progress ---------------------------------------------------------------------------
    def _progress_bar(self, total: int):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc="crawl", unit="url", disable=not self.progress, dynamic_ncols=True)
        self._bytes = 0
        return self.bar

    def _tick(self, added: int, size: int) -> None:
        if self.bar is None or self.bar.disable:
            return
        self._bytes += size
        if added:
            self.bar.total += added
        self.bar.set_postfix_str(f"companies {self.companies_done}/{len(self.companies)}, "
                                 f"{self._bytes / 1e6:.1f} MB", refresh=False)
        self.bar.update(1)


def _seed_rows(company: Company) -> list[tuple[str, str]]:
    """``(url, anchor)`` queue entries of a company: its seeds, then each site's sitemap.xml."""
    rows: list[tuple[str, str]] = []
    origins: list[str] = []
    for seed in company.seed_urls:
        if urlsplit(seed).scheme in FETCHABLE_SCHEMES:
            url = normalise_url(seed)
            if origin(url) not in origins:
                origins.append(origin(url))
        else:
            url = seed
        rows.append((url, ""))
    rows += [(f"{o}/sitemap.xml", SITEMAP) for o in origins if f"{o}/sitemap.xml" not in {u for u, _ in rows}]
    return rows


def _normalised(url: str) -> str | None:
    try:
        return normalise_url(url)
    except ValueError:
        return None
