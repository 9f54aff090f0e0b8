"""The classroom without a hub: names, settings and configuration, the instructor's table."""

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from traitlets.config import Config

from dockerlab.classroom import config, names, proxy, run, table
from dockerlab.errors import LabStartFailed
from dockerlab.progress import make_record


@pytest.mark.parametrize("typed, expected", [
    ("Ada Lovelace", "dl-ada-lovelace"), ("  zoë  ", "dl-zoe"), ("root", "dl-root"),
    ("dl-ada", "dl-ada"), ("O'Brien", "dl-o-brien"), ("ÅSA_ström", "dl-asa-strom"),
    ("x" * 60, "dl-" + "x" * 29)])
def test_learner_names_become_safe_system_names(typed, expected):
    assert names.system_name(typed) == expected
    assert len(names.system_name(typed)) <= 32
    assert names.is_learner(expected)


@pytest.mark.parametrize("typed", ["李雷", "   ", "---", ""])
def test_a_name_with_nothing_usable_is_refused_with_what_to_type(typed):
    with pytest.raises(names.BadLearnerName, match="Latin letters"):
        names.system_name(typed)


def test_only_prefixed_names_count_as_learners():
    assert not names.is_learner("root")
    assert not names.is_learner("dl-Ada")  # not what system_name makes


@pytest.mark.parametrize("address, tls", [("127.0.0.1", False), ("127.0.0.5", False),
                                          ("::1", False), ("localhost", False),
                                          ("0.0.0.0", True), ("192.168.1.20", True),
                                          ("classroom.local", True)])
def test_off_loopback_is_https_only(address, tls):
    assert config.needs_tls(address) is tls
    assert config.url(config.plan(2, address, 8443)).startswith("https" if tls else "http:")


def test_plan_makes_codes_that_jupyterhub_accepts(tmp_path):
    settings = config.plan(3, state=tmp_path)
    assert settings["learners"] == 3 and settings["listen"] == "127.0.0.1"
    assert len(settings["code"]) >= 8  # SharedPasswordAuthenticator's minimum
    assert len(settings["instructor_password"]) >= 32  # its minimum for the admin password
    assert settings["code"] != settings["instructor_password"]
    assert len({settings["hub_port"], settings["proxy_api_port"], settings["service_port"]}) == 3
    json.dumps(settings)
    with pytest.raises(ValueError, match="at least one learner"):
        config.plan(0)


def test_configuration_on_loopback(tmp_path):
    settings = config.plan(2, state=tmp_path)
    c = Config()
    config.configure(c, settings)
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000/"
    assert "ssl_cert" not in c.JupyterHub
    assert c.JupyterHub.authenticator_class.endswith("hubside.ClassroomAuthenticator")
    assert c.ClassroomAuthenticator.user_password == settings["code"]
    assert c.ClassroomAuthenticator.admin_users == {"dl-instructor"}
    assert c.JupyterHub.spawner_class == "jupyterhub.spawner.LocalProcessSpawner"
    assert c.Spawner.cmd[0].endswith("/jupyterhub-singleuser")
    assert c.Spawner.args == ["--ServerApp.port_retries=0"]  # its own port or none
    assert c.ConfigurableHTTPProxy.command[-1] == "dockerlab.classroom.proxy"
    assert c.JupyterHub.db_url == f"sqlite:///{tmp_path / 'jupyterhub.sqlite'}"
    [service] = c.JupyterHub.services
    assert service["name"] == "instructor" and service["url"].startswith("http://127.0.0.1:")


def test_configuration_off_loopback_serves_https_with_the_kit_certificate(tmp_path):
    settings = config.plan(2, "192.168.1.20", 8443, state=tmp_path)
    c = Config()
    config.configure(c, settings)
    assert c.JupyterHub.bind_url == "https://192.168.1.20:8443/"
    assert c.JupyterHub.ssl_cert == str(tmp_path / "tls" / "server-cert.pem")
    assert c.JupyterHub.hub_ip == "127.0.0.1"  # the hub itself stays on loopback


def test_prepare_writes_private_settings_and_a_certificate_for_the_address(tmp_path, capsys):
    from dockerlab.engine.certs import describe

    settings = config.plan(2, "192.168.1.20", state=tmp_path / "room")
    path = run.prepare(settings)
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "room").stat().st_mode & 0o777 == 0o700
    assert "192.168.1.20" in describe(settings["cert"])["hosts"]
    printed = capsys.readouterr().out
    assert run.fingerprint(tmp_path / "room" / "tls" / "server-cert.pem") in printed
    assert len(run.fingerprint(tmp_path / "room" / "tls" / "server-cert.pem")) == 95
    compile((tmp_path / "room" / "jupyterhub_config.py").read_text(), "config", "exec")


def test_capacity_warning():
    gib = 2**30
    assert run.capacity_warning(3, 24 * gib) is None
    warning = run.capacity_warning(10, 2 * gib, per_learner=gib // 2)
    assert "10 learners" in warning and "enough for about 4" in warning
    assert run.capacity_warning(10, 0) is None  # unknown memory: no guess


def test_proxy_takes_the_tls_options_off_the_command_line():
    rest, tls = proxy.split_tls(["--ip", "10.0.0.5", "--ssl-key", "k.pem",
                                 "--ssl-cert=c.pem", "--port", "8000"])
    assert rest == ["--ip", "10.0.0.5", "--port", "8000"]
    assert tls == {"key": "k.pem", "cert": "c.pem"}


def _records(user, *checks):
    return [make_record(exercise, status, hints=hints, when=when) | {"user": user}
            for exercise, status, hints, when in checks]


def test_table_of_learners_by_exercise():
    records = {
        "dl-ada": _records("dl-ada", ("00_welcome/first_container", "incorrect", 1, 100),
                           ("00_welcome/first_container", "correct", 2, 200)),
        "dl-bob": _records("dl-bob", ("03_containers/restart", "incorrect", 3, 300)),
        "dl-cy": [],
    }
    columns, rows = table.build(records, ["00_welcome/first_container",
                                          "00_welcome/stop_a_container"])
    assert columns == ["00_welcome/first_container", "00_welcome/stop_a_container",
                       "03_containers/restart"]
    ada, bob, cy = rows
    assert ada["cells"]["00_welcome/first_container"] == {
        "status": "correct", "hints": 2, "checks": 2, "solution_shown": False}
    assert ada["cells"]["03_containers/restart"]["status"] == "not attempted"
    assert ada["last"] == "1970-01-01T00:03:20Z"
    assert table.stuck_on(bob) == "03_containers/restart" and table.stuck_on(ada) is None
    assert cy["last"] == "" and {c["status"] for c in cy["cells"].values()} == {"not attempted"}
    html = table.to_html(columns, rows)
    assert html.count("<tr") == 4 and "✓ <small>2h</small>" in html
    assert "engine" not in html  # no engine column unless the rows say


def test_table_shows_each_learner_s_engine_and_actions():
    columns, rows = table.build({"dl-ada": [], "dl-bob": []}, ["00_welcome/first_container"])
    rows[0]["engine"], rows[1]["engine"] = "running", "down"
    html = table.to_html(columns, rows, actions=lambda row: f"<button>{row['learner']}</button>")
    assert "<td class='engine engine-down'>down</td>" in html
    assert "<tr id='learner-dl-bob'><th>dl-bob</th><td class='engine engine-down'>" in html
    assert "<button>dl-ada</button>" in html and "<th>actions</th>" in html


def test_a_reset_line_makes_the_exercise_start_again():
    from dockerlab import progress

    kept = progress.make_record("00_welcome/first_container", "correct", hints=1, when=50)
    lines = [*_records("dl-ada", ("00_welcome/stop_a_container", "correct", 3, 100)),
             kept, progress.make_reset("00_welcome/stop_a_container", "dl-ada", when=200),
             *_records("dl-ada", ("00_welcome/stop_a_container", "incorrect", 0, 300))]
    assert lines[2]["reset"] is True and lines[2]["user"] == "dl-ada"
    rows = {row["exercise"]: row for row in progress.summary(lines)["00_welcome"]}
    assert rows["00_welcome/stop_a_container"]["status"] == "incorrect"
    assert rows["00_welcome/stop_a_container"]["checks"] == 1
    assert rows["00_welcome/stop_a_container"]["hints"] == 0
    assert rows["00_welcome/first_container"]["status"] == "correct"


def test_table_as_csv():
    records = {"dl-ada": _records("dl-ada", ("00_welcome/first_container", "correct", 1, 0))}
    text = table.to_csv(*table.build(records, []))
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == ["learner", "last activity (UTC)", "00_welcome/first_container status",
                      "00_welcome/first_container hints"]
    assert row == ["dl-ada", "1970-01-01T00:00:00Z", "correct", "1"]


def test_a_learner_name_in_the_table_is_escaped():
    html = table.to_html(*table.build({"<b>x</b>": []}, ["00_welcome/a"]))
    assert "<b>x</b>" not in html and "&lt;b&gt;" in html


def test_known_exercises_are_the_kit_s():
    known = table.known_exercises()
    assert "00_welcome/first_container" in known
    assert all(e.count("/") == 1 for e in known)


def test_the_cli_has_a_classroom_command():
    shown = subprocess.run([sys.executable, "-m", "dockerlab", "classroom", "--help"],
                           capture_output=True, text=True)
    assert shown.returncode == 0 and "--learners" in shown.stdout and "HTTPS" in shown.stdout


def test_a_checkout_closed_to_other_users_is_named():
    import shutil
    import tempfile
    from pathlib import Path

    base = Path(tempfile.mkdtemp(dir="/tmp"))  # /tmp itself is open to everyone
    try:
        base.chmod(0o755)
        closed = base / "private"
        (closed / "kit" / ".venv").mkdir(parents=True)
        closed.chmod(0o700)
        assert run.closed_to_learners(closed / "kit" / ".venv") == closed
        closed.chmod(0o755)
        assert run.closed_to_learners(closed / "kit" / ".venv") is None
    finally:
        shutil.rmtree(base)


def test_a_second_class_is_refused_while_the_first_s_hub_runs(tmp_path):
    # a process whose command line names jupyterhub, as the hub's pid file would
    hub = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "jupyterhub"])
    try:
        _wait_for_exec(hub.pid, "jupyterhub")  # right after fork its command line is pytest's
        (tmp_path / "jupyterhub.pid").write_text(f"{hub.pid}\n")
        with pytest.raises(LabStartFailed) as refused:
            run.refuse_a_second_class(tmp_path)
        assert f"pid {hub.pid}" in refused.value.message
        assert f"kill {hub.pid}" in str(refused.value)
    finally:
        hub.kill()
        hub.wait()
    run.refuse_a_second_class(tmp_path)  # its hub gone: the pid file is stale, a class starts


def _wait_for_exec(pid, word, timeout=10):
    deadline = time.monotonic() + timeout
    while word not in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
        assert time.monotonic() < deadline, f"pid {pid} never ran {word}"
        time.sleep(0.01)


def test_a_pid_file_naming_another_program_does_not_stop_a_class(tmp_path):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _wait_for_exec(other.pid, "time.sleep")
        (tmp_path / "jupyterhub.pid").write_text(str(other.pid))
        run.refuse_a_second_class(tmp_path)  # a reused pid is not a hub
        (tmp_path / "jupyterhub.pid").write_text("not a pid")
        run.refuse_a_second_class(tmp_path)
    finally:
        other.kill()
        other.wait()
