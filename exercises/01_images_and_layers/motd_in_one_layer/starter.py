def build_motd_image(lab):
    """Build an image, tagged "my/motd:1", whose default command prints the file
    /motd.txt, which holds exactly the line `layers are read-only`. Add at most ONE
    layer on top of the base image (lab.base_image). Return the tag."""
    from dockerlab.images import build  # build(lab, dockerfile_text, {"name": "content"}, tag=...)

    # Your code here: a Dockerfile, maybe a file for its build context, then build it.
    return None
