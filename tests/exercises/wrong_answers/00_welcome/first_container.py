"""Mistakes learners make in their first container."""


def returns_the_output(lab):
    return lab.client.containers.run(lab.base_image, ["echo", "hello, dockerlab"])


def removed_it(lab):
    container = lab.client.containers.run(lab.base_image, ["echo", "hello, dockerlab"],
                                          detach=True)
    container.wait()
    container.remove()
    return container


def returns_the_id(lab):
    container = lab.client.containers.run(lab.base_image, ["echo", "hello, dockerlab"],
                                          detach=True)
    container.wait()
    return container.id


def returns_what_wait_returns(lab):
    container = lab.client.containers.run(lab.base_image, ["echo", "hello, dockerlab"],
                                          detach=True)
    return container.wait()


def forgot_the_comma(lab):
    container = lab.client.containers.run(lab.base_image, ["echo", "hello dockerlab"],
                                          detach=True)
    container.wait()
    return container


def no_newline(lab):
    container = lab.client.containers.run(lab.base_image, ["echo", "-n", "hello, dockerlab"],
                                          detach=True)
    container.wait()
    return container


MISTAKES = {
    "returns_the_output": r"returned the container's output",
    "removed_it": r"was it removed",
    "returns_the_id": r"returned a string",
    "returns_what_wait_returns": r"what container\.wait\(\) returns",
    "forgot_the_comma": r"printed 'hello dockerlab.*comma",
    "no_newline": r"newline",
}
