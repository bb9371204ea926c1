"""Canary key: whole jobs (JobManager, real store, real QThreads, real HTTP on 127.0.0.1)
against a server that echoes the key in every form it can (raw, JSON-escaped, base64 of a
Basic header, percent-encoded, in headers, error bodies, /payloads failure reasons, order
fields), with forced errors; then every place the plugin keeps text is scanned for every
form of the key: the QGIS message log and the raw log records, the errors, the job texts,
jobs.sqlite (and its WAL), a CSV export and QgsSettings."""

import base64
import json
import logging
import os

import pytest
from hostile_server import HostileServer, MiniTasking, find_key, key_forms
from planet_bulk_tasking.core.jobs.manager import JobManager
from planet_bulk_tasking.core.log import LOG_TAG, setup_logging, teardown_logging
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.core.model.store import JobStore
from planet_bulk_tasking.core.outputs.export import export_csv
from planet_bulk_tasking.core.targets.build import create_job
from planet_bulk_tasking.core.targets.parameters import OrderParameters
from planet_bulk_tasking.core.tasking.client import TaskingClient
from qgis.core import QgsApplication, QgsSettings
from support import point_layer, wait_until

CANARY = "PLAKc4n4ry0123456789abcdefCANARY"


def echoes(key: str) -> list:
    basic = base64.b64encode(f"{key}:".encode()).decode()
    return [
        key,
        "".join(f"\\u{ord(c):04x}" for c in key),  # JSON-escaped in the raw body
        key.replace("-", "\\u002d").replace("a", "\\u0061"),
        f"Basic {basic}",
        "".join(f"%{ord(c):02X}" for c in key),
    ]


class CanaryServer(MiniTasking):
    """MiniTasking that echoes the key everywhere and fails the first tries."""

    def __init__(self):
        super().__init__(fail_when=self._fail_reason)
        self.forced = {"post500": 1, "poll503": 1}

    def _fail_reason(self, payload):
        n = int(payload["name"].rsplit("-", 1)[-1])
        if n % 2:
            return None
        echo = echoes(CANARY)[n // 2 % 5]
        return f"invalid credentials {echo} for this request"

    def __call__(self, req, conn):
        got = req.headers.get("authorization", "")
        if req.method == "POST" and self.forced["post500"]:
            self.forced["post500"] -= 1
            body = json.dumps({"detail": f"boom for {got} " + " ".join(echoes(CANARY))})
            # the raw JSON-escaped form is only possible in a hand-written body
            body = body[:-2] + ' \\u0050\\u004c\\u0041\\u004b' + CANARY[4:] + '"}'
            return conn.respond(500, body, {"Content-Type": "application/json",
                                            "X-Echo": got})
        if "/payloads" not in req.route and req.route.count("/") == 4 and \
                self.forced["poll503"] and req.method == "GET":
            self.forced["poll503"] -= 1
            return conn.respond(503, f"<html><title>{got}</title>{echoes(CANARY)}</html>")
        if req.route.endswith("/orders/"):
            return conn.respond(400, {"id__in": [f"unknown key {e}" for e in echoes(CANARY)]})
        return super().__call__(req, conn)


class Cheat(MiniTasking):
    """Refuses every key with a 401 that quotes it in every form."""

    def __call__(self, req, conn):
        got = req.headers.get("authorization", "")
        conn.respond(401, {"detail": f"bad {got}", "echo": echoes(CANARY)},
                     {"WWW-Authenticate": f'Basic realm="{CANARY}"'})


@pytest.fixture
def qgis_log():
    messages = []
    setup_logging(logging.DEBUG)

    def on_message(message, tag, level):
        if tag == LOG_TAG:
            messages.append(message)

    QgsApplication.messageLog().messageReceived.connect(on_message)
    yield messages
    QgsApplication.messageLog().messageReceived.disconnect(on_message)
    teardown_logging()


class RawRecords(logging.Handler):
    """Every record of the plugin's loggers *before* the QGIS handler's filter."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.texts = []

    def emit(self, record):
        self.texts.append(record.getMessage())


def test_canary_key_never_kept_anywhere(tmp_path, qgis_log, no_plugin_settings):
    good, bad = HostileServer(CanaryServer()), HostileServer(Cheat())
    raw = RawRecords()
    plugin_logger = logging.getLogger("planet_bulk_tasking")
    plugin_logger.addHandler(raw)
    QgsSettings().setValue("planet_bulk_tasking/endpoint", good.base_url)

    def factory_for(endpoint):
        def make(stop_event=None):
            return TaskingClient(endpoint, CANARY, stop_event=stop_event,
                                 backoff_base=0.01, max_retry_after=0.1)

        return make

    store = JobStore(str(tmp_path / "jobs.sqlite"))
    manager = JobManager(
        store, factory_for,
        worker_options={"min_poll_interval": 0.05, "post_retry_delay": 0.05},
        monitor_options={"min_interval": 0.1, "max_interval": 0.3},
    )
    ended = {}
    manager.job_ended.connect(lambda j, how, err: ended.__setitem__(j, (how, err)))
    texts = []
    try:
        jobs = [
            create_job(point_layer(20, name=name), OrderParameters(), selected_only=False,
                       endpoint=srv.base_url)
            for name, srv in (("sites", good), ("other", bad))
        ]
        for job in jobs:
            manager.submit(job)
        assert wait_until(lambda: len(ended) == 2, 60), ended
        assert ended[jobs[0].job_id][0] == "finished"
        assert ended[jobs[1].job_id][0] == "failed"
        wait_until(lambda: False, 0.5)  # let the order monitor meet its forced error
        counts = jobs[0].counts()
        assert counts[TargetStatus.SUCCEEDED] == 10 and counts[TargetStatus.FAILED] == 10
        assert all("***" in t.reason for t in jobs[0].targets if t.status == "failed"), [
            t.reason for t in jobs[0].targets]
        error = ended[jobs[1].job_id][1]
        texts += [str(error), repr(error), error.user_message, str(error.details),
                  jobs[1].error or ""]
        for job in jobs:
            texts += [t.reason or "" for t in job.targets]
            texts += [c.reason or "" for c in job.chunks]
        csv_path = tmp_path / "export.csv"
        export_csv(str(csv_path), jobs[0].targets + jobs[1].targets)
    finally:
        manager.shutdown()
        store.close()
        plugin_logger.removeHandler(raw)
        good.close()
        bad.close()
    settings = QgsSettings()
    settings.sync()
    places = {
        "error texts": "\n".join(texts),
        "QGIS message log": "\n".join(qgis_log),
        "raw log records": "\n".join(raw.texts),
        "CSV export": csv_path.read_bytes(),
        "QgsSettings values": "\n".join(
            f"{k}={settings.value(k)}" for k in settings.allKeys()
        ),
    }
    if os.path.exists(settings.fileName()):
        places["QgsSettings file"] = open(settings.fileName(), "rb").read()
    for name in os.listdir(tmp_path):
        if name.startswith("jobs.sqlite"):
            places[name] = (tmp_path / name).read_bytes()
    assert qgis_log and raw.texts and len(places) >= 6
    assert any("***" in m for m in qgis_log)  # the echoes did reach the log, masked
    leaks = {where: find_key(text, CANARY) for where, text in places.items()}
    assert {k: v for k, v in leaks.items() if v} == {}, leaks
    assert len(key_forms(CANARY)) >= 8


def _model_texts(model) -> list:
    from qgis.PyQt.QtCore import Qt

    out = []
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            index = model.index(row, col)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(index, role)
                if value is not None:
                    out.append(str(value))
    return out


@pytest.mark.parametrize("server_class", [CanaryServer, Cheat], ids=["forced errors", "401"])
def test_canary_key_never_in_the_dock(qgis_iface, make_plugin_dock, monkeypatch,
                                      no_plugin_settings, server_class):
    """The same through the dock: message-bar notices, the results table, the job's text."""
    from planet_bulk_tasking.ui import settings_panel
    from qgis.core import QgsProject
    from support import process_until

    srv = HostileServer(server_class())
    monkeypatch.setenv("PL_API_KEY", CANARY)
    layer = point_layer(10)
    QgsProject.instance().addMapLayer(layer)
    dock = make_plugin_dock()
    asked = []  # the question before spending is answered, and checked for the key too
    dock.ask_choice = lambda title, text, choices: asked.append(text) or "send"
    notices = []
    real_push = dock.notices.push
    monkeypatch.setattr(dock.notices, "push", lambda title, text, *a, **kw: (
        notices.append(f"{title}: {text}"), real_push(title, text, *a, **kw))[1])
    try:
        dock.settings.set_mode(settings_panel.MODE_CUSTOM, srv.base_url)
        dock.compose.set_layer(layer)
        layer.selectAll()
        ended = []
        dock.job_ended.connect(lambda job_id, how: ended.append(how))
        assert dock.submit(), dock.submit_problems()
        assert process_until(lambda: ended, 60), "the job did not end"
        assert ended[0] == ("finished" if server_class is CanaryServer else "failed")
        texts = notices + asked + [dock.notices.last_text, dock.results.progress.state_label.text()]
        texts += _model_texts(dock.results.proxy)
        assert notices and len(texts) > 10
    finally:
        dock.shutdown()
        dock.deleteLater()
        srv.close()
    leaks = [t for t in texts if find_key(t, CANARY)]
    assert leaks == []
