"""Command-line entry point: ``python workflow.py --help``."""
from pressroom.cli import main

raise SystemExit(main())
