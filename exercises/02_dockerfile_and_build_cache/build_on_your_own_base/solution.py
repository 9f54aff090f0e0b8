def build_base_and_app(lab):
    """Build two images. "my/base:1": FROM the kit's busybox, with a file /etc/team
    holding the line `platform`. "my/app:1": FROM my/base:1, adding /app/hello.sh
    (printing `hello`) and making `sh /app/hello.sh` its default command.
    Return the two tags as a tuple: ("my/base:1", "my/app:1")."""
    from dockerlab.images.builder import (
        build,  # build(lab, dockerfile_text, {"name": "content"}, tag=...)
    )

    build(lab, f"FROM {lab.base_image}\nRUN echo platform > /etc/team\n", tag="my/base:1")
    build(lab, "FROM my/base:1\nCOPY hello.sh /app/hello.sh\nCMD [\"sh\", \"/app/hello.sh\"]\n",
          {"hello.sh": "echo hello\n"}, tag="my/app:1")
    return ("my/base:1", "my/app:1")
