"""The harness itself, on the probe notebooks: it sees widgets work, and it sees failures.

These run first and fast: if Chromium, Playwright, JupyterLab or the widget manager is broken,
they say so before any kit notebook is tried.
"""

from labpage import tagged_cells
from probes import PROBE_DIR


def test_a_widget_renders_answers_a_click_and_a_plot_is_drawn(open_notebook, notebook_dir):
    notebook = open_notebook(f"{PROBE_DIR}/_probe_widgets.ipynb")
    cells = notebook.run_all(timeout=60)

    assert notebook.problems(cells) == []
    assert notebook.widget_problems(cells) == []
    assert [c.execution_count for c in cells if c.kind == "code"] == [1, 2, 3]
    widget = notebook.widget_outputs().first
    assert widget.get_by_text("not pressed", exact=True).is_visible()
    widget.get_by_role("button", name="Press me").click()
    widget.get_by_text("pressed", exact=True).wait_for(timeout=15_000)  # the kernel answered
    plot = notebook.cell(2).locator("[data-mime-type='image/png'] img")
    assert plot.evaluate("img => img.naturalWidth") > 100
    assert "all cells ran" in notebook.cell(3).inner_text()
    notebook.screenshot("clicked")


def test_errors_stopped_runs_and_broken_widgets_are_reported(open_notebook, notebook_dir):
    notebook = open_notebook(f"{PROBE_DIR}/_probe_failures.ipynb")
    cells = notebook.run_all(timeout=60)
    allowed = tagged_cells(notebook_dir / PROBE_DIR / "_probe_failures.ipynb", "raises-exception")

    problems = notebook.problems(cells, allowed_errors=allowed)
    assert allowed == {1}
    assert problems == [
        "cell 3 shows an error: ImageMissing: The image probe/none:1 is not in the local "
        "store.",
        "cell 4 did not run (prompt '[ ]:')",
    ]
    assert notebook.problems(cells)[0] == "cell 1 shows an error: ZeroDivisionError: division by zero"
    widget_problems = notebook.widget_problems(cells)
    assert len(widget_problems) == 1 and widget_problems[0].startswith("cell 2 shows '")
