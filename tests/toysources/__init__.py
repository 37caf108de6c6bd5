"""Test-only sources, registered by module name in the tests that use them (never in crawler.source.SOURCES)."""
