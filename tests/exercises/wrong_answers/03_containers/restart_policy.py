"""Mistakes learners make with a restart policy."""

CRASH_ONCE = ("if [ -e /tmp/crashed ]; then sleep 3600; "
              "else touch /tmp/crashed; exit 1; fi")
ON_FAILURE = {"Name": "on-failure", "MaximumRetryCount": 3}


def _start(lab, command, policy=None):
    options = {"restart_policy": policy} if policy else {}
    return lab.client.containers.run(lab.base_image, ["sh", "-c", command], detach=True,
                                     **options)


def no_restart_policy(lab):
    return _start(lab, CRASH_ONCE)


def crashes_every_time(lab):
    return _start(lab, "echo starting; exit 1", ON_FAILURE)


def a_clean_exit_restarted_by_always(lab):
    return _start(lab, "if [ -e /tmp/done ]; then sleep 3600; else touch /tmp/done; exit 0; fi",
                  {"Name": "always"})


def never_crashes(lab):
    return _start(lab, "sleep 3600", ON_FAILURE)


MISTAKES = {
    "no_restart_policy": r"restart policy is 'no'",
    "crashes_every_time": r"crashes every time",
    "a_clean_exit_restarted_by_always": r"exit code 0: that is a clean exit",
    "never_crashes": r"never exited",
}
