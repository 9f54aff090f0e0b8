"""Exercises with automatic checks against the real engine.

An exercise lives in ``exercises/<notebook>/<name>/`` as three files:

``starter.py``   the function the learner completes (the notebook cell holds the same code)
``solution.py``  the reference solution: the same function, completed
``check.py``     ``TITLE``, ``FUNCTION`` (the function's name), ``HINTS`` (a list, mildest
                 first) and ``check(lab, answer)``, which inspects the engine and calls
                 :func:`expect` with a hint for each thing that must be true

In a notebook::

    ex = Exercise.load("00_welcome/first_container", lab)
    ex.check(run_first_container)   # "not attempted", a hint, or "Well done!"
    ex.hint()    # the first hint; ex.hint(2) the second
    ex.solution()

Each check appends the learner's result to a local progress file (:mod:`dockerlab.progress`).
Checks read the engine's record with the helpers here: :func:`engine_events` (what the engine
did, in order: the way the learner got there), :func:`output_of` (what a command prints in an
image) and :func:`default_output_with` (what the image's default command prints when a file
holds something else: does it really read that file?).

The learner's function runs in a fresh child session (its objects are labelled and
removed after the check), and failures show the hint, never the check's traceback.
"""

from __future__ import annotations

import html
import importlib.util
import io
import os
import tarfile
import time
import warnings
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import ModuleType

from . import labels
from .containers.run import run_to_end
from .errors import DockerLabError, ExerciseError

EXERCISES_ENV = "DOCKERLAB_EXERCISES"


class Status(str, Enum):
    NOT_ATTEMPTED = "not attempted"
    INCORRECT = "incorrect"
    CORRECT = "correct"


class CheckFailed(Exception):
    """Raised by :func:`expect`; its message is the hint the learner sees."""


def expect(condition, hint: str) -> None:
    """In a check: fail with ``hint`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(hint)


@dataclass
class CheckResult:
    """The outcome of one check, displayed as a coloured box in a notebook."""

    exercise: str
    status: Status
    message: str

    @property
    def passed(self) -> bool:
        return self.status is Status.CORRECT

    def __str__(self) -> str:
        return f"[{self.status.value}] {self.exercise}: {self.message}"

    def _repr_html_(self) -> str:
        colour = {Status.CORRECT: "#1e8449", Status.INCORRECT: "#c0392b",
                  Status.NOT_ATTEMPTED: "#7f8c8d"}[self.status]
        return (f"<div style='border-left:4px solid {colour};padding:4px 12px'>"
                f"<b>{html.escape(self.status.value.capitalize())}</b> "
                f"({html.escape(self.exercise)}): {html.escape(self.message)}</div>")

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def engine_events(lab, since: float | None = None, type: str = "container",
                  action: str | list | None = None) -> list:
    """The events the engine recorded since ``since`` (default: the session's start), oldest
    first; similar to ``docker events --since ... --until now --filter type=...``.

    Container events are those of ``lab``'s session only (by its label); other types (volume,
    network: their events carry no labels) are every object's, so filter them by name or ID.
    """
    from .engine.events import collect, event_filters

    label = f"{labels.SESSION}={lab.session}" if type == "container" else None
    filters = event_filters(type=type, label=label, action=action)
    return collect(lab.client, since=lab.started if since is None else since, filters=filters)


def container_events(lab, container) -> list[str]:
    """The actions the engine recorded for one container of the session, in order
    (``['create', 'start', 'die', 'restart', ...]``)."""
    return [e.verb for e in engine_events(lab) if e.id == container.id]


def output_of(lab, image: str, command: list | None = None) -> str:
    """What ``command`` (default: the image's own) prints, stdout and stderr, in a new
    container of ``image``, whatever its exit status; the container is removed."""
    return run_to_end(lab, command, image=image)[1]


def default_output_with(lab, image: str, path: str, content: str) -> str:
    """What the image's default command prints when the file ``path`` holds ``content``
    (written into a new container before it starts, as ``docker cp`` would)."""
    folder, name = os.path.split(path)
    data = content.encode()
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
        tar.addfile(info, io.BytesIO(data))
    return run_to_end(lab, None, image=image, before_start=lambda container: container
                      .put_archive(folder or "/", archive.getvalue()))[1]


def exercises_root() -> Path:
    """The ``exercises/`` folder (``DOCKERLAB_EXERCISES`` overrides it)."""
    configured = os.environ.get(EXERCISES_ENV)
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / "exercises"


def all_exercises() -> list[str]:
    """Every exercise id (``notebook/name``), sorted."""
    root = exercises_root()
    return sorted(str(path.parent.relative_to(root)) for path in root.glob("*/*/check.py"))


def _load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_function(path: Path, name: str):
    """The function ``name`` defined in the Python file ``path`` (a check may run its
    exercise's solution to compare with it)."""
    return getattr(_load_module(Path(path), f"dockerlab_{Path(path).stem}_{name}"), name)


def _same_code(a, b) -> bool:
    """True when two functions compile to the same code (so: the starter, untouched)."""
    a, b = getattr(a, "__code__", None), getattr(b, "__code__", None)
    if a is None or b is None:
        return False

    def shape(code):
        consts = tuple(shape(c) if hasattr(c, "co_code") else c for c in code.co_consts)
        return code.co_code, consts, code.co_names, code.co_varnames

    return shape(a) == shape(b)


class Exercise:
    """One exercise: its starter, its solution, its check and its hints."""

    def __init__(self, exercise_id: str, folder: Path, lab=None):
        self.id = exercise_id
        self.folder = folder
        self.lab = lab
        self.hints_shown = 0  # the strongest hint asked for so far (recorded with each check)
        self.solution_shown = False
        self._check = _load_module(folder / "check.py", f"dockerlab_check_{folder.name}")
        for needed in ("TITLE", "FUNCTION", "HINTS", "check"):
            if not hasattr(self._check, needed):
                raise ExerciseError(f"Exercise {exercise_id} has no {needed} in check.py.")

    @classmethod
    def load(cls, exercise_id: str, lab=None) -> Exercise:
        folder = exercises_root() / exercise_id
        if not (folder / "check.py").exists():
            known = ", ".join(all_exercises()) or "none"
            raise ExerciseError(f"There is no exercise '{exercise_id}'.",
                                f"Known exercises: {known}.")
        return cls(exercise_id, folder, lab)

    @property
    def title(self) -> str:
        return self._check.TITLE

    def function(self, which: str):
        """The function defined in ``starter.py`` or ``solution.py``."""
        module = _load_module(self.folder / f"{which}.py", f"dockerlab_{which}_{self.folder.name}")
        return getattr(module, self._check.FUNCTION)

    def source(self, which: str) -> str:
        return (self.folder / f"{which}.py").read_text()

    def check(self, function) -> CheckResult:
        """Run the learner's ``function`` in a fresh child session and check the engine;
        the result is appended to the learner's progress file (:mod:`dockerlab.progress`)."""
        began = time.monotonic()
        result = self._check_now(function)
        self._record(result, time.monotonic() - began)
        return result

    def _record(self, result: CheckResult, seconds: float) -> None:
        from . import progress

        record = progress.make_record(self.id, result.status.value, self.hints_shown,
                                      self.solution_shown, seconds)
        try:
            progress.append(record)
        except OSError as error:  # the check's result matters more than its record
            warnings.warn(f"Your progress was not recorded ({error}); set "
                          f"{progress.PROGRESS_ENV} to a file you can write.", stacklevel=3)

    def _check_now(self, function) -> CheckResult:
        if function is None or _same_code(function, self.function("starter")):
            return self._result(Status.NOT_ATTEMPTED,
                                f"Complete `{self._check.FUNCTION}` above, run its cell, then "
                                "run this check again.")
        from .lab import Lab

        parent = self.lab
        child = Lab(f"exercise-{self.id}", engine=parent.location if parent else None,
                    base_images=False)
        try:
            return self._run(function, child)
        finally:
            child.cleanup()

    def _run(self, function, lab) -> CheckResult:
        try:
            answer = function(lab)
        except NotImplementedError:
            return self._result(Status.NOT_ATTEMPTED,
                                f"`{self._check.FUNCTION}` still raises NotImplementedError.")
        except DockerLabError as error:
            return self._result(Status.INCORRECT, f"Your function stopped with an error: "
                                f"{error.message} {error.advice}".strip())
        except Exception as error:  # the learner's own bug: say which, without a traceback
            explained = lab.explain(error) if "docker" in type(error).__module__ else None
            text = explained.message if explained else f"{type(error).__name__}: {error}"
            return self._result(Status.INCORRECT, f"Your function raised {text}")
        try:
            self._check.check(lab, answer)
        except CheckFailed as failed:
            return self._result(Status.INCORRECT, f"{failed} (ask for a hint with .hint())")
        return self._result(Status.CORRECT, "Well done!")

    def _result(self, status: Status, message: str) -> CheckResult:
        return CheckResult(self.id, status, message)

    def hint(self, level: int = 1) -> str:
        """The ``level``-th hint (1 is the mildest); the last one when ``level`` is larger."""
        hints = self._check.HINTS
        level = min(max(level, 1), len(hints))
        self.hints_shown = max(self.hints_shown, level)
        more = f" (there is another hint: .hint({level + 1}))" if level < len(hints) else ""
        return Hint(f"Hint {level}/{len(hints)}: {hints[level - 1]}{more}")

    def solution(self) -> str:
        """The reference solution's source, to read after trying."""
        self.solution_shown = True
        return Hint(self.source("solution"))


class Hint(str):
    """A string that a notebook displays as plain text (no quotes, real newlines)."""

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))
