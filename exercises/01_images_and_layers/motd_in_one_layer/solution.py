def build_motd_image(lab):
    """Build an image, tagged "my/motd:1", whose default command prints the file
    /motd.txt, which holds exactly the line `layers are read-only`. Add at most ONE
    layer on top of the base image (lab.base_image). Return the tag."""
    from dockerlab.images.builder import (
        build,  # build(lab, dockerfile_text, {"name": "content"}, tag=...)
    )

    dockerfile = (f"FROM {lab.base_image}\n"
                  "COPY motd.txt /motd.txt\n"          # the one layer: COPY makes it
                  'CMD ["cat", "/motd.txt"]\n')       # settings only: no layer
    build(lab, dockerfile, {"motd.txt": "layers are read-only\n"}, tag="my/motd:1")
    return "my/motd:1"
