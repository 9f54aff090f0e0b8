def build_base_and_app(lab):
    """Build two images. "my/base:1": FROM the kit's busybox, with a file /etc/team
    holding the line `platform`. "my/app:1": FROM my/base:1, adding /app/hello.sh
    (printing `hello`) and making `sh /app/hello.sh` its default command.
    Return the two tags as a tuple: ("my/base:1", "my/app:1")."""
    from dockerlab.images import build  # build(lab, dockerfile_text, {"name": "content"}, tag=...)

    # Your code here: two Dockerfiles, two builds.
    return None
