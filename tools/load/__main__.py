"""``python -m tools.load``: run the benchmark (see :mod:`tools.load.bench`)."""

import sys

from tools.load.bench import main

if __name__ == "__main__":
    sys.exit(main())
