def small_runtime_dockerfile(lab):
    """This Dockerfile builds the program with a 2 MB "toolchain" (made by build.sh),
    and ships the toolchain in the image too. Return a Dockerfile (a string) whose final
    image still runs the program by default (`docker run IMAGE` prints what /src/out/hello
    prints) but is at most 500 kB larger than dockerlab/busybox: build in one stage, run
    from another."""
    dockerfile = """\
FROM dockerlab/busybox AS builder
WORKDIR /src
COPY hello.txt build.sh ./
RUN sh build.sh

FROM dockerlab/busybox
COPY --from=builder /src/out/hello /app/hello
CMD ["sh", "/app/hello"]
"""
    # The toolchain stays in the builder stage: only the program reaches the final image.
    return dockerfile
