"""Mistakes learners make when they stop a container."""


def _sleeper(lab, seconds="300"):
    return lab.client.containers.run(lab.base_image, ["sleep", seconds], detach=True)


def never_stopped(lab):
    return _sleeper(lab)


def killed_it(lab):
    container = _sleeper(lab)
    container.kill()
    container.wait()
    return container


def paused_it(lab):
    container = _sleeper(lab)
    container.pause()
    return container


def stopped_and_removed_it(lab):
    container = _sleeper(lab)
    container.stop(timeout=1)
    container.remove()
    return container


def waited_for_a_short_sleep(lab):
    container = _sleeper(lab, "1")
    container.wait()
    return container


MISTAKES = {
    "never_stopped": r"still running",
    "killed_it": r"You killed it",
    "paused_it": r"paused",
    "stopped_and_removed_it": r"was it removed",
    "waited_for_a_short_sleep": r"not `sleep 300`",
}
