"""Every exercise rejects the mistakes learners typically make, each with a hint naming it.

A wrong answer lives in ``tests/exercises/wrong_answers/<notebook>/<exercise>.py``: one function
per mistake, with the exercise's signature (it takes the session, ``lab``), and a dict
``MISTAKES = {function_name: regex}``. The check must say INCORRECT, and its message must match
the regex (case-insensitive), so the hint names that mistake and not another one.
"""

import importlib.util
import re
from pathlib import Path

import pytest

from dockerlab.checker import Exercise, Status, all_exercises

HERE = Path(__file__).resolve().parent / "wrong_answers"
LEAST = 3


def _module(exercise_id: str):
    path = HERE / f"{exercise_id}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"wrong_{path.stem}_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cases():
    for exercise_id in all_exercises():
        module = _module(exercise_id)
        for name in sorted(getattr(module, "MISTAKES", {})):
            yield pytest.param(exercise_id, name, id=f"{exercise_id}::{name}")


@pytest.mark.parametrize("exercise_id", all_exercises())
def test_every_exercise_keeps_enough_wrong_answers(exercise_id):
    module = _module(exercise_id)
    assert module is not None, f"no tests/exercises/wrong_answers/{exercise_id}.py"
    mistakes = getattr(module, "MISTAKES", {})
    assert len(mistakes) >= LEAST, f"{exercise_id}: {len(mistakes)} wrong answers, want {LEAST}"
    for name in mistakes:
        assert callable(getattr(module, name, None)), f"{exercise_id}: MISTAKES names {name}"


@pytest.fixture(scope="module")
def wrong_lab(engine_location):
    from dockerlab import Lab

    lab = Lab("test-wrong-answers", engine=engine_location)
    yield lab
    lab.cleanup()


@pytest.mark.parametrize(("exercise_id", "mistake"), list(_cases()))
def test_a_wrong_answer_is_rejected_with_a_hint_naming_the_mistake(wrong_lab, exercise_id,
                                                                     mistake):
    module = _module(exercise_id)
    exercise = Exercise.load(exercise_id, wrong_lab)
    result = exercise.check(getattr(module, mistake))
    assert result.status is Status.INCORRECT, f"{mistake} was accepted: {result}"
    pattern = module.MISTAKES[mistake]
    assert re.search(pattern, result.message, re.IGNORECASE), (
        f"{mistake}: the hint does not name the mistake ({pattern!r}): {result.message}")
