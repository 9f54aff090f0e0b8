"""An ENTRYPOINT + CMD pair: `docker run IMAGE arg` replaces the CMD, never the ENTRYPOINT."""

from dockerlab.checker import expect
from dockerlab.errors import DockerLabError
from dockerlab.images import build
from dockerlab.images.instructions import image_config

TITLE = "A greeter: ENTRYPOINT and CMD together"
FUNCTION = "greeter_dockerfile"
TAG = "exercise/greeter:1"
HINTS = [
    "`docker run IMAGE ARGS...` starts ENTRYPOINT + ARGS; without ARGS it starts "
    "ENTRYPOINT + CMD. So the part that must always run goes in ENTRYPOINT, and the default "
    "that an argument replaces goes in CMD.",
    "Two lines after FROM: an `ENTRYPOINT` holding the program and its fixed word, a `CMD` "
    "holding the default name. Write both in exec form (JSON lists): the shell form "
    "`ENTRYPOINT echo ...` runs `/bin/sh -c` and ignores CMD and every argument.",
    "ENTRYPOINT [\"echo\", ...] with the greeting, CMD [...] with only the name: the check "
    "runs the image once with no argument and once with `Ada`.",
]


def _output(lab, args) -> str:
    try:
        return lab.run(args, image=TAG)
    except DockerLabError as error:
        return f"(error) {error.message}"


def _diagnose(config: dict, default: str, with_arg: str) -> str:
    entrypoint, cmd = config.get("Entrypoint") or [], config.get("Cmd") or []
    if not entrypoint:
        return ("There is no ENTRYPOINT, only a CMD: `docker run IMAGE Ada` replaces the whole "
                f"CMD, so the engine tried to run `Ada` as a program ({with_arg.strip()}). "
                "Put the fixed part (echo hello) in ENTRYPOINT.")
    if entrypoint[:2] == ["/bin/sh", "-c"] and len(entrypoint) == 3:
        return ("Your ENTRYPOINT is in shell form (it became /bin/sh -c ...): the shell ignores "
                "CMD and the arguments of docker run, so `docker run IMAGE Ada` printed "
                f"{with_arg!r}. Write it in exec form, a JSON list.")
    if cmd[:2] == ["/bin/sh", "-c"]:
        return ("Your CMD is in shell form, so it became `/bin/sh -c ...` and those words were "
                f"passed to the entrypoint ({default!r}). Write CMD in exec form, a JSON list.")
    if with_arg.strip().endswith("world Ada"):
        return ("`docker run IMAGE Ada` printed 'hello world Ada': `world` is in the "
                "ENTRYPOINT, so it is always there. The default name belongs in CMD, the part "
                "an argument replaces.")
    return (f"`docker run IMAGE` printed {default!r} and `docker run IMAGE Ada` printed "
            f"{with_arg!r}; expected 'hello world' and 'hello Ada'.")


def check(lab, answer):
    expect(isinstance(answer, str) and "FROM" in answer.upper(),
           "Return the Dockerfile's text (a string starting with FROM).")
    try:
        build(lab, answer, tag=TAG)
    except DockerLabError as error:
        expect(False, f"Your Dockerfile does not build: {error.message}")
    default, with_arg = _output(lab, None), _output(lab, ["Ada"])
    expect(default == "hello world\n" and with_arg == "hello Ada\n",
           _diagnose(image_config(lab.client, TAG), default, with_arg))
