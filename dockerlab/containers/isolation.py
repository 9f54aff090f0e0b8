"""How a container is fenced in: network, root file system, capabilities, processes."""

from __future__ import annotations

from dataclasses import dataclass

from .run import run_to_end

#: Linux capability names by bit number (``include/uapi/linux/capability.h``)
CAPABILITIES = (
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE",
    "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
    "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
    "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
    "PERFMON", "BPF", "CHECKPOINT_RESTORE")


def decode_capabilities(mask: str | int) -> list[str]:
    """Capability names in a ``CapEff`` mask from ``/proc/<pid>/status``."""
    value = int(mask, 16) if isinstance(mask, str) else mask
    return [name for bit, name in enumerate(CAPABILITIES) if value >> bit & 1]


def interfaces(lab, **options) -> list[str]:
    """The network interfaces a container sees (``ls /sys/class/net``)."""
    _, output = run_to_end(lab, "ls /sys/class/net", **options)
    return output.split()


def try_write(lab, path: str = "/hello.txt", **options) -> tuple[int, str]:
    """Try to create a file at the root; exit code and message (``--read-only`` fails it)."""
    state, output = run_to_end(lab, f"touch {path} && echo written", **options)
    return state.exit_code, output.strip()


def capabilities(lab, **options) -> list[str]:
    """The effective capabilities of a container's process (``--cap-drop``/``--cap-add``)."""
    _, output = run_to_end(lab, "grep CapEff /proc/self/status", **options)
    return decode_capabilities(output.split()[-1])


def try_chown(lab, **options) -> str:
    """Try to give a file to another user as root; ``--cap-drop CHOWN`` makes it fail."""
    _, output = run_to_end(lab, "touch /tmp/f && chown 1000 /tmp/f && echo 'chown worked'",
                           **options)
    return output.strip()


def processes(lab, **options) -> list[tuple[int, str]]:
    """The processes a container can see, as (PID, command); ``--pid host`` shows all."""
    _, output = run_to_end(lab, "sleep 0.3 & ps -o pid,comm; wait", **options)
    rows = []
    for line in output.splitlines()[1:]:
        pid, _, name = line.strip().partition(" ")
        if pid.isdigit():
            rows.append((int(pid), name.strip()))
    return rows


def host_process_count() -> int:
    """How many processes this machine runs (``ls /proc`` numeric entries)."""
    from pathlib import Path

    return sum(1 for entry in Path("/proc").iterdir() if entry.name.isdigit())


@dataclass
class IsolationRow:
    """One isolation control: what a default container sees, and with the option."""

    control: str
    option: str
    default: str
    with_option: str


def isolation_report(lab) -> list[IsolationRow]:
    """Each isolation control tried for real, next to a default container."""
    default_caps = capabilities(lab)
    dropped = capabilities(lab, cap_drop=["ALL"], cap_add=["CHOWN"])
    inside = processes(lab)
    shared = processes(lab, pid_mode="host")
    return [
        IsolationRow("network", "network_mode='none'", " ".join(interfaces(lab)),
                     " ".join(interfaces(lab, network_mode="none"))),
        IsolationRow("root file system", "read_only=True", try_write(lab)[1],
                     try_write(lab, read_only=True)[1]),
        IsolationRow("capabilities", "cap_drop=['ALL'], cap_add=['CHOWN']",
                     f"{len(default_caps)}: {' '.join(default_caps)}",
                     f"{len(dropped)}: {' '.join(dropped)}"),
        IsolationRow("processes", "pid_mode='host'",
                     f"{len(inside)} visible, PID 1 is {inside[0][1] if inside else '?'}",
                     f"{len(shared)} visible, PID 1 is {shared[0][1] if shared else '?'}"),
    ]


def isolation_table(rows: list[IsolationRow]) -> str:
    lines = []
    for row in rows:
        lines += [f"{row.control} ({row.option})", f"  default:     {row.default}",
                  f"  with option: {row.with_option}"]
    return "\n".join(lines)
