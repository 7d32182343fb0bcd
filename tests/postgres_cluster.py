"""A throwaway PostgreSQL cluster for the tests of the DuckLake + PostgreSQL deployment.

Debian's postgresql server (initdb, pg_ctl) started as the `postgres` user (PostgreSQL refuses to run as root),
listening on 127.0.0.1 only and on a socket in its own folder, password authentication over TCP (the password
comes from the environment in the deployment, as here), fsync off (nothing here must survive a crash), stopped and
removed at the end. `find_binaries` says why it cannot run where the binaries are absent.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg2

USER = "socialpulse"


def find_binaries() -> tuple[Path | None, str]:
    """(folder of initdb and pg_ctl, or None with the reason)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    found = [Path(p).parent for p in candidates if Path(p).with_name("pg_ctl").exists()]
    if not found:
        initdb = shutil.which("initdb")
        if initdb and shutil.which("pg_ctl"):
            found = [Path(initdb).parent]
    if not found:
        return None, "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return None, "running as root and there is no `postgres` user to start PostgreSQL as"
    return found[-1], ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    bindir: Path
    folder: Path
    port: int
    password: str

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def dsn(self, database: str) -> str:
        """A libpq DSN without the password (it comes from the environment)."""
        return f"dbname={database} host={self.host} port={self.port} user={USER}"

    def _as_postgres(self, *command: str) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], capture_output=True, text=True, check=False)

    def start(self) -> None:
        data, socket_dir = self.folder / "data", self.folder / "socket"
        socket_dir.mkdir()
        pwfile = self.folder / "pwfile"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            uid, gid = pwd.getpwnam("postgres").pw_uid, pwd.getpwnam("postgres").pw_gid
            for path in (self.folder, socket_dir, pwfile):
                os.chown(path, uid, gid)
        init = self._as_postgres(
            str(self.bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            "--pwfile",
            str(pwfile),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        )
        pwfile.unlink()
        if init.returncode:
            raise RuntimeError(f"initdb failed: {init.stderr}")
        options = f"-p {self.port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        started = self._as_postgres(
            str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"), "-w", "-o", options, "start"
        )
        if started.returncode:
            raise RuntimeError(f"pg_ctl start failed: {started.stderr} {self.log()}")

    def log(self) -> str:
        path = self.folder / "log"
        return path.read_text() if path.exists() else ""

    def create_database(self, name: str) -> None:
        conn = psycopg2.connect(self.dsn("postgres"), password=self.password)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f'create database "{name}"')
        conn.close()

    def stop(self) -> None:
        self._as_postgres(str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    bindir, reason = find_binaries()
    if bindir is None:
        raise RuntimeError(reason)
    folder = Path(tempfile.mkdtemp(prefix="socialpulse-pg-", dir="/tmp"))
    cluster = Cluster(bindir=bindir, folder=folder, port=free_port(), password=secrets.token_urlsafe(16))
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
