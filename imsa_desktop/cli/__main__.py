"""``python -m imsa_desktop.cli``: the same entry point as the ``imsa`` script."""

from imsa_desktop.cli.main import main

raise SystemExit(main())
