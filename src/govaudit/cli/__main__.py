"""``python -m govaudit.cli``: the same command line as the ``govaudit`` script."""

import sys

from govaudit.cli import main

sys.exit(main())
