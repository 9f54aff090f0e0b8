"""``python -m dockerlab``: the same as the ``dockerlab`` command."""

import sys

from .cli import main

sys.exit(main())
