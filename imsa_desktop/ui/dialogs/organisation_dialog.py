"""Organisation settings: letterhead, logo, signatory, addressees, and the organisation's own
versions of the letter template and ground catalogue (with "Reset to shipped")."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.services import organisation as org_service
from imsa_desktop.ui.case_tab import attempt, fetch
from imsa_desktop.ui.common import Banner, hint
from imsa_desktop.ui.forms import add_row, fill_fields, text_box
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.widgets import SessionDialog


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [x.strip() for x in edit.toPlainText().splitlines() if x.strip()]


class _TomlEditor(QWidget):
    def __init__(self, what: str, name: str) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        self.source = QLabel("")
        self.source.setObjectName("hint")
        lay.addWidget(self.source)
        self.edit = QPlainTextEdit()
        self.edit.setObjectName(f"{name}Editor")
        f = self.edit.font()
        f.setFamily("monospace")
        self.edit.setFont(f)
        lay.addWidget(self.edit, 1)
        row = QHBoxLayout()
        self.save = QPushButton(f"Save {what}")
        self.save.setObjectName(f"{name}Save")
        self.reset = QPushButton("Reset to shipped")
        self.reset.setObjectName(f"{name}Reset")
        row.addStretch(1)
        row.addWidget(self.reset)
        row.addWidget(self.save)
        lay.addLayout(row)

    def show_setting(self, s: org_service.TextSetting) -> None:
        self.edit.setPlainText(s.text)
        where = "shipped with the app" if s.shipped else "your organisation's copy"
        self.source.setText(f"Version {s.version} — {where}. Raise the version number whenever you edit.")


class OrganisationDialog(SessionDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "organisationDialog", "Organisation", parent, size=(760, 640))
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self.banner = Banner()
        lay.addWidget(self.banner)

        # letterhead ----------------------------------------------------------------------
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(hint("Printed at the top of every letter. Stored inside the encrypted vault."))
        self.name = add_row(form, "Organisation", QLineEdit(), "orgName")
        self.address = add_row(form, "Address (one line each)", text_box(90), "orgAddress")
        self.phone = add_row(form, "Phone", QLineEdit(), "orgPhone")
        self.email = add_row(form, "Email", QLineEdit(), "orgEmail")
        logo_row = QHBoxLayout()
        self.logo_preview = QLabel("No logo")
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setMinimumHeight(48)
        self.logo_button = QPushButton("Choose logo…")
        self.logo_button.setObjectName("logoButton")
        self.logo_remove = QPushButton("Remove")
        logo_row.addWidget(self.logo_preview, 1)
        logo_row.addWidget(self.logo_button)
        logo_row.addWidget(self.logo_remove)
        form.addRow("Logo (PNG or JPEG)", logo_row)
        self.signatory_name = add_row(
            form, "Signed by", QLineEdit(), "orgSignatory", session.advocate_name or "Name"
        )
        self.signatory_role = add_row(
            form, "Role", QLineEdit(), "orgRole", "Independent Modern Slavery Advocate"
        )
        self.sca = add_row(
            form, "SCA address", text_box(80), "addresseeSCA", "Empty: the template's address for the SCA"
        )
        self.ieca = add_row(
            form, "IECA address", text_box(80), "addresseeIECA", "Empty: the template's address for the IECA"
        )
        self.save_button = QPushButton("Save letterhead")
        self.save_button.setObjectName("orgSave")
        form.addRow(self.save_button)
        self.tabs.addTab(page, "Letterhead")

        self.template = _TomlEditor("template", "template")
        self.tabs.addTab(self.template, "Letter template")
        self.grounds = _TomlEditor("grounds", "grounds")
        self.tabs.addTab(self.grounds, "Grounds")

        row = QHBoxLayout()
        row.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        lay.addLayout(row)

        self.save_button.clicked.connect(self.save_letterhead)
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_remove.clicked.connect(lambda: self.set_logo(None))
        self.template.save.clicked.connect(
            lambda: self._save_text(self.template, org_service.save_template_text)
        )
        self.grounds.save.clicked.connect(
            lambda: self._save_text(self.grounds, org_service.save_catalogue_text)
        )
        self.template.reset.clicked.connect(lambda: self._reset(org_service.reset_template))
        self.grounds.reset.clicked.connect(lambda: self._reset(org_service.reset_catalogue))
        # Enter in a letterhead field saves the letterhead. Without a default of its own the
        # dialog made the first button after the focus its default: "Choose logo…", so Enter
        # in "Organisation" opened the file chooser. (Set once the button is in the dialog:
        # setDefault finds the dialog through the button's parents.)
        self.save_button.setDefault(True)
        self.reload()

    def reload(self) -> None:
        uow = self.session.uow
        got = fetch(
            self.banner,
            lambda: (
                org_service.get_settings(uow()),
                org_service.get_logo(uow()),
                org_service.template_text(uow()),
                org_service.catalogue_text(uow()),
            ),
        )
        if got is None:
            return
        s, logo, template, catalogue = got
        self.template.show_setting(template)
        self.grounds.show_setting(catalogue)
        letterhead = ("name", "phone", "email", "signatory_name", "signatory_role")
        fill_fields({n: getattr(self, n) for n in letterhead}, s)
        self.address.setPlainText("\n".join(s.address_lines))
        self.sca.setPlainText("\n".join(s.addressees.get("SCA", [])))
        self.ieca.setPlainText("\n".join(s.addressees.get("IECA", [])))
        self._show_logo(logo)

    def _show_logo(self, data: bytes | None) -> None:
        pix = QPixmap()
        if data and pix.loadFromData(data):
            self.logo_preview.setPixmap(pix.scaledToHeight(48))
        else:
            self.logo_preview.setText("No logo")

    def save_letterhead(self) -> None:
        s = org_service.OrgSettings(
            name=self.name.text(),
            address_lines=_lines(self.address),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            signatory_name=self.signatory_name.text().strip(),
            signatory_role=self.signatory_role.text().strip(),
            addressees={"SCA": _lines(self.sca), "IECA": _lines(self.ieca)},
        )
        if attempt(self.banner, lambda: org_service.save_settings(self.session.uow(), s)):
            self.banner.info("Letterhead saved. New letters use it; sent letters keep what they printed.")

    def choose_logo(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, "Choose logo", "", "Images (*.png *.jpg *.jpeg)")
        if path:
            self.set_logo_file(Path(path))

    def set_logo_file(self, path: Path) -> None:
        if attempt(self.banner, lambda: org_service.set_logo_from_file(self.session.uow(), path)):
            self.reload()
            self.banner.info("Logo saved.")

    def set_logo(self, data: bytes | None) -> None:
        if attempt(self.banner, lambda: org_service.set_logo(self.session.uow(), data)):
            self.reload()

    def _save_text(self, editor: _TomlEditor, save: object) -> None:
        text = editor.edit.toPlainText()
        version = fetch(self.banner, lambda: save(self.session.uow(), text, clock=self.session.clock))  # type: ignore[operator]
        if version is not None:
            self.reload()
            self.banner.info(f"Saved as version {version}.")

    def _reset(self, reset: object) -> None:
        if attempt(self.banner, lambda: reset(self.session.uow())):  # type: ignore[operator]
            self.reload()
            self.banner.info("Back to the shipped version.")
