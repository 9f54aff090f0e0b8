"""Mistakes learners make when they build the message-of-the-day image."""

from dockerlab.images import build

TAG = "my/motd:1"


def _build(lab, dockerfile, files=None):
    return build(lab, f"FROM {lab.base_image}\n" + dockerfile, files, tag=TAG)


def touch_and_echo(lab):
    _build(lab, 'RUN touch /motd.txt\nCMD ["echo", "layers are read-only"]\n')
    return TAG


def copies_the_file_but_echoes(lab):
    _build(lab, 'COPY motd.txt /motd.txt\nCMD ["echo", "layers are read-only"]\n',
           {"motd.txt": "layers are read-only\n"})
    return TAG


def two_layers(lab):
    # (a RUN that changes nothing, such as a chmod to the mode the file has, adds no layer on
    # the containerd image store: this one moves the file, a real second change)
    _build(lab, "COPY motd.txt /tmp/motd.txt\nRUN mv /tmp/motd.txt /motd.txt\n"
           'CMD ["cat", "/motd.txt"]\n', {"motd.txt": "layers are read-only\n"})
    return TAG


def no_newline_in_the_file(lab):
    _build(lab, 'COPY motd.txt /motd.txt\nCMD ["cat", "/motd.txt"]\n',
           {"motd.txt": "layers are read-only"})
    return TAG


def forgot_the_cmd(lab):
    _build(lab, "COPY motd.txt /motd.txt\n", {"motd.txt": "layers are read-only\n"})
    return TAG


def returns_the_image_id(lab):
    result = _build(lab, 'COPY motd.txt /motd.txt\nCMD ["cat", "/motd.txt"]\n',
                    {"motd.txt": "layers are read-only\n"})
    return result.image_id


MISTAKES = {
    "touch_and_echo": r"empty \(touch",
    "copies_the_file_but_echoes": r"does not read the file",
    "two_layers": r"adds 2 layers",
    "no_newline_in_the_file": r"lacks the newline",
    "forgot_the_cmd": r"default command \(CMD\)",
    "returns_the_image_id": r"returned the image's ID",
}
