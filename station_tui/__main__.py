from station_tui.cli import main

raise SystemExit(main())
