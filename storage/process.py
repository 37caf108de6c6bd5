"""Tell whether the process that opened a run is still alive, guarding against reused pids."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Process start times derived from /proc are only precise to about a second, and clocks drift a little.
START_SLACK = timedelta(seconds=60)


def process_alive(pid: int, run_started_at: datetime) -> bool:
    """Tell whether pid is a live process on this machine that could have started a run at run_started_at."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # It exists but belongs to another user.
    info = _proc_info(pid)
    if info is None:
        return True  # No /proc (not Linux): trust kill().
    state, started = info
    if state == "Z":
        return False  # A zombie has exited; only its parent has not reaped it yet.
    # A process born after the run began cannot have opened it: the pid was reused (e.g. after a reboot).
    return started is None or started <= run_started_at + START_SLACK


def _proc_info(pid: int) -> tuple[str, datetime | None] | None:
    """Read (state, start time) of pid from /proc, or None when /proc cannot tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may contain spaces and parentheses; the fields after the last ')' are fixed.
    fields = stat[stat.rfind(")") + 2 :].split()
    if len(fields) < 20:
        return None
    return fields[0], _start_time(int(fields[19]))


def _start_time(ticks_since_boot: int) -> datetime | None:
    boot = _boot_time()
    if boot is None:
        return None
    return boot + timedelta(seconds=ticks_since_boot / os.sysconf("SC_CLK_TCK"))


def _boot_time() -> datetime | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return datetime.fromtimestamp(int(line.split()[1]), UTC)
    except (OSError, ValueError):
        return None
    return None
