import io
import tarfile

from dockerlab.engine.guard import _dockerfile_text, base_images_of, loopback_ports


def test_base_images_skip_scratch_and_build_stages():
    dockerfile = """
ARG BASE=dockerlab/busybox:latest
FROM $BASE AS builder
RUN echo hi
FROM scratch
COPY --from=builder /bin/busybox /
FROM builder
FROM --platform=linux/amd64 other/image:2 AS final
"""
    assert base_images_of(dockerfile) == ["dockerlab/busybox:latest", "other/image:2"]


def test_build_args_override_arg_defaults():
    assert base_images_of("ARG B=x\nFROM ${B}\n", {"B": "y/z:1"}) == ["y/z:1"]


def test_published_ports_default_to_loopback_but_keep_explicit_addresses():
    config = {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}],
                               "81/tcp": [{"HostIp": "0.0.0.0", "HostPort": "81"}]}}
    bound = loopback_ports(config)["PortBindings"]
    assert bound["80/tcp"][0]["HostIp"] == "127.0.0.1"
    assert bound["81/tcp"][0]["HostIp"] == "0.0.0.0"


def test_the_dockerfile_is_found_inside_a_custom_context_tar():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        data = b"FROM dockerlab/busybox\n"
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    assert _dockerfile_text(fileobj=buffer, custom_context=True) == "FROM dockerlab/busybox\n"
    assert buffer.tell() == 0, "the context must be rewound for the engine"


def test_a_plain_dockerfile_fileobj_is_read_and_rewound():
    fileobj = io.BytesIO(b"FROM a/b\n")
    assert _dockerfile_text(fileobj=fileobj) == "FROM a/b\n"
    assert fileobj.read() == b"FROM a/b\n"


def test_a_dockerfile_in_a_directory_is_read(tmp_path):
    (tmp_path / "Custom.df").write_text("FROM x/y\n")
    assert _dockerfile_text(path=str(tmp_path), dockerfile="Custom.df") == "FROM x/y\n"
