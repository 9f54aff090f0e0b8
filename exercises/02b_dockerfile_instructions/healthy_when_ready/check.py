"""A HEALTHCHECK that turns healthy when the app is ready, and not before."""

from dockerlab.checker import expect
from dockerlab.errors import DockerLabError
from dockerlab.images import build
from dockerlab.images.instructions import health_timeline, image_config

TITLE = "Healthy when ready"
FUNCTION = "healthcheck_dockerfile"
TAG = "exercise/healthy:1"
WAIT = 15  # seconds for the ready container to turn healthy (generous: shared machines)
HINTS = [
    "A HEALTHCHECK is a command the engine runs inside the running container, again and "
    "again: exit code 0 means healthy, anything else counts as a failure. The status starts "
    "as `starting`; `docker inspect --format '{{.State.Health.Status}}'` shows it.",
    "Add one `HEALTHCHECK [options] CMD <command>` line: the command must succeed only when "
    "/tmp/ready exists, and `--interval` says how often it runs (30 s by default: the first "
    "check only runs after one interval).",
    "`HEALTHCHECK --interval=1s CMD test ...`: busybox's `test -f FILE` succeeds when FILE "
    "exists.",
]


def _build(lab, answer: str) -> None:
    try:
        build(lab, answer, tag=TAG)
    except DockerLabError as error:
        expect(False, f"Your Dockerfile does not build: {error.message}")


def _test_of(lab) -> list:
    test = (image_config(lab.client, TAG).get("Healthcheck") or {}).get("Test") or []
    expect(test and test != ["NONE"], "The image has no HEALTHCHECK: a RUN step runs once, at "
           "build time; the engine checks a running container only with HEALTHCHECK.")
    return test


def _not_healthy_reason(test: list, timeline) -> str:
    if test[0] == "CMD" and len(test) == 2 and " " in test[1]:
        return (f"Your check is in exec form with one string ({test[1]!r}): the engine looks "
                "for a program of that whole name. Give each word its own string, or write "
                "the shell form `CMD test -f ...`.")
    if not timeline.log:
        return (f"No health check ran within {WAIT} seconds, so the status stayed "
                f"{timeline.final!r}: the first check runs one --interval after the start "
                "(30 s by default). Set `--interval=1s`.")
    last = timeline.log[-1]
    return (f"Your health check never succeeded although the app was ready (status "
            f"{timeline.final!r}): its last run exited {last.get('ExitCode')} and printed "
            f"{(last.get('Output') or '').strip()!r}. Test the file the app creates.")


def check(lab, answer):
    expect(isinstance(answer, str) and "FROM" in answer.upper(),
           "Return the Dockerfile's text (a string starting with FROM).")
    _build(lab, answer)
    test = _test_of(lab)
    ready = lab.start(None, image=TAG)
    never = lab.start(None, image=TAG, environment={"READY_AFTER": "3600"})
    timeline = health_timeline(ready, WAIT)
    expect(timeline.final == "healthy", _not_healthy_reason(test, timeline))
    waiting = health_timeline(never, 3, until=())
    expect("healthy" not in waiting.statuses, "A container whose app is not ready yet (no "
           "/tmp/ready) was reported healthy: your check succeeds before the app is ready. "
           "Make it test /tmp/ready.")
