def healthcheck_dockerfile(lab):
    """Return a Dockerfile FROM the kit's busybox (lab.base_image) with a HEALTHCHECK for the
    app below, which is ready once the file /tmp/ready exists (it creates it after
    $READY_AFTER seconds). The engine must report the container `healthy` soon after it is
    ready (check every second) and never before. Keep the ENV and the CMD as they are."""
    return f"""
FROM {lab.base_image}
ENV READY_AFTER=2
CMD ["sh", "-c", "sleep $READY_AFTER && touch /tmp/ready && exec sleep 300"]
HEALTHCHECK --interval=1s --timeout=1s --retries=3 CMD test -f /tmp/ready
"""
