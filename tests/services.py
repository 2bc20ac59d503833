"""The real services of a test run, owned by pytest (loaded with `-p tests.services`, see pyproject.toml).

    pytest --elasticsearch   a throwaway Elasticsearch node for this run (search/node.py), unless
                             ELASTICSEARCH_TEST_URL names one already; on ES_PORT (default 9200)
    pytest --postgresql      the run's database is a throwaway PostgreSQL cluster (PG_PORT, default 54329)

The services start in the main process before Django reads its settings, and stop when the run ends;
pytest-xdist workers inherit their addresses (DATABASE_URL, ELASTICSEARCH_TEST_URL). Elasticsearch
starts in the background while tests are collected; the `elasticsearch` fixture waits for it.
mirakuru runs both and kills them with the run if it dies. A service already answering on the port
(`make elasticsearch`, say) is used and left running.

`python -m tests.services postgresql start|stop` runs the same cluster in the background for the
commands that measure PostgreSQL outside pytest (docs/search.md); `start` prints its DATABASE_URL.

pytest-postgresql was tried: it runs initdb and pg_ctl as the calling user (PostgreSQL refuses root,
which CI is) in pytest's private temporary directory, which the postgres user cannot enter.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from search.node import IS_ROOT, ElasticsearchNode, cache_root, system_user

IN_WORKER = "PYTEST_XDIST_WORKER" in os.environ
ROLE = DATABASE = "portal"
SUPERUSER = "postgres"  # the bootstrap superuser initdb creates, whoever runs it


class PostgreSQL:
    """A throwaway cluster tuned for speed, not safety (fsync off): never keep data in it."""

    def __init__(self, port=None):
        self.port = int(port or os.environ.get("PG_PORT", 54329))
        self.dir = cache_root().parent / f"postgres-{self.port}"
        self.data = self.dir / "data"
        self.url = f"postgres://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"
        self.bin = self.binaries()
        self.user = system_user(os.environ.get("PG_USER", "postgres")) if IS_ROOT else None

    @staticmethod
    def binaries():
        """The newest server's bin directory; as root, Debian's package is installed when there is none."""

        def newest():
            found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
            return found[-1].parent if found else None

        if os.environ.get("PG_BIN"):
            return Path(os.environ["PG_BIN"])
        if newest() is None and IS_ROOT:
            print("tests.services: installing Debian's postgresql package", file=sys.stderr)
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            install = ["apt-get", "install", "-y", "-q", "postgresql"]
            # The package lists may be stale or absent on a fresh machine: update only if needed.
            if subprocess.run(install, env=env, stdout=sys.stderr).returncode:
                subprocess.run(["apt-get", "update", "-q"], env=env, stdout=sys.stderr, check=True)
                subprocess.run(install, env=env, stdout=sys.stderr, check=True)
        if newest() is None:
            raise RuntimeError("PostgreSQL's server is not installed (as root: apt-get install postgresql), or set PG_BIN")
        return newest()

    def run(self, program, *args, **kwargs):
        """A PostgreSQL program, as the unprivileged user when root, from / (it may not enter the caller's directory)."""
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        return subprocess.run([*prefix, str(self.bin / program), *args], cwd="/", **kwargs)

    def init(self):
        version = self.bin.parent.name
        if (self.data / "PG_VERSION").exists() and (self.data / "PG_VERSION").read_text().strip() == version:
            return
        shutil.rmtree(self.data, ignore_errors=True)  # another major version, or an interrupted initdb
        (self.dir / "socket").mkdir(parents=True, exist_ok=True)
        self.data.mkdir(mode=0o700)
        if self.user:
            subprocess.run(["chown", "-R", f"{self.user}:", str(self.dir)], check=True)
        result = self.run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--encoding=UTF8", "--locale=C.UTF-8", "--auth=trust",
            capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"initdb failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")

    def options(self):
        """Server settings: this machine only (trust), speed over durability."""
        return {
            "listen_addresses": "127.0.0.1",
            "port": self.port,
            "unix_socket_directories": self.dir / "socket",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "wal_level": "minimal",
            "max_wal_senders": 0,
            "max_wal_size": "1GB",
            "checkpoint_timeout": "30min",
            "jit": "off",
            "log_min_messages": "warning",
        }

    def executor(self):
        """A mirakuru executor for a cluster owned by the caller; SIGINT is PostgreSQL's fast shutdown."""
        from mirakuru import TCPExecutor

        self.init()
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        settings = [arg for name, value in self.options().items() for arg in ("-c", f"{name}={value}")]
        return TCPExecutor(
            [*prefix, str(self.bin / "postgres"), "-D", str(self.data), *settings],
            host="127.0.0.1",
            port=self.port,
            cwd="/",
            timeout=120,
            stop_signal=signal.SIGINT,
            stdout=open(self.dir / "postgres.log", "w"),
            stderr=subprocess.STDOUT,
        )

    def ensure_database(self, timeout=60):
        """The role and database the tests use; waits while the server still starts up."""
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True) as db:
                    if not db.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone():
                        db.execute(f"CREATE ROLE {ROLE} LOGIN CREATEDB")
                    if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
                        db.execute(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
                return self.url
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def answers(self):
        return self.run("pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-t", "2").returncode == 0

    # In the background, for measuring outside pytest.
    def start(self):
        if not self.answers():
            self.init()
            options = " ".join(f"-c {name}={value}" for name, value in self.options().items())
            # A log of its own: the one pytest's runs write is opened by the caller (root, in CI), not the server's user.
            self.run("pg_ctl", "start", "-w", "-D", str(self.data), "-o", options, "-l", str(self.data / "background.log"),
                     stdout=subprocess.DEVNULL, check=True)  # fmt: skip
        print(self.ensure_database())

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "-m", "fast", "-w", "-D", str(self.data), stdout=subprocess.DEVNULL, check=True)


# --- The pytest plugin -----------------------------------------------------------------------

_owned = []  # executors this run started, stopped at its end


def pytest_addoption(parser):
    group = parser.getgroup("services", "real services for the tests")
    group.addoption("--elasticsearch", action="store_true", help="start a throwaway Elasticsearch node for this run")
    group.addoption("--postgresql", action="store_true", help="run on a throwaway PostgreSQL cluster")


def failure_note(node):
    """Where a node that failed to start says why, for the xdist workers waiting for it."""
    return node.instance.parent / f"{node.port}.failed"


def start_elasticsearch():
    node = ElasticsearchNode()
    os.environ["ELASTICSEARCH_TEST_URL"] = node.url
    if node.healthy():
        return
    note = failure_note(node)
    note.parent.mkdir(parents=True, exist_ok=True)
    note.unlink(missing_ok=True)
    try:
        executor = node.executor(timeout=int(os.environ.get("ES_START_TIMEOUT", 300)))
    except Exception as error:  # no mvn, no JDK, no unzip: the elasticsearch fixture reports it
        note.write_text(str(error))
        return
    _owned.append(executor)
    os.environ["ELASTICSEARCH_TEST_STARTING"] = "1"  # the fixture waits for a node this run starts

    def start():
        try:
            executor.start()
        except Exception as error:
            note.write_text(f"{error} (log: {node.log})")

    threading.Thread(target=start, daemon=True, name="elasticsearch").start()


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Before pytest-django imports the settings, which read DATABASE_URL (a wrapper runs before every plugin)."""
    options = early_config.known_args_namespace
    if not IN_WORKER:
        start_services(options)
    return (yield)


def start_services(options):
    if getattr(options, "postgresql", False):
        try:
            cluster = PostgreSQL()
            if not cluster.answers():
                executor = cluster.executor()
                _owned.append(executor)
                executor.start()
            os.environ["DATABASE_URL"] = cluster.ensure_database()
        except Exception as error:
            raise pytest.UsageError(f"--postgresql: the cluster could not be started: {error}") from error
    if getattr(options, "elasticsearch", False) and not os.environ.get("ELASTICSEARCH_TEST_URL"):
        start_elasticsearch()


def pytest_unconfigure(config):
    while _owned:
        executor = _owned.pop()
        if executor.running():
            executor.stop()


class Relay:
    """A TCP relay in front of a real service, which a test can cut and restore: an outage as the site meets it.

    Cut, its port refuses connections and the open ones are dropped, as when the service's process is
    gone; restored, it listens on the same port again. The service itself keeps running for the other
    tests (starting a second Elasticsearch node for the outage test, and again after the outage, took
    ~35 s of both cores per run).
    """

    def __init__(self, target_url):
        target = urlsplit(target_url)
        self.host, self.target = target.hostname, (target.hostname, target.port)
        self.port, self.listener, self.open = 0, None, set()
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((self.host, self.port))
        self.port = self.listener.getsockname()[1]  # the first start picks a free port; later ones take it again
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; close alone leaves it listening
        self.listener.close()
        with self.lock:
            for connection in self.open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self.open.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


_unavailable = {}


def elasticsearch_unavailable(url, timeout=None):
    """Why the run's Elasticsearch does not answer (None once it does), waiting while it starts; asked once per process."""
    if url not in _unavailable:
        node = ElasticsearchNode(url.rsplit(":", 1)[-1].strip("/"))
        starting = os.environ.get("ELASTICSEARCH_TEST_STARTING")
        timeout = timeout or (int(os.environ.get("ES_START_TIMEOUT", 300)) if starting else 10)
        deadline = time.monotonic() + timeout
        reason = None
        while not node.healthy(2):
            if failure_note(node).exists():
                reason = failure_note(node).read_text()
            elif time.monotonic() > deadline:
                reason = f"{url} does not answer healthy after {timeout} s"
            if reason:
                break
            time.sleep(1)
        _unavailable[url] = reason
    return _unavailable[url]


def main(argv):
    if len(argv) != 2 or argv[0] != "postgresql" or argv[1] not in ("start", "stop"):
        print("usage: python -m tests.services postgresql start|stop", file=sys.stderr)
        return 2
    getattr(PostgreSQL(), argv[1])()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
