from rcdesk.cli import main

raise SystemExit(main())
