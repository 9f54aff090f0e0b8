"""What `docker system df` reports, summed per kind (sample answers of GET /system/df)."""

from __future__ import annotations

from dockerlab.engine.inventory import EngineInventory, usage_of

DF = {
    "Images": [{"Size": 1000, "Containers": 2}, {"Size": 300, "Containers": 0}],
    "Containers": [{"SizeRw": 10, "State": "running"}, {"SizeRw": 5, "State": "exited"},
                   {"SizeRw": None, "State": "created"}],
    "Volumes": [{"UsageData": {"Size": 70, "RefCount": 0}},
                {"UsageData": {"Size": -1, "RefCount": 1}}],  # -1: not computed
    "BuildCache": [{"Size": 8, "InUse": False}, {"Size": 2, "InUse": True}],
}


def test_images_in_use_are_not_reclaimable():
    assert usage_of(DF, "Images") == {"count": 2, "size": 1300, "reclaimable": 300}


def test_only_stopped_containers_free_their_writable_layer():
    assert usage_of(DF, "Containers") == {"count": 3, "size": 15, "reclaimable": 5}


def test_volumes_without_a_size_count_as_zero():
    assert usage_of(DF, "Volumes") == {"count": 2, "size": 70, "reclaimable": 70}


def test_build_cache_in_use_stays():
    assert usage_of(DF, "BuildCache") == {"count": 2, "size": 10, "reclaimable": 8}
    assert usage_of({}, "BuildCache") == {"count": 0, "size": 0, "reclaimable": 0}


def test_inventory_reads_as_one_line():
    facts = EngineInventory("20.10.24", "1.41", "1.12", "Debian (x86_64)", "overlay2",
                            "/var/lib/docker", "cgroupfs, v1",
                            {"images": 1, "containers": 0}, {})
    assert str(facts) == ("Docker Engine 20.10.24 (API 1.12 to 1.41) on Debian (x86_64), "
                          "storage overlay2 in /var/lib/docker: 1 images, 0 containers")
