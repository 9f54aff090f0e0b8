def small_runtime_dockerfile(lab):
    """This Dockerfile builds the program with a 2 MB "toolchain" (made by build.sh),
    and ships the toolchain in the image too. Return a Dockerfile (a string) whose final
    image still runs the program by default (`docker run IMAGE` prints what /src/out/hello
    prints) but is at most 500 kB larger than dockerlab/busybox: build in one stage, run
    from another."""
    dockerfile = """\
FROM dockerlab/busybox
WORKDIR /src
COPY hello.txt build.sh ./
RUN sh build.sh
CMD ["sh", "/src/out/hello"]
"""
    # Your code here: a builder stage, and a small final stage that copies only the program.
    return None
