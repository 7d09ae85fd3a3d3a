"""A result document (the page's download, the CLI's ``--json``) as CSV or Markdown
(``/api/export``), by the CLI's own code; and how the API reads a document it is sent."""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations.
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from fib_benchmarks import export
from fib_benchmarks.document import Document
from pydantic import ValidationError
from starlette.requests import ClientDisconnect

# The largest result document the API takes: a run of the page, with every sample, is
# tens of kilobytes; the CLI's largest runs a few megabytes.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024


async def read_document(request: Request) -> Document:
    """The request's body as a result document: 413 beyond MAX_DOCUMENT_BYTES, 422
    with the first problems if it is not one."""
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
    try:
        return Document.model_validate_json(bytes(body))
    except ValidationError as error:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:5]]
        detail = {"message": "not a benchmark document", "problems": problems}
        raise HTTPException(status_code=422, detail=detail) from None


def router() -> APIRouter:
    api = APIRouter()

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
