"""Summaries: versioned prompts, backends behind one small protocol, and parsing of answers.

Owns: the prompts, the LLM backends (found through `backends.backends`, a plugins.Registry), the
extractive summarizer, and the repair of an answer the checks sent back (the checks come in as
a function, `Job.checker`). Must not import: another stage (sources, fulltext, checks, render,
publish), the store, the pipeline.
"""
