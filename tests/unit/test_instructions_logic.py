"""dockerlab.images.instructions without an engine: what it makes of the engine's records."""

from types import SimpleNamespace

import pytest

from dockerlab.images.instructions import (
    KILLED,
    HealthTimeline,
    StopTiming,
    attempts,
    command_line,
    environment,
    health_timeline,
    healthcheck,
    pid1,
    process_uid,
    processes,
)


class Api:
    def __init__(self, config):
        self.config = config

    def inspect_image(self, image):
        return {"Config": self.config}


def client(**config):
    return SimpleNamespace(api=Api(config))


class Container:
    """Answers exec_run from a table of outputs; reload() walks through health states."""

    def __init__(self, outputs=None, healths=()):
        self.outputs, self.healths, self.attrs = outputs or {}, list(healths), {"State": {}}
        self.execs = []

    def exec_run(self, command, user=None):
        self.execs.append((command, user))
        return SimpleNamespace(output=self.outputs[command[0]].encode(), exit_code=0)

    def reload(self):
        if self.healths:
            self.attrs = {"State": {"Health": self.healths.pop(0)}}


def test_arguments_replace_the_cmd_and_never_the_entrypoint():
    greeter = client(Entrypoint=["echo", "hello"], Cmd=["world"])
    assert command_line(greeter, "g") == ["echo", "hello", "world"]
    assert command_line(greeter, "g", ["Ada"]) == ["echo", "hello", "Ada"]
    assert command_line(client(Entrypoint=None, Cmd=["sh"]), "b", ["id"]) == ["id"]


def test_a_shell_form_entrypoint_keeps_the_arguments_it_will_ignore():
    shell = client(Entrypoint=["/bin/sh", "-c", "echo hello"], Cmd=["world"])
    assert command_line(shell, "s", ["Ada"]) == ["/bin/sh", "-c", "echo hello", "Ada"]


def test_pid1_reads_the_kernels_nul_separated_command_line_as_root():
    container = Container({"cat": "/bin/sh\0-c\0/server.sh | tee /tmp/log\0"})
    assert pid1(container) == "/bin/sh -c /server.sh | tee /tmp/log"
    assert container.execs == [(["cat", "/proc/1/cmdline"], "0")]


def test_processes_drop_busyboxs_name_in_braces_and_ps_itself():
    table = ("PID   USER     COMMAND\n    1 root     {server.sh} /bin/sh /server.sh\n"
             "    7 learner  sleep 1\n   12 root     ps -o pid,user,args\n")
    assert processes(Container({"ps": table})) == [(1, "root", "/bin/sh /server.sh"),
                                                   (7, "learner", "sleep 1")]


def test_the_uid_is_the_real_uid_of_pid1():
    status = "Name:\tsleep\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n"
    assert process_uid(Container({"cat": status})) == 1000
    with pytest.raises(ValueError):
        process_uid(Container({"cat": "Name:\tsleep\n"}))


def test_a_stop_that_needed_sigkill_says_so():
    killed = StopTiming(2.04, KILLED, 2)
    assert killed.killed and "killed with SIGKILL after the timeout" in str(killed)
    assert "2.0 s (timeout 2 s)" in str(killed)
    clean = StopTiming(0.12, 0, 2)
    assert not clean.killed and "exited on SIGTERM, exit code 0" in str(clean)


def test_a_timeline_records_changes_only_and_stops_at_the_wanted_status():
    starting = {"Status": "starting", "Log": []}
    healthy = {"Status": "healthy", "Log": [{"ExitCode": 0, "Output": ""}]}
    container = Container(healths=[starting, starting, starting, healthy, healthy])
    timeline = health_timeline(container, 5, poll=0)
    assert timeline.statuses == ["starting", "healthy"]
    assert timeline.final == "healthy" and timeline.seconds_to("healthy") is not None
    assert len(container.healths) == 1  # it stopped polling once healthy


def test_a_timeline_without_a_healthcheck_is_empty_status():
    timeline = health_timeline(Container(), 0, poll=0)
    assert timeline.statuses == [""] and timeline.last_output() == ""


def test_a_timeline_shows_each_status_with_its_time():
    timeline = HealthTimeline([(0.0, "starting"), (3.2, "unhealthy")],
                              [{"ExitCode": 1, "Output": "no file\n"}])
    assert str(timeline) == "starting (0.0 s) -> unhealthy (3.2 s)"
    assert timeline.last_output() == "no file" and timeline.seconds_to("healthy") is None


def test_healthcheck_durations_in_seconds():
    image = client(Healthcheck={"Test": ["CMD-SHELL", "test -f /tmp/ready"],
                                "Interval": 1_000_000_000, "Timeout": 500_000_000,
                                "Retries": 2})
    assert healthcheck(image, "h") == {"test": ["CMD-SHELL", "test -f /tmp/ready"],
                                       "interval": 1.0, "timeout": 0.5, "retries": 2}
    assert healthcheck(client(), "none") == {"test": None}


def test_environment_is_env_only_values_may_hold_equals_signs():
    image = client(Env=["PATH=/bin", "OPTS=a=b"])
    assert environment(image, "e") == {"PATH": "/bin", "OPTS": "a=b"}
    assert environment(client(Env=None), "e") == {}


def test_attempts_runs_one_script_and_names_each_answer():
    seen = {}

    def run(script, image, **options):
        seen.update(script=script, image=image, options=options)
        return "refused: touch: /etc/x: Permission denied\nallowed\n"

    lab = SimpleNamespace(run=run)
    result = attempts(lab, "u:1", {"write /etc": "touch /etc/x", "write /tmp": "touch /tmp/x"},
                      user="1000")
    assert result == {"write /etc": "refused: touch: /etc/x: Permission denied",
                      "write /tmp": "allowed"}
    assert seen["script"].count("if out=$(") == 2 and seen["options"] == {"user": "1000"}
