"""Source: the municipality's official website (spider, targets, evaluation)."""

from spiders.sitio.source import SOURCE, crawl_sites, site_events, unreachable_report

__all__ = ["SOURCE", "crawl_sites", "site_events", "unreachable_report"]
