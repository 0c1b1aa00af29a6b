"""A city's deployment on one machine: each host a network namespace, all on a private bridge.

Every host gets one veth into a "switch" namespace that holds the bridge, and an address 10.200.0.N that
exists only inside the namespaces: nothing is added to the machine's own network, and no packet can leave
it. Cutting a host off is setting its switch-side link down (as pulling its cable would), which leaves
its sockets open and silent, the hard case for the other hosts.
Needs root and iproute2 (`ip netns`, veth, bridge).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import suppress
from pathlib import Path

SUBNET = "10.200.0"


def available() -> str | None:
    """None if namespaces can be made here, else why not."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "iproute2 (`ip`) is not installed"
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=30)


class Network:
    def __init__(self, hosts: list[str]) -> None:
        self.prefix = f"xf{os.getpid() % 100000}"
        self.switch = f"{self.prefix}-sw"
        self.hosts = {name: number for number, name in enumerate(hosts, start=1)}
        self.processes: list[subprocess.Popen] = []
        self._made: list[str] = []
        try:
            self._build()
        except BaseException:
            self.close()
            raise

    def _build(self) -> None:
        self._add_namespace(self.switch)
        _ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
        _ip("-n", self.switch, "link", "set", "br0", "up")
        for name, number in self.hosts.items():
            ns = self.namespace(name)
            self._add_namespace(ns)
            host_end, switch_end = f"{self.prefix}h{number}", self._switch_end(name)
            _ip("link", "add", host_end, "netns", ns, "type", "veth", "peer", "name", switch_end, "netns",
                self.switch)
            _ip("-n", self.switch, "link", "set", switch_end, "master", "br0")
            _ip("-n", self.switch, "link", "set", switch_end, "up")
            _ip("-n", ns, "addr", "add", f"{self.address(name)}/24", "dev", host_end)
            _ip("-n", ns, "link", "set", host_end, "up")

    def _add_namespace(self, ns: str) -> None:
        _ip("netns", "add", ns)
        self._made.append(ns)
        _ip("-n", ns, "link", "set", "lo", "up")

    def namespace(self, host: str) -> str:
        return f"{self.prefix}-{host}"

    def _switch_end(self, host: str) -> str:
        return f"{self.prefix}s{self.hosts[host]}"

    def address(self, host: str) -> str:
        return f"{SUBNET}.{self.hosts[host]}"

    def command(self, host: str, argv: list[str], user: str | None = None) -> list[str]:
        prefix = ["ip", "netns", "exec", self.namespace(host)]
        return prefix + (["runuser", "-u", user, "--"] if user else []) + argv

    def start(self, host: str, argv: list[str], log: Path, env: dict[str, str] | None = None,
              user: str | None = None) -> subprocess.Popen:
        handle = log.open("ab")
        process = subprocess.Popen(self.command(host, argv, user), env=env, stdout=handle,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def run(self, host: str, argv: list[str], env: dict[str, str] | None = None, user: str | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(host, argv, user), env=env, capture_output=True, text=True,
                              timeout=timeout)

    def cut(self, host: str) -> None:
        _ip("-n", self.switch, "link", "set", self._switch_end(host), "down")

    def restore(self, host: str) -> None:
        _ip("-n", self.switch, "link", "set", self._switch_end(host), "up")

    def close(self) -> None:
        """Stop every process started in the namespaces, then remove the namespaces."""
        for process in self.processes:
            if process.poll() is None:
                with suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, 15)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, 9)
                process.wait(timeout=10)
        for ns in reversed(self._made):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=30)
        self._made.clear()

