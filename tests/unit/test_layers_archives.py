"""The layer reader on small save tarballs built in memory: Docker's layout and OCI's."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile

import pytest

from dockerlab.errors import ImageError
from dockerlab.images.layers import (
    ChunkReader,
    file_tree,
    instruction_of,
    match_history,
    read_save_stream,
    read_tarball,
)

# --- building tarballs in memory ---------------------------------------------------------------


def _add(tar: tarfile.TarFile, name: str, data: bytes | None = None, kind=tarfile.REGTYPE,
         linkname: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.mtime = 0
    if kind == tarfile.DIRTYPE:
        info.mode = 0o755
        tar.addfile(info)
    elif data is not None:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    else:
        tar.addfile(info)


def layer_tar(*items) -> bytes:
    """items: ('dir', path) | ('file', path, size) | ('wh', path) | ('opq', dir) | ('sym', p, t)"""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for item in items:
            if item[0] == "dir":
                _add(tar, item[1] + "/", kind=tarfile.DIRTYPE)
            elif item[0] == "file":
                _add(tar, item[1], b"x" * item[2])
            elif item[0] == "wh":
                parent, _, base = item[1].rpartition("/")
                _add(tar, f"{parent + '/' if parent else ''}.wh.{base}", b"")
            elif item[0] == "opq":
                _add(tar, f"{item[1]}/.wh..wh..opq", b"")
            elif item[0] == "sym":
                _add(tar, item[1], kind=tarfile.SYMTYPE, linkname=item[2])
    return buffer.getvalue()


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def config_for(layers: list[bytes], history: list[dict] | None = None, **inner) -> dict:
    if history is None:
        history = [{"created_by": f"/bin/sh -c step {i}"} for i in range(len(layers))]
    return {"architecture": "amd64", "os": "linux",
            "config": {"Cmd": ["sh"], "Env": ["PATH=/bin"], "WorkingDir": "/app",
                       "ExposedPorts": {"80/tcp": {}}, "Labels": {"a": "b"}, "User": "1000",
                       **inner},
            "rootfs": {"type": "layers", "diff_ids": [digest(layer) for layer in layers]},
            "history": history}


def classic_archive(layers: list[bytes], config: dict, manifest_first: bool = False,
                    duplicate_as_symlink: bool = False) -> bytes:
    """Docker's own `docker save` layout (< 25): <id>/layer.tar, <config>.json, manifest.json."""
    config_bytes = json.dumps(config).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    ids = [hashlib.sha256(f"v1-{i}".encode()).hexdigest() for i in range(len(layers))]
    manifest = json.dumps([{"Config": config_name, "RepoTags": ["demo:1"],
                            "Layers": [f"{i}/layer.tar" for i in ids]}]).encode()
    buffer = io.BytesIO()
    seen: dict[bytes, str] = {}
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        if manifest_first:
            _add(tar, "manifest.json", manifest)
        # layers in v1-id order, which is not stack order
        for v1, layer in sorted(zip(ids, layers, strict=True)):
            _add(tar, f"{v1}/", kind=tarfile.DIRTYPE)
            _add(tar, f"{v1}/VERSION", b"1.0")
            _add(tar, f"{v1}/json", b'{"id": "%s"}' % v1.encode())
            if duplicate_as_symlink and layer in seen:
                _add(tar, f"{v1}/layer.tar", kind=tarfile.SYMTYPE,
                     linkname=f"../{seen[layer]}/layer.tar")
            else:
                _add(tar, f"{v1}/layer.tar", layer)
                seen[layer] = v1
        _add(tar, config_name, config_bytes)
        if not manifest_first:
            _add(tar, "manifest.json", manifest)
        _add(tar, "repositories", b"{}")
    return buffer.getvalue()


def oci_archive(layers: list[bytes], config: dict, compress: bool = False,
                docker_manifest: bool = False, nested_index: bool = False) -> bytes:
    """The OCI layout (Docker 25+): blobs/sha256/..., index.json, oci-layout."""
    blobs: dict[str, bytes] = {}
    descriptors = []
    for layer in layers:
        data = gzip.compress(layer, mtime=0) if compress else layer
        blobs[digest(data)] = data
        descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar" +
                            ("+gzip" if compress else ""), "digest": digest(data),
                            "size": len(data)})
    config_bytes = json.dumps(config).encode()
    blobs[digest(config_bytes)] = config_bytes
    manifest = json.dumps({"schemaVersion": 2, "config": {"digest": digest(config_bytes)},
                           "layers": descriptors}).encode()
    blobs[digest(manifest)] = manifest
    index = {"schemaVersion": 2, "manifests": [{"digest": digest(manifest),
                                                "platform": {"architecture": "amd64"}}]}
    if nested_index:
        inner = json.dumps(index).encode()
        blobs[digest(inner)] = inner
        index = {"schemaVersion": 2, "manifests": [{"digest": digest(inner)}]}
    manifest_json = [{
        "Config": "blobs/sha256/" + digest(config_bytes).split(":")[1],
        "RepoTags": ["demo:1"],
        "Layers": ["blobs/sha256/" + d["digest"].split(":")[1] for d in descriptors]}]
    return layout_tar(blobs, index, manifest_json if docker_manifest else None)


def layout_tar(blobs: dict[str, bytes], index: dict, manifest_json: list | None = None) -> bytes:
    """An OCI image layout archive of ``blobs`` with ``index`` (and Docker's manifest.json)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        _add(tar, "blobs/", kind=tarfile.DIRTYPE)
        _add(tar, "blobs/sha256/", kind=tarfile.DIRTYPE)
        for name in sorted(blobs):
            _add(tar, "blobs/sha256/" + name.split(":")[1], blobs[name])
        _add(tar, "index.json", json.dumps(index).encode())
        if manifest_json is not None:
            _add(tar, "manifest.json", json.dumps(manifest_json).encode())
        _add(tar, "oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
    return buffer.getvalue()


BASE = layer_tar(("dir", "bin"), ("file", "bin/sh", 1000), ("dir", "etc"),
                 ("file", "etc/passwd", 50), ("sym", "bin/ls", "/bin/sh"))
BIG = layer_tar(("dir", "data"), ("file", "data/big", 300), ("file", "data/keep", 10),
                ("dir", "cache"), ("file", "cache/a", 40), ("file", "cache/b", 60))
CHANGE = layer_tar(("dir", "data"), ("wh", "data/big"), ("file", "data/keep", 20),
                   ("dir", "etc"), ("file", "etc/passwd", 70))
OPAQUE = layer_tar(("dir", "cache"), ("opq", "cache"), ("file", "cache/c", 5))
LAYERS = [BASE, BIG, CHANGE, OPAQUE]
HISTORY = [
    {"created_by": "/bin/sh -c #(nop) COPY dir:abc in / "},
    {"created_by": '/bin/sh -c #(nop)  CMD ["sh"]', "empty_layer": True},
    {"created_by": "/bin/sh -c make big"},
    {"created_by": "/bin/sh -c #(nop)  ENV A=1", "empty_layer": True},
    {"created_by": "|1 V=2 /bin/sh -c rm /data/big"},
    {"created_by": "/bin/sh -c rm -rf /cache && mkdir /cache && touch /cache/c"},
]


def read(data: bytes, chunk: int = 777, name: str = "demo:1"):
    chunks = (data[i:i + chunk] for i in range(0, len(data), chunk))
    return read_save_stream(ChunkReader(chunks), name)


# --- layouts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("manifest_first", [False, True])
def test_classic_layout_in_stack_order_whatever_the_archive_order(manifest_first):
    config = config_for(LAYERS, HISTORY)
    image = read(classic_archive(LAYERS, config, manifest_first=manifest_first))
    assert image.layout == "docker" and image.manifest_digest is None
    assert image.diff_ids == config["rootfs"]["diff_ids"]
    assert [layer.size for layer in image.layers] == [1050, 410, 90, 5]
    assert image.image_id == "sha256:" + hashlib.sha256(json.dumps(config).encode()).hexdigest()


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("docker_manifest", [False, True])
def test_oci_layout_plain_and_gzip(compress, docker_manifest):
    config = config_for(LAYERS, HISTORY)
    image = read(oci_archive(LAYERS, config, compress=compress, docker_manifest=docker_manifest))
    assert image.layout == "oci"
    assert image.diff_ids == config["rootfs"]["diff_ids"]  # diff IDs are of the plain tars
    assert [layer.number for layer in image.layers] == [1, 2, 3, 4]
    assert image.layers[1].tar_size != len(BIG) if compress else image.layers[1].tar_size == len(BIG)


def test_oci_nested_index_is_followed():
    image = read(oci_archive(LAYERS, config_for(LAYERS, HISTORY), nested_index=True))
    assert len(image.layers) == 4


def test_duplicate_layer_stored_as_symlink_is_read_once_and_used_twice():
    empty = layer_tar(("dir", "data"))
    layers = [BASE, empty, empty]
    image = read(classic_archive(layers, config_for(layers), duplicate_as_symlink=True))
    assert image.layers[1].diff_id == image.layers[2].diff_id == digest(empty)


def test_image_config_fields():
    image = read(classic_archive(LAYERS, config_for(LAYERS, HISTORY, Entrypoint=["/bin/sh"])))
    config = image.config
    assert (config.cmd, config.entrypoint, config.working_dir, config.user) == \
        (["sh"], ["/bin/sh"], "/app", "1000")
    assert config.exposed_ports == ["80/tcp"] and config.labels == {"a": "b"}
    assert config.env == ["PATH=/bin"]


# --- history, changes, merged view -----------------------------------------------------------------


def test_history_skips_empty_layers_when_matching():
    image = read(classic_archive(LAYERS, config_for(LAYERS, HISTORY)))
    assert [layer.instruction for layer in image.layers] == [
        "COPY dir:abc in /", "RUN /bin/sh -c make big", "RUN |1 V=2 /bin/sh -c rm /data/big",
        "RUN /bin/sh -c rm -rf /cache && mkdir /cache && touch /cache/c"]
    assert [step.layer for step in image.history] == [1, None, 2, None, 3, 4]


def test_match_history_with_more_history_than_layers_leaves_the_rest_unmatched():
    steps = match_history([{"created_by": "a"}, {"created_by": "b"}], layer_count=1)
    assert [s.layer for s in steps] == [1, None]


def test_changes_added_modified_deleted_with_whiteouts_and_opaque_dirs():
    image = read(classic_archive(LAYERS, config_for(LAYERS, HISTORY)))
    third = {(c.action, c.path) for c in image.layers[2].changes}
    assert third == {("deleted", "data/big"), ("modified", "data/keep"),
                     ("modified", "etc/passwd")}
    fourth = {(c.action, c.path) for c in image.layers[3].changes}
    assert fourth == {("deleted", "cache/a"), ("deleted", "cache/b"), ("added", "cache/c")}
    assert (image.layers[3].count("added"), image.layers[3].count("deleted")) == (1, 2)


def test_merged_view_is_what_a_container_sees():
    image = read(classic_archive(LAYERS, config_for(LAYERS, HISTORY)))
    merged = image.merged
    assert "data/big" not in merged and "cache/a" not in merged
    assert merged["data/keep"].layer == 3 and merged["data/keep"].entry.size == 20
    assert merged["cache/c"].layer == 4 and merged["bin/sh"].layer == 1
    assert merged["bin/ls"].entry.linkname == "/bin/sh"


def test_whiteout_of_a_directory_removes_everything_below_it():
    layers = [BIG, layer_tar(("wh", "cache"))]
    image = read(classic_archive(layers, config_for(layers)))
    assert not any(path.startswith("cache") for path in image.merged)
    assert sorted(c.path for c in image.waste().files) == ["cache/a", "cache/b"]


def test_file_replacing_a_directory_hides_its_content():
    layers = [BIG, layer_tar(("file", "cache", 3))]
    image = read(classic_archive(layers, config_for(layers)))
    assert image.merged["cache"].entry.kind == "file"
    assert "cache/a" not in image.merged


def test_file_tree_marks_changes():
    image = read(classic_archive(LAYERS, config_for(LAYERS, HISTORY)))
    tree = file_tree(image, 3)
    assert "- /data/big  (300 B)" in tree.splitlines() and "~ /data/keep  (20 B)" in tree
    assert "  /bin/ls -> /bin/sh" in file_tree(image).splitlines()


# --- waste and efficiency ------------------------------------------------------------------


def test_wasted_bytes_count_n_minus_one_copies_and_deleted_files():
    image = read(classic_archive(LAYERS, config_for(LAYERS, HISTORY)))
    waste = image.waste()
    by_path = {copy.path: copy for copy in waste.files}
    # deleted: all copies; overwritten: the older copies only
    assert set(by_path) == {"data/big", "data/keep", "etc/passwd", "cache/a", "cache/b"}
    assert waste.wasted_bytes == 300 + 10 + 50 + 40 + 60
    assert waste.files[0].path == "data/big"  # largest first
    assert by_path["data/big"].reason == (
        "written in layer 2 (RUN /bin/sh -c make big), deleted in layer 3 "
        "(RUN |1 V=2 /bin/sh -c rm /data/big): "
        "still shipped in layer 2")
    assert by_path["data/keep"].how == "overwritten"


def test_efficiency_follows_dives_formula():
    image = read(classic_archive(LAYERS, config_for(LAYERS, HISTORY)))
    # per path: smallest copy / all copies, a deletion counting as a copy of what it deleted
    smallest = 1000 + 0 + 50 + 300 + 10 + 40 + 60 + 5  # bin/sh, bin/ls, passwd, big, keep, a, b, c
    total = 1000 + 0 + (50 + 70) + (300 + 300) + (10 + 20) + (40 + 40) + (60 + 60) + 5
    assert image.efficiency == pytest.approx(smallest / total)


def test_an_image_without_waste_is_fully_efficient():
    layers = [BASE]
    image = read(classic_archive(layers, config_for(layers)))
    assert image.efficiency == 1.0 and image.waste().wasted_bytes == 0


def test_base_layers_are_reported_apart():
    image = read(classic_archive(LAYERS, config_for(LAYERS, HISTORY)))
    image.mark_base(2)
    waste = image.waste()
    assert [layer.number for layer in image.base_layers] == [1, 2]
    assert waste.base_bytes == 300 + 10 + 50 + 40 + 60  # every wasted copy is in layer 1 or 2
    assert waste.own_bytes == 0
    assert image.layer_table()[0]["from"] == "base"


# --- instructions ----------------------------------------------------------------------------


@pytest.mark.parametrize("created_by, expected", [
    ('/bin/sh -c #(nop)  CMD ["sh"]', 'CMD ["sh"]'),
    ("/bin/sh -c #(nop) COPY file:ab in /x ", "COPY file:ab in /x"),
    # a RUN reads as `docker history` shows it, the same from both builders
    ("/bin/sh -c echo hi", "RUN /bin/sh -c echo hi"),
    ("RUN /bin/sh -c echo hi # buildkit", "RUN /bin/sh -c echo hi"),
    ("|2 A=1 B=2 /bin/sh -c make", "RUN |2 A=1 B=2 /bin/sh -c make"),
    ("RUN |2 A=1 B=2 /bin/sh -c make # buildkit", "RUN |2 A=1 B=2 /bin/sh -c make"),
    ("|1 V=2 sh -c echo x", "RUN |1 V=2 sh -c echo x"),  # exec form
    ("env", "RUN env"),  # exec form of a program named like a keyword
    ("COPY app /app # buildkit", "COPY app /app"),
    ("", ""),
])
def test_instruction_of(created_by, expected):
    assert instruction_of(created_by) == expected


# --- bad archives --------------------------------------------------------------------------------


def test_truncated_archive_is_one_clear_error():
    data = classic_archive(LAYERS, config_for(LAYERS, HISTORY))
    with pytest.raises(ImageError, match="corrupted or truncated"):
        read(data[: len(data) // 2])


def test_garbage_is_one_clear_error():
    with pytest.raises(ImageError, match="corrupted or truncated"):
        read(b"this is not a tarball at all" * 100)


def test_layer_whose_content_does_not_match_its_diff_id():
    config = config_for(LAYERS, HISTORY)
    config["rootfs"]["diff_ids"][1] = digest(b"something else")
    with pytest.raises(ImageError, match="does not match its diff ID"):
        read(classic_archive(LAYERS, config))


def test_archive_without_manifest():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        _add(tar, "abc/layer.tar", BASE)
    with pytest.raises(ImageError, match="no manifest.json or index.json"):
        read(buffer.getvalue())


def test_manifest_naming_a_missing_layer():
    config = config_for(LAYERS, HISTORY)
    data = classic_archive(LAYERS, config)
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data)) as src, tarfile.open(fileobj=out, mode="w") as dst:
        skipped = False
        for member in src:
            if member.name.endswith("layer.tar") and not skipped:
                skipped = True
                continue
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
    with pytest.raises(ImageError, match="not in the archive"):
        read(out.getvalue())


def test_read_tarball_from_a_file(tmp_path):
    path = tmp_path / "image.tar"
    path.write_bytes(oci_archive(LAYERS, config_for(LAYERS, HISTORY), docker_manifest=True))
    image = read_tarball(path, "demo:1")
    assert image.layout == "oci" and len(image.layers) == 4 and image.name == "demo:1"


def test_sizes_are_written_one_way_everywhere():
    from dockerlab.images.text import human_size
    from dockerlab.widgets import registry_browser

    assert [human_size(n) for n in (0, 999, 1000, 1536, 1068986, 2.5e9, 3e12)] == \
        ["0 B", "999 B", "1.0 kB", "1.5 kB", "1.1 MB", "2.5 GB", "3000.0 GB"]
    assert registry_browser.human_size is human_size  # the registry's blobs, said the same way
