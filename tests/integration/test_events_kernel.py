"""The events widget in a real Jupyter kernel: it updates while another cell runs, and
Kernel > Interrupt closes its stream."""

from __future__ import annotations

import time

import pytest
from jupyter_client.manager import start_new_kernel

SETUP = """
from dockerlab import Lab, labels
from dockerlab.engine.events import event_filters
from dockerlab.widgets.events_view import EventsView

lab = Lab("test-events-kernel", base_images=False)
view = EventsView(lab.client, event_filters(type="container",
                                            label=f"{labels.SESSION}={lab.session}"))
view
"""

#: a cell that keeps running while it makes containers come and go
BUSY = """
import time
for i in range(2):
    lab.start("true", name=f"{lab.session}-c{i}").wait()
view.wait_for("die", f"{lab.session}-c1")
time.sleep(60)
"""


def run(client, code: str, timeout: float = 60) -> list[dict]:
    """Execute ``code`` and return the iopub messages it caused (until idle)."""
    msg_id = client.execute(code)
    return collect(client, msg_id, timeout)


def collect(client, msg_id: str, timeout: float) -> list[dict]:
    messages = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = client.get_iopub_msg(timeout=1)
        except Exception:  # queue.Empty: nothing yet
            continue
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(message)
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return messages
    raise AssertionError(f"the cell did not finish within {timeout} s")


def value(client, expression: str) -> str:
    messages = run(client, f"print({expression})")
    errors = [m["content"] for m in messages if m["msg_type"] == "error"]
    assert not errors, errors
    return "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream").strip()


@pytest.fixture
def kernel():
    manager, client = start_new_kernel(kernel_name="python3")
    yield manager, client
    try:
        run(client, "lab.cleanup()", timeout=60)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_the_view_updates_during_a_running_cell_and_an_interrupt_closes_it(kernel):
    manager, client = kernel
    assert value(client, "1 + 1") == "2"
    setup = run(client, SETUP)
    assert not [m for m in setup if m["msg_type"] == "error"], setup
    assert value(client, "view.running") == "True"

    msg_id = client.execute(BUSY)
    updates = []
    deadline = time.monotonic() + 60
    def c1_died() -> bool:  # c1's start may reach the page in an update before its death
        return any("-c1" in u and "die" in u for u in updates)

    while time.monotonic() < deadline and not c1_died():
        try:
            message = client.get_iopub_msg(timeout=1)
        except Exception:
            continue
        if message["msg_type"] == "comm_msg":  # a widget trait sent to the frontend
            state = message["content"]["data"].get("state", {})
            updates.append(str(state.get("value", "")))
    assert c1_died(), f"no live update of c1's death reached the page: {updates[-3:]}"

    manager.interrupt_kernel()  # Kernel > Interrupt, while the busy cell sleeps
    finished = collect(client, msg_id, timeout=60)
    assert any(m["msg_type"] == "error" and m["content"]["ename"] == "KeyboardInterrupt"
               for m in finished)
    assert value(client, "view.running") == "False"
    assert value(client, "view._thread.is_alive()") == "False"
    assert value(client, "'closed' in view.status.value") == "True"
