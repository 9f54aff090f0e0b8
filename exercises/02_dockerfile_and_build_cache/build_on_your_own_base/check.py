"""Build an image FROM an image you built: the child reuses the parent's layers."""

from dockerlab.checker import expect
from dockerlab.errors import DockerLabError
from dockerlab.images.layers import read_image

TITLE = "An image built on your own base image"
FUNCTION = "build_base_and_app"
HINTS = [
    "Two builds: the first Dockerfile starts FROM dockerlab/busybox, the second one "
    "FROM my/base:1 (the tag of the first).",
    "Tag the first build (`tag=\"my/base:1\"`) and use that tag, not dockerlab/busybox, in "
    "the second Dockerfile's FROM line.",
    "Base: `RUN echo platform > /etc/team`. App: `COPY hello.sh /app/hello.sh` with the "
    "file `{'hello.sh': 'echo hello\\n'}` and `CMD [\"sh\", \"/app/hello.sh\"]`.",
]


def check(lab, answer):
    expect(isinstance(answer, tuple) and len(answer) == 2,
           "Return a tuple of two tags: (base tag, app tag).")
    base_tag, app_tag = answer
    try:
        base = read_image(lab.client, base_tag)
        app = read_image(lab.client, app_tag)
    except DockerLabError as error:
        expect(False, f"The kit cannot read your images: {error.message}")
    expect(lab.run("cat /etc/team", image=base_tag) == "platform\n",
           "The base image's /etc/team should hold the line `platform`.")
    expect(app.diff_ids[:len(base.diff_ids)] == base.diff_ids,
           "The app image does not start with the base image's layers: build it FROM your "
           "base image's tag.")
    expect(len(app.layers) == len(base.layers) + 1,
           f"The app image should add exactly one layer to the base (it adds "
           f"{len(app.layers) - len(base.layers)}).")
    try:
        output = lab.run([], image=app_tag)
    except DockerLabError:
        output = None
    expect(output == "hello\n",
           "Running the app image with no command should print `hello`.")
    expect(lab.run("cat /etc/team", image=app_tag) == "platform\n",
           "The app image should see the base image's /etc/team.")
