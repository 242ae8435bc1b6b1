"""Renderers: pure functions from a Digest to text. No I/O, no store."""
