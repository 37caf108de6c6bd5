"""What the crawler is asked to visit."""

from __future__ import annotations

from dataclasses import dataclass

from config.registry import NO_SITE, Municipality


@dataclass(frozen=True)
class SiteTarget:
    """One site to crawl: the municipality it belongs to (if any) and its official URL (if known)."""

    cve_inegi: str | None
    nombre: str | None
    url: str | None
    # An auditor confirmed the municipality has no official site (and discovery found none since).
    no_site: bool = False

    @classmethod
    def of(cls, municipality: Municipality) -> SiteTarget:
        """Target for a registry row."""
        absent = municipality.sitio_estado == NO_SITE
        return cls(municipality.cve_inegi, municipality.nombre, municipality.sitio_web, absent)


@dataclass(frozen=True)
class DeferredSite:
    """A site a browserless worker stopped crawling because a page needs JavaScript: the render pass redoes it."""

    target: SiteTarget
    url: str
