"""The `renkei` console script: Django's management commands under Renkei's name."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["renkei", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
