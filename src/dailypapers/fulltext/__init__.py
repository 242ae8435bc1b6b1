"""The text a summary reads: the arXiv HTML rendering cut into sections, else the PDF's text,
else the abstract; then as much of it as a token budget allows, by a fixed priority."""
