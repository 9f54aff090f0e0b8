"""Run your first container, and find it again in the engine."""

from dockerlab.checker import expect

TITLE = "Your first container"
FUNCTION = "run_first_container"
HINTS = [
    "`lab.client.containers.run(image, command)` returns the output; with `detach=True` it "
    "returns a Container object instead, which is what this exercise wants back.",
    "A detached container keeps running on its own: `container.wait()` blocks until it exits. "
    "The command can be a list: `['echo', 'hello, dockerlab']`.",
]


def check(lab, answer):
    expect(answer is not None and hasattr(answer, "reload"),
           "Return the Container object (run it with detach=True), not its output.")
    containers = {c.id: c for c in lab.containers()}
    expect(answer.id in containers,
           "The engine has no container from your session with that ID: was it removed? "
           "Do not pass remove=True.")
    container = containers[answer.id]
    expect(lab.base_image in container.image.tags,
           f"The container should run the kit's image {lab.base_image}.")
    expect(container.status == "exited",
           "The container is still running: wait for it to finish before returning it.")
    expect(container.attrs["State"]["ExitCode"] == 0,
           f"The container exited with status {container.attrs['State']['ExitCode']}, not 0.")
    output = container.logs().decode(errors="replace")
    expect(output == "hello, dockerlab\n",
           f"The container printed {output!r}; it should print exactly 'hello, dockerlab'.")
