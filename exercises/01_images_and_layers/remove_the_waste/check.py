"""Remove the wasted bytes from a Dockerfile: delete in the same layer you create."""

from pathlib import Path

from dockerlab.checker import expect, load_function
from dockerlab.errors import DockerLabError
from dockerlab.images.builder import build
from dockerlab.images.layers import human_size, read_image

TITLE = "Ship no wasted bytes"
FUNCTION = "dockerfile_without_waste"
HINTS = [
    "Layers are saved one instruction at a time, and a saved layer never changes: a file "
    "deleted by a later RUN still ships in the layer that created it. Deleting it only "
    "hides it; not deleting it at all ships it too.",
    "Look at the three RUN lines: the download is created by the first and deleted by the "
    "third, so the first layer keeps all 3 MB. The delete has to happen in the SAME layer "
    "(the same RUN) as the download.",
    "Join the RUN lines into one: `RUN dd ... && mkdir -p /opt/tool && head ... && rm "
    "/tmp/download` (end a line with a backslash to continue it). Keep FROM and CMD as they "
    "are.",
]

TAG = "exercise/no-waste:1"
SLACK = 16 * 1024  # directories and tar headers may differ between builders


def _build(lab, dockerfile, tag):
    try:
        build(lab, dockerfile, tag=tag, network_mode="none")
        return read_image(lab.client, tag)
    except DockerLabError as error:
        expect(False, f"Your Dockerfile does not build: {error.message}")


def _own_bytes(image) -> int:
    return sum(layer.size for layer in image.own_layers)


def _solution_bytes(lab) -> int:
    solution = load_function(Path(__file__).with_name("solution.py"), FUNCTION)
    return _own_bytes(_build(lab, solution(lab), "exercise/no-waste-solution:1"))


def check(lab, answer):
    expect(isinstance(answer, str) and "FROM" in answer.upper(),
           "Return the Dockerfile's text (a string starting with FROM).")
    image = _build(lab, answer, TAG)
    data = image.merged.get("opt/tool/data")
    expect(data is not None and data.entry.size == 1000,
           "The image should still hold /opt/tool/data, exactly 1000 bytes.")
    expect(image.config.cmd == ["ls", "-l", "/opt/tool"],
           "Keep the default command: CMD [\"ls\", \"-l\", \"/opt/tool\"].")
    waste = image.waste()
    expect(waste.own_bytes == 0,
           f"Your layers still ship {human_size(waste.own_bytes)} of wasted bytes: "
           + (waste.files[0].reason if waste.files else "")
           + " A file deleted by a later RUN still ships in an earlier layer.")
    left = image.merged.get("tmp/download")
    expect(left is None, f"/tmp/download ({human_size(left.entry.size if left else 0)}) is "
           "still in the image: nothing deletes it, so it ships. Delete it in the RUN that "
           "downloads it.")
    own, needed = _own_bytes(image), _solution_bytes(lab)
    expect(own <= needed + SLACK,
           f"Your layers hold {human_size(own)} of files; the solution's hold "
           f"{human_size(needed)}: something of the download still ships.")
