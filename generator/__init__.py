"""policygen: assemble school policies from a clause library and per-school choices."""

__version__ = "0.1.0"
