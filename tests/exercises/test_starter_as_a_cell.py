"""A starter run as a notebook cell (IPython compiles a cell's statements one by one) still
counts as untouched: since Python 3.12 a module-level `import m` followed by `m.f()` in the
same file compiles differently from the same lines run cell-wise, so the check would take the
untouched starter for an attempt."""

import pytest
from IPython.core.interactiveshell import InteractiveShell

from dockerlab.checker import Exercise, _same_code, all_exercises


@pytest.mark.parametrize("exercise_id", all_exercises())
def test_the_starter_run_as_a_cell_is_the_untouched_starter(exercise_id):
    exercise = Exercise.load(exercise_id)
    shell = InteractiveShell.instance()
    result = shell.run_cell(exercise.source("starter"), store_history=False)
    assert result.success, result.error_in_exec or result.error_before_exec
    function = shell.user_ns[exercise._check.FUNCTION]
    assert _same_code(function, exercise.function("starter")), (
        f"{exercise_id}: as a notebook cell, the starter compiles to other code than the "
        "file (import inside the function instead of at module level)")
