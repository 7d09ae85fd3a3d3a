"""The page's measurements made a result document (``/api/document``), a result document
(the page's download, the CLI's ``--json``) as CSV or Markdown (``/api/export``), each by
the CLI's own code; and how the API reads a document it is sent."""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations.
import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from fib_benchmarks.results import export, schema
from fib_benchmarks.results.document import Document
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

# The largest result document the API takes: a run of the page, with every sample, is
# tens of kilobytes; the CLI's largest runs a few megabytes.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024


async def read_body(request: Request) -> bytes:
    """The request's body: 413 beyond MAX_DOCUMENT_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_DOCUMENT_BYTES:
        raise HTTPException(status_code=413, detail="document too large")
    body = bytearray()
    try:
        async for chunk in request.stream():  # a lying or absent Content-Length too
            body += chunk
            if len(body) > MAX_DOCUMENT_BYTES:
                raise HTTPException(status_code=413, detail="document too large")
    except ClientDisconnect:
        # The client left mid-upload (or was dropped for stalling): nobody to answer,
        # and nothing for the log (each was a 4 KB traceback at ERROR).
        raise HTTPException(status_code=400, detail="the upload was abandoned") from None
    return bytes(body)


def not_a_document(error: ValueError) -> HTTPException:
    """422, with the first problems."""
    if isinstance(error, ValidationError):
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:5]]
    else:
        problems = [str(error)]
    return HTTPException(status_code=422, detail={"message": "not a benchmark document",
                                                  "problems": problems})  # fmt: skip


async def read_document(request: Request) -> Document:
    """The request's body as a result document: 413 beyond MAX_DOCUMENT_BYTES, 422
    with the first problems if it is not one."""
    body = await read_body(request)
    try:
        return Document.model_validate_json(body)
    except ValidationError as error:
        raise not_a_document(error) from None


def router() -> APIRouter:
    api = APIRouter()

    @api.post("/api/document")
    async def make_document(request: Request) -> dict[str, Any]:
        """The page's run (a document whose rows carry their samples, not yet their
        statistics) made a result document: each row's statistics and warnings from its
        samples, the ratios between rows with their 95 % intervals (``schema.summarized``:
        the CLI's code). The page shows what this returns, and downloads and saves it."""
        body = await read_body(request)
        try:
            # Up to a second or two of numpy for the largest document (the intervals'
            # draws are bounded by schema.RUN_DRAWS): off the event loop.
            return await run_in_threadpool(lambda: schema.summarized(json.loads(body)))
        except ValueError as error:  # json's errors and pydantic's are ValueErrors too
            raise not_a_document(error) from None
        except RecursionError:
            raise not_a_document(ValueError("nested too deeply")) from None

    @api.post("/api/export")
    async def export_document(
        request: Request, format: Annotated[str, Query(pattern="^(csv|markdown)$")]
    ) -> Response:
        """A result document (the page's download, the CLI's ``--json``) as CSV or Markdown:
        the CLI's own code."""
        document = await read_document(request)
        render, media_type, extension = export.FORMATS[format]
        name = f"py-rust-fib-{document.created.strftime('%Y-%m-%dT%H-%M-%S')}.{extension}"
        return Response(
            render(document.model_dump(mode="json", by_alias=True)),
            media_type=f"{media_type}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return api
