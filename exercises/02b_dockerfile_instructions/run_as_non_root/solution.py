def non_root_dockerfile(lab):
    """Return a Dockerfile FROM the kit's busybox (lab.base_image) whose process does not run
    as root but as a user of the image (the base image has `learner`, uid 1000, in its
    /etc/passwd). The app writes its data to /data: that folder must stay writable for it.
    Keep the CMD as it is."""
    return f"""
FROM {lab.base_image}
RUN mkdir /data && chown learner:learner /data
USER learner
CMD ["sh", "-c", "date > /data/started && exec sleep 300"]
"""
