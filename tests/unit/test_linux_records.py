"""What the checks of exercises 07/08 rely on: records of removed cgroups and overlay trees,
the runs' cgroups, the listings' folders, and learner-actionable recipe errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dockerlab.errors import DemoFailed
from dockerlab.linux import boxes, cgroups, child, helper, records
from dockerlab.linux.isolation import Isolation

V1_LAYOUT = cgroups.CgroupLayout(1, {"memory": "/cg/memory"}, {"memory": "/a"})


class FilesBox:
    """Files in a dict; ``run`` stands for the removal script (it removes the directory)."""

    def __init__(self, files=None):
        self.files = dict(files or {})
        self.dirs: set[str] = set()

    def read(self, path):
        return self.files[path]

    def write(self, path, text):
        self.files[path] = text

    def exists(self, path):
        return path in self.files

    def mkdir(self, path):
        self.dirs.add(path)

    def remember(self, action):
        return 1

    def forget(self, key):
        pass

    def run(self, script, isolation=None, timeout=60):
        self.dirs.discard(script.split("\n", 1)[0].split("=", 1)[1])
        return boxes.Run(0, "")


def test_a_removed_cgroup_leaves_a_record_of_its_limit_and_oom_kills():
    box = FilesBox()
    group = cgroups.Cgroup(box, memory="16m", name="dockerlab-linux-rec", layout=V1_LAYOUT)
    with group:
        box.files["/cg/memory/a/dockerlab-linux-rec/memory.oom_control"] = "oom_kill 1\n"
        directory = group.directories[0]
    assert box.dirs == set()
    record = records.find(directory)
    assert record == records.CgroupRecord("dockerlab-linux-rec", 1, 16 << 20, 1)
    with pytest.raises(DemoFailed, match="inside the `with"):
        group.oom_kills()  # the cgroup is gone: say so, not KeyError


def test_records_keep_the_newest_only():
    for n in range(records.KEEP + 5):
        records.keep(f"/test/{n}", n)
    assert records.find("/test/0") is None
    assert records.find(f"/test/{records.KEEP + 4}") == records.KEEP + 4
    records.forget(f"/test/{records.KEEP + 4}")
    assert records.find(f"/test/{records.KEEP + 4}") is None


def test_listing_entries_know_their_folder_but_compare_without_it():
    entry = boxes.parse_listing("character special file|0,0|0|./secret.txt\n", "/t/upper")[0]
    assert entry.root == "/t/upper" and entry.kind == "whiteout"
    assert entry == boxes.Entry("secret.txt", "whiteout")
    assert "/t/upper" not in repr(entry)
    record = records.TreeRecord("/t", "/t/upper", ("/t/lower-1",))
    assert record.folder_of("/t/lower-1") == "lower-1" and record.folder_of("/x") is None
    assert "-maxdepth 1 " in boxes.listing_script("/t", 1)
    assert "maxdepth" not in boxes.listing_script("/t")


def test_a_run_remembers_the_cgroups_it_joined():
    assert boxes.Run(0, "").cgroups == ()
    recipe = Isolation(cgroups="/cg/memory/x")
    assert recipe.cgroups == ["/cg/memory/x"]


def test_a_recipe_explains_a_one_element_tuple_without_its_comma():
    with pytest.raises(DemoFailed) as caught:
        Isolation(namespaces=("uts"), hostname="box")
    assert "comma" in caught.value.advice and "('uts',)" in caught.value.advice


def test_a_recipe_wants_cgroup_directories_not_names():
    with pytest.raises(DemoFailed) as caught:
        Isolation(cgroups=["dockerlab-linux-1-ab"])
    assert "group.directories" in caught.value.advice


def test_a_hostname_without_a_uts_namespace_is_refused_before_any_change():
    recipe = Isolation(hostname="renamed")
    recipe.namespaces = ()  # changed after the fact: the host's own name would change
    with pytest.raises(OSError, match="UTS namespace"):
        child.apply(recipe)  # raises before any system call
    script = helper.inner_script(recipe)
    assert "refused" in script and "hostname renamed" not in script


def test_the_recipe_module_runs_outside_the_package_as_the_child_loads_it():
    folder = Path(child.__file__).parent
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import isolation; "
            "print(isolation.Isolation.from_json(sys.argv[2]).namespaces)")
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(folder),
                           Isolation(hostname="x", cgroups=["/cg/a"]).to_json()],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "('uts',)"


class ControlBox(FilesBox):
    """cgroup.subtree_control as the kernel treats it: "+name" adds, "-name" takes away."""

    def write(self, path, text):
        if not path.endswith("cgroup.subtree_control"):
            return super().write(path, text)
        enabled = set(self.files[path].split())
        (enabled.add if text[0] == "+" else enabled.discard)(text[1:])
        self.files[path] = " ".join(sorted(enabled))


def test_on_cgroup_v2_the_memory_controller_is_switched_on_and_off_again():
    box = ControlBox({"/sys/fs/cgroup/cgroup.subtree_control": "pids"})
    layout = cgroups.CgroupLayout(2, {"unified": "/sys/fs/cgroup"}, {"unified": "/a"})
    with cgroups.Cgroup(box, memory="16m", name="dockerlab-linux-v2", layout=layout):
        assert box.files["/sys/fs/cgroup/cgroup.subtree_control"] == "memory pids"
    assert box.files["/sys/fs/cgroup/cgroup.subtree_control"] == "pids"
