"""Subcommands of `xinfang`, one module per kind of work."""
