"""A multi-stage build: build with the big toolchain, ship only the program."""

import secrets

from dockerlab.checker import expect
from dockerlab.errors import DockerLabError
from dockerlab.images.builder import build
from dockerlab.images.text import human_size

TITLE = "A small runtime image from a multi-stage build"
FUNCTION = "small_runtime_dockerfile"
LIMIT = 500 * 1000
HINTS = [
    "A multi-stage build has several FROM lines: the files of a stage reach the final image "
    "only when a later stage copies them (`COPY --from=STAGE`). Deleting the toolchain in a "
    "later RUN does not help: the layer that wrote it is still in the image.",
    "Name the first stage (`FROM dockerlab/busybox AS builder`), keep its WORKDIR, COPY and "
    "`RUN sh build.sh`, then start a second stage `FROM dockerlab/busybox`.",
    "In the second stage copy only the program, `COPY --from=builder /src/out/hello "
    "/app/hello`, and give it a CMD that runs that path with sh.",
]
BUILD_SH = ("head -c 2000000 /dev/urandom > toolchain\n"
            "mkdir -p out && echo \"echo $(cat hello.txt)\" > out/hello\n")


def check(lab, answer):
    expect(isinstance(answer, str) and "FROM" in answer.upper(),
           "Return the Dockerfile's text (a string starting with FROM).")
    greeting = f"hello, small world {secrets.token_hex(3)}"
    files = {"hello.txt": greeting + "\n", "build.sh": BUILD_SH}
    try:
        build(lab, answer, files, tag="exercise/small:1", network_mode="none")
    except DockerLabError as error:
        expect(False, f"Your Dockerfile does not build: {error.message}")
    api = lab.client.api
    extra = api.inspect_image("exercise/small:1")["Size"] - \
        api.inspect_image(lab.base_image)["Size"]
    try:
        output = lab.run([], image="exercise/small:1").strip()
    except DockerLabError as error:
        expect(False, f"The image does not run the program by default: {error.message}")
    expect(output == greeting, f"`docker run` of your image printed {output!r}, not the "
           "program's greeting: its CMD must run the program you copied (sh and its path).")
    expect(answer.upper().count("FROM") >= 2 and extra <= LIMIT,
           f"Your image is {human_size(extra)} larger than dockerlab/busybox (at most "
           f"{human_size(LIMIT)}): the 2 MB toolchain is still in it. Build in one stage and "
           "copy only /src/out/hello into a second stage (`COPY --from=...`).")
