"""What the load test measures of a running server: its processes, memory and CPU (read from /proc)."""

from __future__ import annotations

import os
import platform
import re
import threading
from pathlib import Path

LABELLED_NUMBER = re.compile(r"^([A-Za-z][^|:]{3,90}):\s+([-+]?\d[\d,.]*\s*\S{0,12}.*)$")


def streamlit_processes() -> dict[int, list[bytes]]:
    """pid -> argv of every `streamlit run` process on this machine (read from /proc)."""
    found = {}
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0") if proc.name.isdigit() else []
        except OSError:
            continue
        if any(a.endswith(b"streamlit") for a in argv) and b"run" in argv:
            found[int(proc.name)] = argv
    return found


def server_pid(port: int) -> int | None:
    """The `streamlit run ... --server.port <port>` process."""
    return next((pid for pid, argv in streamlit_processes().items()
                 if b"--server.port" in argv and str(port).encode() in argv), None)


def _status_mb(pid: int | list[int], field: str) -> float:
    """A memory field of ``/proc/<pid>/status`` in MB, or its sum over several processes (replicas)."""
    if isinstance(pid, list):
        return sum(_status_mb(p, field) for p in pid)
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int | list[int]) -> float:
    """Resident memory of a process, or the sum over several (replicas)."""
    return _status_mb(pid, "VmRSS")


def anon_mb(pid: int | list[int]) -> float:
    """The anonymous part of a process's resident memory (its heaps: what it allocated, not the libraries' pages
    mapped from files), or the sum over several."""
    return _status_mb(pid, "RssAnon")


def cpu_name() -> str:
    """The processor's model name (``/proc/cpuinfo``): timings from different machines are not comparable."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        lines = []
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                platform.processor() or "unknown CPU")


def cpu_seconds(pid: int | list[int]) -> float:
    """User + system CPU time the process (or the sum over several) has used so far."""
    if isinstance(pid, list):
        return sum(cpu_seconds(p) for p in pid)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RssSampler(threading.Thread):
    """Samples the server's RSS (summed over replicas) twice a second; ``peak`` is the largest seen."""

    def __init__(self, pid: int | list[int]):
        super().__init__(daemon=True)
        self.pid, self.peak, self._halt = pid, 0.0, threading.Event()

    def run(self):
        while not self._halt.wait(0.5):
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except OSError:
                return

    def stop(self):
        self._halt.set()
        self.join(2)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def flatten(benchmark: str, output: str) -> list[tuple[str, str, str, str]]:
    """Rows (benchmark, figure, value, note) from the Markdown tables and ``label: number`` lines of ``output``."""
    rows, header = [], None
    for line in output.splitlines():
        if line.lstrip().startswith("|"):
            row = cells(line)
            if all(set(cell) <= set("-: ") for cell in row):
                continue                                  # the |---|---| line
            if header is None:
                header = row
                continue
            filled = [cell for cell in row[1:] if cell]
            if len(header) >= 2 and header[1].lower() in ("value", "measured", "figure"):
                rows.append((benchmark, row[0], row[1] if len(row) > 1 else "", " · ".join(c for c in row[2:] if c)))
            elif len(row) > 2 and len(filled) == 1:     # a note row such as "| output | le chat … | | |"
                rows.append((benchmark, row[0], filled[0][:150], ""))
            else:
                rows += [(benchmark, f"{row[0]} — {name}", value, "") for name, value in zip(header[1:], row[1:])
                         if value]
        else:
            header = None
            match = LABELLED_NUMBER.match(line.strip()) if not line.startswith(" ") else None
            if match:
                rows.append((benchmark, match.group(1).strip(), match.group(2).strip(), ""))
    return rows
