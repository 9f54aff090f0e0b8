"""Every kit notebook as a learner meets it in JupyterLab: opened, run, looked at.

Each notebook is cleared and run with Run All Cells; every code cell must then show an
execution count (Run All stops at a failing cell), no cell may show an error unless it is
tagged ``raises-exception`` (a cell that fails on purpose, to show an error), and every
widget must be drawn. The notebooks with widgets to click (01 to 05) are run in full by
test_widgets.py instead, around the learner's clicks.

Notebooks end with ``lab.cleanup()``: after a run, none of their sessions' objects remain.
A screenshot of each notebook lands in artifacts/screenshots/.
"""

from pathlib import Path

import pytest
from labpage import tagged_cells

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

#: run in full by test_widgets.py, around a widget's clicks
RUN_BY_WIDGET_TESTS = ("01_images_and_layers.ipynb", "02_dockerfile_and_build_cache.ipynb",
                       "03_containers.ipynb", "04_daemon_and_api.ipynb",
                       "05_registries.ipynb")

NOTEBOOK_FILES = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))
#: run with Run All Cells here
RUN_ALL = [name for name in NOTEBOOK_FILES if name not in RUN_BY_WIDGET_TESTS]


@pytest.mark.engine
@pytest.mark.parametrize("name", RUN_ALL)
def test_run_all_cells_shows_no_error_and_draws_every_widget(
        name, open_notebook, notebook_dir, sessions_left, off_machine_requests):
    notebook = open_notebook(name)
    cells = notebook.run_all()
    notebook.scroll_to_top()
    notebook.screenshot("top")

    allowed = tagged_cells(notebook_dir / name, "raises-exception")
    assert notebook.problems(cells, allowed) == []
    assert notebook.widget_problems(cells) == []
    for index, widget in enumerate(notebook.widget_outputs().all()):
        widget.scroll_into_view_if_needed()
        assert widget.is_visible()
        notebook.screenshot(f"widget-{index}", widget)
    assert sessions_left() == set(), "the notebook's lab.cleanup() left objects"
    assert off_machine_requests == []
