"""A live view of the engine's events that keeps updating while other cells run.

Similar to leaving ``docker events --filter ...`` open in a second terminal. A background
thread reads :class:`~dockerlab.engine.events.EventStream` and updates the widget; the stream is
closed when the widget is closed, its Stop button clicked, or a cell is interrupted
(Kernel > Interrupt): :func:`install_interrupt_hook` watches for that.
"""

from __future__ import annotations

import html
import threading
import time
import weakref

import ipywidgets as widgets

from ..engine.events import Event, EventStream
from ..errors import DockerLabError
from ..notebook import ipython_shell

#: views whose stream is open, so that an interrupt can close them all
_LIVE: weakref.WeakSet = weakref.WeakSet()
_HOOKED: set[int] = set()


def render_rows(events: list[Event], max_rows: int) -> str:
    """The HTML table of the newest ``max_rows`` events (newest last)."""
    rows = []
    for event in events[-max_rows:]:
        code = "" if event.exit_code is None else str(event.exit_code)
        colour = "#c0392b" if code not in ("", "0") else "inherit"
        stamp = time.strftime("%H:%M:%S", time.localtime(event.time))
        rows.append(f"<tr><td>{stamp}</td><td>{html.escape(event.type)}</td>"
                    f"<td>{html.escape(event.action)}</td><td>{html.escape(event.name)}</td>"
                    f"<td style='color:{colour}'>{code}</td></tr>")
    hidden = len(events) - len(rows)
    more = f"<tr><td colspan=5>... {hidden} earlier events</td></tr>" if hidden else ""
    return ("<table style='font-family:monospace;font-size:90%'><tr><th>time</th><th>type"
            "</th><th>action</th><th>object</th><th>exit</th></tr>" + more + "".join(rows)
            + "</table>")


class EventsView(widgets.VBox):
    """``docker events`` as a widget: a status line, a Stop button, the newest events."""

    def __init__(self, client, filters: dict | None = None, max_rows: int = 15, since=None):
        self.events: list[Event] = []
        self.error: DockerLabError | None = None
        self.max_rows = max_rows
        self._changed = threading.Condition()
        self.status = widgets.HTML()
        self.table = widgets.HTML(render_rows([], max_rows))
        self.stop_button = widgets.Button(description="Stop", icon="stop",
                                          tooltip="close the event stream")
        self.stop_button.on_click(lambda _: self.stop())
        super().__init__([widgets.HBox([self.stop_button, self.status]), self.table])
        self._stream = EventStream(client, filters, since=since)
        self._filters = filters or {}
        self._thread = threading.Thread(target=self._pump, name="dockerlab-events",
                                        daemon=True)
        _LIVE.add(self)
        self._show_status()
        self._thread.start()
        install_interrupt_hook()

    # --- the background reader ---------------------------------------------------------
    def _pump(self) -> None:
        try:
            for event in self._stream:
                with self._changed:  # shown before a waiter hears of it
                    self.events.append(event)
                    self.table.value = render_rows(self.events, self.max_rows)
                    self._show_status()
                    self._changed.notify_all()
        except DockerLabError as error:
            self.error = error
        finally:
            with self._changed:
                self._changed.notify_all()
            _LIVE.discard(self)
            self._show_status()

    def _show_status(self) -> None:
        shown = ", ".join(f"{k}={'|'.join(v)}" for k, v in self._filters.items()) or "all"
        if self.error is not None:
            state = f"<b style='color:#c0392b'>stopped</b>: {html.escape(self.error.message)}"
        elif self.running:
            state = "<b style='color:#1e8449'>live</b>"
        else:
            state = "<b>closed</b>"
        self.status.value = f"{state} &middot; {len(self.events)} events &middot; {shown}"
        self.stop_button.disabled = not self.running

    # --- what a notebook or a test uses -----------------------------------------------
    @property
    def running(self) -> bool:
        return not self._stream.closed

    def wait_for(self, action: str, name: str | None = None, timeout: float = 30) -> Event:
        """Block until an event with ``action`` (for object ``name``) arrived; return it."""
        def found():
            return next((e for e in self.events if e.verb == action and
                         (name is None or e.name == name)), None)

        with self._changed:
            self._changed.wait_for(lambda: found() is not None or not self.running
                                   or not self._thread.is_alive(), timeout)
            event = found()
        if event is None:
            raise DockerLabError(f"No '{action}' event{' for ' + name if name else ''} "
                                 f"arrived within {timeout:.0f} s.",
                                 "Check the view's filters, and that the cell creating the "
                                 "object ran.")
        return event

    def stop(self) -> None:
        """Close the stream and wait for the reader thread to finish."""
        self._stream.close()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=10)
        _LIVE.discard(self)
        self._show_status()

    def close(self) -> None:
        """Close the stream, then the widget."""
        self.stop()
        super().close()


def live_views() -> list[EventsView]:
    """The views whose stream is still open."""
    return list(_LIVE)


def stop_all() -> int:
    """Close every open event stream; return how many were open."""
    views = live_views()
    for view in views:
        view.stop()
    return len(views)


def on_cell_finished(result) -> None:
    """IPython ``post_run_cell`` hook: an interrupted cell closes every live stream."""
    if isinstance(getattr(result, "error_in_exec", None), KeyboardInterrupt):
        stop_all()


def install_interrupt_hook(shell=None) -> bool:
    """Make Kernel > Interrupt close the live event streams; False outside IPython."""
    shell = shell or ipython_shell()
    if shell is None:
        return False
    if id(shell) not in _HOOKED:
        shell.events.register("post_run_cell", on_cell_finished)
        _HOOKED.add(id(shell))
    return True
