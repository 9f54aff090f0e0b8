"""What a learner sees when the engine is missing: one paragraph, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


def _dockerlab(*args, env=None):
    return subprocess.run([sys.executable, "-m", "dockerlab", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def test_doctor_reports_the_engine_and_exits_zero(engine_location):
    done = _dockerlab("doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    for topic in ("engine", "API", "builder", "image store", "docker save", "cgroups",
                  "rootless", "docker CLI", "Compose", "docker-py", "base images",
                  "local registry", "under the hood", "public pulls"):
        assert topic in done.stdout
    assert engine_location.url in done.stdout


def test_doctor_without_an_engine_gives_one_paragraph_and_exit_one():
    env = dict(os.environ, DOCKER_HOST="unix:///nonexistent")
    done = _dockerlab("doctor", env=env)
    assert done.returncode == 1
    assert "No Docker Engine answers at unix:///nonexistent" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_notebooks_first_cell_without_an_engine_shows_the_paragraph_not_a_traceback():
    welcome = nbformat.read(ROOT / "notebooks" / "00_welcome.ipynb", as_version=4)
    first = next(cell for cell in welcome.cells if cell.cell_type == "code")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(first.source),
                                               nbformat.v4.new_code_cell("print(1 + 1)")])
    env_before = os.environ.get("DOCKER_HOST")
    os.environ["DOCKER_HOST"] = "unix:///nonexistent"
    try:
        NotebookClient(notebook, timeout=120, allow_errors=True).execute()
    finally:
        if env_before is None:
            del os.environ["DOCKER_HOST"]
        else:
            os.environ["DOCKER_HOST"] = env_before
    error = notebook.cells[0].outputs[-1]
    text = "\n".join(error["traceback"])
    assert error["ename"] == "EngineNotFound"
    assert "No Docker Engine answers at unix:///nonexistent" in text
    assert "Traceback" not in text and "urllib3" not in text and "File " not in text
    assert notebook.cells[1].outputs[0]["text"] == "2\n", "the kernel keeps working"


def test_the_cli_turns_kit_errors_into_one_line_and_exit_two():
    env = dict(os.environ, DOCKER_HOST="unix:///nonexistent")
    done = _dockerlab("clean", env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("dockerlab: No Docker Engine answers")
    assert "Traceback" not in done.stderr


def test_engine_up_uses_the_running_engine_and_does_not_claim_it(engine_location):
    from dockerlab.engine.install import ensure_engine

    status = ensure_engine(install=False)
    assert status.started is False
    assert status.location.url == engine_location.url
