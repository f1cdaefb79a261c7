"""python -m hub: the same as the `hub` console script."""

import sys

from hub.cli import main

# Guarded: worker processes (the mail parser's) import this module again under another name.
if __name__ == "__main__":
    sys.exit(main())
