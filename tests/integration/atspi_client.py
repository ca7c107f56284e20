"""The screen reader's side of tests/integration/test_screen_reader_atspi.py.

Run with the system's python3 (Debian's python3-pyatspi), on the session bus the test started.
It does what Orca would: finds IMSA Desktop on the accessibility bus, the passphrase field by
its role and name, types the passphrase into it, presses Unlock, opens the case named on the
command line from the case list, and reads the open case's name. Prints one JSON line.
Usage: atspi_client.py PASSPHRASE CASE_NAME TIMEOUT_SECONDS
"""

from __future__ import annotations

import json
import sys
import time

import pyatspi

PASSPHRASE, CASE_NAME, TIMEOUT = sys.argv[1], sys.argv[2], float(sys.argv[3])
DEADLINE = time.monotonic() + TIMEOUT
found: dict[str, object] = {}


def wait_for(what, look):  # type: ignore[no-untyped-def]
    while time.monotonic() < DEADLINE:
        try:
            result = look()
        except Exception:  # the tree changes under us while the app builds its windows
            result = None
        if result:
            return result
        time.sleep(0.2)
    print(json.dumps({"error": f"timed out waiting for {what}", **found}))
    sys.exit(2)


def the_app():  # type: ignore[no-untyped-def]
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is not None and app.name in ("IMSA Desktop", "imsa-desktop", "imsa_desktop"):
            return app
    return None


def descendant(root, pred):  # type: ignore[no-untyped-def]
    return pyatspi.findDescendant(root, pred)


def press(acc) -> None:  # type: ignore[no-untyped-def]
    action = acc.queryAction()
    names = [action.getName(i).lower() for i in range(action.nActions)]
    action.doAction(names.index("press") if "press" in names else 0)


app = wait_for("IMSA Desktop on the accessibility bus", the_app)
found["app"] = app.name
field = wait_for(
    "the passphrase field",
    lambda: descendant(app, lambda a: a.getRole() == pyatspi.ROLE_PASSWORD_TEXT and a.name == "Passphrase"),
)
found["passphrase_field"] = field.name
field.queryEditableText().setTextContents(PASSPHRASE)
unlock = wait_for(
    "the Unlock button",
    lambda: descendant(app, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON and a.name == "Unlock"),
)
press(unlock)
cases = wait_for(
    "the case list",
    lambda: descendant(app, lambda a: a.getRole() == pyatspi.ROLE_TABLE and a.name == "Cases"),
)
found["unlocked"] = True
cell = wait_for(
    f"the case {CASE_NAME!r} in the list",
    lambda: descendant(
        cases, lambda a: a.getRole() == pyatspi.ROLE_TABLE_CELL and a.name.startswith(CASE_NAME)
    ),
)
found["cell"] = cell.name
found["cell_actions"] = _actions = (
    [cell.queryAction().getName(i) for i in range(cell.queryAction().nActions)]
    if "Action" in pyatspi.listInterfaces(cell)
    else []
)


def the_title():  # type: ignore[no-untyped-def]
    return descendant(
        app,
        lambda a: a.getRole() == pyatspi.ROLE_LABEL and a.name.startswith(CASE_NAME),
    )


def attempt(how, do):  # type: ignore[no-untyped-def]
    try:
        do()
    except Exception as e:  # an attempt the toolkit does not support; try the next way
        found.setdefault("attempts", []).append(f"{how}: {type(e).__name__}")
        return None
    end = min(DEADLINE, time.monotonic() + 8)
    while time.monotonic() < end:
        t = the_title()
        if t:
            found["opened_by"] = how
            return t
        time.sleep(0.2)
    found.setdefault("attempts", []).append(f"{how}: nothing opened")
    return None


def keyboard_enter():  # type: ignore[no-untyped-def]
    cell.queryComponent().grabFocus()
    time.sleep(0.3)
    pyatspi.Registry.generateKeyboardEvent(0xFF0D, None, pyatspi.KEY_SYM)  # Return


def double_click():  # type: ignore[no-untyped-def]
    x, y, w, h = cell.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    found["cell_extents"] = [x, y, w, h]
    pyatspi.Registry.generateMouseEvent(x + min(w // 2, 40), y + h // 2, pyatspi.MOUSE_B1D)


title = attempt("Enter on the focused row", keyboard_enter) or attempt("double-click", double_click)
if title is None:
    print(json.dumps({"error": "the case did not open", **found}, ensure_ascii=False))
    sys.exit(3)
found["case_title"] = title.name
print(json.dumps(found, ensure_ascii=False))
