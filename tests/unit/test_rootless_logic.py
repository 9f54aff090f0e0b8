"""The rootless classroom's pure logic: subordinate id ranges, and whether (and why not) a
rootless engine can run from a host's facts."""

import pytest

from dockerlab.classroom import rootless
from dockerlab.classroom.rootless import HostFacts, allocate, choose, parse_ranges, why_not

TOOLS = {name: f"/usr/bin/{name}" for name in rootless.TOOLS}


def facts(**changes):
    found = {"tools": dict(TOOLS), "script": "/usr/share/docker.io/contrib/dockerd-rootless.sh",
             "max_user_namespaces": 96362}
    found.update(changes)
    return HostFacts(**found)


def test_parse_ranges_skips_comments_and_broken_lines():
    text = "# made by hand\nada:100000:65536\nbroken\nbob:x:1\nzoe:165536:65536\n"
    assert parse_ranges(text) == [("ada", 100000, 65536), ("zoe", 165536, 65536)]


def test_the_first_learner_gets_the_first_range():
    assert allocate([], "dl-ada") == (100000, 65536)


def test_a_new_range_overlaps_no_other():
    taken = [("root", 100000, 65536), ("dl-ada", 165536, 65536), ("x", 400000, 1000)]
    assert allocate(taken, "dl-bob") == (231072, 65536)


def test_a_gap_big_enough_is_used_and_a_small_one_skipped():
    taken = [("a", 100000, 65536), ("b", 300000, 65536), ("c", 365536 + 10, 65536)]
    assert allocate(taken, "dl-new") == (165536, 65536)  # 165536 .. 231071 is free
    small = [("a", 100000, 65536), ("b", 165536 + 100, 65536)]
    assert allocate(small, "dl-new") == (231172, 65536)


def test_a_learner_who_has_a_range_keeps_it():
    assert allocate([("dl-ada", 500000, 65536)], "dl-ada") is None
    assert rootless.range_of([("dl-ada", 500000, 65536)], "dl-ada") == (500000, 65536)


def test_a_too_small_range_of_the_learner_s_own_gets_a_full_one_beside_it():
    assert allocate([("dl-ada", 100000, 10)], "dl-ada") == (100000, 65536)


def test_ranges_that_start_below_the_first_are_passed():
    assert allocate([("old", 90000, 20000)], "dl-ada") == (110000, 65536)


def test_removing_a_learner_keeps_the_other_lines():
    text = "dl-ada:100000:65536\ndl-bob:165536:65536\ndl-ada2:231072:65536\n"
    assert rootless.without(text, "dl-ada") == "dl-bob:165536:65536\ndl-ada2:231072:65536\n"


def test_a_host_with_everything_can_run_rootless_engines():
    assert why_not(facts()) is None
    assert why_not(facts(userns_clone="1")) is None  # Debian's older kernels, switched on


@pytest.mark.parametrize("changes, words", [
    ({"userns_clone": "0"}, "unprivileged_userns_clone = 0"),
    ({"max_user_namespaces": 0}, "max_user_namespaces = 0"),
    ({"apparmor_restricts": "1"}, "AppArmor"),
    ({"idmap_privileged": False}, "neither setuid"),
    ({"script": None}, "dockerd-rootless.sh is not here"),
    ({"linux": False}, "Linux kernel"),
    ({"root": False}, "runs as root"),
])
def test_each_missing_fact_is_named(changes, words):
    assert words in why_not(facts(**changes))


def test_missing_tools_name_their_debian_packages_once():
    tools = {**TOOLS, "newuidmap": None, "newgidmap": None, "slirp4netns": None}
    said = why_not(facts(tools=tools))
    assert said.startswith("newuidmap, newgidmap, slirp4netns missing")
    assert said.endswith("(install Debian's uidmap slirp4netns).")


def test_a_kernel_without_the_debian_switch_is_fine():
    assert why_not(facts(userns_clone=None, max_user_namespaces=None)) is None


def test_choose():
    assert choose("auto", facts())[0] == "auto"
    assert choose("rootless", facts())[0] == "rootless"
    assert choose("rootful", facts(script=None))[0] == "rootful"
    kind, sentence = choose("auto", facts(script=None))
    assert kind == "rootful" and "rootless engines cannot run here" in sentence
    assert "root-equivalent" in sentence
    with pytest.raises(ValueError, match="dockerd-rootless.sh is not here"):
        choose("rootless", facts(script=None))
    with pytest.raises(ValueError, match="one of auto, rootless, rootful"):
        choose("rootfull", facts())


def test_auto_falls_back_when_the_rootless_engine_does_not_start(monkeypatch, caplog, tmp_path):
    import pwd

    from dockerlab.classroom import rootless_engine
    from dockerlab.errors import EngineSetupFailed

    def refuse(self, timeout=0):
        raise EngineSetupFailed("dl-x's rootless dockerd exited at once (code 1).\nlog")

    monkeypatch.setattr(rootless_engine.RootlessEngine, "start", refuse)
    monkeypatch.setattr(rootless_engine, "RUN_BASE", tmp_path)
    monkeypatch.setattr(rootless, "SUBUID", tmp_path / "subuid")
    user = pwd.struct_passwd(("dl-x", "x", 4242, 4242, "", str(tmp_path / "home"), "/bin/sh"))
    with caplog.at_level("WARNING", logger="JupyterHub"):
        assert rootless_engine.start_or_fall_back(user, fallback=True) is None
    assert "they get a rootful one (root-equivalent): dl-x's rootless dockerd exited" in \
        caplog.text
    with pytest.raises(EngineSetupFailed, match="exited at once"):
        rootless_engine.start_or_fall_back(user, fallback=False)
