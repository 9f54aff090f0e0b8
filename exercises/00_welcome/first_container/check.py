"""Run your first container, and find it again in the engine."""

from dockerlab.checker import expect

TITLE = "Your first container"
FUNCTION = "run_first_container"
HINTS = [
    "A container is an instance of an image: `docker run` creates it and starts it, and with "
    "`-d` (detached) you get the container back instead of its output.",
    "Look at `lab.client.containers.run(image, command, ...)`: the image is `lab.base_image`, "
    "the command a list, and `detach=True` makes it return a Container object. A detached "
    "container runs on its own: `container.wait()` blocks until it has exited.",
    "`container = lab.client.containers.run(lab.base_image, ['echo', ...], detach=True)`, then "
    "wait for it and return `container` (not its output, not its ID, not what wait() returns).",
]


def _returned_something_else(answer) -> str | None:
    if isinstance(answer, bytes):
        return ("You returned the container's output (bytes): run it with detach=True and "
                "return the Container object.")
    if isinstance(answer, str):
        return ("You returned a string (an ID or an output?): return the Container object "
                "itself.")
    if isinstance(answer, dict) and "StatusCode" in answer:
        return ("You returned what container.wait() returns (the exit status): return the "
                "container itself.")
    if answer is None or not hasattr(answer, "reload"):
        return "Return the Container object (run it with detach=True), not its output."
    return None


def check(lab, answer):
    wrong = _returned_something_else(answer)
    expect(wrong is None, wrong)
    containers = {c.id: c for c in lab.containers()}
    expect(answer.id in containers,
           "The engine has no container from your session with that ID: was it removed? "
           "Do not pass remove=True, and do not call container.remove().")
    container = containers[answer.id]
    expect(lab.base_image in container.image.tags,
           f"The container should run the kit's image {lab.base_image}.")
    expect(container.status == "exited",
           f"The container is {container.status}: wait for it to finish before returning it.")
    code = container.attrs["State"]["ExitCode"]
    expect(code == 0, f"The container exited with status {code}, not 0.")
    output = container.logs().decode(errors="replace")
    expect(output.strip() == "hello, dockerlab",
           f"The container printed {output!r}; it should print exactly 'hello, dockerlab' "
           "(with its comma).")
    expect(output.endswith("\n"), "The output lacks its newline: echo -n leaves it out; a "
           "line ends with one.")
