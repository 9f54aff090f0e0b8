"""Plausible mistakes for 02/small_runtime_image."""


def delete_the_toolchain_later(lab):
    # One stage, the toolchain deleted in a later step: its layer still ships it
    return """\
FROM dockerlab/busybox
WORKDIR /src
COPY hello.txt build.sh ./
RUN sh build.sh
RUN rm toolchain
CMD ["sh", "/src/out/hello"]
"""


def copy_the_whole_source_directory(lab):
    # Two stages, but the final one copies all of /src, toolchain included
    return """\
FROM dockerlab/busybox AS builder
WORKDIR /src
COPY hello.txt build.sh ./
RUN sh build.sh

FROM dockerlab/busybox
COPY --from=builder /src /src
CMD ["sh", "/src/out/hello"]
"""


def cmd_still_points_at_the_old_path(lab):
    # The program copied to /app/hello, the CMD left on the builder's path
    return """\
FROM dockerlab/busybox AS builder
WORKDIR /src
COPY hello.txt build.sh ./
RUN sh build.sh

FROM dockerlab/busybox
COPY --from=builder /src/out/hello /app/hello
CMD ["sh", "/src/out/hello"]
"""


def stage_name_misspelt(lab):
    return """\
FROM dockerlab/busybox AS builder
WORKDIR /src
COPY hello.txt build.sh ./
RUN sh build.sh

FROM dockerlab/busybox
COPY --from=bulider /src/out/hello /app/hello
CMD ["sh", "/app/hello"]
"""


MISTAKES = {
    "delete_the_toolchain_later": r"toolchain is still in it",
    "copy_the_whole_source_directory": r"toolchain is still in it",
    "cmd_still_points_at_the_old_path": r"does not run the program by default",
    "stage_name_misspelt": r"does not build.*names no stage",
}
