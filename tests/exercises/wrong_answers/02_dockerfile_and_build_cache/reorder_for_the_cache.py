"""Plausible mistakes for 02/reorder_for_the_cache."""


def copy_everything_first(lab):
    # The starter's order with app.sh named explicitly: still copies app.sh before the install
    return """\
FROM dockerlab/busybox
WORKDIR /app
COPY deps.txt install.sh app.sh ./
RUN sh install.sh
CMD ["sh", "app.sh"]
"""


def forgot_the_second_copy(lab):
    # The install comes from the cache, but app.sh never reaches the image
    return """\
FROM dockerlab/busybox
WORKDIR /app
COPY deps.txt install.sh ./
RUN sh install.sh
CMD ["sh", "app.sh"]
"""


def dropped_the_install_step(lab):
    # Nothing slow left to cache: the dependency step is gone
    return """\
FROM dockerlab/busybox
WORKDIR /app
COPY deps.txt install.sh ./
COPY app.sh .
CMD ["sh", "app.sh"]
"""


MISTAKES = {
    "copy_everything_first": r"ran again instead of coming from the cache",
    "forgot_the_second_copy": r"does not build|does not run the new app\.sh",
    "dropped_the_install_step": r"Keep the dependency step",
}
