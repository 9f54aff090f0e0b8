"""The private registry (htpasswd) and the guarantee that registries never outlive the kit."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dockerlab.errors import RegistryAuthFailed
from dockerlab.registry.local import LocalRegistry, push, running, sweep_stale

pytestmark = pytest.mark.engine


def _gone(pid: int, within: float = 10.0) -> bool:
    """Poll until ``pid`` no longer runs (zombies count as gone)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


def test_unauthenticated_requests_get_the_challenge(lab):
    with LocalRegistry.start(lab, users={"learner": secrets.token_urlsafe(12)}) as private:
        ping = private.api().ping()
        assert ping["status"] == 401
        assert ping["challenge"] == 'Basic realm="dockerlab-registry"'
        with pytest.raises(RegistryAuthFailed, match="requires authentication"):
            private.api().catalog()


def test_bad_credentials_fail_over_http_and_through_the_engine(lab):
    password = secrets.token_urlsafe(12)
    with LocalRegistry.start(lab, users={"learner": password}) as private:
        with pytest.raises(RegistryAuthFailed, match="rejected the credentials"):
            private.api("learner", "not-" + password).catalog()
        with pytest.raises(RegistryAuthFailed, match="401"):
            private.login("learner", "not-" + password)
        with pytest.raises(RegistryAuthFailed, match="no basic auth credentials"):
            push(lab, lab.base_image, private.reference("kit/busybox", "v1"), progress=False)


def test_login_then_push_and_read_with_credentials(lab):
    password = secrets.token_urlsafe(12)
    with LocalRegistry.start(lab, users={"learner": password}) as private:
        assert private.login("learner", password) == {"Status": "Login Succeeded"}
        report = push(lab, lab.base_image, private.reference("kit/busybox", "v1"),
                      progress=False)
        api = private.api("learner", password)
        assert api.catalog() == ["kit/busybox"]
        assert api.manifest("kit/busybox", "v1").digest == report.digest


def test_stop_kills_the_process_and_deletes_the_storage(lab):
    registry = LocalRegistry.start(lab)
    pid, workdir = registry.process.pid, registry.workdir
    assert workdir.is_dir()
    registry.stop()
    registry.stop()  # twice is fine
    assert _gone(pid) and not workdir.exists()
    assert registry not in running()


def test_a_failing_with_block_still_cleans_up(lab):
    with pytest.raises(ZeroDivisionError):
        with LocalRegistry.start(lab) as registry:
            pid, workdir = registry.process.pid, registry.workdir
            raise ZeroDivisionError("a cell failed")
    assert _gone(pid) and not workdir.exists()


SCRIPT = """
import sys
from dockerlab import Lab
from dockerlab.registry.local import LocalRegistry
lab = Lab("registry-exit", base_images=False)
registry = LocalRegistry.start(lab)
print(registry.process.pid, registry.workdir, flush=True)
if sys.argv[1] == "fail":
    raise RuntimeError("a cell failed")
if sys.argv[1] == "hang":
    import time
    time.sleep(120)
"""


@pytest.mark.parametrize("how", ["exit", "fail"])
def test_interpreter_exit_stops_the_registry(how):
    done = subprocess.run([sys.executable, "-c", SCRIPT, how], capture_output=True, text=True,
                          timeout=60)
    pid, workdir = done.stdout.split()
    assert (done.returncode != 0) == (how == "fail")
    assert _gone(int(pid)) and not Path(workdir).exists()


def test_a_killed_kernel_takes_its_registry_along_and_the_next_start_sweeps(lab):
    kernel = subprocess.Popen([sys.executable, "-c", SCRIPT, "hang"], stdout=subprocess.PIPE,
                              text=True)
    pid, workdir = kernel.stdout.readline().split()
    os.kill(kernel.pid, signal.SIGKILL)  # no atexit: like a crashed kernel
    kernel.wait()
    kernel.stdout.close()
    assert _gone(int(pid))  # PR_SET_PDEATHSIG
    assert Path(workdir).exists()
    assert workdir in sweep_stale()
    assert not Path(workdir).exists()
