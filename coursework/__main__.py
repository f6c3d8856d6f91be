"""``python -m coursework``: see cli.py."""

from .cli import main

main()
