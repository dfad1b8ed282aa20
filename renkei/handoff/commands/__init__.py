"""`renkei handoffs <subcommand>`: each subcommand is a module here (`report`, `remind`…) with `HELP`,
`add_arguments(parser)` and `handle(command, **options)`; `management/commands/handoffs.py` finds them."""
