"""Mistakes learners make when they pair ENTRYPOINT and CMD."""


def cmd_only(lab):
    return f'FROM {lab.base_image}\nCMD ["echo", "hello", "world"]\n'


def shell_form_entrypoint(lab):
    return f'FROM {lab.base_image}\nENTRYPOINT echo hello\nCMD ["world"]\n'


def everything_in_the_entrypoint(lab):
    return f'FROM {lab.base_image}\nENTRYPOINT ["echo", "hello", "world"]\n'


def shell_form_cmd(lab):
    return f'FROM {lab.base_image}\nENTRYPOINT ["echo", "hello"]\nCMD world\n'


MISTAKES = {
    "cmd_only": r"no ENTRYPOINT, only a CMD",
    "shell_form_entrypoint": r"ENTRYPOINT is in shell form",
    "everything_in_the_entrypoint": r"`world` is in the ENTRYPOINT",
    "shell_form_cmd": r"CMD is in shell form",
}
