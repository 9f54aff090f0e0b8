"""BuildKit's progress, read into steps: ``--progress=rawjson`` or ``--progress=plain``.

``rawjson`` (buildx 0.13 and later) writes BuildKit's own ``SolveStatus`` messages, one JSON
object after another (buildx 0.13 indents them over several lines)::

    {"vertexes": [{"digest": "sha256:9cf3...", "inputs": ["sha256:77be..."],
                   "name": "[stage-0 4/4] RUN make", "started": "...", "completed": "...",
                   "cached": true, "error": "..."}],
     "statuses": [{"id": "transferring context:", "vertex": "sha256:...", "current": 26}],
     "logs": [{"vertex": "sha256:9cf3...", "stream": 1, "data": "aGVsbG8K"}]}

``plain`` (every BuildKit client, the Debian 12 ``docker`` 20.10 CLI too) writes the same
events as text, one vertex per ``#N``::

    #8 [stage-0 4/4] RUN make
    #8 0.210 hello
    #8 DONE 1.2s          (or  #8 CACHED,  #8 ERROR: ...)

Both parsers are pure: feed them what the CLI wrote and read :attr:`steps`.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime

from .steps import BuildStep

#: ``[stage-0 2/4] RUN ...``, ``[2/2] COPY ...``, ``[builder 1/3] FROM ...``
STEP_NAME = re.compile(r"^\[(?:(?P<stage>[^\]\s]+) )?(?P<n>\d+)/(?P<total>\d+)\] "
                       r"(?P<instruction>.*)$", re.S)
_CONTEXT = re.compile(r"transferring context: (?P<size>[\d.]+)(?P<unit>[kMG]?B)")
_UNITS = {"B": 1, "kB": 1000, "MB": 1000**2, "GB": 1000**3}


def _time(text: str | None) -> float | None:
    if not text:
        return None
    text = re.sub(r"(\.\d{6})\d*", r"\1", text.replace("Z", "+00:00"))
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


class _Vertices:
    """What both parsers share: vertices in order of appearance, steps made of them."""

    def __init__(self):
        self.vertices: dict[str, dict] = {}
        self.steps_by_vertex: dict[str, BuildStep] = {}
        self.context_bytes: int | None = None
        self.log: list[str] = []

    @property
    def steps(self) -> list[BuildStep]:
        return list(self.steps_by_vertex.values())

    @property
    def failed_step(self) -> BuildStep | None:
        return next((step for step in self.steps if step.failed), None)

    @property
    def errors(self) -> list[str]:
        return [v["error"] for v in self.vertices.values() if v.get("error")]

    def _vertex(self, key: str, name: str) -> tuple[dict, BuildStep | None]:
        vertex = self.vertices.setdefault(key, {"digest": key, "name": name})
        match = STEP_NAME.match(name or "")
        step = self.steps_by_vertex.get(key)
        if match and step is None:
            step = BuildStep(int(match["n"]), int(match["total"]),
                             match["instruction"].strip(), stage=match["stage"] or "",
                             vertex=key)
            self.steps_by_vertex[key] = step
        return vertex, step

    def _is_context(self, key: str) -> bool:
        """The vertex that sends the build context (not the .dockerignore's)."""
        return self.vertices.get(key, {}).get("name") == "[internal] load build context"

    def _line(self, step: BuildStep | None, line: str) -> None:
        self.log.append(line)
        if step is not None:
            step.output.append(line)


class RawJSONParser(_Vertices):
    """``--progress=rawjson``: feed text as it comes (:meth:`feed_text`) or decoded objects."""

    def __init__(self):
        super().__init__()
        self._buffer = ""
        self._partial: dict[str, str] = {}
        self.other: list[str] = []  # what was not JSON (buildx's final ERROR: lines)

    def feed_text(self, text: str) -> list[BuildStep]:
        """Parse every complete JSON object in ``text`` (plus what was left last time)."""
        self._buffer += text
        decoder, changed = json.JSONDecoder(), []
        while True:
            stripped = self._buffer.lstrip()
            if not stripped:
                self._buffer = ""
                break
            if not stripped.startswith("{"):
                line, _, rest = stripped.partition("\n")
                if not _ and not text.endswith("\n"):
                    break  # an incomplete line: wait for the rest
                self.other.append(line)
                self._buffer = rest
                continue
            try:
                item, end = decoder.raw_decode(stripped)
            except json.JSONDecodeError:
                break  # incomplete: wait for more
            self._buffer = stripped[end:]
            changed += self.feed(item)
        return changed

    def finish(self) -> None:
        """The stream ended: keep what was not JSON, flush partial log lines."""
        if self._buffer.strip():
            self.other += self._buffer.strip().splitlines()
        self._buffer = ""
        for key, rest in self._partial.items():
            if rest:
                self._line(self.steps_by_vertex.get(key), rest)
        self._partial.clear()

    def feed(self, item: dict) -> list[BuildStep]:
        changed = []
        for update in item.get("vertexes") or []:
            vertex, step = self._vertex(update["digest"], update.get("name", ""))
            vertex.update({k: v for k, v in update.items() if v not in (None, "")})
            if step is not None:
                self._update_step(step, vertex)
                changed.append(step)
        for status in item.get("statuses") or []:
            if self._is_context(status.get("vertex", "")):
                self.context_bytes = max(self.context_bytes or 0, int(status.get("current") or 0))
        for log in item.get("logs") or []:
            changed += self._log(log)
        return changed

    def _update_step(self, step: BuildStep, vertex: dict) -> None:
        step.inputs = list(vertex.get("inputs") or [])
        step.cached = bool(vertex.get("cached"))
        started, completed = _time(vertex.get("started")), _time(vertex.get("completed"))
        if started is not None:
            step.started = started
        if completed is not None and started is not None:
            step.duration = max(0.0, completed - started)
            step.finished = True
        if vertex.get("error"):
            step.failed, step.error = True, vertex["error"]

    def _log(self, log: dict) -> list[BuildStep]:
        key = log.get("vertex", "")
        text = self._partial.get(key, "") + base64.b64decode(log.get("data") or "").decode(
            errors="replace")
        lines = text.replace("\r\n", "\n").split("\n")
        self._partial[key] = lines.pop()
        step = self.steps_by_vertex.get(key)
        for line in lines:
            self._line(step, line)
        return [step] if step is not None and lines else []


_PLAIN = re.compile(r"^#(?P<id>\d+) (?P<rest>.*)$")
_PLAIN_OUTPUT = re.compile(r"^(?P<seconds>\d+\.\d+) (?P<text>.*)$")
_PLAIN_DONE = re.compile(r"^DONE (?P<seconds>[\d.]+)s$")


class PlainParser(_Vertices):
    """``--progress=plain``: feed it line by line."""

    def __init__(self):
        super().__init__()
        self.other: list[str] = []

    def feed_line(self, line: str) -> BuildStep | None:
        line = line.rstrip("\n")
        match = _PLAIN.match(line)
        if not match:
            if line.strip():
                self.other.append(line)
            return None
        key, rest = f"#{match['id']}", match["rest"]
        if key not in self.vertices:
            return self._vertex(key, rest)[1]
        vertex, step = self.vertices[key], self.steps_by_vertex.get(key)
        self._event(vertex, step, rest)
        return step

    def _event(self, vertex: dict, step: BuildStep | None, rest: str) -> None:
        if rest == "CACHED":
            vertex["cached"] = True
            if step is not None:
                step.cached = step.finished = True
                step.duration = 0.0
        elif done := _PLAIN_DONE.match(rest):
            if step is not None:
                step.finished, step.duration = True, float(done["seconds"])
        elif rest.startswith("ERROR"):
            vertex["error"] = rest.partition(":")[2].strip() or rest
            if step is not None:
                step.failed, step.error = True, vertex["error"]
        elif (context := _CONTEXT.match(rest)) and self._is_context(vertex["digest"]):
            size = int(float(context["size"]) * _UNITS[context["unit"]])
            self.context_bytes = max(self.context_bytes or 0, size)
        elif output := _PLAIN_OUTPUT.match(rest):
            self._line(step, output["text"])

    def feed_text(self, text: str) -> list[BuildStep]:
        return [step for line in text.splitlines() if (step := self.feed_line(line))]

    def finish(self) -> None:
        """Nothing is buffered line by line (for the same interface as the JSON parser)."""
