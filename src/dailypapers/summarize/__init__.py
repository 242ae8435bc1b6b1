"""Summaries: versioned prompts, backends behind one small protocol, and parsing of answers."""
