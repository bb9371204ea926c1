"""Compose's time window: defaults that keep to Planet's stated rules (24 h lead time, 14-day
flexible window), computed again when sent while untouched, and a warning (not a block) for a
window that starts within 24 hours or lasts under 14 days."""

from datetime import datetime, timedelta, timezone

from planet_bulk_tasking.ui import compose_panel
from planet_bulk_tasking.ui.compose_panel import ComposePanel, utc_qdatetime


def test_default_window_and_warnings(qgis_iface, monkeypatch):
    panel = ComposePanel(qgis_iface)
    try:
        p = panel.parameters()
        now = datetime.now(timezone.utc)
        assert timedelta(hours=25) <= p.start_time - now <= timedelta(hours=25, minutes=2)
        assert p.end_time - p.start_time == timedelta(days=14)
        assert panel.window_warnings() == [] and panel.window_warning.isHidden()

        # untouched: the defaults follow the clock (here: the form was opened long ago,
        # its defaults set 5 hours ago)
        class FiveHoursAgo(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) - timedelta(hours=5)

        with monkeypatch.context() as m:
            m.setattr(compose_panel, "datetime", FiveHoursAgo)
            panel.set_default_window_days(14)
        shown = compose_panel.qdatetime_to_utc(panel.start_edit.dateTime())
        assert shown - now < timedelta(hours=21)  # what the form shows: 20 h ahead now
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
