"""A .dockerignore keeps a large file out of the build context (and out of the image)."""

import os
import secrets

from dockerlab.checker import expect
from dockerlab.errors import DockerLabError
from dockerlab.images.builder import build
from dockerlab.images.text import human_size

TITLE = "Keep a large file out of the build context"
FUNCTION = "dockerignore_text"
DOCKERFILE = 'FROM dockerlab/busybox\nWORKDIR /app\nCOPY . /app\nCMD ["sh", "/app/app.sh"]\n'
VIDEO = 2_000_000
HINTS = [
    "The build context is every file of the project directory, sent to the engine before any "
    "step runs; .dockerignore lists what to leave out, one pattern per line.",
    "A pattern is matched against the path from the context's root: `demo.mp4` only matches "
    "a file at the root, not videos/demo.mp4.",
    "Name the directory (`videos/`) or the path (`videos/demo.mp4`), and leave app.sh in: "
    "the image runs it.",
]


def check(lab, answer):
    expect(isinstance(answer, str) and answer.strip(),
           "Return the text of the .dockerignore (a string, one pattern per line).")
    greeting = f"app {secrets.token_hex(3)}"
    files = {"app.sh": f"echo {greeting}\n", "README.md": "# the project\n",
             "videos/demo.mp4": os.urandom(VIDEO), ".dockerignore": answer}
    try:
        result = build(lab, DOCKERFILE, files, tag="exercise/context:1", network_mode="none")
    except DockerLabError as error:
        expect(False, f"The build failed with your .dockerignore: {error.message}")
    listing = lab.run("find /app -type f", image="exercise/context:1")
    expect("/app/app.sh" in listing,
           "app.sh is no longer in the image, so the image cannot run it: your .dockerignore "
           "leaves out too much.")
    try:
        output = lab.run([], image="exercise/context:1").strip()
    except DockerLabError as error:
        expect(False, f"The image does not run app.sh: {error.message}")
    expect(output == greeting, f"The image printed {output!r} instead of running app.sh.")
    sent = result.context_bytes
    expect("demo.mp4" not in listing and (sent is None or sent < VIDEO // 2),
           f"videos/demo.mp4 is still in the build context ({human_size(sent or VIDEO)} sent) "
           "and in the image: patterns are matched from the root of the context, so name its "
           "directory or its full path.")
