import sys

from county.cli import main

sys.exit(main())
