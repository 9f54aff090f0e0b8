"""Pure logic of the under-the-hood modules: recipes, helper scripts, parsers, cgroup v1/v2.

A small fake box (files in a dict) stands in for the machine where cgroup v2 logic is
checked, since this host runs cgroup v1.
"""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from dockerlab import linux
from dockerlab.errors import DemoFailed, ResourceLimitInvalid
from dockerlab.linux import boxes, cgroups, helper, namespaces, overlay
from dockerlab.linux.isolation import Isolation, Mount

# --- the recipe ---------------------------------------------------------------------------


def test_recipe_adds_the_namespaces_its_fields_need():
    recipe = Isolation(hostname="box", mounts=[{"source": "tmpfs", "target": "/x",
                                                "fstype": "tmpfs"}], user_outside=65534)
    assert set(recipe.namespaces) == {"uts", "mnt", "user"}
    assert isinstance(recipe.mounts[0], Mount)
    assert not recipe.mounts_proc
    assert Isolation(namespaces=("pid", "mnt")).mounts_proc


def test_recipe_round_trips_through_json():
    recipe = Isolation(namespaces=("pid",), rootfs="/r", cgroups=["/c"], hostname="h")
    again = Isolation.from_json(recipe.to_json())
    assert again == recipe
    assert json.loads(recipe.to_json())["rootfs"] == "/r"


def test_unknown_namespace_kind_is_one_clear_error():
    with pytest.raises(DemoFailed, match="Unknown namespace kind.*time"):
        Isolation(namespaces=("time",))


# --- the helper container's scripts --------------------------------------------------------


def test_outer_script_uses_busybox_unshare_with_fork_for_pid():
    script = helper.outer_script(Isolation(namespaces=("uts", "pid", "mnt")), "/i.sh")
    line = script.splitlines()[-1]
    assert line == "exec unshare -u -p -m -f --propagation private sh /i.sh"


def test_outer_script_joins_cgroups_first_and_enters_with_nsenter():
    script = helper.outer_script(Isolation(cgroups=["/lab/cgroup/memory/x"], enter=42), "/i")
    lines = script.splitlines()
    assert lines[1] == "echo $$ > /lab/cgroup/memory/x/cgroup.procs || exit 125"
    assert lines[2].startswith("exec nsenter -t 42 -i -u -n -p -m /bin/sh")


def test_outer_script_drops_to_the_outside_user_before_the_user_namespace():
    script = helper.outer_script(Isolation(user_outside=65534), "/i")
    assert "su -s /bin/sh" in script and "65534" in script
    assert "unshare -U -r" in script


def test_inner_script_pivots_root_and_mounts_proc_and_dev():
    recipe = Isolation(namespaces=("pid", "mnt"), hostname="hand", rootfs="/lab/m",
                       mounts=[Mount("overlay", "/lab/m", "overlay", "lowerdir=/l")])
    script = helper.inner_script(recipe)
    order = [script.index(part) for part in ("hostname hand", "mount -t overlay",
                                             "pivot_root . .oldroot", "mount -t proc",
                                             "umount -l /.oldroot", 'exec /bin/sh -c')]
    assert order == sorted(order)


# --- listings, runs, namespace links -------------------------------------------------------


def test_listing_parser_tells_whiteouts_from_other_devices():
    text = ("directory|0,0|4096|./etc\n"
            "character special file|0,0|0|./etc/group\n"
            "character special file|1,3|0|./dev/null\n"
            "regular file|0,0|2|./tmp/x\n"
            "symbolic link|0,0|12|./bin/sh\n")
    kinds = {e.path: e.kind for e in boxes.parse_listing(text)}
    assert kinds == {"etc": "dir", "etc/group": "whiteout", "dev/null": "chardev",
                     "tmp/x": "file", "bin/sh": "symlink"}


def test_run_reports_sigkill_as_killed_and_reads_values():
    assert boxes.Run(137, "").killed
    assert not boxes.Run(1, "").killed
    assert boxes.Run(0, "a=1\nnoise\nb=x=y\n").values() == {"a": "1", "b": "x=y"}


def test_namespace_link_parsing_and_comparison():
    assert namespaces.parse_ns_link("uts:[4026531838]\n") == ("uts", 4026531838)
    with pytest.raises(ValueError):
        namespaces.parse_ns_link("uts")
    table = namespaces.compare_ids({"uts": 1, "net": 2}, {"uts": 1, "net": 3})
    assert table.shared() == ["uts"] and table.separate() == ["net"]
    assert "separate" in str(table)


def test_interfaces_come_from_proc_net_dev():
    text = "Inter-| x\n face | y\n    lo: 0 0\n  eth0: 1 2\n"
    assert namespaces.interfaces(text) == ["eth0", "lo"]


# --- cgroups: v1 and v2 layouts -----------------------------------------------------------

V1_MOUNTINFO = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
V1_SELF = "4:memory:/user.slice/a\n2:cpu,cpuacct:/user.slice\n9:name=systemd:/\n0::/\n"
V2_MOUNTINFO = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
IN_CONTAINER = ("81 77 0:32 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n"
                "90 60 0:32 / /lab/cgroup/memory rw - cgroup cgroup rw,memory\n")


def test_layout_v1_with_co_mounted_controllers():
    layout = cgroups.layout_from(V1_MOUNTINFO, V1_SELF)
    assert layout.version == 1
    assert layout.mounts["memory"] == "/sys/fs/cgroup/memory"
    assert layout.mounts["cpu"] == "/sys/fs/cgroup/cpu,cpuacct"
    assert layout.own["memory"] == "/user.slice/a"
    assert layout.directory("memory", "/x/y") == "/sys/fs/cgroup/memory/x/y"


def test_layout_v2_is_one_unified_tree():
    layout = cgroups.layout_from(V2_MOUNTINFO, "0::/user.slice/session-1.scope\n")
    assert layout.version == 2
    assert layout.directory("memory", "/a") == "/sys/fs/cgroup/a"
    assert layout.own["unified"] == "/user.slice/session-1.scope"


def test_layout_ignores_a_containers_bind_of_its_own_cgroup():
    layout = cgroups.layout_from(IN_CONTAINER, "4:memory:/docker/abc\n")
    assert layout.mounts["memory"] == "/lab/cgroup/memory"


def test_no_cgroup_filesystem_is_a_clear_error():
    with pytest.raises(DemoFailed, match="No cgroup filesystem"):
        cgroups.layout_from("1 0 0:1 / / rw - ext4 /dev/vda rw\n", "")


@pytest.mark.parametrize("text, expected", [("32m", 32 << 20), ("512k", 512 << 10),
                                            ("1g", 1 << 30), ("100", 100), (4096, 4096),
                                            ("1.5m", 1572864)])
def test_parse_size_reads_docker_style_sizes(text, expected):
    assert cgroups.parse_size(text) == expected


def test_parse_size_refuses_nonsense_with_advice():
    with pytest.raises(ResourceLimitInvalid, match="32m"):
        cgroups.parse_size("lots")


def test_limit_files_read_the_same_way_in_v1_and_v2():
    assert cgroups.read_memory_limit("67108864\n") == 67108864
    assert cgroups.read_memory_limit("max\n") is None
    assert cgroups.read_memory_limit("9223372036854771712") is None
    assert cgroups.read_cpus(1, "50000", "100000") == 0.5
    assert cgroups.read_cpus(1, "-1", "100000") is None
    assert cgroups.read_cpus(2, "150000 100000\n") == 1.5
    assert cgroups.read_cpus(2, "max 100000") is None


class FakeBox:
    """Files in a dict; ``run`` only understands the removal script."""

    mode = "fake"

    def __init__(self, files):
        self.files = dict(files)
        self.dirs = set()
        self.pending = []

    def read(self, path):
        return self.files[path]

    def write(self, path, text):
        self.files[path] = text

    def exists(self, path):
        return path in self.files

    def mkdir(self, path):
        self.dirs.add(path)

    def remember(self, action):
        self.pending.append(action)
        return len(self.pending)

    def forget(self, key):
        self.pending[key - 1] = None

    def run(self, script, isolation=None, timeout=60):
        path = script.split("\n", 1)[0].split("=", 1)[1]
        self.dirs.discard(path)
        return boxes.Run(0, "")


V2_LAYOUT = cgroups.CgroupLayout(2, {"unified": "/sys/fs/cgroup"}, {"unified": "/a"})


def test_cgroup_v2_writes_memory_max_swap_and_cpu_max_at_the_root():
    box = FakeBox({"/sys/fs/cgroup/cgroup.subtree_control": "cpu memory pids",
                   "/sys/fs/cgroup/dockerlab-t/memory.swap.max": "max"})
    with cgroups.Cgroup(box, memory="32m", cpus=0.5, name="dockerlab-t",
                        layout=V2_LAYOUT) as group:
        assert group.directories == ["/sys/fs/cgroup/dockerlab-t"]
        assert box.files["/sys/fs/cgroup/dockerlab-t/memory.max"] == str(32 << 20)
        assert box.files["/sys/fs/cgroup/dockerlab-t/memory.swap.max"] == "0"
        assert box.files["/sys/fs/cgroup/dockerlab-t/cpu.max"] == "50000 100000"
        box.files["/sys/fs/cgroup/dockerlab-t/memory.events"] = "low 0\noom 2\noom_kill 1\n"
        assert group.oom_kills() == 1
    assert box.dirs == set() and box.pending == [None]


def test_cgroup_v2_needs_the_controller_enabled_at_the_root():
    box = FakeBox({"/sys/fs/cgroup/cgroup.subtree_control": "pids"})
    with pytest.raises(DemoFailed, match=r"\+memory"):
        cgroups.Cgroup(box, memory="32m", layout=V2_LAYOUT).create()
    assert box.dirs == set()


def test_cgroup_v1_nests_below_the_own_cgroup_and_limits_swap_too():
    layout = cgroups.layout_from(V1_MOUNTINFO, V1_SELF)
    base = "/sys/fs/cgroup/memory/user.slice/a/dockerlab-t"
    box = FakeBox({f"{base}/memory.memsw.limit_in_bytes": ""})
    group = cgroups.Cgroup(box, memory="16m", cpus=2, name="dockerlab-t", layout=layout)
    group.create()
    assert box.files[f"{base}/memory.limit_in_bytes"] == str(16 << 20)
    assert box.files[f"{base}/memory.memsw.limit_in_bytes"] == str(16 << 20)
    cpu = "/sys/fs/cgroup/cpu,cpuacct/user.slice/dockerlab-t"
    assert box.files[f"{cpu}/cpu.cfs_quota_us"] == "200000"
    group.remove()
    assert box.dirs == set()


def test_cgroup_refuses_a_non_positive_cpu_share():
    with pytest.raises(ResourceLimitInvalid):
        cgroups.Cgroup(FakeBox({}), cpus=0, layout=V2_LAYOUT)


# --- overlay ------------------------------------------------------------------------------


def _layer(*members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return tarfile.open(fileobj=buffer, mode="r|")


def test_convert_layer_turns_whiteout_files_into_0_0_devices():
    data, opaque = overlay.convert_layer(_layer(("etc", None), ("etc/.wh.group", b""),
                                                ("etc/passwd", b"root\n"),
                                                ("var/.wh..wh..opq", b"")))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert members["etc/group"].ischr()
        assert (members["etc/group"].devmajor, members["etc/group"].devminor) == (0, 0)
        assert tar.extractfile("etc/passwd").read() == b"root\n"
    assert "etc/.wh.group" not in members and opaque == ["var"]


def test_overlay_options_list_the_top_layer_first():
    tree = overlay.OverlayTree(FakeBox({}), layers=3)
    tree.root = "/t"
    tree.lowers = ["/t/lower-1", "/t/lower-2", "/t/lower-3"]
    assert tree.options == ("lowerdir=/t/lower-3:/t/lower-2:/t/lower-1,upperdir=/t/upper,"
                            "workdir=/t/work")


def test_overlay_needs_a_lower_layer():
    with pytest.raises(DemoFailed, match="at least one lower"):
        overlay.OverlayTree(FakeBox({}), layers=0)


def test_tree_comparison_allows_only_what_docker_adds():
    same = overlay.TreeComparison({".", "./bin"}, {".", "./bin", "./.dockerenv", "./proc"})
    assert same.same and same.only_docker == ["./.dockerenv", "./proc"]
    assert not overlay.TreeComparison({".", "./x"}, {"."}).same


# --- which mode -----------------------------------------------------------------------------


def test_demo_mode_is_a_string_with_a_reason(monkeypatch):
    monkeypatch.setenv(linux.MODE_ENV, "helper")
    mode = linux.demo_mode()
    assert mode == "helper container" and "DOCKERLAB_DEMO_MODE" in mode.reason


def test_demo_mode_falls_back_to_the_helper_when_not_root(monkeypatch):
    monkeypatch.delenv(linux.MODE_ENV, raising=False)
    monkeypatch.setattr(linux.os, "geteuid", lambda: 1000)
    mode = linux.demo_mode()
    assert mode == "helper container" and "root" in mode.reason


def test_host_box_refused_with_advice_when_not_root(monkeypatch):
    from dockerlab.errors import NeedsRoot

    monkeypatch.setattr(linux.os, "geteuid", lambda: 1000)
    with pytest.raises(NeedsRoot, match="helper"):
        linux.box_for(None, linux.HOST)


def test_uid_maps_are_read_as_ranges():
    host = "         0          0 4294967295\n"
    remapped = "         0     165536      65536\n"
    assert namespaces.parse_uid_map(host) == [(0, 0, 4294967295)]
    assert namespaces.parse_uid_map(remapped + "garbage\n") == [(0, 165536, 65536)]


def test_a_layer_path_outside_its_folder_is_refused_without_tar_filters(tmp_path):
    import io
    import tarfile

    from dockerlab.errors import DemoFailed
    from dockerlab.linux import boxes

    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        for name in ("ok.txt", "../escape.txt"):
            info = tarfile.TarInfo(name)
            tar.addfile(info, io.BytesIO(b""))
    data.seek(0)
    with tarfile.open(fileobj=data, mode="r|*") as tar, pytest.raises(DemoFailed):
        tar.extractall(tmp_path, members=boxes._inside(tar, str(tmp_path)))
    assert (tmp_path / "ok.txt").exists() and not (tmp_path.parent / "escape.txt").exists()
