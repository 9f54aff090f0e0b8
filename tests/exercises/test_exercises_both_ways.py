"""Every exercise check is proven both ways, against the real engine, and every notebook
holds its exercises' starters verbatim (so the learner edits what the check knows)."""

from pathlib import Path

import nbformat
import pytest

from dockerlab.checker import Exercise, Status, all_exercises

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def checker_lab(engine_location):
    from dockerlab import Lab

    lab = Lab("test-exercises", engine=engine_location)
    yield lab
    lab.cleanup()


@pytest.mark.parametrize("exercise_id", all_exercises())
def test_the_untouched_starter_does_not_pass(checker_lab, exercise_id):
    exercise = Exercise.load(exercise_id, checker_lab)
    result = exercise.check(exercise.function("starter"))
    assert result.status is Status.NOT_ATTEMPTED, result


@pytest.mark.parametrize("exercise_id", all_exercises())
def test_the_reference_solution_passes(checker_lab, exercise_id):
    exercise = Exercise.load(exercise_id, checker_lab)
    result = exercise.check(exercise.function("solution"))
    assert result.status is Status.CORRECT, result


@pytest.mark.parametrize("exercise_id", all_exercises())
def test_the_notebook_holds_the_starter_verbatim(exercise_id):
    notebook_stem = exercise_id.split("/")[0]
    notebook = nbformat.read(ROOT / "notebooks" / f"{notebook_stem}.ipynb", as_version=4)
    starter = Exercise.load(exercise_id).source("starter").strip()
    sources = [cell.source.strip() for cell in notebook.cells if cell.cell_type == "code"]
    assert starter in sources, f"notebooks/{notebook_stem}.ipynb lacks {exercise_id}'s starter"
