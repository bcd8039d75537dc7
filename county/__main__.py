import sys

from county.launcher import main

sys.exit(main())
