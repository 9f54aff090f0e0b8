"""A check against the real engine leaves its record in the learner's progress file."""

import pytest

from dockerlab import progress
from dockerlab.checker import Exercise


@pytest.fixture(scope="module")
def progress_lab(engine_location):
    from dockerlab import Lab

    lab = Lab("test-progress", engine=engine_location)
    yield lab
    lab.cleanup()


def test_00_welcome_a_passed_check_is_recorded_with_its_hints(progress_lab,
                                                                progress_in_a_scratch_file):
    exercise = Exercise.load("00_welcome/first_container", progress_lab)
    exercise.hint(2)
    assert exercise.check(exercise.function("starter")).status.value == "not attempted"
    assert exercise.check(exercise.function("solution")).passed
    records = progress.read(progress_in_a_scratch_file)
    assert [(r["status"], r["hints"], r["format"]) for r in records] == [
        ("not attempted", 2, 1), ("correct", 2, 1)]
