"""``p360 import-fhir``: run an import, show progress, print the report, give the exit code."""
from __future__ import annotations

from typing import TextIO

from graphdb.client import GraphClient
from graphdb.errors import GraphUnavailable
from ingest.fhir.progress import ProgressLine
from ingest.fhir.run import run_import

EXIT_OK = 0
EXIT_NOTHING_IMPORTED = 1
EXIT_GRAPH_UNAVAILABLE = 2


def import_fhir(client: GraphClient, paths: list[str], payor_id: str, out: TextIO,
                progress: bool) -> int:
    """0 when the import finished, even with rejected entries; non-zero when nothing could be
    imported (no files, every entry rejected or skipped) or the graph is unavailable."""
    line = ProgressLine(out) if progress else None
    try:
        report = run_import(client, paths, payor_id, on_progress=line)
    except GraphUnavailable as err:
        if line:
            line.clear()
        out.write(f"import-fhir: the graph is unavailable: {err}\n")
        return EXIT_GRAPH_UNAVAILABLE
    if line:
        line.clear()
    for text in report.summary_lines():
        out.write(text + "\n")
    if not report.files:
        out.write("import-fhir: no .ndjson or .json files found in the given paths\n")
        return EXIT_NOTHING_IMPORTED
    if report.imported_total == 0:
        out.write("import-fhir: nothing was imported\n")
        return EXIT_NOTHING_IMPORTED
    return EXIT_OK
