"""Renderers, pure: digests and days in, text and bytes out (the FORMAT.md Markdown, JSON, feeds,
the static site's pages). No I/O beyond reading this package's own templates.

Owns: every layout the project writes. Must not import: http, the store, the pipeline, another
stage (sources, fulltext, summarize, checks, publish).
"""
