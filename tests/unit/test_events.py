"""Events: parsing, filters, summaries, the timeline, and the live widget's life cycle.

The widget is fed by the shared fake engine (tests/unit/fakes.py), whose event stream blocks
like the engine's until closed; the real engine is in tests/integration/test_events_engine.py.
"""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

from dockerlab.engine.events import (
    Event,
    actions,
    deaths,
    event_filters,
    of_container,
    parse_event,
    timeline_figure,
)
from dockerlab.errors import DockerLabError
from dockerlab.widgets.events_view import (
    EventsView,
    install_interrupt_hook,
    live_views,
    render_rows,
)
from tests.unit.fakes import EventStream, FakeEngine

T0 = 1_795_801_608_956_170_738


def raw(action, name, nanos, **attributes):
    return {"Type": "container", "Action": action, "status": action, "id": f"{name}-id" * 4,
            "Actor": {"ID": f"{name}-id" * 4, "Attributes": {"name": name, **attributes}},
            "time": nanos // 10**9, "timeNano": nanos}


LIFE = [raw("create", "web", T0), raw("start", "web", T0 + 5 * 10**8),
        raw("die", "web", T0 + 10**9, exitCode="3"), raw("destroy", "web", T0 + 2 * 10**9),
        raw("create", "db", T0 + 3 * 10**9)]


def test_parse_event_keeps_nanoseconds_and_attributes():
    event = parse_event(LIFE[2])
    assert (event.type, event.action, event.name, event.exit_code) == \
        ("container", "die", "web", 3)
    assert event.time == pytest.approx(T0 / 1e9)
    assert parse_event(LIFE[0]).exit_code is None
    assert "exit code 3" in str(event)


def test_the_verb_drops_an_exec_command():
    event = parse_event(dict(raw("exec_start: sh -c ls", "web", T0)))
    assert event.verb == "exec_start"


def test_filters_like_the_cli():
    assert event_filters(type="container", label="io.dockerlab.session=s1") == \
        {"type": ["container"], "label": ["io.dockerlab.session=s1"]}
    assert event_filters(action=["die", "start"], name="web") == \
        {"event": ["die", "start"], "container": ["web"]}
    assert event_filters() == {}


def test_an_unknown_event_type_is_a_clear_error():
    with pytest.raises(DockerLabError, match="'containers' is not an event type"):
        event_filters(type="containers")


def test_summaries_of_a_container_life():
    events = [parse_event(e) for e in LIFE]
    assert actions(of_container(events, "web")) == ["create", "start", "die", "destroy"]
    assert deaths(events) == {"web": 3}
    assert actions(of_container(events, "db-id")) == ["create"]  # an ID prefix works too


def test_timeline_draws_one_dot_per_event_on_one_row_per_container():
    figure = timeline_figure([parse_event(e) for e in LIFE])
    axes = figure.axes[0]
    assert len(axes.lines) == len(LIFE)
    assert [t.get_text() for t in axes.get_yticklabels()] == ["web", "db"]
    shared = timeline_figure([parse_event(raw("create", f"s-1a2b3c-{n}", T0)) for n in "ab"])
    assert [t.get_text() for t in shared.axes[0].get_yticklabels()] == ["a", "b"]
    assert {t.get_text() for t in axes.texts} >= {"die (3)", "destroy"}
    assert timeline_figure([]).axes[0].texts[0].get_text() == "no events"


def test_render_rows_shows_the_newest_and_counts_the_rest():
    events = [parse_event(e) for e in LIFE]
    table = render_rows(events, max_rows=2)
    assert "3 earlier events" in table
    assert "destroy" in table and ">create<" in table and ">start<" not in table


@pytest.fixture
def view():
    engine = FakeEngine()
    shown = EventsView(engine.client, event_filters(type="container"), max_rows=3)
    yield engine, shown
    shown.close()


def test_the_view_updates_as_events_arrive(view):
    engine, shown = view
    assert engine.asked("events")["filters"] == {"type": ["container"]}
    assert engine.asked("events")["decode"]
    assert "live" in shown.status.value
    engine.event_stream.emit(*LIFE[:3])
    died = shown.wait_for("die", "web", timeout=10)
    assert died.exit_code == 3
    assert "die" in shown.table.value and "3 events" in shown.status.value


def test_the_stop_button_closes_the_stream(view):
    engine, shown = view
    shown.stop_button.click()
    assert engine.event_stream.closed and not shown.running
    assert not shown._thread.is_alive()
    assert "closed" in shown.status.value and shown.stop_button.disabled
    assert shown not in live_views()


def test_closing_the_widget_closes_the_stream(view):
    engine, shown = view
    shown.close()
    assert engine.event_stream.closed and not shown._thread.is_alive()


def test_wait_for_an_event_that_never_comes_is_a_clear_error(view):
    _, shown = view
    shown.stop()
    with pytest.raises(DockerLabError, match="No 'die' event for web arrived"):
        shown.wait_for("die", "web", timeout=5)


def test_an_interrupted_cell_closes_every_live_stream(view):
    engine, shown = view
    shell = InteractiveShell.instance()
    assert install_interrupt_hook(shell)
    shell.run_cell("1 + 1")
    assert shown.running  # a normal cell leaves it open
    shell.run_cell("raise KeyboardInterrupt")
    assert engine.event_stream.closed and not shown.running
    assert not shown._thread.is_alive()


def test_a_closed_stream_event_list_stays_readable(view):
    engine, shown = view
    engine.event_stream.emit(LIFE[0])
    shown.wait_for("create", timeout=10)
    shown.close()
    assert [e.action for e in shown.events] == ["create"]
    assert isinstance(shown.events[0], Event)


def test_an_engine_that_goes_away_stops_the_view_with_a_clear_status():
    import requests

    broken = requests.exceptions.ConnectionError("('Connection aborted.', "
                                                 "RemoteDisconnected('closed'))")
    engine = FakeEngine(event_stream=EventStream(error=broken))  # the engine goes away
    shown = EventsView(engine.client)
    shown._thread.join(timeout=10)
    try:
        assert type(shown.error).__name__ == "EngineUnreachable"
        assert "stopped" in shown.status.value and "did not answer" in shown.status.value
        assert not shown.running
    finally:
        shown.close()
