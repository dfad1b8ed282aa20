"""`renkei training <subcommand>`: each subcommand is a module here (`effect`…) with `HELP`,
`add_arguments(parser)` and `handle(command, **options)`; `management/commands/training.py` finds them."""
