"""Reading inputs: files and folders → resources with where each came from.

Bulk NDJSON (one resource per line) and JSON files holding a Bundle (batch, transaction,
collection, searchset) or a single resource. Everything is read before anything is written,
so files may come in any order. Numbers are read as ``Decimal`` so that a value keeps the
digits of its source (``4.0`` stays ``4.0``).
"""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

from ingest.fhir.report import Location, Rejection
from model.text import NOT_UNICODE, invalid_text_path

NDJSON_SUFFIXES = frozenset({".ndjson", ".jsonl"})
JSON_SUFFIXES = frozenset({".json"})
BUNDLE_TYPES = frozenset({"batch", "transaction", "collection", "searchset"})

OnFileRead = Callable[[int, int], None]


@dataclasses.dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    # The system the data came from: "fhir:" + the folder given on the command line, or the
    # file's stem when the file itself was given.
    system: str

    @property
    def display(self) -> str:
        return str(self.path)


@dataclasses.dataclass(frozen=True, slots=True)
class SourceEntry:
    resource: dict[str, Any]
    resource_type: str
    resource_id: str | None
    location: Location
    file: InputFile
    full_url: str | None = None
    # Identifies the Bundle the entry came from: ``urn:uuid:`` references resolve there first.
    bundle_key: str | None = None

    @property
    def source(self) -> str:
        meta_source = (self.resource.get("meta") or {}).get("source")
        return meta_source if isinstance(meta_source, str) and meta_source else self.file.system

    @property
    def reference(self) -> str:
        return f"{self.resource_type}/{self.resource_id}"


@dataclasses.dataclass
class InputBatch:
    files: list[InputFile]
    entries: list[SourceEntry]
    rejections: list[Rejection]


def read_inputs(paths: list[str], on_file_read: OnFileRead | None = None) -> InputBatch:
    files, rejections = discover_files(paths)
    entries: list[SourceEntry] = []
    for done, input_file in enumerate(files, start=1):
        for item in read_file(input_file):
            if isinstance(item, Rejection):
                rejections.append(item)
            else:
                entries.append(item)
        if on_file_read:
            on_file_read(done, len(files))
    return InputBatch(files, entries, rejections)


def discover_files(paths: list[str]) -> tuple[list[InputFile], list[Rejection]]:
    """Every FHIR file under the given paths, each once, in path order: the same set of
    inputs is read in the same order however the paths were listed."""
    found: dict[Path, InputFile] = {}
    rejections: list[Rejection] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            system = f"fhir:{path.resolve().name}"
            for child in sorted(path.rglob("*")):
                if child.is_file() and _is_fhir_file(child) and not _is_hidden(child, path):
                    found.setdefault(child.resolve(), InputFile(child, system))
        elif path.is_file():
            if _is_fhir_file(path):
                found.setdefault(path.resolve(), InputFile(path, f"fhir:{path.stem}"))
            else:
                rejections.append(Rejection(Location(str(path)), "not a .ndjson or .json file"))
        elif path.exists():
            rejections.append(Rejection(Location(str(path)), "not a regular file or folder"))
        else:
            rejections.append(Rejection(Location(str(path)), "no such file or folder"))
    return [found[key] for key in sorted(found)], rejections


def read_file(input_file: InputFile) -> Iterator[SourceEntry | Rejection]:
    try:
        if input_file.path.suffix.lower() in NDJSON_SUFFIXES:
            yield from _read_ndjson(input_file)
        else:
            yield from _read_json(input_file)
    except OSError as err:
        yield Rejection(Location(input_file.display), f"cannot read the file: {err.strerror or err}")


def _read_ndjson(input_file: InputFile) -> Iterator[SourceEntry | Rejection]:
    # Bytes, decoded line by line: one line that is not UTF-8 is rejected alone.
    with input_file.path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            location = Location(input_file.display, line=number)
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield Rejection(location, "not UTF-8 text")
                continue
            if not line.strip():
                continue
            try:
                # Without its newline, so an error's column is on this line.
                document = _decode_json(line.rstrip("\r\n"))
            except MalformedJson as err:
                yield Rejection(location, str(err))
                continue
            yield from _resources_of(document, input_file, location)


def _read_json(input_file: InputFile) -> Iterator[SourceEntry | Rejection]:
    try:
        document = _decode_json(input_file.path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        yield Rejection(Location(input_file.display), "not UTF-8 text")
        return
    except MalformedJson as err:
        yield Rejection(Location(input_file.display, line=err.line), str(err))
        return
    # A single resource in a file is "line 1"; a Bundle's entries are numbered instead.
    is_bundle = isinstance(document, dict) and document.get("resourceType") == "Bundle"
    location = Location(input_file.display, line=None if is_bundle else 1)
    yield from _resources_of(document, input_file, location)


class MalformedJson(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def _decode_json(text: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as err:
        raise MalformedJson(f"malformed JSON: {err.msg} (column {err.colno})", err.lineno) from None
    except RecursionError:
        raise MalformedJson("malformed JSON: it nests too deeply to be a FHIR resource") from None


def _entry(resource: dict[str, Any], resource_id: str | None, location: Location, input_file: InputFile,
           full_url: str | None = None, bundle_key: str | None = None) -> SourceEntry | Rejection:
    where = invalid_text_path(resource)
    if where is not None:
        return Rejection(location, f"the text at {where} {NOT_UNICODE}")
    return SourceEntry(resource, resource["resourceType"], resource_id, location, input_file, full_url, bundle_key)


def _resources_of(document: Any, input_file: InputFile,
                  location: Location) -> Iterator[SourceEntry | Rejection]:
    if not isinstance(document, dict) or not isinstance(document.get("resourceType"), str):
        yield Rejection(location, "not a FHIR resource (no resourceType)")
        return
    if document["resourceType"] == "Bundle":
        yield from _bundle_entries(document, input_file, location)
        return
    yield _entry(document, _plain_id(document.get("id")), location, input_file)


def _bundle_entries(bundle: dict[str, Any], input_file: InputFile,
                    location: Location) -> Iterator[SourceEntry | Rejection]:
    bundle_type = bundle.get("type")
    if bundle_type not in BUNDLE_TYPES:
        yield Rejection(location, f"Bundle of type {bundle_type!r} is not imported "
                                  f"(expected one of {', '.join(sorted(BUNDLE_TYPES))})")
        return
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        yield Rejection(location, "Bundle.entry is not a list")
        return
    bundle_key = f"{input_file.display}#{location.line or 0}"
    for number, entry in enumerate(entries, start=1):
        entry_location = dataclasses.replace(location, entry=number)
        if not isinstance(entry, dict):
            yield Rejection(entry_location, "Bundle entry is not an object")
            continue
        resource = entry.get("resource")
        request = entry.get("request")
        if not isinstance(request, dict):
            request = {}
        if resource is None or request.get("method") == "DELETE":
            continue  # nothing to import: a deletion, or a search outcome without a resource
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            yield Rejection(entry_location, "not a FHIR resource (no resourceType)")
            continue
        full_url = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
        yield _entry(resource, _entry_id(resource, request, full_url), entry_location, input_file,
                     full_url, bundle_key)


def _entry_id(resource: dict[str, Any], request: dict[str, Any], full_url: str | None) -> str | None:
    """The resource's id; in a transaction a new resource may have none, and is then known by
    its PUT url or its ``urn:uuid:`` fullUrl, which is stable from one import to the next."""
    own = _plain_id(resource.get("id"))
    if own:
        return own
    url = request.get("url")
    if request.get("method") == "PUT" and isinstance(url, str) and "?" not in url:
        parts = url.strip("/").split("/")
        if len(parts) == 2 and parts[0] == resource["resourceType"]:
            return parts[1]
    if full_url and full_url.startswith("urn:uuid:"):
        return full_url.removeprefix("urn:uuid:")
    return None


def _plain_id(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_fhir_file(path: Path) -> bool:
    return path.suffix.lower() in NDJSON_SUFFIXES | JSON_SUFFIXES


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
