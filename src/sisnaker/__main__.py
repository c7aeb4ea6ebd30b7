"""The ``sisnaker`` console script: Django's management commands with Sisnaker's settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "sisnaker"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
