"""The run command's JupyterLab, for real: token required, loopback only, nothing left after.

`dockerlab lab` is started as a learner starts it (`python -m dockerlab lab`), read for the
URL it prints, and stopped with Ctrl-C (SIGINT) or `kill` (SIGTERM).
"""

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from dockerlab import launcher
from dockerlab.errors import LabStartFailed
from dockerlab.host import pid_alive

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def refuses(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def status_without_token(lab) -> int:
    try:
        NO_PROXY.open(f"{lab.base_url}api/status", timeout=5)
    except urllib.error.HTTPError as error:
        return error.code
    return 200


def test_running_lab_needs_its_token_and_leaves_nothing_behind(tmp_path):
    with launcher.running_lab(tmp_path, log=tmp_path / "lab.log") as lab:
        kernel = lab.api("POST", "kernels", {"name": "python3"})
        started = launcher.descendants(lab.process.pid)

        assert lab.answers()
        assert status_without_token(lab) == 403
        assert [k["id"] for k in lab.kernels()] == [kernel["id"]]
        assert started, "the kernel runs as a child of the server"
        port = lab.port

    assert lab.process.returncode is not None
    assert refuses(port)
    assert [pid for pid in started if pid_alive(pid)] == []


def test_it_listens_on_loopback_only(tmp_path):
    with launcher.running_lab(tmp_path) as lab:
        listening = open("/proc/net/tcp").read().splitlines()[1:]
        ours = [line.split()[1] for line in listening
                if line.split()[1].endswith(f":{lab.port:04X}") and line.split()[3] == "0A"]

    assert ours == [f"0100007F:{lab.port:04X}"]  # 127.0.0.1, not 0.0.0.0


def test_a_taken_port_is_one_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LabStartFailed) as caught:
            launcher.launch(tmp_path, port=port, log=tmp_path / "lab.log")

    assert f"port {port}" in caught.value.message
    assert caught.value.advice


def start_run_command():
    """`python -m dockerlab lab`, exactly what `./kit lab` runs (on the kit's notebooks/);
    its URL opens notebook 00. Reading stops at the start-up deadline, whatever it prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "dockerlab", "lab"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout],
                     daemon=True).start()
    deadline = time.monotonic() + launcher.STARTUP_TIMEOUT
    printed = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        printed.append(line)
        match = re.search(r"(http://127\.0\.0\.1:(\d+)/lab[^?\s]*\?token=\w+)", line)
        if match:
            return process, match.group(1), int(match.group(2))
    process.kill()
    raise AssertionError(f"`dockerlab lab` printed no URL in {launcher.STARTUP_TIMEOUT} s: "
                         f"{''.join(printed)[-500:]!r}")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_the_run_command_prints_a_working_url_and_stops_cleanly(stop):
    process, url, port = start_run_command()
    try:
        with NO_PROXY.open(url, timeout=10) as page:
            assert page.status == 200
            assert "JupyterLab" in page.read().decode()
        assert "/lab/tree/00_welcome.ipynb?" in url  # the learner lands on notebook 00
        token = url.split("token=", 1)[1]
        contents = f"http://127.0.0.1:{port}/api/contents/00_welcome.ipynb?content=0&token={token}"
        with NO_PROXY.open(contents, timeout=10) as listing:  # its root is the kit's notebooks/
            assert listing.status == 200
        server = launcher.descendants(process.pid)
        process.send_signal(stop)

        assert process.wait(launcher.SHUTDOWN_TIMEOUT + 15) == 0
        assert refuses(port)
        assert [pid for pid in server if pid_alive(pid)] == []
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
