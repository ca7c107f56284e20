"""Print preview (QtPdf pages, print, save as PDF, pseudonymous) and the organisation dialog."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pypdf
import pytest
from PySide6.QtPrintSupport import QPrinter

from imsa_desktop.services import cases as case_service
from imsa_desktop.services import organisation as org_service
from imsa_desktop.ui.dialogs.organisation_dialog import OrganisationDialog
from tests.gui.test_letter_builder import CASE_DOC, make_session, open_tab


@pytest.fixture
def case_id(vault, clock) -> str:  # type: ignore[no-untyped-def]
    return case_service.add_case(vault.unit_of_work(), CASE_DOC, clock=clock, today=date(2025, 2, 1))


def audit(session, case_id: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with session.uow() as uow:
        return [(e.action, e.detail) for e in uow.audit.entries(case_id)]


def text_of(data: bytes) -> str:
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_timeline_preview_save_print_and_pseudonymous(
    qtbot, vault, vault_path, clock, case_id, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    session = make_session(vault, vault_path, clock, date(2025, 2, 1))
    tab = open_tab(qtbot, session, case_id)
    dialog = tab.print_document("timeline pdf")
    assert dialog is not None and dialog.state == "ready"
    assert dialog.page_count >= 1 and dialog.property("imsaTransient") is True
    assert "Nguyễn Thị Hồng" in text_of(dialog.pdf)

    out = tmp_path / "chronology"
    dialog.save_to(out)
    saved = (tmp_path / "chronology.pdf").read_bytes()
    assert saved == dialog.pdf
    assert ("saved PDF", "timeline pdf") in audit(session, case_id)

    dialog.pseudonymous.setChecked(True)
    assert dialog.state == "ready"
    assert "Nguyễn" not in text_of(dialog.pdf) and "Hồng" not in text_of(dialog.pdf)

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    dialog.print_to(printer)
    assert len(pypdf.PdfReader(str(printed)).pages) == dialog.page_count
    assert ("printed", "timeline pdf (pseudonymous)") in audit(session, case_id)


def test_summary_preview_and_failed_save_reports_calmly(
    qtbot, vault, vault_path, clock, case_id, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    session = make_session(vault, vault_path, clock, date(2025, 2, 1))
    tab = open_tab(qtbot, session, case_id)
    dialog = tab.print_document("case summary pdf")
    assert dialog is not None and dialog.state == "ready" and "CONFIDENTIAL" in text_of(dialog.pdf)
    dialog.save_to(tmp_path / "missing-folder" / "x.pdf")
    assert "folder" in dialog.banner.text() and dialog.banner.isVisibleTo(dialog)
    assert not any(a == "saved PDF" for a, _d in audit(session, case_id))


def test_organisation_dialog_saves_letterhead_and_versions_templates(
    qtbot, vault, vault_path, clock, case_id
) -> None:  # type: ignore[no-untyped-def]
    session = make_session(vault, vault_path, clock, date(2025, 2, 1))
    dialog = OrganisationDialog(session)
    qtbot.addWidget(dialog)
    dialog.name.setText("Example Anti-Slavery Advocacy Service")
    dialog.address.setPlainText("1 Sample Street\nExampletown EX1 2MP")
    dialog.signatory_name.setText("Paweł Wiśniewski")
    dialog.sca.setPlainText("Single Competent Authority\nPO Box 0000")
    dialog.save_letterhead()
    s = org_service.get_settings(session.uow())
    assert s.signatory_name == "Paweł Wiśniewski" and s.addressees == {
        "SCA": ["Single Competent Authority", "PO Box 0000"]
    }

    shipped = org_service.template_text(session.uow())
    assert shipped.shipped
    editor = dialog.template.edit
    editor.setPlainText(editor.toPlainText().replace("Dear Sir or Madam,", "Dear Colleague,"))
    dialog.template.save.click()
    assert "raise its version" in dialog.banner.text()
    assert org_service.template_text(session.uow()).shipped, "an edit without a new version is not kept"
    # Raise whatever version the shipped template has (the letters rewrite moved it to 2.0).
    major, _, minor = shipped.version.rpartition(".")
    raised = f"{major}.{int(minor) + 1}" if major else f"{shipped.version}.1"
    line = f'template_version = "{shipped.version}"'
    assert line in editor.toPlainText()
    editor.setPlainText(editor.toPlainText().replace(line, f'template_version = "{raised}"'))
    dialog.template.save.click()
    saved = org_service.template_text(session.uow())
    assert not saved.shipped and saved.version == raised != shipped.version
    assert "Dear Colleague," in saved.text
    assert "your organisation's copy" in dialog.template.source.text()
    dialog.template.reset.click()
    assert org_service.template_text(session.uow()).shipped


def test_a_slow_named_render_never_replaces_the_pseudonymous_one(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ticking "Pseudonymous" while the named version is still rendering: the late named PDF is
    dropped, and what is saved and audited is the pseudonymous one."""
    import threading

    from PySide6.QtCore import QThreadPool
    from reportlab.pdfgen import canvas

    from imsa_desktop.ui.dialogs.print_preview_dialog import PrintPreviewDialog
    from imsa_desktop.ui.workers import use_pool

    def pdf(text: str) -> bytes:
        buf = io.BytesIO()
        c = canvas.Canvas(buf)
        c.drawString(72, 720, text)
        c.save()
        return buf.getvalue()

    release = threading.Event()

    def render(pseudonymous: bool) -> bytes:
        if not pseudonymous:
            release.wait(5)  # the named render is slow
        return pdf("case K7Q-4MX" if pseudonymous else "Nguyen Thi Hong")

    audited: list[tuple[str, bool]] = []
    with use_pool(QThreadPool.globalInstance()):  # real threads: the late render must be dropped
        dialog = PrintPreviewDialog(
            "Case chronology", render, None, on_output=lambda action, pseudo: audited.append((action, pseudo))
        )
        qtbot.addWidget(dialog)
        dialog.pseudonymous.setChecked(True)  # starts the pseudonymous render while the named one runs
        qtbot.waitUntil(lambda: dialog.state == "ready", timeout=5000)
        release.set()
        qtbot.wait(300)  # the named render finishes now, late
    out = tmp_path / "chronology.pdf"
    dialog.save_to(out)
    text = pypdf.PdfReader(out).pages[0].extract_text()
    assert "K7Q-4MX" in text and "Nguyen" not in text
    assert audited == [("saved PDF", True)]
