"""The text a summary reads: the arXiv HTML rendering cut into sections, else the PDF's text,
else the abstract; then as much of it as a token budget allows, by a fixed priority.

Owns: downloading a paper's HTML and PDF (politely, cached), reading them in a limited child
process, and the token budget. Must not import: another stage (sources, summarize, checks,
render, publish), the store, the pipeline.
"""
