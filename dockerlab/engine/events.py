"""The engine's event stream: what happened to which object, as it happens.

Similar to ``docker events --filter type=container --filter label=KEY=VALUE``. The engine
keeps one HTTP response open (``GET /events``) and writes one JSON line per event; a client
reads them as they come and closes the connection to stop.

- :func:`event_filters` builds the ``filters=`` argument (by type, label, action, name);
- :class:`EventStream` is a live stream that is closed cleanly (``with`` or ``close()``),
  even from another thread;
- :func:`collect` reads a finished time window (``since``/``until``) and returns;
- :func:`timeline_figure` draws one container's life as dots on a time axis.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

from ..errors import DockerLabError, mapped, translate
from .transport import closed_by_client

#: the container actions drawn on the timeline, in their usual order of appearance
LIFECYCLE = ("create", "attach", "start", "exec_create", "exec_start", "exec_die", "pause",
             "unpause", "kill", "die", "stop", "restart", "oom", "destroy")
TYPES = ("container", "image", "network", "volume", "plugin", "daemon", "builder", "service",
         "node", "secret", "config")


@dataclass(frozen=True)
class Event:
    """One event from the engine."""

    type: str
    action: str
    id: str
    time: float  # seconds since the epoch, with the engine's nanoseconds
    attributes: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def name(self) -> str:
        """The object's name (containers, networks, volumes), else a short ID."""
        return self.attributes.get("name") or self.id[:12]

    @property
    def exit_code(self) -> int | None:
        """The exit code of a ``die`` event; ``None`` for other events."""
        code = self.attributes.get("exitCode")
        return int(code) if code not in (None, "") else None

    @property
    def verb(self) -> str:
        """The action without its details: ``exec_start: sh -c ls`` gives ``exec_start``."""
        return self.action.split(":", 1)[0]

    def __str__(self) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(self.time)) + \
            f".{int(self.time * 1000) % 1000:03d}"
        extra = f" (exit code {self.exit_code})" if self.exit_code is not None else ""
        return f"{stamp} {self.type:<9} {self.action:<8} {self.name}{extra}"


def parse_event(raw: dict) -> Event:
    """An :class:`Event` from one decoded JSON line of ``GET /events``."""
    actor = raw.get("Actor") or {}
    nanos = raw.get("timeNano")
    moment = nanos / 1e9 if nanos else float(raw.get("time", 0))
    return Event(raw.get("Type", "?"), raw.get("Action") or raw.get("status", "?"),
                 actor.get("ID") or raw.get("id", ""), moment,
                 dict(actor.get("Attributes") or {}))


def event_filters(type: str | list | None = None, label: str | list | None = None,
                  action: str | list | None = None, name: str | list | None = None) -> dict:
    """A ``filters=`` argument; similar to ``docker events --filter type=... --filter label=...``.

    Each argument takes one value or a list; labels are ``key`` or ``key=value``.
    """
    def listed(value):
        return [value] if isinstance(value, str) else list(value)

    filters = {}
    for key, value in (("type", type), ("label", label), ("event", action),
                       ("container", name)):
        if value:
            filters[key] = listed(value)
    for kind in filters.get("type", []):
        if kind not in TYPES:
            raise DockerLabError(f"{kind!r} is not an event type the engine knows.",
                                 f"Use one of: {', '.join(TYPES)}.")
    return filters


class EventStream:
    """A live event stream; iterate it for :class:`Event` objects, close it to stop.

    ::

        with EventStream(lab.client, event_filters(type="container")) as stream:
            for event in stream:
                print(event)
                if event.action == "destroy":
                    break

    :meth:`close` may be called from another thread: the blocked reader wakes up and the
    iteration ends.
    """

    def __init__(self, client, filters: dict | None = None, since=None, until=None):
        self.filters = filters or {}
        self._lock = threading.Lock()
        self._closed = False
        with mapped():
            self._raw = client.events(decode=True, filters=self.filters, since=since,
                                      until=until)

    @property
    def closed(self) -> bool:
        return self._closed

    def __iter__(self):
        try:
            for raw in self._raw:
                yield parse_event(raw)
        except Exception as error:  # the connection closed under us
            if not (self._closed or closed_by_client(self._raw)):  # else: closed on purpose
                raise translate(error) from None
        finally:
            self.close()

    def close(self) -> None:
        """Close the HTTP response: the engine stops sending, the reader stops waiting."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._raw.close()
        except Exception:  # already closed by the engine: nothing left to release
            pass

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def collect(client, since: float, until: float | None = None,
            filters: dict | None = None) -> list[Event]:
    """The events between ``since`` and ``until`` (default: now), then return.

    Similar to ``docker events --since T --until T2``: a finished window, not a live stream.
    """
    until = time.time() if until is None else until
    with EventStream(client, filters, since=since, until=until) as stream:
        return list(stream)


def of_container(events: list[Event], name_or_id: str) -> list[Event]:
    """The container events of one container, by name or ID (prefix)."""
    return [e for e in events if e.type == "container" and
            (e.name == name_or_id or e.id.startswith(name_or_id))]


def deaths(events: list[Event]) -> dict[str, int]:
    """Container name -> exit code, for every ``die`` event (the last one wins)."""
    return {e.name: e.exit_code for e in events if e.type == "container" and e.verb == "die"}


def actions(events: list[Event]) -> list[str]:
    """The actions, in order (``['create', 'start', 'die', 'destroy']``)."""
    return [e.verb for e in events]


def short_names(names: list[str]) -> list[str]:
    """The names without the prefix they all share up to a ``-`` (a session id, usually)."""
    if len(names) < 2:
        return list(names)
    common = os.path.commonprefix(names)
    cut = common.rfind("-") + 1
    return [name[cut:] or name for name in names]


def timeline_figure(events: list[Event], title: str | None = None):
    """A matplotlib Figure: each container a row, each event a labelled dot at its time."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 1.2 + 0.6 * max(1, len({e.name for e in events}))))
    axes = figure.subplots()
    if not events:
        axes.text(0.5, 0.5, "no events", ha="center", va="center")
        axes.set_axis_off()
        return figure
    start = min(e.time for e in events)
    names = list(dict.fromkeys(e.name for e in events))
    placed: dict[str, int] = {}
    for event in events:
        row = names.index(event.name)
        x = event.time - start
        dead = event.verb == "die" and event.exit_code not in (None, 0)
        axes.plot(x, row, "o", color="#c0392b" if dead else "#2e86c1")
        label = event.verb + (f" ({event.exit_code})" if event.exit_code is not None else "")
        above = placed.get(event.name, 0) % 2 == 0  # alternate, so close events stay legible
        placed[event.name] = placed.get(event.name, 0) + 1
        axes.annotate(label, (x, row), textcoords="offset points", xytext=(0, 7 if above else -7),
                      ha="center", va="bottom" if above else "top", fontsize=8)
    axes.set_yticks(range(len(names)), short_names(names))
    axes.set_ylim(-0.6, len(names) - 0.4)
    axes.set_xlabel("seconds after the first event")
    axes.set_title(title or "Events, as the engine reported them")
    figure.tight_layout()
    return figure
