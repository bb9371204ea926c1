"""Compose's time window: defaults that keep to Planet's stated rules (24 h lead time, 14-day
flexible window), computed again when sent while untouched, and a warning (not a block) for a
window that starts within 24 hours or lasts under 14 days."""

from datetime import datetime, timedelta, timezone

from planet_bulk_tasking.ui.compose_panel import ComposePanel, utc_qdatetime


def test_default_window_and_warnings(qgis_iface):
    panel = ComposePanel(qgis_iface)
    try:
        p = panel.parameters()
        now = datetime.now(timezone.utc)
        assert timedelta(hours=25) <= p.start_time - now <= timedelta(hours=25, minutes=2)
        assert p.end_time - p.start_time == timedelta(days=14)
        assert panel.window_warnings() == [] and panel.window_warning.isHidden()

        # untouched: the defaults follow the clock (here: the form was opened long ago)
        stale = now - timedelta(hours=5)
        panel._setting_defaults = True
        panel.start_edit.setDateTime(utc_qdatetime(stale + timedelta(hours=25)))
        panel._setting_defaults = False
        assert panel.parameters().start_time - now >= timedelta(hours=25)

        # chosen by the user: kept as chosen, and warned about
        soon = (now + timedelta(hours=3)).replace(second=0, microsecond=0)
        panel.start_edit.setDateTime(utc_qdatetime(soon))
        panel.end_edit.setDateTime(utc_qdatetime(soon + timedelta(days=7)))
        assert panel.parameters().start_time == soon
        warnings = panel.window_warnings()
        assert len(warnings) == 2
        assert "within 24 hours" in warnings[0] and "shorter than 14 days" in warnings[1]
        assert not panel.window_warning.isHidden()
        problems = " ".join(panel.problems())  # a warning, not a reason to refuse sending
        assert "24 hours" not in problems and "14 days" not in problems
    finally:
        panel.shutdown()
        panel.deleteLater()
