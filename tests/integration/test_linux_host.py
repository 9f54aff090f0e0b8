"""The under-the-hood demos on this host (root): real namespaces, cgroups and overlays.

Every test compares the host's mount table, its ``dockerlab-*`` cgroups and temporary trees,
and the test process's own namespaces before and after: nothing may persist, even when a
block fails or is interrupted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dockerlab.errors import DemoFailed, ImageMissing, InvalidContainerState, ResourceLimitInvalid
from dockerlab.linux import HOST, box_for, cgroups, handmade, namespaces, overlay
from dockerlab.linux.isolation import Isolation, Mount

pytestmark = [pytest.mark.root, pytest.mark.engine]
if os.geteuid() != 0:
    pytestmark.append(pytest.mark.skip(reason="host-mode demos need root on Linux "
                                              "(the helper-container tests cover the rest)"))

DOCKER_PATHS = ("/var/lib/docker", "/run/docker", "/var/run/docker", "/run/netns")


def host_mounts() -> set[str]:
    """Mount points of the host (this process's namespace), Docker's own left out."""
    points = {line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()}
    return {p for p in points if not p.startswith(DOCKER_PATHS)}


def our_cgroups() -> set[str]:
    """The kit's demo cgroups anywhere in the host's cgroup trees (os.walk shrugs off the
    cgroups other sessions' containers remove while we look)."""
    found = set()
    for directory, subdirectories, _ in os.walk("/sys/fs/cgroup"):
        found |= {os.path.join(directory, name) for name in subdirectories
                  if name.startswith(cgroups.NAME_PREFIX)}
    return found


def our_temp_trees() -> set[str]:
    return {p.name for p in Path("/tmp").glob("dockerlab-linux-*")}


def own_namespaces() -> dict:
    return {kind: os.readlink(f"/proc/self/ns/{kind}") for kind in namespaces.KINDS}


def host_state():
    return (host_mounts(), our_cgroups(), our_temp_trees(), own_namespaces(),
            os.uname().nodename)


@pytest.fixture(autouse=True)
def nothing_persists():
    before = host_state()
    yield
    after = host_state()
    assert after[0] == before[0], "mount table changed"
    assert after[1] == before[1], "a dockerlab cgroup was left behind"
    assert after[2] == before[2], "a temporary tree was left behind"
    assert after[3] == before[3], "the test process changed namespaces"
    assert after[4] == before[4], "the host's hostname changed"


@pytest.fixture(scope="module")
def box():
    return box_for(None, HOST)


# --- namespaces ------------------------------------------------------------------------------


def test_uts_child_has_its_own_hostname(box):
    result = namespaces.uts_demo(box, "dockerlab-test")
    assert result == {"inside": "dockerlab-test", "outside": os.uname().nodename}


def test_pid_child_is_pid_1_and_sees_only_its_own_processes(box):
    result = namespaces.pid_demo(box)
    assert result["pid_inside"] == 1
    assert result["processes_inside"] < 8 < result["processes_outside"]
    assert result["pid_outside"] != 1


def test_private_mount_is_invisible_outside(box):
    result = namespaces.mount_demo(box)
    assert result["inside"] == ["note.txt", "1"]
    assert result["files_outside"] == [] and result["mounted_outside"] == 0


def test_net_child_has_only_loopback(box):
    result = namespaces.net_demo(box)
    assert result["inside"] == ["lo"]
    assert len(result["outside"]) > 1


def test_user_namespace_root_inside_nobody_outside(box):
    result = namespaces.user_demo(box)
    assert result == {"uid_inside": 0, "uid_outside": 65534, "can_write_etc": False}


def test_ipc_queue_exists_only_in_its_namespace(box):
    result = namespaces.ipc_demo(box, "dockerlab-q")
    assert result == {"inside": ["dockerlab-q"], "outside": []}


def test_container_namespaces_differ_unless_shared_with_the_host(box, module_lab):
    isolated = module_lab.start("sleep 300", network_mode="none")
    shared = module_lab.start("sleep 300", network_mode="host", pid_mode="host")
    try:
        table = namespaces.compare_with_container(box, isolated)
        assert {"uts", "ipc", "mnt", "net", "pid"} <= set(table.separate())
        both = namespaces.compare_with_container(box, shared)
        assert {"net", "pid"} <= set(both.shared())
        assert {"uts", "mnt"} <= set(both.separate())
    finally:
        isolated.remove(force=True)
        shared.remove(force=True)


def test_a_container_gets_a_user_namespace_only_when_the_daemon_remaps(box, module_lab):
    from dockerlab.engine.facts import engine_facts

    container = module_lab.start("sleep 300", network_mode="none")
    try:
        users = namespaces.user_mapping(box, container)
        daemon = engine_facts(module_lab.client)
        assert users["own_namespace"] is (daemon.userns_remap or daemon.rootless)
        assert users["host"] and users["container"]
        if not users["own_namespace"]:
            assert users["container"] == users["host"]
        else:
            assert users["container"] != users["host"]
    finally:
        container.remove(force=True)


def test_enter_a_running_container_with_setns(box, module_lab):
    container = module_lab.start("sleep 300", network_mode="none", hostname="inside-box")
    try:
        run = namespaces.enter_container(box, container, "hostname; echo $$; ls /")
        lines = run.lines()
        assert lines[0] == "inside-box"
        assert "linuxrc" in lines  # the busybox image's root, not the host's
    finally:
        container.remove(force=True)


def test_entering_a_stopped_container_is_one_clear_error(box, module_lab):
    container = module_lab.client.containers.create(module_lab.base_image, "true")
    try:
        with pytest.raises(InvalidContainerState, match="not running"):
            namespaces.enter_container(box, container)
    finally:
        container.remove(force=True)


def test_a_failing_syscall_names_itself_and_its_errno(box, tmp_path):
    with pytest.raises(DemoFailed, match=r"mount\(.*ENODEV"):
        box.run("true", Isolation(mounts=[Mount("x", str(tmp_path), "nosuchfs")]))


# --- cgroups ---------------------------------------------------------------------------------


def test_detects_cgroup_v1_here(box):
    layout = cgroups.detect(box)
    assert layout.version == (1 if Path("/sys/fs/cgroup/memory").is_dir() else 2)


def test_process_over_the_memory_limit_is_killed(box):
    result = cgroups.memory_demo(box, limit="32m", allocate="64m")
    assert result.killed and result.exit_code == 137
    assert result.oom_kills >= 1
    assert result.limit == 32 << 20


def test_process_under_the_memory_limit_finishes(box):
    result = cgroups.memory_demo(box, limit="32m", allocate="4m")
    assert not result.killed and result.exit_code == 0 and result.oom_kills == 0


def test_cgroup_is_removed_when_the_block_fails(box):
    with pytest.raises(RuntimeError):
        with cgroups.Cgroup(box, memory="16m") as group:
            box.run("sleep 30 >/dev/null 2>&1 &", Isolation(cgroups=group.directories))
            assert len(group.processes()) == 1  # the sleep, still running in the cgroup
            assert our_cgroups()
            raise RuntimeError("the cell failed")


def test_cgroup_and_tree_are_removed_when_interrupted(box):
    with pytest.raises(KeyboardInterrupt):
        with box.tempdir() as tree, cgroups.Cgroup(box, memory="16m"):
            assert Path(tree).is_dir()
            raise KeyboardInterrupt


def test_leftovers_are_removed_at_interpreter_exit():
    code = ("from dockerlab.linux import HOST, box_for, cgroups\n"
            "box = box_for(None, HOST)\n"
            "group = cgroups.Cgroup(box, memory='8m').create()\n"
            "keep = box.tempdir(); tree = keep.__enter__()\n"
            "print(group.directories[0]); print(tree)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert len(out) == 2
    assert not os.path.exists(out[0]) and not os.path.exists(out[1])


def test_bad_memory_size_is_one_clear_error(box):
    with pytest.raises(ResourceLimitInvalid, match="not a memory size"):
        cgroups.Cgroup(box, memory="a lot")


def test_docker_limits_are_in_the_containers_cgroup_files(box, module_lab):
    container = module_lab.start("sleep 300", network_mode="none", mem_limit="48m",
                                 nano_cpus=500_000_000)
    try:
        limits = cgroups.container_limits(box, container)
        assert limits["memory"] == 48 << 20
        assert limits["cpus"] == 0.5
        assert container.id in limits["memory_file"]
    finally:
        container.remove(force=True)


# --- overlayfs and the container by hand ------------------------------------------------------


def test_copy_up_and_whiteout(box):
    demo = overlay.copy_up_demo(box)
    upper = {e.path: e.kind for e in demo.upper}
    assert upper == {"gone.txt": "whiteout", "hello.txt": "file", "new.txt": "file"}
    assert [e.path for e in demo.merged] == ["hello.txt", "keep.txt", "new.txt"]
    assert [e.path for e in demo.lower] == ["gone.txt", "hello.txt", "keep.txt"]
    assert demo.lower_text == "written in the lower layer\n"
    assert demo.edited.endswith("appended through the merged view\n")


def test_image_layers_stacked_match_docker_run(box, module_lab):
    comparison = overlay.compare_with_docker_run(module_lab, box, module_lab.base_image)
    assert comparison.same, str(comparison)
    assert "./bin/sh" in comparison.ours


def test_stacking_a_missing_image_is_one_clear_error(box, module_lab):
    with pytest.raises(ImageMissing):
        with overlay.image_overlay(box, module_lab.client, "dockerlab/nope:missing"):
            pass


def test_dockers_own_upper_dir_holds_the_containers_changes(box, module_lab):
    container = module_lab.start("echo x > /tmp/written; rm /etc/group; sleep 300",
                                 network_mode="none")
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            info = overlay.docker_overlay2(box, container)
            if len(info["upper"]) >= 4:
                break
            time.sleep(0.2)
        kinds = {e.path: e.kind for e in info["upper"]}
        assert kinds.get("etc/group") == "whiteout" and kinds.get("tmp/written") == "file"
        assert info["MergedDir"].endswith("/merged") and len(info["LowerDir"]) >= 2
    finally:
        container.remove(force=True)


def test_container_by_hand_matches_docker_run(box, module_lab):
    table = handmade.compare(module_lab, box, module_lab.base_image, memory="48m")
    for key in ("hostname", "pid", "uid", "memory_limit", "interfaces"):
        ours, theirs = table.value(key)
        assert ours == theirs, key
    assert table.value("pid")[0] == "1"
    assert table.value("memory_limit")[0] == 48 << 20
    assert "/proc" in table.value("mounts")[0].split()


# --- the exercises' checks say what is wrong ---------------------------------------------------


def test_hostname_check_rejects_a_recipe_without_uts(module_lab):
    from dockerlab.checker import Exercise, Status

    exercise = Exercise.load("07_under_the_hood_namespaces_cgroups/own_hostname", module_lab)
    result = exercise.check(lambda lab: Isolation(namespaces=("net",)))
    assert result.status is Status.INCORRECT and "UTS" in result.message


def test_oom_check_notices_a_process_outside_the_cgroup(module_lab):
    from dockerlab.checker import Exercise, Status

    def outside(lab):
        box = box_for(lab)
        with cgroups.Cgroup(box, memory="16m") as group:
            run = box.run("exec dd if=/dev/zero of=/dev/null bs=33554432 count=1")
            return {"run": run, "limit": group.memory_limit, "oom_kills": group.oom_kills()}

    exercise = Exercise.load("07_under_the_hood_namespaces_cgroups/killed_at_the_limit",
                             module_lab)
    result = exercise.check(outside)
    assert result.status is Status.INCORRECT and "did not run in a cgroup" in result.message


def test_leftovers_of_a_killed_process_are_found_and_removed():
    from dockerlab.linux import clean_leftovers

    code = ("import os\n"
            "from dockerlab.linux import HOST, box_for, cgroups\n"
            "box = box_for(None, HOST)\n"
            "group = cgroups.Cgroup(box, memory='8m').create()\n"
            "keep = box.tempdir(); tree = keep.__enter__()\n"
            "print(group.directories[0]); print(tree, flush=True)\n"
            "os._exit(0)  # like kill -9: no finally, no atexit\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert all(os.path.exists(path) for path in out)
    removed = clean_leftovers()
    assert set(out) <= set(removed)
    assert not any(os.path.exists(path) for path in out)


def test_leftover_cleaning_keeps_a_live_sessions_trees(box):
    from dockerlab.linux import clean_leftovers

    with box.tempdir() as tree, cgroups.Cgroup(box, memory="8m") as group:
        removed = clean_leftovers()
        assert tree not in removed and os.path.isdir(tree)
        assert os.path.isdir(group.directories[0])
