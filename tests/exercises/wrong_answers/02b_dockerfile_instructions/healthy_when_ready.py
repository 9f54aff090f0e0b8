"""Mistakes learners make when they write their first HEALTHCHECK."""

APP = ('ENV READY_AFTER=2\n'
       'CMD ["sh", "-c", "sleep $READY_AFTER && touch /tmp/ready && exec sleep 300"]\n')


def always_true(lab):
    return f"FROM {lab.base_image}\n{APP}HEALTHCHECK --interval=1s CMD true\n"


def default_interval(lab):
    return f"FROM {lab.base_image}\n{APP}HEALTHCHECK CMD test -f /tmp/ready\n"


def wrong_file(lab):
    return f"FROM {lab.base_image}\n{APP}HEALTHCHECK --interval=1s CMD test -f /ready\n"


def one_string_exec_form(lab):
    return f'FROM {lab.base_image}\n{APP}HEALTHCHECK --interval=1s CMD ["test -f /tmp/ready"]\n'


def run_instead_of_healthcheck(lab):
    return f"FROM {lab.base_image}\n{APP}RUN test -f /tmp/ready || echo not ready yet\n"


MISTAKES = {
    "always_true": r"succeeds before the app is ready",
    "default_interval": r"--interval",
    "wrong_file": r"never succeeded",
    "one_string_exec_form": r"exec form with one string",
    "run_instead_of_healthcheck": r"no HEALTHCHECK",
}
