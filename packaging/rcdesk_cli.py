"""Entry point of the frozen `rcdesk` console program (the installed `rcdesk` script's twin)."""

import sys

from rcdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
