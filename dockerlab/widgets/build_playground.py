"""A build playground: edit a Dockerfile and its small context files, build, watch the cache.

Similar to editing a Dockerfile and running ``docker build -t TAG .`` again and again. The
work is done by :func:`dockerlab.images.builder.build`; this widget only shows it. Layout::

    [Dockerfile editor............]  [file ▾ app.txt] [file content editor....]
    [tag....] [Build] [No cache]  [progress: step 3/5]   status line
    steps table  (step, instruction, cache hit or miss, seconds, layer size) - live
    log_view     (what the build printed, live)
    history      (one line per build of this playground: steps cached / steps ran)

A failing build is shown in the status line (the step, its output, the daemon's message);
nothing is raised into the notebook and nothing from the failed build is left behind.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..errors import DockerLabError, translate
from ..images.builder import BuildResult, BuildStep, build

DEFAULT_DOCKERFILE = """\
FROM dockerlab/busybox
WORKDIR /app
COPY requirements.txt .
RUN echo "installing $(cat requirements.txt)" && sleep 1 && cp requirements.txt installed
COPY app.sh .
CMD ["sh", "app.sh"]
"""
DEFAULT_FILES = {"requirements.txt": "flask==3.0\n", "app.sh": "echo hello from the app\n"}


def steps_html(steps: list[BuildStep]) -> str:
    """The steps so far as an HTML table (the kit's own LABEL steps left out)."""
    colours = {"cached": "#1e8449", "ran": "#b9770e", "running": "#2e86c1",
               "failed": "#c0392b", "base": "#7f8c8d"}
    rows = []
    for step in steps:
        if step.kit:
            continue
        row = step.row()
        label = f"{row['stage']} {row['step']}" if row["stage"] else row["step"]
        rows.append(f"<tr><td>{label}</td><td>{html.escape(row['instruction'][:70])}</td>"
                    f"<td style='color:{colours[row['status']]}'><b>{row['status']}</b></td>"
                    f"<td>{row['cache']}</td><td>{'' if row['seconds'] is None else row['seconds']}"
                    f"</td><td>{row['layer']}</td></tr>")
    return ("<table style='font-family:monospace;font-size:90%'><tr><th>step</th>"
            "<th>instruction</th><th>status</th><th>cache</th><th>seconds</th><th>layer</th>"
            "</tr>" + "".join(rows) + "</table>")


class BuildPlayground(widgets.VBox):
    """Edit, build, rebuild: see which steps the cache answers."""

    def __init__(self, lab, dockerfile: str = DEFAULT_DOCKERFILE,
                 files: dict[str, str] | None = None, tag: str = "playground:latest"):
        self.lab = lab
        self.files = dict(DEFAULT_FILES if files is None else files)
        self.results: list[BuildResult] = []
        self.error: DockerLabError | None = None
        self.dockerfile = widgets.Textarea(value=dockerfile, description="Dockerfile",
                                           layout=widgets.Layout(width="50%", height="160px"))
        self.file_picker = widgets.Dropdown(options=sorted(self.files), description="File")
        self.file_content = widgets.Textarea(layout=widgets.Layout(width="95%", height="120px"))
        self.tag = widgets.Text(value=tag, description="Tag")
        self.build_button = widgets.Button(description="Build", button_style="primary")
        self.nocache = widgets.Checkbox(value=False, description="No cache", indent=False)
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Steps")
        self.status = widgets.HTML()
        self.steps = widgets.HTML()
        self.log_view = widgets.HTML()
        self.history = widgets.HTML()
        self._log_lines: list[str] = []
        self._show_file()
        self.file_picker.observe(lambda _: self._show_file(), names="value")
        self.file_content.observe(lambda _: self._save_file(), names="value")
        self.build_button.on_click(lambda _: self.build())
        editors = widgets.HBox([self.dockerfile, widgets.VBox(
            [self.file_picker, self.file_content], layout=widgets.Layout(width="50%"))])
        super().__init__([editors, widgets.HBox([self.tag, self.build_button, self.nocache,
                                                 self.progress]),
                          self.status, self.steps, self.log_view, self.history])

    def _show_file(self) -> None:
        self.file_content.value = self.files.get(self.file_picker.value or "", "")

    def _save_file(self) -> None:
        if self.file_picker.value:
            self.files[self.file_picker.value] = self.file_content.value

    def set_file(self, name: str, content: str) -> None:
        """Add or change a context file (what editing it in the widget does)."""
        self.files[name] = content
        self.file_picker.options = sorted(self.files)
        self.file_picker.value = name
        self.file_content.value = content

    # --- live updates -------------------------------------------------------------------
    def _on_step(self, step: BuildStep, steps: list[BuildStep]) -> None:
        learner = [s for s in steps if not s.kit]
        total = step.total  # the kit's own LABEL steps are not counted
        if not step.kit:
            self.progress.max = max(total, 1)
            self.progress.value = sum(1 for s in learner if s.done)
            self.progress.description = f"{self.progress.value}/{total}"
        self.steps.value = steps_html(steps)

    def _on_line(self, line: str) -> None:
        self._log_lines.append(line)
        self.log_view.value = ("<pre style='max-height:200px;overflow:auto;font-size:85%'>"
                          f"{html.escape(chr(10).join(self._log_lines[-200:]))}</pre>")

    # --- the button ---------------------------------------------------------------------
    def build(self) -> BuildResult | None:
        """Build what the editors hold; show it live; return the result (None on failure)."""
        self._log_lines, self.error = [], None
        self.build_button.disabled = True
        self.status.value = "Building..."
        seen: list[BuildStep] = []

        def on_step(step: BuildStep) -> None:
            if step not in seen:
                seen.append(step)
            self._on_step(step, seen)

        try:
            result = build(self.lab, self.dockerfile.value, self.files, tag=self.tag.value or None,
                           on_step=on_step, on_line=self._on_line, nocache=self.nocache.value)
        except Exception as error:  # noqa: BLE001 - shown in the status line
            self.error = translate(error)
            self._show_error(self.error)
            return None
        finally:
            self.build_button.disabled = False
        self.results.append(result)
        self.steps.value = steps_html(result.steps)
        self.status.value = (f"<b style='color:#1e8449'>Built</b> {html.escape(result.tag or '')}"
                             f" ({result.image_id[7:19]}) with {result.builder}: "
                             f"{result.cached_count} steps from the cache, "
                             f"{result.ran_count} ran.")
        self.history.value = "<br>".join(
            f"build {n}: {r.cached_count} cached, {r.ran_count} ran"
            for n, r in enumerate(self.results, start=1))
        return result

    def _show_error(self, error: DockerLabError) -> None:
        self.status.value = (f"<div style='color:#c0392b;white-space:pre-wrap'><b>"
                             f"{type(error).__name__}</b>: {html.escape(error.message)}\n"
                             f"<i>{html.escape(error.advice)}</i></div>")
