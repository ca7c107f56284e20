"""The frozen app's one entry point: ``imsa`` runs the command line, anything else the GUI.

Both executables in the PyInstaller folder are built from this script (packaging/imsa-desktop.spec);
the name the executable was started under chooses which one runs.
"""

import os
import sys


def _which() -> str:
    # argv[0], not sys.executable: on Linux `imsa` is a symlink to the one executable, and
    # sys.executable is the symlink's target.
    name = os.path.basename(sys.argv[0] or sys.executable).lower()
    return "cli" if os.path.splitext(name)[0] == "imsa" else "gui"


if __name__ == "__main__":
    if _which() == "cli":
        from imsa_desktop.cli.main import main
    else:
        from imsa_desktop.__main__ import main
    raise SystemExit(main())
