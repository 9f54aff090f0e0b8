from dockerlab.checker import CheckResult, Exercise, Status, _same_code, all_exercises


def starter(lab):
    """Do the thing."""
    # your code here
    return None


def same_as_starter(lab):
    """Do the thing."""
    return None


def attempted(lab):
    """Do the thing."""
    return lab.run("true")


def test_an_untouched_starter_is_recognised_by_its_code_not_its_name():
    assert _same_code(starter, same_as_starter)
    assert not _same_code(starter, attempted)
    assert not _same_code(starter, None)


def test_every_exercise_has_hints_and_loads():
    assert all_exercises(), "the kit ships exercises"
    for exercise_id in all_exercises():
        exercise = Exercise.load(exercise_id)
        assert exercise.title and exercise._check.HINTS
        assert exercise.hint(1).startswith("Hint 1/")
        assert exercise.hint(99) == exercise.hint(len(exercise._check.HINTS))


def test_results_render_as_a_coloured_box():
    html = CheckResult("x/y", Status.CORRECT, "Well done!")._repr_html_()
    assert "Well done!" in html and "#1e8449" in html


def test_every_exercise_has_at_least_three_hints():
    """Hint 1 names the concept, hint 2 points at the code, the last comes close."""
    few = {exercise_id: len(Exercise.load(exercise_id)._check.HINTS)
           for exercise_id in all_exercises()}
    few = {exercise_id: count for exercise_id, count in few.items() if count < 3}
    assert not few, f"exercises with fewer than 3 hints: {few}"
