"""What the window needs from an editor to never lose an edit (duck-typed on purpose, so any
case tab or form can take part without a common base class):

* ``has_unsaved_changes() -> bool``: the form differs from what is saved;
* ``save() -> bool``: save it (True when saved; on bad input it says why and returns False);
* ``discard_changes() -> None``: put back what is saved.

Optionally ``draft() -> dict`` and ``restore_draft(dict)`` to carry unsaved changes across an
idle lock inside the vault (see services/drafts.py).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from PySide6.QtWidgets import QWidget


@runtime_checkable
class Editor(Protocol):
    def has_unsaved_changes(self) -> bool: ...

    def save(self) -> Any: ...

    def discard_changes(self) -> None: ...


def as_editor(w: object) -> Editor | None:
    return w if isinstance(w, Editor) else None


def editor_around(w: QWidget | None) -> Editor | None:
    """The editor that holds the widget *w* (or is it), if any."""
    while w is not None:
        if isinstance(w, Editor):
            return w
        w = w.parentWidget()
    return None
