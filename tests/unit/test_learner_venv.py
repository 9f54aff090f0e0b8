"""The learners' own Python (dockerlab.classroom.learner_venv): when it is needed, what its
stamp covers, the copy of the kit learners get, and the hub's configuration using it."""

import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from traitlets.config import Config

from dockerlab.classroom import config, learner_venv


@pytest.fixture
def open_base():
    base = Path(tempfile.mkdtemp(dir="/tmp"))  # /tmp itself is open to everyone
    base.chmod(0o755)
    yield base
    shutil.rmtree(base)


def test_a_venv_is_needed_when_the_interpreter_is_behind_a_closed_directory(open_base):
    home = open_base / "root"
    (home / ".pyenv" / "bin").mkdir(parents=True)
    real = home / ".pyenv" / "bin" / "python3"
    real.write_text("")
    venv = open_base / "kit" / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").symlink_to(real)
    paths = learner_venv.kit_paths(str(venv / "python"), open_base / "kit")
    assert paths == (venv, real.parent, open_base / "kit")
    home.chmod(0o700)
    assert learner_venv.closed_to_learners(*paths) == home
    home.chmod(0o755)
    assert learner_venv.closed_to_learners(*paths) is None


def test_the_checkout_is_installed_as_it_is_when_learners_can_read_it(open_base):
    checkout = open_base / "kit"
    checkout.mkdir()
    assert learner_venv.source_for(checkout, open_base / "room") == checkout
    open_base.chmod(0o700)
    assert learner_venv.source_for(checkout, open_base / "room") == open_base / "room" / "src"


def test_the_stamp_changes_with_whatever_the_venv_was_built_from():
    made = dict(pyproject=b"[project]\n", version="0.1.0", source=Path("/opt/kit"),
                python="Python 3.11.2", jupyterhub="5.3.0")
    first = learner_venv.stamp(**made)
    assert learner_venv.stamp(**made) == first
    for key, other in [("pyproject", b"[project]\nx = 1\n"), ("version", "0.2.0"),
                       ("source", Path("/srv/kit")), ("python", "Python 3.13.5"),
                       ("jupyterhub", "5.4.0")]:
        assert learner_venv.stamp(**{**made, key: other}) != first, key


def test_a_venv_is_current_only_with_its_stamp_python_and_jupyter_server(tmp_path):
    venv = tmp_path / "venv"
    assert not learner_venv.is_current(venv, "abc")
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    (venv / learner_venv.STAMP).write_text("abc\n")
    assert not learner_venv.is_current(venv, "abc")  # no jupyterhub-singleuser yet
    (venv / "bin" / "jupyterhub-singleuser").touch()
    assert learner_venv.is_current(venv, "abc")
    assert not learner_venv.is_current(venv, "def")


def test_the_copy_holds_what_learners_servers_read_and_replaces_the_last(tmp_path):
    checkout = tmp_path / "kit"
    for name in ("dockerlab/__pycache__", "dockerlab/classroom", "exercises/00/a",
                 "notebooks", "tests", "dockerlab.egg-info"):
        (checkout / name).mkdir(parents=True)
    (checkout / "dockerlab" / "__init__.py").write_text("")
    (checkout / "dockerlab" / "__pycache__" / "x.pyc").write_text("")
    (checkout / "exercises" / "00" / "a" / "check.py").write_text("")
    (checkout / "pyproject.toml").write_text("[project]\n")
    (checkout / "README.md").write_text("kit\n")
    target = tmp_path / "room" / "src"
    (target / "stale").mkdir(parents=True)
    learner_venv.copy_source(checkout, target)
    found = sorted(str(p.relative_to(target)) for p in target.rglob("*"))
    assert found == ["README.md", "dockerlab", "dockerlab/__init__.py", "dockerlab/classroom",
                     "exercises", "exercises/00", "exercises/00/a", "exercises/00/a/check.py",
                     "pyproject.toml"]


def test_learners_servers_run_the_learners_python(tmp_path):
    settings = config.plan(2, state=tmp_path,
                           learner_python="/var/lib/dockerlab/classroom-kit/venv/bin/python")
    c = Config()
    config.configure(c, settings)
    assert c.Spawner.cmd == ["/var/lib/dockerlab/classroom-kit/venv/bin/jupyterhub-singleuser"]
    assert c.Spawner.environment["PATH"].startswith("/var/lib/dockerlab/classroom-kit/venv/bin:")
    assert c.ConfigurableHTTPProxy.command[0] == sys.executable  # the hub's side stays root's
    assert c.JupyterHub.services[0]["command"][0] == sys.executable


def test_without_a_learners_python_they_run_the_kit_s():
    settings = config.plan(1)
    assert settings["learner_python"] == settings["python"] == sys.executable


def test_pip_s_progress_is_said_while_it_is_quiet_and_its_failure_names_its_last_lines():
    said = []
    quiet = ("import time; print('WARNING: Location x is ignored'); print('Collecting jupyterhub',"
             " flush=True); time.sleep(0.5)")
    learner_venv.pip_lines([sys.executable, "-c", quiet], said.append, every=0.1)
    assert said[-1].endswith("s: Collecting jupyterhub")  # its last line, never the WARNING
    assert not any("WARNING" in line for line in said)
    from dockerlab.errors import NeedsRoot

    failing = "import sys; print('ERROR: No matching distribution found for jupyterhub==9'); " \
              "sys.exit(1)"
    with pytest.raises(NeedsRoot, match="No matching distribution found for jupyterhub==9"):
        learner_venv.pip_lines([sys.executable, "-c", failing], said.append, every=0.1)
