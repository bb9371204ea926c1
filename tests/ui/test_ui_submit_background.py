"""Issue 17: a Submit of many features builds its orders off the main thread. The click
returns before the build ends; the question before spending still comes before anything
is sent; a cancel or a build error says which layer and how many features, nothing sent.
(The threshold is lowered so contributors.json takes the path 100,000 features take.)"""

import pytest
from planet_bulk_tasking.core.model.job import TargetStatus
from planet_bulk_tasking.ui import build_task, settings_panel
from support import server_orders, wait_until


@pytest.fixture
def dock(make_plugin_dock, monkeypatch, contributors, sandbox):
    monkeypatch.setenv("PL_API_KEY", "sandbox-key")
    monkeypatch.setattr(build_task, "BUILD_IN_BACKGROUND_FROM", 1)
    dock = make_plugin_dock(worker_options={"min_poll_interval": 0.05})
    dock.settings.set_mode(settings_panel.MODE_CUSTOM, sandbox.base_url)
    dock.compose.set_layer(contributors)
    contributors.selectAll()
    return dock


def test_the_click_returns_before_the_build_and_asks_before_sending(
    dock, contributors, contributors_count, sandbox
):
    asked = []
    dock.ask_choice = lambda title, text, choices: asked.append(text) or ""
    assert dock.submit(), dock.submit_problems()
    # the build's end is delivered by the event loop: the click came back before it
    assert asked == [] and dock.results.job() is None
    assert dock.submit_problems() == [f"Preparing {contributors_count} targets…"]
    assert not dock.submit_button.isEnabled()
    assert wait_until(lambda: asked, 30), "the question never came"
    assert " orders to " in asked[0] and sandbox.base_url in asked[0]  # counts, where
    assert dock.notices.last_text == "Nothing was sent."
    assert sandbox.counters.get("created_orders", 0) == 0 and not server_orders(sandbox.base_url)
    assert dock.submit_problems() == []  # refused: Submit may be clicked again

    ended = []
    dock.job_ended.connect(lambda job_id, how: ended.append(how))
    dock.ask_choice = lambda title, text, choices: asked.append(text) or "send"
    assert dock.submit()
    assert wait_until(lambda: ended, 60) and ended == ["finished"]
    job = dock.results.job()
    # every feature accounted for: an order, or a reason it was not sent
    assert {t.feature_id for t in job.targets} == set(contributors.allFeatureIds())
    ready = [t for t in job.targets if t.status == TargetStatus.SUCCEEDED]
    assert all(t.status in TargetStatus.FINAL for t in job.targets)
    assert all(t.reason for t in job.targets if t.status != TargetStatus.SUCCEEDED)
    assert len(server_orders(sandbox.base_url)) == len(ready) > 0
    on_disk = dock.services.store.load_job(job.job_id)
    assert on_disk.counts()["succeeded"] == len(ready)


def test_a_cancel_while_preparing_sends_nothing_and_names_the_layer(
    dock, contributors_count, sandbox
):
    asked = []
    dock.ask_choice = lambda title, text, choices: asked.append(text) or "send"
    assert dock.submit()
    dock.cancel()
    assert wait_until(lambda: dock.submit_problems() == [], 30)
    text = dock.notices.last_text
    assert f"{contributors_count} features of layer contributors" in text and "cancelled" in text
    assert "nothing was sent" in text
    assert asked == [] and dock.results.job() is None
    assert sandbox.counters.get("bulks_created", 0) == 0 and not server_orders(sandbox.base_url)


def test_a_build_error_is_reported_with_the_layer_and_nothing_is_sent(
    dock, contributors_count, sandbox, monkeypatch
):
    from planet_bulk_tasking.core.targets import build

    def broken(self, feedback=None, **kw):
        raise OSError("the layer's file went away")

    monkeypatch.setattr(build.BuildPlan, "job", broken)
    asked = []
    dock.ask_choice = lambda title, text, choices: asked.append(text) or "send"
    assert dock.submit()
    assert wait_until(lambda: dock.submit_problems() == [], 30)
    text = dock.notices.last_text
    assert f"{contributors_count} features of layer contributors" in text
    assert "the layer's file went away" in text and "nothing was sent" in text
    assert asked == [] and not server_orders(sandbox.base_url)
