"""The container dashboard, driven headlessly: its buttons clicked against the real engine."""

import html
import time

import pytest

from dockerlab import containers as C
from dockerlab.errors import InvalidContainerState
from dockerlab.widgets.container_dashboard import LIFECYCLE_BUTTONS, ContainerDashboard


@pytest.fixture
def dashboard(lab):
    view = ContainerDashboard(lab, stop_timeout=2, interval=0.2)
    yield view
    view.close()


def test_the_layout_is_stable(dashboard):
    descriptions = [child.description for child in dashboard.children[2].children]
    assert descriptions == [*LIFECYCLE_BUTTONS, "Refresh", "Live"]
    assert dashboard.children[1].children[1].description == "New"
    assert "no container selected" in dashboard.status.value


def test_buttons_drive_a_container_through_its_life(dashboard, lab):
    dashboard.new_button.click()
    row = dashboard.selected
    assert row is not None and row.status == "running"
    assert [c.id for c in lab.containers()] == [row.id]
    for button, status in (("Pause", "paused"), ("Unpause", "running"),
                           ("Stop", "exited"), ("Start", "running"), ("Restart", "running"),
                           ("Kill", "exited")):
        dashboard.buttons[button].click()
        assert dashboard.error is None, dashboard.status.value
        assert dashboard.selected.status == status, button
        assert f">{status}" in dashboard.status.value
    assert dashboard.selected.exit_code == 137
    dashboard.buttons["Remove"].click()
    assert dashboard.selected is None and "removed" in dashboard.status.value
    assert lab.containers() == []


def shows_the_refusal(dashboard, operation: str, status: str) -> None:
    """The status line names the kit's error and carries the engine's own words."""
    refusal = dashboard.error
    assert isinstance(refusal, InvalidContainerState), dashboard.status.value
    assert (refusal.operation, refusal.status) == (operation, status)
    assert refusal.engine_says  # whatever this engine's release says, shown as it said it
    assert html.escape(refusal.engine_says) in dashboard.status.value
    assert "InvalidContainerState" in dashboard.status.value
    assert f"From &#x27;{status}&#x27; you can" in dashboard.status.value


def test_a_refused_operation_shows_the_engines_message(dashboard, lab):
    dashboard.new_button.click()
    dashboard.buttons["Unpause"].click()
    shows_the_refusal(dashboard, "unpause", "running")
    dashboard.buttons["Remove"].click()
    shows_the_refusal(dashboard, "remove", "running")
    assert dashboard.selected.status == "running"
    dashboard.buttons["Pause"].click()  # the widget keeps working after refusals
    assert dashboard.error is None and dashboard.selected.status == "paused"


def test_the_log_pane_shows_timestamped_output_after_stop(dashboard):
    dashboard.new_button.click()
    container_id = dashboard.selected.id
    deadline = time.monotonic() + 10
    while "tick 1" not in dashboard.logs.value and time.monotonic() < deadline:
        time.sleep(0.2)
        dashboard.refresh()
    dashboard.buttons["Stop"].click()
    lines = dashboard.logs.value.splitlines()
    assert lines[0].endswith("tick 1") and lines[0][:4].isdigit()
    assert lines[-1].endswith("got SIGTERM")
    assert dashboard.selected.id == container_id and dashboard.selected.exit_code == 143


def test_live_mode_sees_changes_made_elsewhere(dashboard, lab):
    dashboard.live_toggle.value = True
    assert dashboard.live
    other = C.launch(lab, "sleep 60")
    deadline = time.monotonic() + 10
    while other.id not in [row.id for row in dashboard.rows] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert other.name in dashboard.table.value
    dashboard.live_toggle.value = False
    assert not dashboard.live


def test_a_missing_program_run_by_the_shell_exits_127(dashboard):
    dashboard.command.value = "no-such-program"
    dashboard.new_button.click()
    C.wait_for(dashboard.lab.client.containers.get(dashboard.selected.id), "exited")
    dashboard.refresh()
    assert dashboard.selected.exit_code == 127
    assert "exited (127)" in dashboard.status.value
    assert "not found" in dashboard.logs.value


def test_bad_input_is_reported_in_the_widget_and_leaves_nothing(dashboard, lab):
    dashboard.new(["no-such-program"])
    assert "CommandNotFound" in dashboard.status.value
    assert "no-such-program" in dashboard.status.value
    dashboard.new(mem_limit="4m")
    assert "ResourceLimitInvalid" in dashboard.status.value
    dashboard.new(cpu_quota=-5)
    assert "negative" in dashboard.status.value
    assert lab.containers() == []
    dashboard.buttons["Start"].click()
    assert "No container is selected" in dashboard.status.value


def test_parts_carry_stable_css_classes_for_a_browser(dashboard):
    assert "dockerlab-container-dashboard" in dashboard._dom_classes
    assert "dockerlab-dashboard-status" in dashboard.status._dom_classes
    assert "dockerlab-dashboard-logs" in dashboard.logs._dom_classes
    assert "dockerlab-dashboard-unpause" in dashboard.buttons["Unpause"]._dom_classes
    assert "dockerlab-dashboard-live" in dashboard.live_toggle._dom_classes
