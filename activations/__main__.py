"""``python -m activations``: the command line (see `activations.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
