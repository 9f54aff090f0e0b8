"""A dashboard of the session's containers: their state, lifecycle buttons, status, logs.

Similar to keeping ``docker ps -a`` and ``docker logs -t`` open while typing
``docker start|pause|unpause|stop|kill|restart|rm``. The work is done by
:mod:`dockerlab.containers` (``summaries``, ``launch``, ``operate``, ``timestamped_logs``);
this widget only shows it. Layout, top to bottom (button descriptions are stable, so tests
and a browser can find them)::

    [title]
    [container ▾]  [New] [command text........................]
    [Start] [Pause] [Unpause] [Stop] [Kill] [Restart] [Remove]  [Refresh] [Live]
    status line   (the selected container's state, or the engine's message in red)
    table         (every container of the session: name, state, exit code, command)
    log pane      (the selected container's last lines, with timestamps)

The root has the CSS class ``dockerlab-container-dashboard``; the status line, table, log
pane, drop-down and command box have ``dockerlab-dashboard-status|table|logs|picker|command``
and each button ``dockerlab-dashboard-<description in lower case>`` (``...-unpause``).

A refused operation (unpausing a running container, removing a running one) is shown in
the status line with the engine's own words; nothing is raised into the notebook.
"""

from __future__ import annotations

import html
import threading
import time

import ipywidgets as widgets

from .. import containers
from ..errors import DockerLabError, translate

#: the lifecycle buttons, in the order they are shown
LIFECYCLE_BUTTONS = ("Start", "Pause", "Unpause", "Stop", "Kill", "Restart", "Remove")

#: what the New button runs unless the command box says otherwise: prints, handles TERM
DEFAULT_COMMAND = "trap 'echo got SIGTERM; exit 143' TERM; i=0; " \
                  "while true; do i=$((i+1)); echo tick $i; sleep 1; done"

COLOURS = {"running": "#1e8449", "paused": "#b9770e", "restarting": "#b9770e",
           "exited": "#7f8c8d", "created": "#2e86c1", "dead": "#c0392b", "removed": "#7f8c8d"}


def state_badge(status: str, exit_code=None, oom_killed: bool = False) -> str:
    """A coloured state word (and exit code) as HTML."""
    text = status + ("" if exit_code is None else f" ({exit_code}"
                     f"{', OOM' if oom_killed else ''})")
    return f"<b style='color:{COLOURS.get(status, 'inherit')}'>{html.escape(text)}</b>"


def render_table(rows: list[containers.Summary], selected: str | None = None) -> str:
    """The session's containers as an HTML table; the selected one in bold."""
    if not rows:
        return "<i>This session has no containers yet: click New.</i>"
    body = []
    for row in rows:
        mark = "&#9654; " if row.id == selected else ""
        body.append(f"<tr><td>{mark}{html.escape(row.name)}</td><td>{row.short_id}</td>"
                    f"<td>{state_badge(row.status, row.exit_code, row.oom_killed)}</td>"
                    f"<td>{html.escape(row.command[:60])}</td></tr>")
    return ("<table style='font-family:monospace;font-size:90%'><tr><th>name</th><th>id</th>"
            "<th>state</th><th>command</th></tr>" + "".join(body) + "</table>")


def status_text(row: containers.Summary | None, count: int, note: str = "",
                error: DockerLabError | None = None) -> str:
    """The status line: the selected container's state, or the error in red."""
    stamp = time.strftime("%H:%M:%S")
    if error is not None:
        advice = f" {html.escape(error.advice)}" if error.advice else ""
        return (f"<span class='dockerlab-error' style='color:#c0392b'><b>"
                f"{html.escape(type(error).__name__)}</b>: {html.escape(error.message)}"
                f"{advice}</span> &middot; {stamp}")
    if row is None:
        done = f"{html.escape(note)} &middot; " if note else ""
        return f"{done}no container selected &middot; {count} in this session &middot; {stamp}"
    extra = f" &middot; {html.escape(note)}" if note else ""
    return (f"<b>{html.escape(row.name)}</b>: "
            f"{state_badge(row.status, row.exit_code, row.oom_killed)}{extra} &middot; "
            f"{count} in this session &middot; {stamp}")


class ContainerDashboard(widgets.VBox):
    """The session's containers, with lifecycle buttons, a status line and a log pane."""

    def __init__(self, lab, stop_timeout: int = 3, log_lines: int = 15,
                 interval: float = 1.0):
        self.lab = lab
        self.stop_timeout = stop_timeout
        self.log_lines = log_lines
        self.interval = interval
        self.rows: list[containers.Summary] = []
        self.error: DockerLabError | None = None
        self.note = ""
        self._lock = threading.RLock()
        self._live: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._quiet = False

        self.title = widgets.HTML(f"<h4>Containers of session {html.escape(lab.session)}</h4>")
        self.picker = widgets.Dropdown(description="container", options=[])
        self.command = widgets.Text(value=DEFAULT_COMMAND, description="command",
                                    layout=widgets.Layout(width="60%"))
        self.new_button = widgets.Button(description="New", icon="plus",
                                         tooltip="docker run -d with the command")
        self.buttons = {name: widgets.Button(description=name, tooltip=f"docker {name.lower()}")
                        for name in LIFECYCLE_BUTTONS}
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh",
                                             tooltip="read the state again")
        self.live_toggle = widgets.ToggleButton(description="Live", value=False,
                                                tooltip=f"refresh every {interval:g} s")
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.logs = widgets.Textarea(value="", disabled=True, description="logs",
                                     layout=widgets.Layout(width="95%", height="14em"))

        self.new_button.on_click(lambda _: self.new())
        for name, button in self.buttons.items():
            button.on_click(self._clicked(name.lower()))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.live_toggle.observe(self._on_live, names="value")
        self.picker.observe(self._on_pick, names="value")
        super().__init__([
            self.title,
            widgets.HBox([self.picker, self.new_button, self.command]),
            widgets.HBox([*self.buttons.values(), self.refresh_button, self.live_toggle]),
            self.status, self.table, self.logs])
        # stable CSS classes, so a browser test can find each part of the dashboard
        self.add_class("dockerlab-container-dashboard")
        for part, name in ((self.status, "status"), (self.table, "table"),
                           (self.logs, "logs"), (self.picker, "picker"),
                           (self.command, "command")):
            part.add_class(f"dockerlab-dashboard-{name}")
        for button in (self.new_button, *self.buttons.values(), self.refresh_button,
                       self.live_toggle):
            button.add_class(f"dockerlab-dashboard-{button.description.lower()}")
        self.refresh()

    def _clicked(self, operation: str):
        return lambda _button: self.do(operation)

    def _on_pick(self, _change) -> None:
        if not self._quiet:
            self.error, self.note = None, ""
            self.refresh()

    # --- what the buttons do -----------------------------------------------------------
    @property
    def selected(self) -> containers.Summary | None:
        return next((row for row in self.rows if row.id == self.picker.value), None)

    def select(self, name_or_id: str) -> None:
        """Select a container by name or ID (what choosing it in the drop-down does)."""
        row = next((r for r in self.rows if name_or_id in (r.name, r.id, r.short_id)), None)
        if row is None:
            self.refresh()
            row = next((r for r in self.rows if name_or_id in (r.name, r.id, r.short_id)),
                       None)
        if row is not None:
            self.picker.value = row.id

    def new(self, command=None, **options):
        """Start a container (the command box's command unless ``command`` is given, run by
        ``sh -c`` when it is a string); it becomes the selected one. ``options`` go to
        :func:`~dockerlab.containers.launch` (``mem_limit="20m"``...)."""
        with self._lock:
            self.error, self.note = None, ""
            try:
                container = containers.launch(
                    self.lab, command or self.command.value or DEFAULT_COMMAND, **options)
            except Exception as error:
                self.error = translate(error)
                self.refresh()
                return None
            self.note = "started"
            self.refresh(select=container.id)
            return container

    def do(self, operation: str):
        """Apply a lifecycle operation to the selected container; errors go to the status."""
        with self._lock:
            self.error, self.note = None, ""
            row = self.selected
            if row is None:
                self.error = DockerLabError("No container is selected.",
                                            "Click New, or pick one in the drop-down.")
                self.refresh()
                return None
            options = {"timeout": self.stop_timeout} if operation in ("stop", "restart") else {}
            try:
                container = self.lab.client.containers.get(row.id)
                state = containers.operate(container, operation, **options)
                self.note = f"{row.name} removed" if operation == "remove" \
                    else f"{operation} done"
            except Exception as error:
                self.error = translate(error)
                state = None
            self.refresh()
            return state

    def refresh(self, select: str | None = None) -> None:
        """Read the session's containers, the selected one's logs, and redraw."""
        with self._lock:
            try:
                self.rows = containers.summaries(self.lab)
            except DockerLabError as error:
                self.error = error
            options = [(f"{row.name} ({row.status})", row.id) for row in self.rows]
            wanted = select or self.picker.value
            if self.picker.options != tuple(options):
                ids = [value for _, value in options]
                self._quiet = True  # changing the options must not re-enter refresh()
                try:
                    self.picker.options = options
                    self.picker.value = wanted if wanted in ids else (ids[-1] if ids else None)
                finally:
                    self._quiet = False
            elif select and select != self.picker.value:
                self._quiet = True
                try:
                    self.picker.value = select
                finally:
                    self._quiet = False
            row = self.selected
            self.table.value = render_table(self.rows, row.id if row else None)
            self.status.value = status_text(row, len(self.rows), self.note, self.error)
            self.logs.value = self._log_text(row)

    def _log_text(self, row) -> str:
        if row is None:
            return ""
        try:
            container = self.lab.client.containers.get(row.id)
            lines = containers.timestamped_logs(container, tail=self.log_lines)
        except Exception:
            return "(no logs: the container is gone)"
        return "\n".join(str(line) for line in lines) or "(no output yet)"

    # --- live refresh -------------------------------------------------------------------
    def _on_live(self, change) -> None:
        if change["new"]:
            self.start_live()
        else:
            self.stop_live()

    @property
    def live(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start_live(self) -> None:
        """Refresh every ``interval`` seconds in the background until stopped."""
        if self.live:
            return
        self._live = threading.Event()
        self._thread = threading.Thread(target=self._pump, args=(self._live,),
                                        name="dockerlab-dashboard", daemon=True)
        self._thread.start()

    def _pump(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            try:
                self.refresh()
            except Exception:  # the kernel must survive whatever the engine does
                stop.set()

    def stop_live(self) -> None:
        if self._live is not None:
            self._live.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        if self.live_toggle.value:
            self.live_toggle.value = False

    def close(self) -> None:
        self.stop_live()
        super().close()
