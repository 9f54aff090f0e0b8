"""%docker in JupyterLab: a scratch notebook runs `%docker run -d` and `%docker ps`, and the
cell shows the docker CLI's own table; the notebook's lab.cleanup() removes the container."""

import re

import pytest
from probes import write_notebook

pytest.importorskip("playwright.sync_api", reason="browser tests need the `playwright` "
                    "package (pip install -e '.[test]')")

pytestmark = pytest.mark.engine

SCRATCH = "scratch_docker_magic.ipynb"


def test_docker_ps_shows_the_clis_table(open_notebook, notebook_dir, sessions_left):
    write_notebook(notebook_dir / SCRATCH, [
        "from dockerlab import Lab\nlab = Lab('scratch_docker_magic')",
        "%docker run -d --name scratch-magic-web dockerlab/busybox sleep 120",
        "%docker ps --filter name=scratch-magic-web",
        "lab.cleanup()",
    ])
    notebook = open_notebook(SCRATCH)
    cells = notebook.run_all()
    assert notebook.problems(cells) == []
    table = cells[2].outputs[0]["text"].splitlines()
    assert re.match(r"CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS", table[0]), table
    assert "scratch-magic-web" in table[1] and "dockerlab/busybox" in table[1], table
    notebook.screenshot("docker-magic", notebook.cell(2))
    assert sessions_left() == set(), "lab.cleanup() left what %docker run made"
