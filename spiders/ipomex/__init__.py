"""Source: the state transparency portal IPOMEX, one small adapter per portal generation (ipomex3, ipomex4, ipomex_legado)."""

from spiders.ipomex.source import SOURCE

__all__ = ["SOURCE"]
