"""Subcommands of `renkei implementation …`: one module each (a trailing underscore avoids a keyword)."""
