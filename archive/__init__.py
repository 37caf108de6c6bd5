"""The evidence archive: WARC files (ISO 28500) of the pages, documents and screenshots a run's verdicts rest on."""
