"""robots.txt policy following RFC 9309: 4xx means allow all, 5xx or unreachable means disallow all."""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

# Request meta for robots.txt: every error status reaches the spider (RFC 9309 gives 4xx and 5xx their own
# meaning), while redirects are still followed (RFC 9309: at least five hops; http → https is the usual one).
# `handle_httpstatus_all` would stop Scrapy's RedirectMiddleware and turn a 301 into «robots unavailable».
ROBOTS_META: dict[str, list[int]] = {"handle_httpstatus_list": list(range(400, 600))}


@dataclass(frozen=True)
class RobotsPolicy:
    """A parsed robots.txt, or a blanket allow/deny when it could not be read."""

    parser: Protego | None
    allow_all: bool
    reason: str | None = None

    @classmethod
    def from_response(cls, status: int, body: str) -> RobotsPolicy:
        """Build the policy from a robots.txt HTTP answer."""
        if 200 <= status < 300:
            return cls(Protego.parse(body), allow_all=False)
        if 400 <= status < 500:
            return cls(None, allow_all=True)
        return cls.unavailable()

    @classmethod
    def unavailable(cls) -> RobotsPolicy:
        """robots.txt could not be fetched (5xx, timeout): RFC 9309 says assume complete disallow."""
        return cls(None, allow_all=False, reason="robots_unavailable")

    @classmethod
    def ignore(cls) -> RobotsPolicy:
        """Obeying robots.txt was switched off by the operator."""
        return cls(None, allow_all=True)

    def allows(self, url: str, user_agent: str) -> bool:
        """Tell whether user_agent may fetch url."""
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, user_agent))
