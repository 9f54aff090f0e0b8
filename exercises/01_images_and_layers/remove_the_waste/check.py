"""Remove the wasted bytes from a Dockerfile: delete in the same layer you create."""

from dockerlab.checker import expect
from dockerlab.errors import DockerLabError
from dockerlab.images.builder import build
from dockerlab.images.layers import human_size, read_image

TITLE = "Ship no wasted bytes"
FUNCTION = "dockerfile_without_waste"
HINTS = [
    "A file deleted by a later RUN still ships in the layer that created it. The delete has "
    "to happen in the SAME layer as the download.",
    "Join the three RUN lines into one with `&&` (a backslash at the end of a line continues "
    "it). Keep the CMD as it is.",
]


def check(lab, answer):
    expect(isinstance(answer, str) and "FROM" in answer.upper(),
           "Return the Dockerfile's text (a string starting with FROM).")
    try:
        result = build(lab, answer, tag="exercise/no-waste:1", network_mode="none")
        image = read_image(lab.client, "exercise/no-waste:1")
    except DockerLabError as error:
        expect(False, f"Your Dockerfile does not build: {error.message}")
    data = image.merged.get("opt/tool/data")
    expect(data is not None and data.entry.size == 1000,
           "The image should still hold /opt/tool/data, exactly 1000 bytes.")
    expect(image.config.cmd == ["ls", "-l", "/opt/tool"],
           "Keep the default command: CMD [\"ls\", \"-l\", \"/opt/tool\"].")
    waste = image.waste()
    expect(waste.own_bytes == 0,
           f"Your layers still ship {human_size(waste.own_bytes)} of wasted bytes: "
           + (waste.files[0].reason if waste.files else ""))
    expect(result.image_id, "The build produced no image.")
