"""Build an image whose default command prints a file, adding a single layer."""

from dockerlab.checker import default_output_with, expect, output_of
from dockerlab.errors import DockerLabError
from dockerlab.images.layers import read_image

TITLE = "A message of the day, in one layer"
FUNCTION = "build_motd_image"
HINTS = [
    "Layers: each instruction that changes files (RUN, COPY, ADD) adds one layer; the ones "
    "that change only settings (CMD, ENV, LABEL...) add none. The file's content is in the "
    "layer, the default command in the image's settings.",
    "Two parts of your code matter: the build context (the `files` argument of build(): a "
    "dict of file name to content) and the Dockerfile's instructions. COPY turns one context "
    "file into one layer; CMD sets what runs when no command is given.",
    "Put `{'motd.txt': 'layers are read-only\\n'}` in the context, COPY it to /motd.txt, and "
    "let CMD run `cat` on that file (in exec form, a JSON list). Echoing the text would not "
    "read the file.",
]

WANT = "layers are read-only\n"
PROBE = "a different message, written by the check\n"


def _image(lab, answer):
    expect(isinstance(answer, str) and answer, "Return the tag of the image you built, a string.")
    expect(not answer.startswith("sha256:"),
           "You returned the image's ID: return its tag, 'my/motd:1'.")
    try:
        image = read_image(lab.client, answer)
    except DockerLabError as error:
        expect(False, f"The kit cannot read the image '{answer}': {error.message}")
    tags = [tag for i in lab.images() for tag in i.tags]
    expect(answer in tags or f"{answer}:latest" in tags,
           "That image was not built by your function (build it inside the function).")
    return image


def _file_holds_the_line(lab, answer, image):
    expect("motd.txt" in image.merged, "The image has no /motd.txt.")
    content = output_of(lab, answer, ["cat", "/motd.txt"])
    expect(content != "", "/motd.txt is empty (touch makes an empty file): it should hold "
           "the line `layers are read-only`.")
    expect(content.strip() == WANT.strip(),
           f"/motd.txt holds {content!r}, not the line `layers are read-only`.")
    expect(content == WANT, "/motd.txt lacks the newline at the end of its line: "
           "'layers are read-only\\n'.")


def _default_command_reads_it(lab, answer):
    output = output_of(lab, answer)
    expect(output == WANT, f"Running the image with no command printed {output!r}: its "
           "default command (CMD) should print /motd.txt.")
    probe = default_output_with(lab, answer, "/motd.txt", PROBE)
    expect(probe == PROBE, "When /motd.txt holds another text, the default command still "
           "prints the same words: it does not read the file (echo prints a fixed text); "
           "make the default command print /motd.txt.")


def check(lab, answer):
    image = _image(lab, answer)
    _file_holds_the_line(lab, answer, image)
    _default_command_reads_it(lab, answer)
    own = len(image.own_layers)
    expect(own <= 1, f"Your image adds {own} layers to the base image; one is enough "
           "(each RUN, COPY or ADD makes a layer, and so does a WORKDIR that creates its "
           "directory).")
