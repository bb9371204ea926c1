"""The dock's order actions on the selected rows: fix and resubmit, edit and cancel at
Planet, history; and the notices when watched orders reach a final state. A mixin of
PlanetBulkTaskingDock: it uses the dock's panels, manager and confirmation hook."""

import time
from collections import Counter
from typing import Dict, List, Optional

from qgis.core import Qgis
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import QMessageBox

from ..core.engine.monitor import FINAL_ORDER_STATES
from ..core.model.job import TargetStatus
from ..core.outputs.job_facts import cancel_counts
from ..core.outputs.resubmit import DIALOG_FIELDS, revised_payloads
from .results_proxy import ResultsProxy
from .status import history_lines, order_status_label, utc_text
from .widgets import plural


def tr(text: str) -> str:
    # self.tr's context on the dock: the words keep their translations wherever they live
    return QCoreApplication.translate("PlanetBulkTaskingDock", text)


class DockOrders:
    def _on_orders_changed(self, job_id: str, moved: list):
        for _key, _old, new in moved:
            if new in FINAL_ORDER_STATES:  # the changes that matter; "in progress" does not
                self._moved.setdefault(job_id, Counter())[new] += 1
                self._moved_new.add(job_id)
        if job_id == self._job_id and not self._layer_timer.isActive():
            self._layer_timer.start()
        if self._moved_new and not self._orders_timer.isActive():
            self._orders_timer.start()  # one notice per batch, not per order

    def order_changes_text(self, moved: Dict[str, int]) -> str:
        """{"FULFILLED": 3, "EXPIRED": 1} -> '3 orders fulfilled, 1 expired'."""
        order = ["FULFILLED", "EXPIRED", "CANCELLED", "REJECTED", "FAILED"]
        statuses = sorted(moved, key=lambda s: (order.index(s) if s in order else 99, s))
        parts = []
        for status in statuses:
            word = order_status_label(status).lower()
            n = moved[status]
            if not parts:
                parts.append(
                    tr("{n} order {word}").format(n=n, word=word)
                    if n == 1
                    else tr("{n} orders {word}").format(n=n, word=word)
                )
            else:
                parts.append(tr("{n} {word}").format(n=n, word=word))
        return ", ".join(parts)

    #: at most one order notice per job this often; each replaces the job's previous one
    ORDER_NOTICE_INTERVAL = 30.0

    def _announce_order_changes(self):
        """One notice per job, replaced (not stacked), counting this session's final
        states so far: '311 orders fulfilled, 27 rejected — job of … UTC (layer)'."""
        now = time.monotonic()
        wait = None
        for job_id in sorted(self._moved_new):
            since = now - self._announced.get(job_id, -1e9)
            if since < self.ORDER_NOTICE_INTERVAL:
                left = self.ORDER_NOTICE_INTERVAL - since
                wait = left if wait is None else min(wait, left)
                continue
            self._moved_new.discard(job_id)
            self._announced[job_id] = now
            moved = self._moved.get(job_id, Counter())
            text = self.order_changes_text(moved)
            job = self.manager.jobs.get(job_id)
            if job is not None:
                text += " — " + tr("job of {when} UTC ({layer})").format(
                    when=utc_text(job.created_time), layer=job.layer.name or "?"
                )
            bad = set(moved) & {"EXPIRED", "REJECTED", "FAILED"}
            self.notices.push(
                tr("Orders updated"),
                text,
                Qgis.MessageLevel.Warning if bad else Qgis.MessageLevel.Info,
                button_text=tr("Show") if bad else None,
                callback=(lambda j=job_id, s=min(bad): self.show_order_outcome(j, s))
                if bad
                else None,
                key=f"orders:{job_id}",
            )
        if wait is not None:
            self._orders_timer.start(int(wait * 1000) + 50)

    def show_order_outcome(self, job_id: str, status: str):
        """Show the rows whose order reached this state (Rejected, Expired…)."""
        self.show_rows(job_id, ResultsProxy.order_filter(status))

    def _selected(self, keys, wanted) -> List:
        job = self.results.job()
        if job is None:
            return []
        keys = self.results.selected_keys() if keys is None else list(keys)
        return [job.target(k) for k in keys if wanted(job.target(k))]

    def fixable_targets(self, keys=None) -> List:
        return self._selected(
            keys, lambda t: t.status in (TargetStatus.FAILED, TargetStatus.SKIPPED)
        )

    def fix_and_resubmit(self, keys=None, values: Optional[dict] = None) -> Optional[List[int]]:
        """Send failed/skipped rows again with ``values`` (name, start_time, end_time,
        extra_fields, rebuild); without values, a dialog asks for them."""
        job = self.results.job()
        targets = self.fixable_targets(keys)
        if job is None or not targets:
            self.notices.push(
                tr("Fix and resubmit"),
                tr("Select failed or skipped rows first."),
                Qgis.MessageLevel.Info,
            )
            return None
        if self.manager.is_running(job.job_id):
            self.notices.push(
                tr("Fix and resubmit"),
                tr("The job is still sending: wait for it or cancel it first."),
                Qgis.MessageLevel.Warning,
            )
            return None
        if values is None:
            from .order_dialogs import OrderChangesDialog

            dialog = OrderChangesDialog("fix", targets, self)
            if not dialog.exec():
                return None
            values = dialog.values()
        revised, problems = revised_payloads(job, targets, values)
        if problems:
            self.notices.push(
                tr("Some rows were not resent"),
                "; ".join(problems[:5]),
                Qgis.MessageLevel.Warning,
            )
        if not revised:
            return None
        try:
            chunks = self.manager.resubmit(job.job_id, revised)
        except (RuntimeError, ValueError) as exc:
            self.notices.push(tr("Fix and resubmit"), str(exc), Qgis.MessageLevel.Warning)
            return None
        self.results.refresh_keys(list(revised))
        self.results.set_running(True)
        self.results.progress.set_state(
            plural(
                len(revised), tr("Resending {n} order…"), tr("Resending {n} orders…")
            ).format(n=len(revised))
        )
        self.update_submit_state()
        self.refresh_jobs()
        return chunks

    def show_history(self, keys=None) -> str:
        """Every attempt of the selected rows, with bulk ids and times (UTC)."""
        targets = self._selected(keys, lambda t: True)
        blocks = []
        for t in targets[:20]:
            lines = history_lines(t) or [tr("Not sent yet.")]
            blocks.append(t.label + "\n" + "\n".join("  " + line for line in lines))
        text = "\n\n".join(blocks)
        if text and keys is None:
            box = QMessageBox(QMessageBox.Icon.Information, tr("History"), text, parent=self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.show()
        return text

    def order_targets(self, keys=None) -> List:
        return self._selected(keys, lambda t: bool(t.order_id))

    def edit_orders(self, keys=None, changes: Optional[dict] = None, confirm: bool = True):
        """Change name / start / end of the selected rows' orders (one /bulk per 1000)."""
        job = self.results.job()
        targets = self.order_targets(keys)
        if job is None or not targets:
            self.notices.push(
                tr("Edit orders"),
                tr("Select rows with orders first."),
                Qgis.MessageLevel.Info,
            )
            return None
        if changes is None:
            from .order_dialogs import OrderChangesDialog

            dialog = OrderChangesDialog("edit", targets, self)
            if not dialog.exec():
                return None
            changes = dialog.values()
        changes = {k: v for k, v in changes.items() if k in DIALOG_FIELDS}
        if not changes:
            return None
        words = {
            "name": tr("name"),
            "start_time": tr("start (UTC)"),
            "end_time": tr("end (UTC)"),
        }
        what = ", ".join(
            f"{words[k]} → {utc_text(v) if k != 'name' else v}" for k, v in changes.items()
        )
        text = plural(
            len(targets),
            tr("Change {n} order at Planet: {what}?"),
            tr("Change {n} orders at Planet: {what}?"),
        ).format(n=len(targets), what=what)
        self.last_confirmation = text
        if confirm and not self.ask(tr("Edit orders"), text):
            return None
        self.results.progress.set_state(
            plural(
                len(targets), tr("Editing {n} order…"), tr("Editing {n} orders…")
            ).format(n=len(targets))
        )
        return self.manager.edit_orders(job.job_id, [t.key for t in targets], changes)

    def cancel_confirmation(self, targets) -> str:
        c = cancel_counts(targets)
        text = plural(
            c["orders"],
            tr("Cancel {n} order at Planet? This cannot be undone."),
            tr("Cancel {n} orders at Planet? This cannot be undone."),
        ).format(n=c["orders"])
        if c["soon"]:
            text += "\n\n" + tr(
                "{m} of them start within 24 hours: cancelling them may be charged."
            ).format(m=c["soon"])
        if c["final"]:
            text += "\n\n" + tr(
                "{m} of them are already finished (fulfilled, expired or cancelled): "
                "Planet will refuse to cancel those."
            ).format(m=c["final"])
        return text

    def cancel_orders(self, keys=None, confirm: bool = True):
        job = self.results.job()
        targets = self.order_targets(keys)
        if job is None or not targets:
            self.notices.push(
                tr("Cancel orders"),
                tr("Select rows with orders first."),
                Qgis.MessageLevel.Info,
            )
            return None
        text = self.cancel_confirmation(targets)
        self.last_confirmation = text
        if confirm and not self.ask(tr("Cancel orders"), text):
            return None
        self.results.progress.set_state(
            plural(
                len(targets), tr("Cancelling {n} order…"), tr("Cancelling {n} orders…")
            ).format(n=len(targets))
        )
        return self.manager.cancel_orders(job.job_id, [t.key for t in targets])

    def _on_action_finished(self, job_id: str, kind: str, outcomes: list):
        job = self.manager.jobs.get(job_id)
        ok = sum(1 for o in outcomes if o.ok)
        refused = [o for o in outcomes if not o.ok]
        labels = {}
        if job is not None:
            for t in job.targets:
                if t.order_id:
                    labels[t.order_id] = t.label
        self.last_refused = [(labels.get(o.order_id, o.order_id), o.reason) for o in refused]
        if kind == "edit":
            text = plural(ok, tr("{n} order changed"), tr("{n} orders changed")).format(
                n=ok
            )
            title = tr("Orders edited")
        else:
            text = plural(
                ok, tr("{n} order cancelled"), tr("{n} orders cancelled")
            ).format(n=ok)
            title = tr("Orders cancelled")
        if refused:
            first = self.last_refused[0]
            text += ", " + tr("{n} refused (e.g. {label}: {reason})").format(
                n=len(refused), label=first[0], reason=first[1] or "?"
            )
        if job_id == self._job_id:
            self.results.refresh_all()
            self.results.update_result_layer()
            self.results.progress.set_state(text + ".")
        if refused:
            self.notices.push(
                title,
                text,
                Qgis.MessageLevel.Warning,
                button_text=tr("Show refused"),
                callback=lambda: self.show_refused(job_id),
            )
        else:
            self.notices.push(title, text, Qgis.MessageLevel.Success)

    def show_refused(self, job_id: Optional[str] = None):
        self.show_rows(job_id, ResultsProxy.FILTER_REFUSED)

    def _on_action_failed(self, job_id: str, kind: str, error):
        message = getattr(error, "user_message", None) or str(error)
        title = tr("Edit failed") if kind == "edit" else tr("Cancel failed")
        self.notices.push(title, message, Qgis.MessageLevel.Critical)
