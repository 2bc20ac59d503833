"""A throwaway single-node Elasticsearch for tests and development (CONTRACT §7).

It runs the integration-test distribution (`org.elasticsearch.distribution.integ-test-zip`, a zip
without a bundled JDK), fetched once with `mvn dependency:copy` and unpacked into a cache outside the
work tree, on 127.0.0.1:<port> with a JDK it supports — as an unprivileged user when we are root,
since Elasticsearch refuses to run as root. Each port has its own configuration, data and logs.

Two ways to run a node:
- `python -m search.node start|stop|status` (`make elasticsearch`, `make elasticsearch-stop`): a node
  in the background that outlives the command, stopped through its pid file;
- `ElasticsearchNode(port).executor()`: a node owned by its caller (the test run, tests/services.py),
  started, watched until healthy and stopped by mirakuru, and killed with the caller if it dies.

Environment (all optional): ES_PORT (9200), ES_VERSION, ES_CACHE, ES_HEAP (512m), ES_JAVA_HOME,
ES_USER (elasticsearch), ES_START_TIMEOUT (seconds, 120), ES_JAVA_OPTS.
"""

import fcntl
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

VERSION = "8.19.8"
IS_ROOT = os.geteuid() == 0


class NodeError(RuntimeError):
    """Elasticsearch could not be fetched, started or stopped; the message says why."""


def say(message):
    print(f"search.node: {message}", file=sys.stderr, flush=True)


def cache_root():
    """Where downloads, data and logs live: outside the work tree, reachable by the unprivileged user."""
    if os.environ.get("ES_CACHE"):
        return Path(os.environ["ES_CACHE"])
    # Root's home is private (mode 700 on Debian): the user that runs the node could not enter it.
    if IS_ROOT and not os.environ.get("XDG_CACHE_HOME"):
        return Path("/var/cache/safer-internet/elasticsearch")
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "safer-internet" / "elasticsearch"


def system_user(name):
    """The unprivileged user a server runs as when we are root (servers refuse root), created when missing."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        shell = "--shell=/usr/sbin/nologin"
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", shell, name], check=True)
    return name


@contextmanager
def locked(path):
    """An exclusive lock, so parallel runs neither download twice nor start one port twice."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def java_major(home):
    release = Path(home) / "release"
    if not (Path(home) / "bin" / "java").exists() or not release.exists():
        return None
    for line in release.read_text().splitlines():
        if line.startswith("JAVA_VERSION="):
            version = line.split("=", 1)[1].strip('"').removeprefix("1.")
            return int(version.split(".")[0].split("_")[0].split("+")[0])
    return None


def find_java(version=VERSION):
    """The JDK to run `version` with: ES_JAVA_HOME, else 17 for 8.x (what it is tested with here), else the oldest new enough."""
    needed = 17 if version.startswith("8.") else 21
    if os.environ.get("ES_JAVA_HOME"):
        home = os.environ["ES_JAVA_HOME"]
        major = java_major(home)
        if major is None or major < needed:
            raise NodeError(f"ES_JAVA_HOME={home} is not a JDK {needed} or later")
        return home
    found = sorted(
        (major, str(home))
        for home in Path("/usr/lib/jvm").glob("*")
        if home.is_dir() and not home.is_symlink() and (major := java_major(home)) and major >= needed
    )
    if not found:
        raise NodeError(
            f"no JDK {needed} or later in /usr/lib/jvm for Elasticsearch {version}; "
            "install one (apt-get install openjdk-17-jdk-headless) or set ES_JAVA_HOME"
        )
    return found[0][1]


def fetch(version=VERSION):
    """The unpacked distribution, downloaded with Maven the first time."""
    cache = cache_root()
    home = cache / f"elasticsearch-{version}"
    if (home / "bin" / "elasticsearch").exists():
        return home
    with locked(cache / "locks" / "fetch.lock"):
        if (home / "bin" / "elasticsearch").exists():
            return home
        download = cache / "download"
        archive = download / f"elasticsearch-{version}.zip"
        if not archive.exists():
            if not shutil.which("mvn"):
                raise NodeError("'mvn' is needed to download Elasticsearch from Maven Central but is not on PATH")
            say(f"downloading the Elasticsearch {version} integration-test distribution with Maven…")
            download.mkdir(parents=True, exist_ok=True)
            artifact = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
            # From its own directory, so no project's pom.xml gets in the way.
            result = subprocess.run(
                ["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={download}"],
                cwd=download,
                capture_output=True,
                text=True,
            )
            if result.returncode or not archive.exists():
                raise NodeError(f"mvn could not fetch {artifact}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        # unzip keeps the executable bits that Python's zipfile drops; unpacked aside, then renamed,
        # so an interrupted unpack leaves nothing that looks complete.
        unpacked = cache / f"unpack-{os.getpid()}"
        shutil.rmtree(unpacked, ignore_errors=True)
        result = subprocess.run(["unzip", "-q", str(archive), "-d", str(unpacked)], capture_output=True, text=True)
        if result.returncode:
            archive.unlink()  # most likely a damaged download: fetch it anew next time
            raise NodeError(f"could not unpack {archive} (removed; run again): {result.stderr[-2000:]}")
        subprocess.run(["chmod", "-R", "a+rX", str(unpacked)], check=True)
        (unpacked / f"elasticsearch-{version}").rename(home)
        unpacked.rmdir()
    return home


class ElasticsearchNode:
    def __init__(self, port=None, version=None):
        self.port = int(port or os.environ.get("ES_PORT", 9200))
        self.version = version or os.environ.get("ES_VERSION", VERSION)
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = cache_root() / "instances" / str(self.port)
        self.pidfile = self.instance / "elasticsearch.pid"
        self.log = self.instance / "logs" / "console.log"
        self.start_timeout = int(os.environ.get("ES_START_TIMEOUT", 120))

    def healthy(self, wait=1):
        """The cluster's status (green/yellow) if it answers at least yellow within `wait` seconds, else None."""
        try:
            with urllib.request.urlopen(
                f"{self.url}/_cluster/health?wait_for_status=yellow&timeout={wait}s", timeout=wait + 5
            ) as response:
                return json.load(response)["status"]
        except (OSError, ValueError, KeyError):
            return None

    def command(self):
        """The node's command line: prepare its instance directory, and run as an unprivileged user when root."""
        home, java = fetch(self.version), find_java(self.version)
        (self.instance / "data").mkdir(parents=True, exist_ok=True)
        (self.instance / "logs").mkdir(parents=True, exist_ok=True)
        # A configuration directory per instance: the node writes its keystore there, and the
        # distribution stays read-only and shared between ports.
        config = self.instance / "config"
        if not (config / "elasticsearch.yml").exists():
            shutil.rmtree(config, ignore_errors=True)
            shutil.copytree(home / "config", config)
        prefix = []
        if IS_ROOT:
            user = system_user(os.environ.get("ES_USER", "elasticsearch"))
            shutil.chown(self.instance, user)
            subprocess.run(["chown", "-R", f"{user}:", str(self.instance)], check=True)
            prefix = ["runuser", "-u", user, "--"]
        heap = os.environ.get("ES_HEAP", "512m")
        return [
            *prefix,
            "env",
            "-u",
            "JAVA_HOME",
            f"ES_JAVA_HOME={java}",
            f"ES_PATH_CONF={config}",
            f"ES_JAVA_OPTS=-Xms{heap} -Xmx{heap} {os.environ.get('ES_JAVA_OPTS', '')}".strip(),
            str(home / "bin" / "elasticsearch"),
            *(
                f"-E{setting}"
                for setting in (
                    f"path.data={self.instance / 'data'}",
                    f"path.logs={self.instance / 'logs'}",
                    "network.host=127.0.0.1",
                    f"http.port={self.port}",
                    "discovery.type=single-node",
                    "xpack.security.enabled=false",
                    "cluster.routing.allocation.disk.threshold_enabled=false",
                )
            ),
        ]

    def executor(self, timeout=None):
        """A mirakuru executor for a node owned by the caller: `.start()` returns once the cluster is healthy."""
        from mirakuru import HTTPExecutor

        command = self.command()
        return HTTPExecutor(
            command,
            url=f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=1s",
            method="GET",
            status="200",
            timeout=timeout or self.start_timeout,
            cwd=str(self.instance),
            # The node's console goes to a file: a pipe nobody reads would block it.
            stdout=open(self.log, "w"),
            stderr=subprocess.STDOUT,
        )

    # --- A node in the background (make elasticsearch) ---------------------------------------

    def running_pid(self):
        """The pid in our pid file if that process is alive and is an Elasticsearch node."""
        try:
            pid = int(self.pidfile.read_text())
            return pid if b"-Des.path.home=" in Path(f"/proc/{pid}/cmdline").read_bytes() else None
        except (OSError, ValueError):
            return None

    def start(self):
        status = self.healthy()
        if status:
            say(f"Elasticsearch already answers on {self.url} (status {status}); not starting another")
            return
        with locked(cache_root() / "locks" / f"instance-{self.port}.lock"):
            if not self.running_pid():
                command = self.command()
                say(f"starting Elasticsearch {self.version} on {self.url}")
                self.pidfile.unlink(missing_ok=True)
                with open(self.log, "w") as log:
                    # -d: the launcher returns once the node runs in the background; -p: its pid file.
                    result = subprocess.run([*command, "-d", "-p", str(self.pidfile)], cwd=self.instance, stdout=log, stderr=log)
                if result.returncode:
                    raise NodeError(f"the node did not start; see {self.log} and {self.instance / 'logs'}")
            deadline = time.monotonic() + self.start_timeout
            while not (status := self.healthy(2)):
                if not self.running_pid():
                    raise NodeError(f"Elasticsearch exited during start-up; see {self.instance / 'logs'}")
                if time.monotonic() > deadline:
                    self.stop()
                    raise NodeError(f"Elasticsearch was not healthy within {self.start_timeout} s; see {self.instance / 'logs'}")
            say(f"Elasticsearch is up on {self.url} (status {status})")

    def stop(self, grace=60):
        pid = self.running_pid()
        if not pid:
            self.pidfile.unlink(missing_ok=True)
            say(f"no Elasticsearch started by search.node runs on port {self.port}")
            return
        say(f"stopping Elasticsearch (pid {pid}) on port {self.port}")
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10)):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
                time.sleep(0.5)
            if not Path(f"/proc/{pid}").exists():
                break
        self.pidfile.unlink(missing_ok=True)
        say("stopped")

    def status(self):
        status = self.healthy()
        pid = self.running_pid()
        if status:
            print(f"running: Elasticsearch on {self.url}, status {status}" + (f", pid {pid}" if pid else ""))
            return 0
        print(f"starting or unhealthy: pid {pid} on port {self.port}" if pid else f"not running on port {self.port}")
        return 1 if pid else 3


def main(argv):
    if len(argv) != 1 or argv[0] not in ("start", "stop", "status"):
        print("usage: python -m search.node start|stop|status", file=sys.stderr)
        return 2
    node = ElasticsearchNode()
    try:
        return getattr(node, argv[0])() or 0
    except NodeError as error:
        say(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
