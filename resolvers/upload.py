"""Photos and scans of paper lab reports → unverified LAB records and the report's text."""
from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from authz.errors import BadUserInput, PayloadTooLarge, ServiceUnavailable
from graphdb import writes
from ingest.labreport import OcrUnavailable, UnreadableImage, lab_records, read_lab_report
from model.nodes import RecordNode
from model.record_size import RecordTooLarge
from resolvers.context import ResolverContext

log = logging.getLogger("p360.upload")


def _bytes_of(upload: Any, limit: int) -> bytes:
    if not hasattr(upload, "read"):
        # A variable given inline (a string, a number) instead of mapped to a file part.
        raise BadUserInput("the file must be a file part of a GraphQL multipart request, mapped to "
                           "this variable by `map`", "file")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"the file is larger than the limit of {limit // (1024 * 1024)} MiB")
    return data


async def upload_record_image(ctx: ResolverContext) -> list[RecordNode]:
    request = ctx.request
    data = _bytes_of(ctx.arguments["file"], request.services.upload_limit_bytes)
    try:
        # Tesseract is a subprocess: keep it off the event loop.
        report = await asyncio.to_thread(read_lab_report, data)
    except UnreadableImage as err:
        raise BadUserInput(str(err), "file") from None
    except OcrUnavailable as err:
        log.warning("a lab report photo could not be read: %s", err)
        raise ServiceUnavailable("this server cannot read photos of lab reports: its OCR engine is not installed") from None
    records = lab_records(report, ctx.identity.viewer_id, f"upload-{uuid.uuid4()}", request.now)
    graph = request.graph
    # The lab records first: the report's document links to them. All land, or none.
    try:
        writes_of_records = [writes.upsert_record(graph.g, r) for r in records]
    except RecordTooLarge as err:
        raise BadUserInput(f"the report's text is too long to keep: {err}", "file") from None
    await graph.run_atomic(writes_of_records)
    return records
