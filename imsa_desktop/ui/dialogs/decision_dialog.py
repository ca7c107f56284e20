"""One decision of a competent authority, added or edited from the case's Decisions tab."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from imsa_desktop.domain.model import Authority, Decision, DecisionKind, Outcome, RemovalBar
from imsa_desktop.errors import InvalidInput
from imsa_desktop.ui.common import save_cancel_footer
from imsa_desktop.ui.forms import DateField, EnumCombo, add_row, fill_fields, read_fields, text_box


class DecisionDialog(QDialog):
    """One decision. The outcome starts empty (the advocate must choose); every deadline counts
    from the date of the decision letter, not the day it arrived (the form says so)."""

    def __init__(self, decision: Decision | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Decision")
        self._decision = decision
        f = QFormLayout(self)
        self.kind = add_row(f, "Decision", EnumCombo(DecisionKind), "decisionKind")
        self.outcome = add_row(
            f, "Outcome", EnumCombo(Outcome, allow_none="— choose the outcome —"), "decisionOutcome"
        )
        self.date = add_row(f, "Date of the decision letter", DateField("decision date"), "decisionDate")
        self.received_on = add_row(f, "Date received", DateField("date received"), "decisionReceivedOn")
        hint = QLabel(
            "Deadlines count from the date written on the decision letter, not from the day it "
            "arrived. Record the day it arrived too: it explains a late request."
        )
        hint.setObjectName("decisionDateHint")
        hint.setWordWrap(True)
        f.addRow("", hint)
        self.removal_bar = EnumCombo(RemovalBar)
        self.removal_bar.setObjectName("decisionRemovalBar")
        self.removal_bar.setToolTip(
            "Modern Slavery: Statutory Guidance para 14.216 (from 17 September 2025): no "
            "reconsideration where the Home Secretary intends removal to a country party to both "
            "ECAT and the ECHR. Then judicial review is the only route."
        )
        f.addRow("Para 14.216 removal bar", self.removal_bar)
        self.authority = add_row(f, "Competent authority", EnumCombo(Authority))
        self.reference = add_row(f, "Reference", QLineEdit(), "decisionReference")
        self.notes = add_row(f, "Notes", text_box(80))
        self.reasons = add_row(
            f,
            "Reasons given",
            text_box(100),
            "decisionReasons",
            "One reason per line, quoted or summarised from the decision letter",
        )
        self.banner = save_cancel_footer(self, f)
        # The decision's fields and the form fields that edit them (the reasons: one a line).
        self.fields = {
            "kind": self.kind,
            "outcome": self.outcome,
            "date": self.date,
            "received_on": self.received_on,
            "removal_bar": self.removal_bar,
            "authority": self.authority,
            "reference": self.reference,
            "notes": self.notes,
        }
        self.removal_bar.set_value(RemovalBar.NOT_KNOWN)
        if decision:
            fill_fields(self.fields, decision)
            self.reasons.setPlainText("\n".join(decision.reasons))

    def value(self) -> Decision:
        kwargs = read_fields(self.fields)
        kwargs["reasons"] = [r.strip() for r in self.reasons.toPlainText().splitlines() if r.strip()]
        if self._decision is not None:
            return dataclasses.replace(self._decision, **kwargs)
        return Decision(**kwargs)

    def _accept(self) -> None:
        try:
            d = self.value()
            if d.outcome is None:
                raise InvalidInput("Please choose the outcome of the decision.")
            if d.outcome in (Outcome.POSITIVE, Outcome.NEGATIVE) and d.date is None:
                raise InvalidInput("Please enter the date of the decision letter (it starts the deadlines).")
            if d.received_on is not None and d.date is not None and d.received_on < d.date:
                raise InvalidInput("The date received is before the date of the decision letter.")
        except InvalidInput as e:
            self.banner.error(e.user_message)
            return
        self.accept()
