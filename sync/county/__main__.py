import sys

from sync.county.launcher import main

sys.exit(main())
