"""The kit's big widgets, used the way a learner uses them, in JupyterLab in Chromium.

Each test runs its notebook in full around the learner's clicks: clear the outputs, run every
cell above the widget, run the widget's cell, click, then run the widget's cell's successors
(the notebook ends with ``lab.cleanup()``). So each notebook is also checked like
test_notebooks.py checks the others: every cell ran, no unexpected error, widgets drawn, and
nothing of its sessions left in the engine.
"""

import re

import pytest
from labpage import tagged_cells

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the `playwright` "
                             "package (pip install -e '.[test]')").expect

pytestmark = pytest.mark.engine
CLICK_TIMEOUT = 60_000  # ms: a build or a `docker stop` on a busy 2-core machine


def run_up_to(notebook, source: str):
    """Clear, run every cell above the one containing ``source``, run it; its widget view."""
    notebook.clear_outputs()
    index = next((c.index for c in notebook.cells() if c.kind == "code" and source in c.source),
                 None)
    assert index is not None, f"{notebook.path} has no cell with {source!r} any more"
    above = [c.index for c in notebook.cells()
             if c.kind == "code" and c.source.strip() and c.index < index]
    notebook.select(index)
    if above:
        notebook.run("Run All Above Selected Cell", last=above[-1])
    notebook.select(index)
    notebook.run("Run Selected Cells? and Do not Advance", last=index)
    widget = notebook.cell(index).locator(".jp-OutputArea-output:has(.jupyter-widgets)").first
    widget.scroll_into_view_if_needed()
    expect(widget).to_be_visible()
    return index, widget


def run_the_rest_and_check(notebook, index, notebook_dir, sessions_left):
    """Run the cells below cell ``index``; then the whole notebook must look right."""
    cells = notebook.cells()
    below = [c.index for c in cells if c.kind == "code" and c.source.strip() and c.index > index]
    if below:
        notebook.select(below[0])
        cells = notebook.run("Run Selected Cell and All Below")
    allowed = tagged_cells(notebook_dir / notebook.path, "raises-exception")
    assert notebook.problems(cells, allowed) == []
    assert notebook.widget_problems(cells) == []
    assert sessions_left() == set(), "the notebook's lab.cleanup() left objects"


def test_container_dashboard_buttons_change_the_state_on_screen(
        open_notebook, notebook_dir, sessions_left, off_machine_requests):
    notebook = open_notebook("03_containers.ipynb")
    index, widget = run_up_to(notebook, "ContainerDashboard(lab)")
    status = widget.locator(".dockerlab-dashboard-status")
    table = widget.locator(".dockerlab-dashboard-table")

    widget.locator(".dockerlab-dashboard-new").click()
    expect(status).to_contain_text("running", timeout=CLICK_TIMEOUT)
    expect(status).to_contain_text("started")
    expect(widget.locator(".dockerlab-dashboard-logs textarea")).to_have_value(
        re.compile("tick"), timeout=CLICK_TIMEOUT)
    notebook.screenshot("dashboard-running", widget)
    notebook.screenshot("window")  # JupyterLab as the learner sees it, dashboard in view
    for button, state in (("pause", "paused"), ("unpause", "running"), ("stop", "exited")):
        widget.locator(f".dockerlab-dashboard-{button}").click()
        expect(status).to_contain_text(f"{button} done", timeout=CLICK_TIMEOUT)
        expect(status).to_contain_text(state)
        expect(table).to_contain_text(state)
        if button == "pause":
            notebook.screenshot("dashboard-paused", widget)
    widget.locator(".dockerlab-dashboard-remove").click()
    expect(status).to_contain_text("removed", timeout=CLICK_TIMEOUT)
    expect(widget.locator(".dockerlab-error")).to_have_count(0)

    run_the_rest_and_check(notebook, index, notebook_dir, sessions_left)
    assert off_machine_requests == []


def test_build_playground_builds_and_the_rebuild_comes_from_the_cache(
        open_notebook, notebook_dir, sessions_left):
    notebook = open_notebook("02_dockerfile_and_build_cache.ipynb")
    index, widget = run_up_to(notebook, "BuildPlayground(lab")
    build = widget.get_by_role("button", name="Build", exact=True)

    build.click()
    expect(widget).to_contain_text("Built", timeout=CLICK_TIMEOUT)
    expect(widget.locator("table").first).to_be_visible()
    expect(widget).to_contain_text("build 1:")
    build.click()
    expect(widget).to_contain_text("build 2:", timeout=CLICK_TIMEOUT)
    history = widget.inner_text()
    assert re.search(r"build 2: [1-9]\d* cached, 0 ran", history), history
    assert "cached" in widget.locator("table").first.inner_text()
    notebook.screenshot("build-playground-rebuilt", widget)

    run_the_rest_and_check(notebook, index, notebook_dir, sessions_left)


def test_layer_explorer_shows_what_one_layer_changed(open_notebook, notebook_dir, sessions_left):
    notebook = open_notebook("01_images_and_layers.ipynb")
    index, widget = run_up_to(notebook, "LayerExplorer(lab")
    expect(widget.locator("table").first).to_be_visible(timeout=CLICK_TIMEOUT)
    layer = widget.locator("select")
    tree = widget.locator(".dockerlab-layer-tree").first
    shown_first = tree.inner_text()
    options = [text.replace("\xa0", " ") for text in layer.locator("option").all_inner_texts()]
    assert options[0] == "merged view" and len(options) >= 3, options

    layer.select_option(index=2)  # the first layer the image built itself
    expect(tree).not_to_have_text(shown_first, timeout=CLICK_TIMEOUT)
    assert re.search(r"^\s*\+", tree.inner_text().replace("\xa0", " "), re.M), \
        "a layer lists the files it added"
    folder = tree.locator("details").first  # a folder of the tree, closed at first
    inside = folder.locator(":scope > div > *").first
    expect(inside).to_be_hidden()
    folder.locator(":scope > summary").click()  # the learner opens it
    expect(folder).to_have_attribute("open", "")
    expect(inside).to_be_visible()
    assert re.search(r"\d+(\.\d+)? ?[kMG]?B", folder.inner_text()), "sizes are shown"
    notebook.screenshot("layer-explorer", widget)

    run_the_rest_and_check(notebook, index, notebook_dir, sessions_left)


def test_registry_browser_lists_repositories_tags_and_a_manifest(
        open_notebook, notebook_dir, sessions_left):
    notebook = open_notebook("05_registries.ipynb")
    index, widget = run_up_to(notebook, "RegistryBrowser(api)")
    repositories, tags = widget.locator("select").nth(0), widget.locator("select").nth(1)
    expect(repositories.locator("option").first).to_be_attached(timeout=CLICK_TIMEOUT)

    repositories.select_option(index=0)
    expect(tags.locator("option").first).to_be_attached(timeout=CLICK_TIMEOUT)
    tags.select_option(index=0)
    expect(widget).to_contain_text("sha256:", timeout=CLICK_TIMEOUT)
    notebook.screenshot("registry-browser", widget)

    run_the_rest_and_check(notebook, index, notebook_dir, sessions_left)


def test_events_view_fills_while_the_next_cell_runs_and_stops_on_click(
        open_notebook, notebook_dir, sessions_left):
    notebook = open_notebook("04_daemon_and_api.ipynb")
    index, widget = run_up_to(notebook, "EventsView(lab.client")
    expect(widget).to_contain_text("live", timeout=CLICK_TIMEOUT)
    making = next(c.index for c in notebook.cells() if "view.wait_for(" in c.source)

    notebook.select(making)  # this cell starts containers; the view above shows their events
    notebook.run("Run Selected Cells? and Do not Advance", last=making)
    table = widget.locator("table").first
    expect(table).to_contain_text("die", timeout=CLICK_TIMEOUT)
    expect(table).to_contain_text("destroy")
    notebook.screenshot("events-view", widget)
    widget.get_by_role("button", name="Stop").click()
    expect(widget).to_contain_text("closed", timeout=CLICK_TIMEOUT)

    run_the_rest_and_check(notebook, making, notebook_dir, sessions_left)
