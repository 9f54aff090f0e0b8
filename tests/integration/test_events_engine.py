"""Events from the real engine: a finished window, a live stream, the widget, the timeline."""

from __future__ import annotations

import threading
import time

from dockerlab import labels
from dockerlab.engine.events import (
    EventStream,
    actions,
    collect,
    deaths,
    event_filters,
    of_container,
    timeline_figure,
)
from dockerlab.errors import ContainerError
from dockerlab.widgets.events_view import EventsView


def mine(lab) -> dict:
    return event_filters(type="container", label=f"{labels.SESSION}={lab.session}")


def test_a_run_is_create_start_die_destroy(lab):
    since = time.time()
    lab.run("true", name=f"{lab.session}-ok")
    events = collect(lab.client, since, filters=mine(lab))
    assert actions(of_container(events, f"{lab.session}-ok")) == \
        ["create", "start", "die", "destroy"]


def test_the_die_event_carries_the_exit_code(lab):
    since = time.time()
    try:
        lab.run("exit 3", name=f"{lab.session}-bad")
    except ContainerError:
        pass
    lab.run("exit 0", name=f"{lab.session}-good")
    assert deaths(collect(lab.client, since, filters=mine(lab))) == \
        {f"{lab.session}-bad": 3, f"{lab.session}-good": 0}


def test_a_label_filter_keeps_other_sessions_out(lab, module_lab):
    since = time.time()
    module_lab.run("true", name=f"{module_lab.session}-other")
    lab.run("true", name=f"{lab.session}-mine")
    names = {e.name for e in collect(lab.client, since, filters=mine(lab))}
    assert names == {f"{lab.session}-mine"}


def test_a_live_stream_closed_from_another_thread_ends(lab):
    stream = EventStream(lab.client, mine(lab))
    seen = []

    def read():
        for event in stream:
            seen.append(event)

    reader = threading.Thread(target=read)
    reader.start()
    lab.run("true", name=f"{lab.session}-live")
    stream.close()
    reader.join(timeout=30)
    assert not reader.is_alive() and stream.closed
    # the stream may close before the last events arrive; what arrived is in order
    assert actions(seen) == ["create", "start", "die", "destroy"][:len(seen)]


def test_the_widget_updates_while_containers_come_and_go(lab):
    view = EventsView(lab.client, mine(lab))
    try:
        container = lab.start("sleep 60", name=f"{lab.session}-w")
        assert view.wait_for("start", f"{lab.session}-w").type == "container"
        container.remove(force=True)
        died = view.wait_for("die", f"{lab.session}-w")
        assert died.exit_code == 137  # killed by SIGKILL
        view.wait_for("destroy", f"{lab.session}-w")
        assert f"{lab.session}-w" in view.table.value
    finally:
        view.close()
    assert not view.running and not view._thread.is_alive()


def test_a_timeline_of_real_events(lab):
    since = time.time()
    lab.run("sleep 0.2", name=f"{lab.session}-t")
    events = of_container(collect(lab.client, since, filters=mine(lab)), f"{lab.session}-t")
    axes = timeline_figure(events).axes[0]
    assert len(axes.lines) == len(events) == 4
    xs = [line.get_xdata()[0] for line in axes.lines]
    assert xs == sorted(xs) and xs[0] == 0
