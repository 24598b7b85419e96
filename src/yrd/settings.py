"""Every setting of ``yrd`` in one table: name, default, environment variable and help (stdlib only).

The CLI's options, the README's settings section and the defaults the library uses are all read from
:data:`SETTINGS`; ``python -m yrd.settings`` prints the README's table, and a test fails when the README does
not document a setting. A value is taken from the command line, else the environment variable, else the
default.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    env: str | None
    help: str
    kind: str = "str"  # str, int, float, bool (1/0, true/false, yes/no, on/off), size (bytes, written 50M)
    shown: str | None = None  # how the README shows a default that depends on the machine
    factory: Any = None  # computes the default when it depends on the machine (the user's directories)
    flag: str | None = ""  # the command-line option ("": from the name; None: environment only)

    @property
    def option(self) -> str | None:
        return self.flag if self.flag != "" else "--" + self.name.replace("_", "-")

    def shown_default(self) -> str:
        if self.shown:
            return self.shown
        if self.default is None:
            return "—"
        if self.kind == "size":
            return format_size(self.default)
        return str(self.default)

    def value(self, given: Any = None) -> Any:
        """The setting's value: what was given, else the environment variable, else the default."""
        if given is not None:
            return given
        raw = os.environ.get(self.env) if self.env else None
        if raw is None or (raw == "" and self.kind != "str"):
            return self.factory() if self.factory else self.default
        return parse(self, raw)  # (an empty text setting means "none": YRD_CACHE= turns the cache off)


def parse(setting: Setting, raw: str) -> Any:
    """A value written as text (an option or an environment variable) in the setting's kind; ValueError says
    what is expected."""
    try:
        if setting.kind == "int":
            return int(raw)
        if setting.kind == "float":
            return float(raw)
        if setting.kind == "size":
            return parse_size(raw)
        if setting.kind == "bool":
            return parse_bool(raw)
    except ValueError:
        raise ValueError(f"{setting.env or setting.option}={raw!r}: expected {_EXPECTED[setting.kind]}") from None
    return raw


_EXPECTED = {"int": "a whole number", "float": "a number", "size": "a size such as 50M or 200000000",
             "bool": "1 or 0 (true/false, yes/no, on/off)"}
_BOOLS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def parse_bool(value: str) -> bool:
    """``1``/``true``/``yes``/``on`` -> True, ``0``/``false``/``no``/``off`` -> False (ValueError otherwise)."""
    try:
        return _BOOLS[str(value).strip().lower()]
    except KeyError:
        raise ValueError(value) from None
_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(value: str) -> int:
    """``50M`` -> 52428800; ``200000000`` -> 200000000 (K, M, G are powers of 1024)."""
    v = str(value).strip().lower().removesuffix("b")
    if v and v[-1] in _UNITS:
        return int(float(v[:-1]) * _UNITS[v[-1]])
    return int(v)


def format_size(n: int) -> str:
    for suffix, unit in (("G", 1024**3), ("M", 1024**2), ("K", 1024)):
        if n >= unit and n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def _default_cache() -> str:
    return str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "yrd")


def _default_store() -> str:
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "yrd"
    return f"sqlite:///{base / 'yrd.db'}"


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("db", None, "YRD_DB", "SQLAlchemy URL of the store (sqlite:///path.db, postgresql://user@host/db).",
            shown="$XDG_DATA_HOME/yrd/yrd.db"),
    Setting("max_bytes", 50 * 2**20, "YRD_MAX_BYTES", "Largest single article (a file, a JSON Lines record, a "
            "download, an upload); a JSON Lines stream may be any size.", "size"),
    Setting("batch", 100, "YRD_BATCH", "Documents per transaction when storing (a killed ingest redoes at most one "
            "batch).", "int"),
    Setting("workers", 1, "YRD_WORKERS", "Worker processes that read, clean and extract in parallel.", "int"),
    Setting("timeout", 30.0, "YRD_TIMEOUT", "Seconds to wait for a URL.", "float"),
    Setting("budget", 5.0, "YRD_BUDGET", "Seconds one document may take to clean and extract, per million "
            "characters (at least this); past it the document fails (`clean: took longer than 5 s`) and the run goes "
            "on. 0: no limit.", "float"),
    Setting("duplicate_threshold", 0.6, "YRD_DUPLICATE_THRESHOLD", "Estimated Jaccard similarity of two texts' "
            "5-grams at or above which the later one is stored as a copy.", "float", flag=None),
    Setting("host", "127.0.0.1", "YRD_HOST", "Interface the server listens on (0.0.0.0 for all)."),
    Setting("port", 8000, "YRD_PORT", "Port the server listens on.", "int"),
    Setting("token", None, "YRD_TOKEN", "Bearer token that allows ingest through the API (upload, URL) and its "
            "watchlists; without it the server is read-only."),
    Setting("fetch_allow", None, "YRD_FETCH_ALLOW", "Addresses and networks (10.0.0.0/8,192.168.1.5) the server "
            "may fetch from although they are loopback, private or link-local; by default it refuses them."),
    Setting("max_upload", 200 * 2**20, "YRD_MAX_UPLOAD", "Largest request body the server takes for an upload "
            "(refused while it streams in, before it is stored).", "size"),
    Setting("host_interval", 1.0, "YRD_HOST_INTERVAL", "Seconds between two requests of `yrd watch` to one host "
            "(longer if its robots.txt asks for a Crawl-delay).", "float", flag=None),
    Setting("cache", None, "YRD_CACHE", "Directory where the gazetteer's index is kept between runs "
            "(remade when yrd or its data change); empty: no cache.", shown="$XDG_CACHE_HOME/yrd",
            factory=_default_cache, flag=None),
    Setting("smtp_host", None, "YRD_SMTP_HOST", "SMTP server that sends the alerts of watchlists with --email; "
            "without it an email alert fails (and is tried again once it is set)."),
    Setting("smtp_port", 587, "YRD_SMTP_PORT", "Port of the SMTP server (465: TLS from the start; else "
            "STARTTLS as --smtp-starttls says).", "int"),
    Setting("smtp_user", None, "YRD_SMTP_USER", "User name to log in to the SMTP server (none: no login)."),
    Setting("smtp_password", None, "YRD_SMTP_PASSWORD", "Password for --smtp-user (from the environment only, "
            "never a command line that others can list).", flag=None),
    Setting("smtp_from", None, "YRD_SMTP_FROM", "Sender address of alert emails.", shown="smtp_user if an address, else "
            "yrd@(host name)"),
    Setting("smtp_starttls", True, "YRD_SMTP_STARTTLS", "Encrypt the SMTP connection with STARTTLS before logging "
            "in (0 for a local relay that has no TLS).", "bool", flag="--smtp-starttls/--no-smtp-starttls"),
    Setting("ray_address", None, "YRD_RAY_ADDRESS", "Ray cluster for --engine ray (ray://host:10001); default: "
            "start a local Ray.", flag="--address"),
)}


def get(name: str, given: Any = None) -> Any:
    """The value of the setting ``name`` (see :meth:`Setting.value`)."""
    return SETTINGS[name].value(given)


def default_store() -> str:
    """``$YRD_DB``, else a SQLite file in the user's data directory."""
    return get("db") or _default_store()


def markdown() -> str:
    """The README's settings table."""
    lines = ["| setting | option | environment | default | what it does |", "|---|---|---|---|---|"]
    for s in SETTINGS.values():
        option = f"`{s.option}`" if s.option else "—"
        lines.append(f"| {s.name} | {option} | `{s.env}` | {s.shown_default()} | {s.help} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown() + "\n")
