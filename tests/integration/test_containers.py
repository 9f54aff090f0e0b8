"""Containers against the real engine: lifecycle, exit codes, logs, exec, options, layers."""


import pytest

from dockerlab import containers as C
from dockerlab import labels, networks
from dockerlab.errors import (
    CommandNotFound,
    InvalidContainerState,
    ObjectNotFound,
    ResourceLimitInvalid,
)


def test_lifecycle_records_the_state_after_each_step(module_lab):
    life = C.Lifecycle(module_lab)
    for operation in ("create", "start", "pause", "unpause", "stop", "start", "kill",
                      "restart", "stop", "remove"):
        getattr(life, operation)(*([1] if operation == "stop" else []))
    assert life.path == ["created", "running", "paused", "running", "exited", "running",
                         "exited", "running", "exited", "removed"]
    assert life.steps[4].state.exit_code == 143  # the trap turned SIGTERM into exit 143
    assert life.steps[6].state.exit_code == 137  # SIGKILL cannot be trapped
    assert "removed" in life.table()
    assert life.container.id not in [c.id for c in module_lab.containers()]


def test_unpausing_a_running_container_gives_the_engines_words(module_lab):
    life = C.Lifecycle(module_lab)
    life.create()
    life.start()
    with pytest.raises(InvalidContainerState) as caught:
        life.unpause()
    refusal = caught.value
    assert (refusal.operation, refusal.status) == ("unpause", "running")
    assert refusal.engine_says and refusal.engine_says in refusal.message  # its own words
    assert "pause, stop, kill, restart" in refusal.advice
    assert C.state_of(life.container).status == "running"
    life.remove(force=True)


def test_exit_codes_come_from_real_runs(module_lab):
    cases = {case.name: case for case in C.exit_code_cases(module_lab, stop_timeout=1)}
    assert [c.exit_code for c in cases.values()] == [0, 3, 137, 143, 137]
    assert "SIGTERM" in cases["stopped, handles TERM"].meaning
    assert not any(case.oom_killed for case in cases.values())


def test_a_restart_policy_brings_a_crashing_container_back(module_lab):
    container = C.with_restart_policy(module_lab)
    state = C.wait_for_restart(container, count=1)
    assert state.status == "running" and state.restart_count >= 1
    assert C.wait_for_output(container, "back up")  # running comes before its first line
    texts = [line.text for line in C.timestamped_logs(container)]
    assert texts[:2] == ["crashing", "back up"]
    container.remove(force=True)


def test_streamed_logs_arrive_in_order_with_timestamps(module_lab):
    container = C.launch(module_lab, "for i in 1 2 3 4 5; do echo line $i; sleep 0.1; done")
    lines = list(C.stream_logs(container, max_lines=3, timeout=20))
    assert [line.text for line in lines] == ["line 1", "line 2", "line 3"]
    assert all(line.timestamp.endswith("Z") for line in lines)
    assert lines[0].timestamp < lines[2].timestamp
    container.remove(force=True)


def test_exec_runs_inside_a_running_container(module_lab):
    container = C.launch(module_lab, "sleep 60")
    outcome = C.exec_in(container, "echo $HOSTNAME; exit 4")
    assert outcome.exit_code == 4
    assert outcome.output.strip() == container.attrs["Config"]["Hostname"]
    with pytest.raises(CommandNotFound, match="does not exist"):
        C.exec_in(container, ["no-such-program"])
    container.remove(force=True)


def test_the_same_image_with_other_options(module_lab):
    before = {c.id for c in module_lab.containers()}
    rows = C.compare_options(module_lab)
    assert {row["Image"] for row in rows.values()} == {module_lab.base_image}
    assert rows["working_dir"]["WorkingDir"] == "/tmp" and "dir=/tmp" in rows["working_dir"]["Output"]
    assert rows["user"]["User"] == "1000" and "user=1000" in rows["user"]["Output"]
    assert rows["hostname"]["Hostname"] == "lab-box" and "host=lab-box" in rows["hostname"]["Output"]
    assert rows["environment"]["Env"] == "GREETING=hello"
    assert rows["command"]["Output"] == "a different command"
    assert rows["defaults"]["Output"].startswith("user=0 ")
    assert {c.id for c in module_lab.containers()} == before


def test_diff_commit_and_the_new_layer_hold_the_same_changes(module_lab):
    container = C.launch(module_lab, C.TOUCH_FILES + " && sleep 60")
    assert C.wait_for_output(container, "changes-done")
    found = C.changes(container)
    assert found["added"] == ["/data", "/data/notes.txt"]
    assert "/etc/passwd" in found["changed"]
    assert found["deleted"] == ["/var/www/index.html"]
    image = C.commit(container, "dockerlab/test-committed", "v1")
    layer = C.top_layer_paths(module_lab.client, image)
    assert layer["present"] == sorted(found["added"] + found["changed"])
    assert layer["deleted"] == found["deleted"]
    container.remove(force=True)
    module_lab.client.images.remove(image.id)


def test_files_vanish_with_the_container_unless_in_a_volume(module_lab):
    assert C.file_after_removal(module_lab) == "no such file"
    volume = module_lab.client.volumes.create()
    assert C.file_after_removal(module_lab, volume=volume.name) == "kept?"
    volume.remove()


def test_isolation_controls_change_what_the_container_sees(module_lab):
    assert C.interfaces(module_lab, network_mode="none") == ["lo"]
    assert "eth0" in C.interfaces(module_lab)
    code, message = C.try_write(module_lab, read_only=True)
    assert code != 0 and "Read-only file system" in message
    assert C.capabilities(module_lab, cap_drop=["ALL"]) == []
    assert "CHOWN" in C.capabilities(module_lab)
    assert C.try_chown(module_lab) == "chown worked"
    assert "Operation not permitted" in C.try_chown(module_lab, cap_drop=["CHOWN"])
    inside = C.processes(module_lab)
    # only the container's own three: sh (PID 1), its background sleep (maybe still a
    # forked sh for a moment) and ps itself
    assert inside[0] == (1, "sh") and len(inside) == 3 and inside[-1][1] == "ps"
    assert len(C.processes(module_lab, pid_mode="host")) > len(inside)


def test_a_memory_limit_gets_a_container_oom_killed(module_lab):
    result = C.oom_kill(module_lab, "20m")
    assert (result.exit_code, result.oom_killed) == (137, True)
    assert result.limit_bytes == 20 * 1024 * 1024


def test_a_cpu_quota_throttles_a_busy_loop(module_lab):
    free, limited = C.throttle_comparison(module_lab, cpu_quota=20_000, samples=2)
    assert free.throttled_periods == 0
    # the quota holds the loop back only when the machine would give it more than its fifth
    # of a CPU: when even the free loop got less than about that (a machine this busy),
    # there was nothing to throttle
    free_peak = max(s.cpu_percent for s in free.samples)
    assert limited.throttled_periods > 0 or free_peak < 30, (free_peak, limited.samples)
    assert limited.loops > 0 and free.loops > 0  # both counted (their ratio depends on load)
    assert max(s.cpu_percent for s in limited.samples) < 40  # a fifth of a CPU, give or take
    assert all(s.memory_limit > 0 for s in limited.samples)


# --- bad input: one clear error each, nothing left behind -------------------------------

def test_unknown_container(lab):
    with pytest.raises(ObjectNotFound, match="no container called 'no-such-box'"):
        C.find(lab, "no-such-box")


@pytest.mark.parametrize("memory", ["1000g", "4m", "lots"])
def test_absurd_memory_limits(lab, memory):
    with pytest.raises(ResourceLimitInvalid):
        C.launch(lab, "true", mem_limit=memory)
    with pytest.raises(ResourceLimitInvalid):
        C.oom_kill(lab, memory)
    assert lab.containers() == []


def test_negative_cpu_quota(lab):
    with pytest.raises(ResourceLimitInvalid, match="negative"):
        C.launch(lab, "true", cpu_quota=-5)
    assert lab.containers() == []


def test_a_command_missing_from_the_image_leaves_nothing(lab):
    with pytest.raises(CommandNotFound) as caught:
        C.launch(lab, ["no-such-program"])
    assert "no-such-program" in caught.value.message
    assert lab.containers() == []


def test_an_operation_invalid_in_the_current_state(lab):
    container = C.launch(lab, "sleep 60")
    with pytest.raises(InvalidContainerState) as removing:
        C.operate(container, "remove")
    assert (removing.value.operation, removing.value.status) == ("remove", "running")
    assert removing.value.engine_says in removing.value.message
    C.operate(container, "kill")
    with pytest.raises(InvalidContainerState) as pausing:
        C.operate(container, "pause")
    assert (pausing.value.operation, pausing.value.status) == ("pause", "exited")
    assert "start, stop, restart, remove" in pausing.value.advice
    assert C.operate(container, "remove").status == "removed"
    with pytest.raises(ObjectNotFound):
        C.operate(container, "start")


# --- one way down: every start path checks limits, labels, and leaves nothing behind -------

START_PATHS = {
    "containers.launch": lambda lab, command, **options: C.launch(lab, command, **options),
    "Lab.start": lambda lab, command, **options: lab.start(command, **options),
    "Lab.run": lambda lab, command, **options: lab.run(command, **options),
    "networks.start": lambda lab, command, **options: networks.start(lab, command, **options),
}


@pytest.mark.parametrize("path", sorted(START_PATHS))
def test_every_start_path_checks_limits_and_removes_a_failed_start(lab, path):
    start = START_PATHS[path]
    with pytest.raises(ResourceLimitInvalid, match="minimum of 6 MiB"):
        start(lab, "true", mem_limit="4m")
    with pytest.raises(ResourceLimitInvalid, match="negative"):
        start(lab, "true", cpu_quota=-5)
    with pytest.raises(CommandNotFound, match="no-such-program"):
        start(lab, ["no-such-program"])
    assert lab.containers() == [], "nothing created, or what was created is removed"


@pytest.mark.parametrize("path", ["containers.launch", "Lab.start", "networks.start"])
def test_every_start_path_runs_a_string_through_sh_with_the_labels(lab, path):
    container = START_PATHS[path](lab, "echo one; sleep 60", labels={"mine": "yes"})
    assert container.status == "running", "the container comes back with its fresh state"
    assert container.attrs["Config"]["Cmd"] == ["sh", "-c", "echo one; sleep 60"]
    given = container.attrs["Config"]["Labels"]
    assert given["mine"] == "yes" and given[labels.SESSION] == lab.session
    assert given[labels.KIT] == labels.KIT_VALUE
    C.remove_quietly(container)
    C.remove_quietly(container)  # already gone: nothing to say
    assert lab.containers() == []
