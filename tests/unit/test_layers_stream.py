"""The lean tar reader, LayerStream over the shared fake engine, base-image detection, the charts."""

from __future__ import annotations

import io
import tarfile

import pytest

from dockerlab.errors import ImageMissing
from dockerlab.images.builder import BuildResult, StepParser
from dockerlab.images.layers import LayerStream, base_layer_count, read_image, read_save_stream
from dockerlab.images.pictures import build_steps_chart, layer_sizes_chart
from dockerlab.images.tarstream import ByteStream, iter_tar, parse_header
from tests.unit.fakes import FakeEngine, image
from tests.unit.test_build_stream import FIRST_BUILD
from tests.unit.test_layers_archives import (
    HISTORY,
    LAYERS,
    classic_archive,
    config_for,
    digest,
    oci_archive,
)


def chunked(data: bytes, size: int = 1000):
    return ByteStream.of_chunks(data[i:i + size] for i in range(0, len(data), size))


def tar_of(members: list[tuple[tarfile.TarInfo, bytes | None]], fmt=tarfile.PAX_FORMAT) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def info(name: str, size: int = 0, kind=tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    item = tarfile.TarInfo(name)
    item.size, item.type, item.linkname = size, kind, linkname
    return item


# --- tarstream -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT])
def test_long_names_links_and_contents_in_every_format(fmt):
    long_dir = "a" * 60 + "/" + "b" * 60
    long_name = long_dir + "/file.txt" if fmt != tarfile.USTAR_FORMAT else "short/file.txt"
    data = tar_of([(info(long_name, 5), b"hello"),
                   (info("link", kind=tarfile.SYMTYPE, linkname="/" + "t" * 99), None),
                   (info("dir/", kind=tarfile.DIRTYPE), None),
                   (info("empty", 0), b"")], fmt)
    seen = []
    for member in iter_tar(chunked(data, 333)):  # chunks that split headers and contents
        content = member.read() if member.info.isfile() else None
        seen.append((member.info.name, member.info.isfile(), member.info.issym(),
                     member.info.isdir(), member.info.linkname, content))
    assert seen == [(long_name, True, False, False, "", b"hello"),
                    ("link", False, True, False, "/" + "t" * 99, None),
                    ("dir", False, False, True, "", None),
                    ("empty", True, False, False, "", b"")]


def test_unread_contents_are_skipped():
    data = tar_of([(info("big", 5000), b"x" * 5000), (info("small", 2), b"ok")])
    members = iter_tar(chunked(data, 777))
    next(members)  # never read its content
    second = next(members)
    assert (second.info.name, second.read()) == ("small", b"ok")


def test_views_hand_out_the_content_without_copies():
    data = tar_of([(info("f", 3000), bytes(range(256)) * 11 + b"x" * 184)])
    member = next(iter_tar(chunked(data, 1024)))
    views = list(member.views())
    assert all(isinstance(view, memoryview) for view in views) and len(views) > 1
    assert b"".join(views) == bytes(range(256)) * 11 + b"x" * 184


def test_base256_size_is_understood():
    header = bytearray(tarfile.TarInfo("f").tobuf(tarfile.GNU_FORMAT)[:512])
    header[124:136] = b"\x80" + (9_000_000_000).to_bytes(11, "big")
    header[148:156] = b"        "
    header[148:156] = b"%06o\0 " % sum(header)
    assert parse_header(bytes(header)).size == 9_000_000_000


def test_bad_checksum_and_truncation():
    data = bytearray(tar_of([(info("f", 700), b"y" * 700)]))
    data[10] ^= 0xFF
    with pytest.raises(tarfile.ReadError, match="checksum"):
        list(iter_tar(chunked(bytes(data))))
    good = tar_of([(info("f", 700), b"y" * 700)])
    with pytest.raises(EOFError):
        for member in iter_tar(chunked(good[:800])):
            member.read()
    with pytest.raises(EOFError):
        list(iter_tar(chunked(good[:300])))  # in the middle of the first header


def test_stream_ending_between_members_is_an_end():
    good = tar_of([(info("f", 512), b"z" * 512)])
    assert [m.info.name for m in iter_tar(chunked(good[:1024]))] == ["f"]


# --- LayerStream over the shared fake engine -------------------------------------------------------------


@pytest.mark.parametrize("layout", ["docker", "oci", "oci-gzip"])
def test_layer_stream_yields_each_layer_tar_with_its_diff_id(layout):
    config = config_for(LAYERS, HISTORY)
    archive = classic_archive(LAYERS, config) if layout == "docker" else \
        oci_archive(LAYERS, config, compress=layout == "oci-gzip")
    engine = FakeEngine([image("sha256:" + "d" * 64, tags=["demo:1"])], archive=archive)
    stream = LayerStream(engine.client, "demo:1")
    names = {}
    for layer in stream:
        members = [member.name for member in layer.tar]
        names[layer.diff_id] = members
    assert set(names) == {digest(layer) for layer in LAYERS}
    assert "data/.wh.big" in names[digest(LAYERS[2])]
    assert stream.image.diff_ids == [digest(layer) for layer in LAYERS]
    assert engine.asked("get_image")["name"] == "demo:1"
    with tarfile.open(fileobj=io.BytesIO(LAYERS[1])) as reference:
        assert names[digest(LAYERS[1])] == reference.getnames()


def test_extractfile_reads_contents_through_the_layer_stream():
    config = config_for(LAYERS, HISTORY)
    engine = FakeEngine([image("sha256:" + "d" * 64, tags=["demo:1"])],
                        archive=classic_archive(LAYERS, config))
    sizes = {}
    for layer in LayerStream(engine.client, "demo:1"):
        for member in layer.tar:
            if member.isfile():
                sizes[member.name] = len(layer.tar.extractfile(member).read())
    assert sizes["data/big"] == 300 and sizes["bin/sh"] == 1000


def test_reading_an_image_the_engine_does_not_have_is_the_kits_error_before_any_save():
    engine = FakeEngine([image("sha256:" + "d" * 64, tags=["demo:1"])], archive=b"not read")
    with pytest.raises(ImageMissing, match="not in the engine's local store"):
        read_image(engine.client, "demo:2")
    assert [call for call, _ in engine.calls] == ["inspect_image"]  # no `docker save` asked


def test_read_image_marks_the_layers_of_the_tagged_base():
    config = config_for(LAYERS, HISTORY)
    base_ids = [digest(LAYERS[0])]
    engine = FakeEngine([image("sha256:" + "b" * 64, base_ids, tags=["dockerlab/busybox:latest"]),
                         image("sha256:" + "d" * 64, [digest(layer) for layer in LAYERS],
                               parent="sha256:" + "b" * 64, tags=["demo:1"])],
                        archive=classic_archive(LAYERS, config))
    layers = read_image(engine.client, "demo:1")
    assert layers.image_id == "sha256:" + "d" * 64
    assert [layer.base for layer in layers.layers] == [True] + [False] * (len(LAYERS) - 1)


# --- base image detection --------------------------------------------------------------------


def test_base_is_the_nearest_tagged_ancestor():
    engine = FakeEngine([image("app", ["l1", "l2", "l3"], parent="mid"),
                         image("mid", ["l1", "l2", "l3"], parent="base"),
                         image("base", ["l1"], tags=["dockerlab/busybox:latest"])])
    assert base_layer_count(engine.client, "app", ["l1", "l2", "l3"]) == 1


def test_base_by_longest_layer_prefix_when_there_is_no_parent_chain():
    engine = FakeEngine([image("app", ["l1", "l2", "l3"], tags=["app:1"]),
                         image("small", ["l1"], tags=["small:1"]),
                         image("bigger", ["l1", "l2"], tags=["bigger:1"]),
                         image("other", ["zz"], tags=["other:1"])])
    client = engine.client
    assert base_layer_count(client, "app", ["l1", "l2", "l3"]) == 2
    assert base_layer_count(client, "app", ["l1", "l2", "l3"], base="small") == 1
    assert base_layer_count(client, "app", ["l1", "l2", "l3"], base="other") == 0


# --- pictures --------------------------------------------------------------------------------


def test_layer_sizes_chart_has_a_bar_per_layer_and_marks_waste():
    image = read_save_stream(io.BytesIO(classic_archive(LAYERS, config_for(LAYERS, HISTORY))))
    image.mark_base(1)
    axes = layer_sizes_chart(image).axes[0]
    own, waste = axes.containers
    assert len(own) == 4 and own[0].get_facecolor() != own[1].get_facecolor()  # base is grey
    assert [round(bar.get_width() * 1e6) for bar in waste] == [50, 410, 0, 0]
    assert "RUN /bin/sh -c make big" in axes.get_yticklabels()[1].get_text()


def test_build_steps_chart_colours_cache_hits():
    parser = StepParser(clock=iter(range(100)).__next__)
    for item in FIRST_BUILD:
        parser.feed(item)
    parser.steps[1].cached = True
    result = BuildResult("x", "t", parser.steps, [])
    bars = build_steps_chart(result).axes[0].containers[0]
    assert len(bars) == 2 and bars[0].get_facecolor() != bars[1].get_facecolor()
