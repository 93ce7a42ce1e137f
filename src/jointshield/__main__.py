"""``python -m jointshield`` runs the command line."""

import sys

from jointshield.cli.main import main

sys.exit(main())
