"""The same demos in the privileged helper container (what non-root and Docker Desktop use).

Runs on this root host too, by asking for the helper explicitly. The helper is created once
for the module's session and must be gone after ``lab.cleanup()``; no ``dockerlab-linux-*``
cgroup may remain on the host.
"""

from __future__ import annotations

import os

import pytest

from dockerlab import Lab, labels
from dockerlab.linux import HELPER, box_for, cgroups, handmade, namespaces, overlay

pytestmark = pytest.mark.engine


def our_cgroups() -> set[str]:
    """The kit's demo cgroups anywhere in the host's cgroup trees (os.walk shrugs off the
    cgroups other sessions' containers remove while we look)."""
    found = set()
    for directory, subdirectories, _ in os.walk("/sys/fs/cgroup"):
        found |= {os.path.join(directory, name) for name in subdirectories
                  if name.startswith(cgroups.NAME_PREFIX)}
    return found


@pytest.fixture(scope="module")
def helper_lab(engine_location):
    before = our_cgroups()
    lab = Lab("test-linux-helper", engine=engine_location)
    yield lab
    helper = getattr(lab, "_linux_helper", None)
    if helper is not None:
        helper.close()
    lab.cleanup()
    assert our_cgroups() == before
    assert lab.containers() == []


@pytest.fixture(scope="module")
def box(helper_lab):
    return box_for(helper_lab, HELPER)


def test_helper_is_the_sessions_only_privileged_container_and_says_so(box, helper_lab):
    container = box.container
    container.reload()
    assert container.labels[labels.PRIVILEGED]
    assert container.labels[labels.SESSION] == helper_lab.session
    assert box_for(helper_lab, HELPER) is box  # one helper per session
    host_config = container.attrs["HostConfig"]
    assert host_config["PidMode"] == "host" and host_config["NetworkMode"] == "host"


def test_namespace_demos_agree_with_host_mode(box):
    assert namespaces.uts_demo(box, "helper-test")["inside"] == "helper-test"
    assert namespaces.pid_demo(box)["pid_inside"] == 1
    assert namespaces.net_demo(box)["inside"] == ["lo"]
    assert namespaces.user_demo(box) == {"uid_inside": 0, "uid_outside": 65534,
                                         "can_write_etc": False}
    assert namespaces.ipc_demo(box) == {"inside": ["dockerlab-demo"], "outside": []}
    mount = namespaces.mount_demo(box)
    assert mount["files_outside"] == [] and mount["mounted_outside"] == 0


def test_enter_and_compare_a_container_from_the_helper(box, helper_lab):
    container = helper_lab.start("sleep 300", network_mode="none", hostname="seen-by-helper")
    try:
        assert namespaces.enter_container(box, container, "hostname").output.strip() == \
            "seen-by-helper"
        table = namespaces.compare_with_container(box, container)
        assert {"uts", "net", "pid", "ipc"} <= set(table.separate())
    finally:
        container.remove(force=True)


def test_memory_limit_kills_in_the_helper_too(box):
    result = cgroups.memory_demo(box, limit="32m", allocate="64m")
    assert result.killed and result.oom_kills >= 1


def test_copy_up_whiteout_and_container_by_hand_in_the_helper(box, helper_lab):
    demo = overlay.copy_up_demo(box)
    assert demo.whiteouts() == ["gone.txt"]
    table = handmade.compare(helper_lab, box, helper_lab.base_image, memory="48m")
    assert table.value("hostname") == ("handmade", "handmade")
    assert table.value("pid") == ("1", "1")
    assert table.value("memory_limit") == (48 << 20, 48 << 20)


def test_a_failing_setup_step_stops_before_the_demo(box):
    from dockerlab.errors import DemoFailed
    from dockerlab.linux.isolation import Isolation, Mount

    with pytest.raises(DemoFailed, match="mounting x on /tmp failed"):
        box.run("echo should-not-run", Isolation(mounts=[Mount("x", "/tmp", "nosuchfs")]))
