"""Command-line entry point: ``python workflow.py --help``."""
from pressroom.cli import main

if __name__ == "__main__":  # Dask's local workers re-import this module as __mp_main__
    raise SystemExit(main())
