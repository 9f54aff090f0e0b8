"""Build an image whose default command prints a file, adding a single layer."""

from dockerlab.checker import expect
from dockerlab.errors import DockerLabError
from dockerlab.images.layers import read_image

TITLE = "A message of the day, in one layer"
FUNCTION = "build_motd_image"
HINTS = [
    "Three instructions are enough: FROM the base image, one instruction that puts the file "
    "in the image, and CMD to make `cat /motd.txt` the default command.",
    "COPY makes one layer from a file of the build context: pass "
    "`{'motd.txt': 'layers are read-only\\n'}` as the files. CMD, ENV, LABEL... change only "
    "settings and add no layer (WORKDIR does, when its directory does not exist yet).",
    "Dockerfile: `FROM dockerlab/busybox`, `COPY motd.txt /motd.txt`, "
    "`CMD [\"cat\", \"/motd.txt\"]`; then `build(lab, dockerfile, files, tag='my/motd:1')`.",
]


def check(lab, answer):
    expect(isinstance(answer, str) and answer, "Return the tag of the image you built, a string.")
    try:
        image = read_image(lab.client, answer)
    except DockerLabError as error:
        expect(False, f"The kit cannot read the image '{answer}': {error.message}")
    expect(answer in [tag for i in lab.images() for tag in i.tags] or
           f"{answer}:latest" in [tag for i in lab.images() for tag in i.tags],
           "That image was not built by your function (build it inside the function).")
    output = lab.run([], image=answer)
    expect(output == "layers are read-only\n",
           f"Running the image with no command printed {output!r}: the default command should "
           "print /motd.txt, which holds the line `layers are read-only`.")
    expect("motd.txt" in image.merged, "The image has no /motd.txt.")
    own = len(image.own_layers)
    expect(own <= 1, f"Your image adds {own} layers to the base image; one is enough "
           "(each RUN, COPY or ADD makes a layer, and so does a WORKDIR that creates its "
           "directory).")
