"""A private engine restarted after its dockerd was killed: the pid file of a containerd that
is gone (or a zombie, whose command line is empty) is removed, so the new dockerd starts its
own instead of waiting for the old one's socket; a live containerd's is kept."""

import subprocess
import sys
import time

from dockerlab.engine.private import forget_dead_containerd


def _pidfile(tmp_path, pid):
    pidfile = tmp_path / "containerd" / "containerd.pid"
    pidfile.parent.mkdir(exist_ok=True)
    pidfile.write_text(f"{pid}")
    return pidfile


def test_the_pid_file_of_a_containerd_that_is_gone_is_removed(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass", "containerd"])
    gone.wait()
    pidfile = _pidfile(tmp_path, gone.pid)
    forget_dead_containerd(tmp_path)
    assert not pidfile.exists()


def test_the_pid_file_of_a_zombie_containerd_is_removed(tmp_path):
    zombie = subprocess.Popen([sys.executable, "-c", "pass", "containerd"])
    while open(f"/proc/{zombie.pid}/stat").read().split(") ")[1][0] != "Z":
        time.sleep(0.01)  # exited, not reaped: a zombie, as pid 1 leaves a killed dockerd's
    try:
        pidfile = _pidfile(tmp_path, zombie.pid)
        forget_dead_containerd(tmp_path)
        assert not pidfile.exists()
    finally:
        zombie.wait()


def test_the_pid_file_of_a_running_containerd_is_kept(tmp_path):
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)",
                                "containerd"])
    try:
        while b"containerd" not in open(f"/proc/{running.pid}/cmdline", "rb").read():
            time.sleep(0.01)  # forked, not yet exec'd: still pytest's command line
        pidfile = _pidfile(tmp_path, running.pid)
        forget_dead_containerd(tmp_path)
        assert pidfile.exists()
    finally:
        running.kill()
        running.wait()


def test_no_pid_file_is_fine(tmp_path):
    forget_dead_containerd(tmp_path)
    assert not (tmp_path / "containerd").exists()
