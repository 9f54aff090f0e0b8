def dockerfile_without_waste(lab):
    """The Dockerfile below makes /opt/tool/data (1000 bytes cut from a 3 MB download)
    but ships 3 MB of wasted bytes. Return a Dockerfile (a string) that makes the same
    /opt/tool/data and the same default command, with NO wasted bytes in its own layers."""
    dockerfile = """\
FROM dockerlab/busybox
RUN dd if=/dev/urandom of=/tmp/download bs=1k count=3000 2>/dev/null
RUN mkdir -p /opt/tool && head -c 1000 /tmp/download > /opt/tool/data
RUN rm /tmp/download
CMD ["ls", "-l", "/opt/tool"]
"""
    # Your code here: change the Dockerfile so nothing deleted later ships in a layer.
    return None
