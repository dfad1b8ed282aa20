"""Subcommands of `renkei desk …` (management/commands/desk.py): one module each, with HELP, add_arguments, handle."""
