"""Plausible mistakes for 02/build_on_your_own_base."""


def app_from_busybox_not_the_base(lab):
    from dockerlab.images import build

    build(lab, "FROM dockerlab/busybox\nRUN echo platform > /etc/team\n", tag="my/base:1")
    build(lab, 'FROM dockerlab/busybox\nCOPY hello.sh /app/hello.sh\nCMD ["sh", "/app/hello.sh"]\n',
          {"hello.sh": "echo hello\n"}, tag="my/app:1")
    return ("my/base:1", "my/app:1")


def two_layers_in_the_app(lab):
    from dockerlab.images import build

    build(lab, "FROM dockerlab/busybox\nRUN echo platform > /etc/team\n", tag="my/base:1")
    build(lab, "FROM my/base:1\nCOPY hello.sh /app/hello.sh\nRUN chmod +x /app/hello.sh\n"
               'CMD ["sh", "/app/hello.sh"]\n', {"hello.sh": "echo hello\n"}, tag="my/app:1")
    return ("my/base:1", "my/app:1")


def no_default_command(lab):
    from dockerlab.images import build

    build(lab, "FROM dockerlab/busybox\nRUN echo platform > /etc/team\n", tag="my/base:1")
    build(lab, "FROM my/base:1\nCOPY hello.sh /app/hello.sh\n", {"hello.sh": "echo hello\n"},
          tag="my/app:1")
    return ("my/base:1", "my/app:1")


def team_file_without_its_line(lab):
    from dockerlab.images import build

    build(lab, "FROM dockerlab/busybox\nRUN touch /etc/team\n", tag="my/base:1")
    build(lab, 'FROM my/base:1\nCOPY hello.sh /app/hello.sh\nCMD ["sh", "/app/hello.sh"]\n',
          {"hello.sh": "echo hello\n"}, tag="my/app:1")
    return ("my/base:1", "my/app:1")


MISTAKES = {
    "app_from_busybox_not_the_base": r"does not start with the base image's layers",
    "two_layers_in_the_app": r"exactly one layer",
    "no_default_command": r"no command should print `hello`",
    "team_file_without_its_line": r"/etc/team should hold the line `platform`",
}
