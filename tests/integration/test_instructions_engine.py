"""Dockerfile instructions read back from the engine (dockerlab.images.instructions)."""

from dockerlab.images import build
from dockerlab.images.instructions import (
    KILLED,
    command_line,
    environment,
    health_timeline,
    healthcheck,
    pid1,
    process_uid,
    processes,
    timed_stop,
    wait_for_output,
)

SERVER = ("trap 'echo got SIGTERM; exit 0' TERM\necho ready\n"
          "while true; do sleep 1 & wait $!; done\n")


def _server_image(lab, entrypoint: str, tag: str) -> str:
    build(lab, f"FROM {lab.base_image}\nCOPY server.sh /server.sh\nRUN chmod +x /server.sh\n"
               f"ENTRYPOINT {entrypoint}\n", {"server.sh": "#!/bin/sh\n" + SERVER}, tag=tag)
    return tag


def test_exec_form_gets_sigterm_and_shell_form_is_killed(lab):
    exec_form = lab.start(None, image=_server_image(lab, '["/server.sh"]', "t/exec:1"))
    shell_form = lab.start(None, image=_server_image(lab, "/server.sh | tee /tmp/log",
                                                     "t/shell:1"))
    assert wait_for_output(exec_form, "ready") and wait_for_output(shell_form, "ready")
    assert pid1(exec_form) == "/bin/sh /server.sh"
    assert pid1(shell_form) == "/bin/sh -c /server.sh | tee /tmp/log"
    assert [args for _, _, args in processes(shell_form)][:2] == [
        "/bin/sh -c /server.sh | tee /tmp/log", "/bin/sh /server.sh"]
    fast, slow = timed_stop(exec_form, timeout=3), timed_stop(shell_form, timeout=3)
    assert (fast.exit_code, fast.killed) == (0, False) and fast.seconds < 2.5
    assert "got SIGTERM" in exec_form.logs().decode()
    assert (slow.exit_code, slow.killed) == (KILLED, True) and slow.seconds >= 3
    assert "got SIGTERM" not in shell_form.logs().decode()


def test_a_shell_form_of_one_command_is_replaced_by_it(lab):
    single = lab.start(None, image=_server_image(lab, "/server.sh", "t/single:1"))
    assert wait_for_output(single, "ready")
    assert pid1(single) == "/bin/sh /server.sh"  # busybox's sh ran `exec /server.sh`
    assert timed_stop(single, timeout=3).exit_code == 0


def test_entrypoint_and_cmd_make_one_command_line(lab):
    build(lab, f'FROM {lab.base_image}\nENTRYPOINT ["echo", "hello"]\nCMD ["world"]\n',
          tag="t/greet:1")
    assert command_line(lab.client, "t/greet:1") == ["echo", "hello", "world"]
    assert command_line(lab.client, "t/greet:1", ["Ada"]) == ["echo", "hello", "Ada"]
    assert lab.run(None, image="t/greet:1") == "hello world\n"
    assert lab.run(["Ada"], image="t/greet:1") == "hello Ada\n"


def test_user_runs_the_process_as_that_uid(lab):
    build(lab, f"FROM {lab.base_image}\nUSER learner\nCMD [\"sleep\", \"30\"]\n",
          tag="t/user:1")
    container = lab.start(None, image="t/user:1")
    assert process_uid(container) == 1000
    assert lab.run("id -u; touch /x 2>&1 || true", image="t/user:1").startswith("1000\n")
    container.remove(force=True)


def test_health_goes_from_starting_to_healthy_and_unhealthy(lab):
    build(lab, f"FROM {lab.base_image}\nHEALTHCHECK --interval=1s --timeout=1s "
               "CMD test -f /tmp/ready\n"
               'CMD ["sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 60"]\n', tag="t/ok:1")
    build(lab, f"FROM {lab.base_image}\nHEALTHCHECK --interval=1s --timeout=1s --retries=2 "
               'CMD test -f /tmp/ready\nCMD ["sleep", "60"]\n', tag="t/bad:1")
    assert healthcheck(lab.client, "t/ok:1")["interval"] == 1.0
    good = lab.start(None, image="t/ok:1")
    assert health_timeline(good, 20).statuses == ["starting", "healthy"]
    bad = lab.start(None, image="t/bad:1")  # started now: watched from its start, not 3 s late
    timeline = health_timeline(bad, 20, until=("unhealthy",))
    assert timeline.statuses == ["starting", "unhealthy"]
    assert timeline.log[-1]["ExitCode"] == 1


def test_arg_is_gone_at_run_time_and_env_stays(lab):
    build(lab, f"FROM {lab.base_image}\nARG FLAVOUR=vanilla\nENV GREETING=hello\n"
               "RUN echo \"$FLAVOUR $GREETING\" > /built.txt\n", tag="t/argenv:1")
    assert lab.run("cat /built.txt", image="t/argenv:1") == "vanilla hello\n"
    assert lab.run('echo "[$FLAVOUR] [$GREETING]"', image="t/argenv:1") == "[] [hello]\n"
    assert environment(lab.client, "t/argenv:1")["GREETING"] == "hello"
    assert "FLAVOUR" not in environment(lab.client, "t/argenv:1")
