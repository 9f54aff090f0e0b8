"""Memory and CPU limits, checked before the engine sees them (``--memory``, ``--cpu-quota``)."""

from __future__ import annotations

import re

from ..errors import ResourceLimitInvalid

#: the smallest memory limit the engine accepts
MIN_MEMORY = 6 * 1024 * 1024
DEFAULT_CPU_PERIOD = 100_000


_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)i?b?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}


def parse_memory(limit, host_total: int | None = None) -> int:
    """A memory limit (``"20m"``, ``"1g"``, or bytes) in bytes, checked for sense.

    Similar to how ``docker run --memory`` reads its value; the kit also refuses a limit
    larger than the machine's memory, which the engine would silently accept.
    """
    if isinstance(limit, bool) or limit is None:
        raise ResourceLimitInvalid(f"A memory limit of {limit!r} means nothing.",
                                   "Give a size such as '20m' (MiB) or '1g' (GiB).")
    if isinstance(limit, (int, float)):
        size = int(limit)
    else:
        match = _MEMORY.match(str(limit))
        if not match:
            raise ResourceLimitInvalid(
                f"The memory limit '{limit}' is not a size.",
                "Write a number with a unit: b, k, m or g, for example '20m' or '1g'.")
        size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size < MIN_MEMORY:
        raise ResourceLimitInvalid(
            f"A memory limit of {size} bytes is below the engine's minimum of 6 MiB.",
            "Use at least '6m'; '20m' is plenty for a busybox container.")
    if host_total and size > host_total:
        raise ResourceLimitInvalid(
            f"A memory limit of {size / 1024 ** 3:.1f} GiB is more than this machine has "
            f"({host_total / 1024 ** 3:.1f} GiB): it would limit nothing.",
            "Pick a limit below the machine's memory, such as '20m' or '256m'.")
    return size


def check_cpu_quota(quota, period: int = DEFAULT_CPU_PERIOD) -> int:
    """Check a CFS CPU quota (microseconds per ``period``); similar to ``--cpu-quota``.

    The engine accepts a negative quota silently (it means "no limit" to the kernel), so
    the kit refuses it: leave the option out when you want no limit.
    """
    if isinstance(quota, bool) or not isinstance(quota, int):
        raise ResourceLimitInvalid(f"The CPU quota {quota!r} is not a whole number.",
                                   "Give microseconds per period, e.g. 20000 for 20% of a CPU.")
    if quota < 0:
        raise ResourceLimitInvalid(
            f"A CPU quota of {quota} is negative: a container cannot have less than no time.",
            "Give microseconds of CPU per period (e.g. 20000 of 100000 is 20% of one CPU), "
            "or leave cpu_quota out for no limit.")
    if quota < 1000:
        raise ResourceLimitInvalid(
            f"A CPU quota of {quota} µs is below the engine's minimum of 1000 µs (1 ms).",
            "Use at least 1000; 20000 with the default period of 100000 is 20% of a CPU.")
    if not 1000 <= period <= 1_000_000:
        raise ResourceLimitInvalid(f"A CPU period of {period} µs is out of range.",
                                   "The period must be between 1000 and 1000000 µs.")
    return quota


def checked_options(lab, options: dict) -> dict:
    """``options`` with the memory and CPU settings checked (and memory in bytes)."""
    options = dict(options)
    for key in ("mem_limit", "memswap_limit"):
        if key in options and options[key] not in (None, -1):
            options[key] = parse_memory(options[key], _host_memory(lab))
    if options.get("cpu_quota") is not None:
        check_cpu_quota(options["cpu_quota"], options.get("cpu_period") or DEFAULT_CPU_PERIOD)
    return options


def _host_memory(lab) -> int | None:
    try:
        return int(lab.client.info().get("MemTotal") or 0) or None
    except Exception:
        return None
