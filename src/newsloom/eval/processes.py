"""CPU and memory of this process and every process it started, for benchmarks: the feature
pool's workers, Spark's JVM and the Python workers the JVM starts (grandchildren)."""

from __future__ import annotations

import os
import resource
from pathlib import Path


def cpu_seconds() -> float:
    """CPU seconds used so far by this process, its reaped children (extraction workers)
    and its live children (the feature pool). Unlike wall time this hardly depends on what
    else runs on the machine, so it is the fairer measure of whether batches get dearer."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    return total + sum(cpu + waited for cpu, waited in _descendants().values()) / tick


def descendant_peak_mib() -> float:
    """The largest peak resident memory among the live descendants (feature workers, Spark's
    JVM and Python workers), MiB."""
    peak = 0
    for pid in _descendants():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak / 1024


def _descendants(root: int | None = None) -> dict[int, tuple[int, int]]:
    """Live descendants of ``root`` (default: this process; the feature pool, Spark's JVM
    and its Python workers): pid → (own CPU ticks, CPU ticks of the children it reaped)."""
    proc, me = Path("/proc"), os.getpid() if root is None else root
    parents: dict[int, int] = {}
    ticks: dict[int, tuple[int, int]] = {}
    for entry in proc.iterdir() if proc.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:  # fields after the ")" that ends the command name: state ppid ... utime stime
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        ticks[pid] = (int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]))
    found: dict[int, tuple[int, int]] = {}
    for pid in ticks:
        ancestor, seen = parents.get(pid), 0
        while ancestor and ancestor != me and seen < 64:
            ancestor, seen = parents.get(ancestor), seen + 1
        if ancestor == me:
            found[pid] = ticks[pid]
    return found
