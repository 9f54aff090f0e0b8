def greeter_dockerfile(lab):
    """Return a Dockerfile FROM the kit's busybox (lab.base_image) for a greeter made of
    busybox's `echo`: `docker run IMAGE` prints `hello world`, and `docker run IMAGE Ada`
    prints `hello Ada` (the argument replaces the name, and only the name)."""
    return f"""
FROM {lab.base_image}
ENTRYPOINT ["echo", "hello"]
CMD ["world"]
"""
