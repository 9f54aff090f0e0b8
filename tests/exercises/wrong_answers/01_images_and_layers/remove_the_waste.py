"""Mistakes learners make when they try to ship no wasted bytes."""

HEAD = "FROM dockerlab/busybox\n"
DOWNLOAD = "dd if=/dev/urandom of=/tmp/download bs=1k count=3000 2>/dev/null"
CUT = "mkdir -p /opt/tool && head -c 1000 /tmp/download > /opt/tool/data"
CMD = 'CMD ["ls", "-l", "/opt/tool"]\n'


def deleted_the_rm_line(lab):
    return HEAD + f"RUN {DOWNLOAD}\nRUN {CUT}\n" + CMD


def joined_two_but_rm_stays_apart(lab):
    return HEAD + f"RUN {DOWNLOAD} \\\n && {CUT}\nRUN rm /tmp/download\n" + CMD


def returned_the_starter_dockerfile(lab):
    return HEAD + f"RUN {DOWNLOAD}\nRUN {CUT}\nRUN rm /tmp/download\n" + CMD


def dropped_the_cmd(lab):
    return HEAD + f"RUN {DOWNLOAD} \\\n && {CUT} \\\n && rm /tmp/download\n"


def forgot_mkdir(lab):
    return (HEAD + f"RUN {DOWNLOAD} \\\n && head -c 1000 /tmp/download > /opt/tool/data "
            "\\\n && rm /tmp/download\n" + CMD)


MISTAKES = {
    "deleted_the_rm_line": r"/tmp/download \(3\.1 MB\) is still in the image",
    "joined_two_but_rm_stays_apart": r"deleted by a later RUN",
    "returned_the_starter_dockerfile": r"deleted by a later RUN",
    "dropped_the_cmd": r"Keep the default command",
    "forgot_mkdir": r"does not build",
}
