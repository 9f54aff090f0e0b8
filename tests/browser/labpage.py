"""Driving JupyterLab in Chromium the way a learner does: open, clear, Run All, look, click.

:class:`NotebookPage` wraps one Playwright page showing one notebook. It only uses what a
learner uses (the menus, the widgets' buttons) and reads what a learner reads (the cells'
prompts, their outputs); :meth:`NotebookPage.cells` gathers that in one pass over the page.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

RUN_ALL_TIMEOUT = 240
#: texts ipywidgets shows when a widget's view cannot be drawn
WIDGET_FAILURES = ("Loading widget...", "model not found", "Error displaying widget",
                   "Failed to load model class")


def _kit_error_names() -> set[str]:
    from dockerlab.errors import DockerLabError

    names, todo = set(), [DockerLabError]
    while todo:
        error = todo.pop()
        names.add(error.__name__)
        todo += error.__subclasses__()
    return names


#: an output that is an error, not a warning: a traceback, or the kit's one-paragraph error
#: (``ImageMissing: ...`` / ``What to do: ...``, see dockerlab.notebook), or "SomeError: ..."
ERROR_LINE = re.compile(r"^(Traceback \(most recent call last\)|(\w+\.)*(?P<name>[A-Z]\w*): )",
                        re.M)
KIT_ERRORS = _kit_error_names()


def is_error_line(line: str) -> bool:
    match = ERROR_LINE.match(line)
    if not match:
        return False
    name = match.group("name")
    return name is None or name in KIT_ERRORS or name.endswith(("Error", "Exception"))


# One pass over the notebook's DOM: every cell, its kind, prompt and outputs.
_READ_CELLS = """
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  return Array.from(panel.querySelectorAll('.jp-Notebook .jp-Notebook-cell')).map((cell, index) => ({
    index,
    kind: cell.classList.contains('jp-CodeCell') ? 'code'
        : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw',
    source: Array.from(cell.querySelectorAll('.jp-InputArea-editor .cm-line'))
                 .map(line => line.textContent).join('\\n'),
    prompt: (cell.querySelector('.jp-InputArea-prompt') || {}).textContent || '',
    outputs: Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(out => ({
      mime: out.getAttribute('data-mime-type') || '',
      widget: !!out.querySelector('.jupyter-widgets'),
      text: out.innerText.slice(0, 2000),
      html: out.innerHTML.slice(0, 4000),
      height: out.getBoundingClientRect().height,
    })),
  }));
}
"""


@dataclass
class Cell:
    """What a learner sees of one cell."""

    index: int
    kind: str
    source: str
    prompt: str
    outputs: list[dict] = field(default_factory=list)

    @property
    def execution_count(self) -> int | None:
        match = re.search(r"\[(\d+)\]", self.prompt)
        return int(match.group(1)) if match else None

    def error_outputs(self) -> list[str]:
        """The first line of every output that shows an error."""
        found = []
        for output in self.outputs:
            if output["mime"] != "application/vnd.jupyter.stderr":
                continue
            errors = [line for line in output["text"].splitlines() if is_error_line(line)]
            if errors:  # the last one names the exception ("ZeroDivisionError: ...")
                found.append(errors[-1])
        return found


def tagged_cells(notebook: Path, tag: str) -> set[int]:
    """Indexes of the cells carrying ``tag`` in the notebook file (e.g. raises-exception)."""
    cells = json.loads(Path(notebook).read_text())["cells"]
    return {i for i, cell in enumerate(cells) if tag in cell.get("metadata", {}).get("tags", [])}


class NotebookPage:
    """One notebook open in JupyterLab, in one browser page."""

    def __init__(self, page, server, path: str, screenshots: Path):
        self.page = page
        self.server = server
        self.path = path
        self.screenshots = screenshots
        self.name = Path(path).stem

    # --- opening ------------------------------------------------------------------------
    def open(self, timeout: float = 90) -> NotebookPage:
        """Load JupyterLab on this notebook (a reset workspace) and wait for an idle kernel."""
        self.page.goto(self.server.url(f"lab/tree/{self.path}?reset"))
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Notebook-cell",
                                    timeout=timeout * 1000)
        self.wait_for_idle_kernel(timeout)
        self.wait_for_all_cells(timeout)
        return self

    def wait_for_all_cells(self, timeout: float = 90) -> None:
        """JupyterLab attaches a long notebook's cells a few at a time: wait for all."""
        from urllib.parse import quote

        count = len(self.server.api("GET", f"contents/{quote(self.path)}")["content"]["cells"])
        self.page.wait_for_function(
            "n => document.querySelectorAll("
            "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Notebook-cell').length >= n",
            arg=count, timeout=timeout * 1000)

    def kernel_state(self) -> str | None:
        """The execution state of this notebook's kernel, as the server reports it."""
        for session in self.server.api("GET", "sessions"):
            if session["path"] == self.path and session.get("kernel"):
                return session["kernel"]["execution_state"]
        return None

    def wait_for_idle_kernel(self, timeout: float = 90) -> None:
        """Wait for the notebook's kernel; a "Select Kernel" question is answered "Select"."""
        deadline = time.monotonic() + timeout
        reload_at = time.monotonic() + timeout / 3
        while True:
            dialog = self.page.locator(".jp-Dialog", has_text="Select Kernel")
            if dialog.count():
                dialog.get_by_role("button", name="Select", exact=True).click()
            indicator = self.page.locator(
                ".jp-NotebookPanel:not(.lm-mod-hidden) "
                ".jp-Notebook-ExecutionIndicator[data-status='idle']")
            if self.kernel_state() == "idle" and indicator.count() and not dialog.count():
                return
            if reload_at and time.monotonic() > reload_at and not indicator.count():
                # JupyterLab sometimes draws a notebook without its toolbar on a cold start;
                # a learner reloads the page, and so do we (once)
                print(f"{self.path}: no notebook toolbar after {timeout / 3:.0f} s, reloading")
                self.page.reload()
                reload_at = None
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.path}: no idle kernel after {timeout:.0f} s "
                                   f"(server says {self.kernel_state()!r})")
            self.page.wait_for_timeout(300)  # (not time.sleep: the page must keep running)

    # --- menus ----------------------------------------------------------------------------
    def menu(self, top: str, item: str) -> None:
        """Click ``top`` in the menu bar, then ``item`` (e.g. "Run", "Run All Cells")."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$")).first.click()

    def clear_outputs(self) -> None:
        self.menu("Edit", "Clear Outputs of All Cells")
        self.page.wait_for_function(
            "() => !Array.from(document.querySelectorAll('.jp-InputArea-prompt'))"
            ".some(p => /\\[\\d+\\]/.test(p.textContent))")

    def run_all(self, timeout: float = RUN_ALL_TIMEOUT) -> list[Cell]:
        """Clear the outputs, Run All Cells, and wait until the kernel stopped working.

        Returns the cells as the page then shows them. Run All stops at the first failing
        cell, so the cells after it keep an empty prompt: :meth:`problems` reports that.
        """
        self.clear_outputs()
        return self.run("Run All Cells", timeout=timeout)

    def select(self, index: int) -> None:
        """Select a cell by clicking its prompt (command mode), as a learner does."""
        self.cell(index).locator(".jp-InputPrompt").click()

    def run(self, item: str, last: int | None = None,
            timeout: float = RUN_ALL_TIMEOUT) -> list[Cell]:
        """Choose ``Run > item`` and wait until the cells it started are done.

        ``last`` is the index of the last cell it runs (the notebook's last code cell unless
        given); the wait ends when that cell has a new execution count, or when nothing runs
        any more (a failing cell stops the run).
        """
        if last is None:
            last = max(c.index for c in self.cells() if c.kind == "code" and c.source.strip())
        before = self.cell(last).locator(".jp-InputArea-prompt").inner_text()
        self.menu("Run", item)
        self.page.wait_for_function(  # the run has begun
            """([last, before]) => {
                 const prompts = Array.from(document.querySelectorAll(
                     '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-cell'))
                     .map(cell => (cell.querySelector('.jp-InputArea-prompt') || {}).textContent);
                 return prompts.some(p => p && p.includes('*')) || prompts[last] !== before;
               }""", arg=[last, before], timeout=max(30.0, timeout) * 1000)
        # (on a loaded machine the kernel may take longer than 30 s to take the first cell)
        self.wait_until_done(timeout)
        return self.cells()

    def wait_until_done(self, timeout: float = RUN_ALL_TIMEOUT) -> None:
        """Wait until no prompt shows ``[*]`` and the kernel is idle, twice in a row."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 2:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.path}: cells still running after {timeout:.0f} s")
            busy = self.page.evaluate(
                "() => Array.from(document.querySelectorAll('.jp-InputArea-prompt'))"
                ".some(p => p.textContent.includes('*')) || !document.querySelector("
                "\".jp-Notebook-ExecutionIndicator[data-status='idle']\")")
            quiet = 0 if busy else quiet + 1
            self.page.wait_for_timeout(500)

    # --- reading ------------------------------------------------------------------------
    def cells(self) -> list[Cell]:
        return [Cell(**cell) for cell in self.page.evaluate(_READ_CELLS) or []]

    def problems(self, cells: list[Cell], allowed_errors: set[int] = frozenset()) -> list[str]:
        """Every cell a learner would see fail: not run, or showing an error."""
        found = []
        for cell in cells:
            if cell.kind != "code" or not cell.source.strip():
                continue
            if cell.execution_count is None:
                found.append(f"cell {cell.index} did not run (prompt {cell.prompt.strip()!r})")
            if cell.index not in allowed_errors:
                found += [f"cell {cell.index} shows an error: {line}"
                          for line in cell.error_outputs()]
        return found

    def widget_problems(self, cells: list[Cell]) -> list[str]:
        """Widget outputs that did not render: a failure text, or nothing drawn."""
        found = []
        for cell in cells:
            for output in cell.outputs:
                failure = next((text for text in WIDGET_FAILURES if text in output["text"]),
                               None)
                if failure:
                    found.append(f"cell {cell.index} shows {failure!r}")
                elif output["widget"] and output["height"] < 5:
                    found.append(f"cell {cell.index}: its widget is drawn {output['height']}px high")
        return found

    def widget_outputs(self):
        """A locator of every rendered widget view in the notebook."""
        return self.page.locator(".jp-OutputArea-output:has(.jupyter-widgets)")

    def cell(self, index: int):
        """A locator of one cell (scrolled into view by Playwright when acted on)."""
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Notebook-cell"
                                 ).nth(index)

    def cell_with_source(self, text: str):
        """The first code cell whose source contains ``text``."""
        for cell in self.cells():
            if cell.kind == "code" and text in cell.source:
                return self.cell(cell.index)
        raise LookupError(f"{self.path}: no code cell contains {text!r}")

    def scroll_to_top(self) -> None:
        self.page.evaluate("() => document.querySelectorAll("
                           "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer')"
                           ".forEach(panel => { panel.scrollTop = 0; })")
        self.page.wait_for_timeout(300)

    # --- pictures ---------------------------------------------------------------------
    def screenshot(self, label: str, locator=None) -> Path:
        """Save a PNG under the artifacts folder: the page, or one element of it."""
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{self.name}--{label}.png"
        if locator is None:
            self.page.screenshot(path=str(path))
        else:
            self._screenshot_element(locator, path)
        return path

    def _screenshot_element(self, locator, path: Path) -> None:
        """An element taller than the window is shot in a window made tall enough for it."""
        viewport = self.page.viewport_size
        height = (locator.bounding_box() or {"height": 0})["height"]
        tall = height > viewport["height"] - 200
        if tall:
            self.page.set_viewport_size({"width": viewport["width"],
                                         "height": min(int(height) + 300, 4000)})
            self.page.wait_for_timeout(500)  # JupyterLab lays itself out again
        try:
            locator.scroll_into_view_if_needed()
            locator.screenshot(path=str(path))
        finally:
            if tall:
                self.page.set_viewport_size(viewport)
