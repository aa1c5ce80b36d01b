"""The ordered steps every crawl request passes through, each of which can be switched off.

Like Scrapy's downloader middlewares: ``before`` may answer a request without sending it
(return a Result) or change it (return a Request); ``after`` may turn a result into another
(a 503 into a retry, a 3xx into a checked hop).
Politeness (one request per host, the delay) is not a step: the scheduler
(:mod:`.frontier`) enforces it for every request, whatever the steps say.
"""
from __future__ import annotations

import random
from dataclasses import replace

from pipeline.settings import Settings

from .fetch import Request, Result, retry_after
from .safety import check_address
from .urls import FETCHABLE_SCHEMES


class Step:
    name = "step"

    def describe(self) -> str:
        return self.name

    def before(self, req: Request) -> Request | Result:
        return req

    def after(self, req: Request, result: Result) -> Result:
        return result


class AddressGuard(Step):
    """Refuse non-http(s) URLs and private, loopback and link-local addresses (every hop)."""

    name = "address-guard"

    def describe(self) -> str:
        return "address-guard (no private, loopback or link-local address, checked per URL and per connection)"

    @staticmethod
    def check(url: str) -> str | None:
        return check_address(url)

    def before(self, req: Request) -> Request | Result:
        error = self.check(req.url)
        return Result("failed", req.url, error=error, contacted=False) if error else req


class RobotsGuard(Step):
    """Refuse URLs that the host's robots.txt disallows for our user agent."""

    name = "robots"

    def __init__(self, agent: str) -> None:
        self.agent = agent

    def describe(self) -> str:
        return f"robots (robots.txt and Crawl-delay for {self.agent!r})"

    def before(self, req: Request) -> Request | Result:
        if req.robots is None or req.robots.allowed(req.url, self.agent):
            return req
        why = req.robots.disallow_all or "disallowed by robots.txt"
        return Result("failed", req.url, error=f"robots: {why}", contacted=False)


class ConditionalGet(Step):
    """Send the stored ETag / Last-Modified, so an unchanged document costs a 304."""

    name = "conditional-get"

    def before(self, req: Request) -> Request | Result:
        etag, modified = req.validators
        extra = {}
        if etag:
            extra["If-None-Match"] = etag
        if modified:
            extra["If-Modified-Since"] = modified
        return replace(req, headers={**req.headers, **extra}) if extra else req


class RetryPolicy(Step):
    """Retry connection errors, timeouts, 429 and 5xx with exponential backoff and jitter,
    or after the server's ``Retry-After`` when it gives one."""

    name = "retry"

    def __init__(self, retries: int, backoff: float, rng: random.Random | None = None,
                 max_retry_after: float = Settings.max_retry_after) -> None:
        self.retries, self.backoff, self.max_retry_after = retries, backoff, max_retry_after
        self.rng = rng or random.Random()

    def describe(self) -> str:
        return f"retry (up to {self.retries}, backoff {self.backoff:g} s x 2^n with jitter, Retry-After honoured)"

    def after(self, req: Request, result: Result) -> Result:
        if result.action != "failed" or not result.retryable:
            return result
        asked = retry_after(result.headers.get("Retry-After")) if result.headers else None
        if asked is not None and asked > self.max_retry_after:
            return result.but(error=f"rate_limited: HTTP {result.status} with Retry-After {asked:.0f} s (over "
                              f"{self.max_retry_after:.0f} s); host left alone for this run, rerun the crawl later")
        if req.attempt >= self.retries:
            suffix = f" (after {self.retries} retries)" if self.retries else ""
            return result.but(error=result.error + suffix, wait=asked or 0.0)
        wait = asked if asked is not None else self.backoff * 2 ** req.attempt * self.rng.uniform(0.5, 1.5)
        return result.but(action="retry", wait=wait)


class RedirectPolicy(Step):
    """Check each redirect: http(s) only, no loops, at most ``max_redirects`` hops."""

    name = "redirect"

    def __init__(self, max_redirects: int) -> None:
        self.max_redirects = max_redirects

    def describe(self) -> str:
        return f"redirect (at most {self.max_redirects} hops, loops refused, each hop checked)"

    def after(self, req: Request, result: Result) -> Result:
        if result.action != "redirect":
            return result
        target = result.location
        chain = " -> ".join((*req.hops, req.url, target))
        if target.split(":", 1)[0] not in FETCHABLE_SCHEMES:
            return result.but(action="failed", error=f"bad_redirect: to a non-http URL ({chain})")
        if target == req.url or target in req.hops:
            return result.but(action="failed", error=f"redirect_loop: {chain}")
        if len(req.hops) + 1 > self.max_redirects:
            return result.but(action="failed", error=f"too_many_redirects: more than {self.max_redirects} ({chain})")
        return result


def build_steps(settings) -> tuple[list[Step], list[str]]:
    """The steps switched on by ``settings``, and a note for each step that is off and why."""
    steps: list[Step] = []
    off: list[str] = []
    if settings.allow_private:
        off.append("address-guard off: --allow-private lets the crawl reach loopback and private addresses")
    else:
        steps.append(AddressGuard())
    if settings.respect_robots:
        steps.append(RobotsGuard(robots_agent(settings.user_agent)))
    else:
        off.append("robots off: respect_robots is false")
    steps.append(ConditionalGet())
    if settings.retries:
        steps.append(RetryPolicy(settings.retries, settings.backoff, max_retry_after=settings.max_retry_after))
    else:
        off.append("retry off: retries is 0")
    steps.append(RedirectPolicy(settings.max_redirects))
    return steps, off


def robots_agent(user_agent: str) -> str:
    """The product token robots.txt groups are matched against (``hrdc`` in ``hrdc/0.1 (...)``)."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"


def run_steps(steps: list[Step], req: Request, send) -> Result:
    """Pass ``req`` through ``steps`` around ``send(req)``."""
    for step in steps:
        answer = step.before(req)
        if isinstance(answer, Result):
            return answer
        req = answer
    result = send(req)
    for step in steps:
        result = step.after(req, result)
    return result
