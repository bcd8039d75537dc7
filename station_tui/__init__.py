"""station-tui: the village 新时代文明实践站's local-first record keeper."""

__version__ = "0.1.0"
