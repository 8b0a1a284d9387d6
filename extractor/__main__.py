"""``python -m extractor``."""

from .cli import main

main()
