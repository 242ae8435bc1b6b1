"""dailypapers: each day's AI papers as a digest people can trust, in their own language."""

__version__ = "0.1.0"
