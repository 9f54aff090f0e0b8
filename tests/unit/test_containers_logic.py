"""Pure logic of dockerlab.containers, overhead and the container pictures (no engine)."""

import pytest
from matplotlib.figure import Figure

from dockerlab import containers as C
from dockerlab.containers import pictures as P
from dockerlab.containers.overhead import MemoryReading, Overhead
from dockerlab.errors import CommandNotFound, ResourceLimitInvalid
from dockerlab.widgets.container_dashboard import render_table, status_text

MIB = 1024 * 1024


@pytest.mark.parametrize("given, expected", [
    ("20m", 20 * MIB), ("1g", 1024 * MIB), ("6m", 6 * MIB), ("512MiB", 512 * MIB),
    (8 * MIB, 8 * MIB), ("7000k", 7000 * 1024)])
def test_parse_memory_reads_sizes(given, expected):
    assert C.parse_memory(given) == expected


@pytest.mark.parametrize("given, words", [
    ("abc", "not a size"), ("1000t", "not a size"), ("4m", "minimum of 6 MiB"),
    (None, "means nothing"), (True, "means nothing")])
def test_parse_memory_refuses_nonsense(given, words):
    with pytest.raises(ResourceLimitInvalid) as caught:
        C.parse_memory(given)
    assert words in caught.value.message
    assert caught.value.advice


def test_parse_memory_refuses_more_than_the_machine_has():
    with pytest.raises(ResourceLimitInvalid, match="more than this machine has"):
        C.parse_memory("1000g", host_total=24 * 1024 * MIB)
    assert C.parse_memory("1g", host_total=24 * 1024 * MIB) == 1024 * MIB


@pytest.mark.parametrize("quota, words", [(-5, "negative"), (-1, "negative"),
                                          (500, "minimum of 1000"), (2.5, "whole number")])
def test_cpu_quota_refuses_bad_values(quota, words):
    with pytest.raises(ResourceLimitInvalid, match=words):
        C.check_cpu_quota(quota)


def test_cpu_quota_accepts_a_fifth_of_a_cpu():
    assert C.check_cpu_quota(20_000) == 20_000
    with pytest.raises(ResourceLimitInvalid, match="period"):
        C.check_cpu_quota(20_000, period=10)


@pytest.mark.parametrize("code, oom, words", [
    (0, False, "successfully"), (3, False, "status 3"), (137, False, "SIGKILL"),
    (143, False, "SIGTERM"), (137, True, "OOM"), (127, False, "not found"),
    (None, False, "still running")])
def test_exit_codes_are_explained(code, oom, words):
    assert words in C.explain_exit_code(code, oom)


def test_capability_masks_decode_to_names():
    assert C.decode_capabilities("0000000000000001") == ["CHOWN"]
    assert C.decode_capabilities(0) == []
    # Docker's default set, as /proc/self/status shows it in a default container
    default = C.decode_capabilities("00000000a80425fb")
    assert len(default) == 14 and "NET_RAW" in default and "SYS_ADMIN" not in default


def test_log_lines_split_into_timestamp_and_text():
    line = C.parse_log_line("2026-01-02T03:04:05.123456789Z tick 1 2\n")
    assert line.timestamp == "2026-01-02T03:04:05.123456789Z"
    assert line.text == "tick 1 2"
    assert str(line).endswith("tick 1 2")


def test_cpu_percent_follows_docker_stats_formula():
    raw = {"cpu_stats": {"cpu_usage": {"total_usage": 300}, "system_cpu_usage": 2000,
                         "online_cpus": 2},
           "precpu_stats": {"cpu_usage": {"total_usage": 100}, "system_cpu_usage": 1000}}
    assert C.cpu_percent(raw) == pytest.approx(40.0)
    assert C.cpu_percent({"cpu_stats": raw["cpu_stats"], "precpu_stats": {}}) is None


def test_shell_wraps_strings_only():
    assert C.shell("echo hi; exit 3") == ["sh", "-c", "echo hi; exit 3"]
    assert C.shell(["true"]) == ["true"]


def test_side_by_side_has_one_line_per_variant():
    rows = {name: {"Image": "img", "Cmd": "sh -c " + C.SHOW_CONFIG, "Env": "-", "WorkingDir": wd,
                   "User": "-", "Hostname": "-", "Output": f"out {name}"}
            for name, wd in (("defaults", "-"), ("working_dir", "/tmp"))}
    table = C.side_by_side(rows).splitlines()
    assert table[1].startswith("defaults") and "<show config>" in table[1]
    assert "/tmp" in table[2] and "/tmp" not in table[1]
    assert "image of every variant: img" in table


def test_state_machine_highlights_only_the_path_taken():
    edges, loops = P._edge_steps(["created", "running", "running", "exited", "removed"])
    assert edges[("image", "created")] == [1]
    assert edges[("running", "exited")] == [4]
    assert loops == {"running": [3]}
    figure = P.state_machine(["created", "running", "exited", "removed"])
    assert isinstance(figure, Figure)
    highlighted = [t.get_text() for t in figure.axes[0].texts if t.get_color() == P.HIGHLIGHT]
    assert any("step 2" in text for text in highlighted)
    assert not any(text.startswith("pause") for text in highlighted)


def test_overhead_ratios_use_medians():
    result = Overhead(3, [0.3, 0.2, 0.4], [0.001, 0.002, 0.003],
                      [MemoryReading(MIB, 9 * MIB)] * 3, [MemoryReading(2 * MIB)] * 3)
    assert result.start_ratio == pytest.approx(150)
    assert result.memory_ratio == pytest.approx(5)
    assert "150x" in result.summary()
    assert isinstance(P.overhead_plot(result), Figure)


def test_dashboard_rendering_shows_state_and_errors():
    row = C.Summary("a" * 64, "web", "exited", 137, True, "img", "sh -c x")
    assert "exited (137, OOM)" in render_table([row], row.id)
    assert "This session has no containers" in render_table([])
    error = C.InvalidContainerState("Cannot unpause <it>.", "Pause it first.")
    text = status_text(row, 1, error=error)
    assert "InvalidContainerState" in text and "&lt;it&gt;" in text and "Pause it first." in text


def test_a_move_outside_the_usual_diagram_is_still_drawn():
    figure = P.state_machine(["created", "running", "paused", "exited"],
                             ["create", "start", "pause", "stop"])
    highlighted = [t.get_text() for t in figure.axes[0].texts if t.get_color() == P.HIGHLIGHT]
    assert "stop\n(step 4)" in highlighted


def test_an_exit_case_says_the_docker_commands_that_reproduce_it():
    from dockerlab.containers.exits import ExitCase

    fails = ExitCase("fails", "echo oops; exit 3", "runs to its end", 3, False)
    assert fails.cli[0] == "docker run --name demo dockerlab/busybox sh -c 'echo oops; exit 3'"
    assert fails.cli[1:] == ["docker inspect -f '{{.State.ExitCode}}' demo", "docker rm demo"]
    stopped = ExitCase("stopped", "trap 'exit 143' TERM; sleep 60", "docker stop -t 2", 143, False)
    assert stopped.cli[0].startswith("docker run -d --name demo dockerlab/busybox sh -c 'trap '\\''")
    assert stopped.cli[1] == "docker stop -t 2 demo"
    killed = ExitCase("killed", "sleep 60", "docker kill (SIGKILL)", 137, False)
    assert killed.cli[1] == "docker kill demo"


class _Execs:
    """A container whose exec_run answers as a given engine did."""

    name = "box"

    def __init__(self, exit_code, output):
        self.answer = (exit_code, output)

    def exec_run(self, argv, **options):
        from docker.models.containers import ExecResult
        return ExecResult(*self.answer)


MISSING = (b'OCI runtime exec failed: exec failed: unable to start container process: exec: '
           b'"no-such-program": executable file not found in $PATH\r\n')


@pytest.mark.parametrize("exit_code", [126, 127])  # Engine 20.10-26, Engine 28 (forky lane)
def test_an_exec_of_a_missing_program_is_command_not_found_on_every_engine(exit_code):
    with pytest.raises(CommandNotFound, match="'no-such-program' does not exist"):
        C.exec_in(_Execs(exit_code, MISSING), ["no-such-program"])


def test_a_program_that_exits_127_itself_is_an_outcome():
    outcome = C.exec_in(_Execs(127, b"sh: nope: not found\n"), "nope")
    assert outcome.exit_code == 127 and "not found" in outcome.output
