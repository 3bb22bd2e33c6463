"""Keep decided results on disk, keyed by everything that determines them.

The cache knows nothing of the pipeline: it hashes a value (`cache_key`) and stores JSON
payloads under that hash. `ringlitmus.batch` decides what goes into a key and what is stored.

Layout: `DIRECTORY/v1/ab/abcdef....json`, one file per entry, holding
`{"format": 1, "key": KEY, "payload": ...}`. An entry is written to a temporary file in the
same directory and renamed over its final name, so readers (other processes of the same run,
another run) see the whole entry or none. An entry that cannot be read, is not JSON, has
another format number or another key is a miss: it is recomputed and overwritten, never
trusted. Failure to write is silent: the cache only saves time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

from ringlitmus.frozen import frozen

CACHE_FORMAT = 1
CACHE_DIRECTORY_VARIABLE = "RINGLITMUS_CACHE_DIR"


def default_cache_dir(environment: Mapping[str, str]) -> Path:
    """`$RINGLITMUS_CACHE_DIR`, else `$XDG_CACHE_HOME/ringlitmus`, else `~/.cache/ringlitmus`."""
    chosen = environment.get(CACHE_DIRECTORY_VARIABLE)
    if chosen:
        return Path(chosen).expanduser()
    base = environment.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "ringlitmus"


def normal_form(value: object) -> Any:
    """`value` as JSON data that equal values share, whatever process or hash seed made them.

    A dataclass contributes its type and the fields its equality compares: the IR marks source
    spans `compare=False`, so a test that only moved in its file has the normal form it had.
    Sets are sorted, so their iteration order (which depends on the hash seed) does not count.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        fields = {
            field.name: normal_form(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.compare
        }
        return {"type": f"{kind.__module__}.{kind.__qualname__}", "fields": fields}
    if isinstance(value, Enum):
        enum = type(value)
        return {"enum": f"{enum.__module__}.{enum.__qualname__}", "value": normal_form(value.value)}
    if isinstance(value, list | tuple):
        return [normal_form(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((normal_form(item) for item in value), key=_canonical)
    if isinstance(value, dict):
        pairs = [[normal_form(key), normal_form(item)] for key, item in value.items()]
        return {"mapping": sorted(pairs, key=_canonical)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot put a {type(value).__name__} into a cache key")


def _canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def cache_key(parts: Mapping[str, object]) -> str:
    """The SHA-256 of the parts' normal form, in hex."""
    return hashlib.sha256(_canonical(normal_form(dict(parts))).encode("ascii")).hexdigest()


@frozen
class Cache:
    """A directory of JSON entries, one per key."""

    directory: Path

    def entry_path(self, key: str) -> Path:
        """Where the entry for `key` lives (whether or not it exists)."""
        return self.directory / f"v{CACHE_FORMAT}" / key[:2] / f"{key}.json"

    def load(self, key: str) -> Any | None:
        """The payload stored under `key`, or None: missing, unreadable or not a valid entry."""
        try:
            text = self.entry_path(key).read_text(encoding="utf-8")
            entry = json.loads(text)
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT:
            return None
        if entry.get("key") != key or "payload" not in entry:
            return None
        return entry["payload"]

    def store(self, key: str, payload: object) -> None:
        """Write the entry atomically (temporary file, then rename); errors are ignored."""
        path = self.entry_path(key)
        text = json.dumps({"format": CACHE_FORMAT, "key": key, "payload": payload}, indent=1)
        temporary: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{key[:8]}.", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, path)
            temporary = None
        except OSError:
            pass
        finally:
            if temporary is not None:
                _remove_quietly(temporary)


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
