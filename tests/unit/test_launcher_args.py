"""How dockerlab.launcher builds JupyterLab's command line and environment (no server started)."""

import json
import os
import socket
from pathlib import Path

import pytest

from dockerlab import lab_settings, launcher
from dockerlab.errors import LabStartFailed


def test_the_command_listens_on_loopback_on_our_port_without_a_browser(tmp_path):
    command = launcher.lab_command(tmp_path, 8123, as_root=False, python="/py")

    assert command[:3] == ["/py", "-m", "jupyterlab"]
    assert "--ServerApp.ip=127.0.0.1" in command
    assert "--ServerApp.port=8123" in command
    assert "--ServerApp.port_retries=0" in command
    assert "--ServerApp.open_browser=False" in command
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in command
    assert "--allow-root" not in command


def test_the_command_sends_no_traffic_off_the_machine():
    command = launcher.lab_command(Path("."), 1, as_root=False)

    assert "--LabApp.news_url=None" in command
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in command
    assert "--LabApp.extension_manager=readonly" in command  # the pypi one asks pypi.org


def test_the_kits_labconfig_disables_the_news_plugin_and_defaults_to_never(tmp_path):
    folder = lab_settings.write_config_dir(tmp_path / "settings")
    page = json.loads((folder / "labconfig" / "page_config.json").read_text())
    defaults = json.loads((folder / "labconfig" / "default_setting_overrides.json").read_text())

    assert page["disabledExtensions"] == {"@jupyterlab/apputils-extension:announcements": True}
    assert defaults["@jupyterlab/apputils-extension:notification"] == {
        "fetchNews": "false", "checkForUpdates": False}


def test_the_kits_config_folder_comes_first_on_the_config_path_of_the_lab_only(tmp_path):
    env = launcher.lab_environment("t", base={"JUPYTER_CONFIG_PATH": "/mine"},
                                   config_dir=tmp_path)

    assert env["JUPYTER_CONFIG_PATH"] == f"{tmp_path}{os.pathsep}/mine"
    assert launcher.lab_environment("t", base={}, config_dir=tmp_path)[
        "JUPYTER_CONFIG_PATH"] == str(tmp_path)
    assert "JUPYTER_CONFIG_PATH" not in launcher.lab_environment("t", base={})


def test_the_lab_opens_on_notebook_00_when_the_folder_has_it(tmp_path):
    assert "--LabApp.default_url=/lab" in launcher.lab_command(tmp_path, 1)
    (tmp_path / "00_welcome.ipynb").write_text("{}")

    assert "--LabApp.default_url=/lab/tree/00_welcome.ipynb" in launcher.lab_command(tmp_path, 1)
    lab = launcher.RunningLab(tmp_path, 8123, "tok", process=None)
    assert lab.start_url() == "http://127.0.0.1:8123/lab/tree/00_welcome.ipynb?token=tok"


def test_root_gets_allow_root_and_extra_arguments_come_last(tmp_path):
    command = launcher.lab_command(tmp_path, 1, as_root=True, extra=("--debug",))

    assert "--allow-root" in command
    assert command[-1] == "--debug"


def test_the_token_travels_in_the_environment_never_on_the_command_line(tmp_path):
    token = launcher.new_token()
    env = launcher.lab_environment(token, base={"PATH": "/bin", "JUPYTER_PORT": "8888"},
                                   extra={"DOCKERLAB_SESSION_PREFIX": "x-"})

    assert env == {"PATH": "/bin", "JUPYTER_TOKEN": token, "DOCKERLAB_SESSION_PREFIX": "x-"}
    assert not any(token in part for part in launcher.lab_command(tmp_path, 1))


def test_tokens_are_long_and_fresh():
    tokens = {launcher.new_token() for _ in range(20)}

    assert len(tokens) == 20
    assert all(len(token) == 48 for token in tokens)


def test_a_free_port_can_be_bound_on_loopback():
    port = launcher.free_port()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))
    assert 1024 <= port <= 65535


def _lab(token="secret-token-123"):
    return launcher.RunningLab(Path("/nb"), 8123, token, process=None)


def test_urls_carry_the_token_and_keep_existing_queries():
    lab = _lab()

    assert lab.base_url == "http://127.0.0.1:8123/"
    assert lab.url() == "http://127.0.0.1:8123/lab?token=secret-token-123"
    assert lab.url("/lab/tree/a.ipynb?reset") == (
        "http://127.0.0.1:8123/lab/tree/a.ipynb?reset&token=secret-token-123")


def test_repr_never_shows_the_token():
    assert "secret-token-123" not in repr(_lab())


def test_a_missing_notebook_directory_is_one_clear_error(tmp_path):
    with pytest.raises(LabStartFailed) as caught:
        launcher.start_lab(tmp_path / "nowhere")

    assert "no notebook directory" in caught.value.message
    assert "--notebook-dir" in caught.value.advice


def test_the_run_command_defaults_to_the_kits_notebooks_and_any_free_port():
    args = launcher.parser().parse_args([])

    assert args.notebook_dir == Path(launcher.__file__).resolve().parents[1] / "notebooks"
    assert args.port is None
    assert launcher.parser().parse_args(["--port", "9000"]).port == 9000
    assert launcher.parser().parse_args(["--notebook-dir", "x"]).notebook_dir == Path("x")


def test_descendants_of_this_process_include_a_child_we_start():
    import os
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in launcher.descendants(os.getpid())
    finally:
        launcher._end([child.pid])
        child.wait()
    assert child.returncode is not None
