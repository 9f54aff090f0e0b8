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

The learner's function runs in a fresh child session (its objects are labelled and
removed after the check), and failures show the hint, never the check's traceback.
"""

from __future__ import annotations

import html
import importlib.util
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import ModuleType

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
        """Run the learner's ``function`` in a fresh child session and check the engine."""
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
        more = f" (there is another hint: .hint({level + 1}))" if level < len(hints) else ""
        return Hint(f"Hint {level}/{len(hints)}: {hints[level - 1]}{more}")

    def solution(self) -> str:
        """The reference solution's source, to read after trying."""
        return Hint(self.source("solution"))


class Hint(str):
    """A string that a notebook displays as plain text (no quotes, real newlines)."""

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))
