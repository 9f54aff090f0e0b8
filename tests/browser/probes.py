"""The harness's own notebooks: one that must work, one that must fail in every known way.

They are written next to the copied kit notebooks (in ``browser-probes/``) when the session
starts, so the harness proves it sees a working widget and sees each kind of failure.
"""

from pathlib import Path

import nbformat


def write_notebook(path: Path, cells: list) -> None:
    """A notebook from a list of sources; a (source, tags) pair tags the cell."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    for cell in cells:
        source, tags = cell if isinstance(cell, tuple) else (cell, [])
        if source.startswith("#") and "\n" not in source:
            notebook.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            notebook.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": tags}))
    nbformat.write(notebook, path)


PROBE_DIR = "browser-probes"
PROBES = {
    # A widget that answers a click, and a plot: what every kit notebook relies on.
    "_probe_widgets.ipynb": [
        "# A widget and a plot",
        "import ipywidgets as widgets\n"
        "button = widgets.Button(description='Press me')\n"
        "label = widgets.Label('not pressed')\n"
        "button.on_click(lambda _: setattr(label, 'value', 'pressed'))\n"
        "widgets.VBox([button, label])",
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(figsize=(3, 2))\n"
        "ax.plot([1, 2, 3], [1, 4, 9]);",
        "print('all cells ran')",
    ],
    # Every kind of failure the harness must see (proves its checks can fail).
    "_probe_failures.ipynb": [
        "import dockerlab\n"
        "from dockerlab.errors import ImageMissing",
        ("1 / 0", ["raises-exception"]),  # allowed: JupyterLab runs on past a tagged cell
        "from IPython.display import display\n"
        "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'f00d',"
        " 'version_major': 2, 'version_minor': 0}, 'text/plain': 'a lost widget'}, raw=True)",
        "raise ImageMissing('The image probe/none:1 is not in the local store.',"
        " 'Build it first.')",
        "print('never reached')",
    ],
}
