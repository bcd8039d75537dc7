import sys

from sync.county.cli import main

sys.exit(main())
