"""Saved runs, the results history: save (checked by ``fib_webapp.admission``), fetch, list,
compare and delete (``/api/runs``, ``/api/compare``)."""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations.
from typing import Annotated, Any, Callable, Optional

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response
from fib_benchmarks.results import compare, store
from fib_benchmarks.results.document import measured_on, runtime_from_version_5
from starlette.concurrency import run_in_threadpool

from .. import admission
from ..settings import Settings
from . import MAX_N, RUN_ID, AlgorithmName
from .export import MAX_DOCUMENT_BYTES, read_document

RUN_IDS = f"^{store.RUN_ID}(,{store.RUN_ID}){{1,7}}$"  # two to eight, comma-separated


def router(settings: Settings, runs: Callable[[], store.Store]) -> APIRouter:
    """``runs()`` opens the store (once): a StoreError is a 503 (``fib_webapp.app``)."""
    api = APIRouter()

    @api.post("/api/runs", status_code=201)
    async def save_run(request: Request) -> dict[str, str]:
        """Save a result document: its permalink, and the token that alone can delete it.
        Checked for its schema and size, its numbers (admission.check_numbers: 422), and
        the client's rate (429 with Retry-After)."""
        client = request.client.host if request.client else "?"
        # Counted before the document is read (a refused one counts too), by its declared
        # size or, if it declares none, the largest; in the database, so that every server
        # process shares one limit.
        declared = request.headers.get("content-length", "")
        size = min(int(declared), MAX_DOCUMENT_BYTES) if declared.isdigit() else MAX_DOCUMENT_BYTES
        wait = await run_in_threadpool(
            lambda: runs().admit_save(
                client, size, settings.saves_per_minute, settings.save_bytes_per_minute
            )
        )
        if wait:
            raise HTTPException(status_code=429, detail="too many saves: wait a minute",
                                headers={"Retry-After": str(int(wait) + 1)})  # fmt: skip
        document = (await read_document(request)).model_dump(mode="json", by_alias=True)
        try:
            admission.check_links(document, request.url.netloc)
            admission.derive_and_check(document)
            await run_in_threadpool(admission.check_numbers, document)
            saved = await run_in_threadpool(lambda: runs().save(document))
        except admission.Refused as refused:
            raise HTTPException(status_code=422, detail=str(refused)) from None
        return {"id": saved.id, "url": f"/runs/{saved.id}", "delete_token": saved.delete_token}

    @api.get("/api/runs/{run_id}")
    def saved_run(run_id: Annotated[str, Path(pattern=RUN_ID)]) -> Response:
        # As stored: checked when it was saved, and sent without being parsed again.
        document = runs().get_text(run_id)
        if document is None:
            raise HTTPException(status_code=404, detail="no such run")
        return Response(document, media_type="application/json")

    @api.get("/api/runs")
    def recent_runs(
        n: Annotated[Optional[int], Query(ge=0, le=MAX_N)] = None,
        algorithm: Optional[AlgorithmName] = None,
        runtime: Annotated[Optional[str], Query(pattern="^[a-z]{1,16}$")] = None,
        browser: Annotated[Optional[str], Query(max_length=100)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> list[dict[str, Any]]:
        """The latest saved runs, newest first, filtered by n, algorithm, runtime, browser."""
        name = algorithm.value if algorithm else None
        runtime = runtime_from_version_5(runtime)  # a link from before version 6 may say "chromium"
        return runs().recent(n=n, algorithm=name, runtime=runtime, browser=browser, limit=limit)

    @api.get("/api/compare")
    def compare_runs(
        run_ids: Annotated[str, Query(alias="runs", pattern=RUN_IDS)],
    ) -> dict[str, Any]:
        """Two to eight saved runs side by side, the first as the baseline: the CLI's
        `benchmark compare` (ratios, and differences beyond the interquartile ranges)."""
        ids = run_ids.split(",")
        documents = []
        for run_id in ids:
            document = runs().get(run_id)
            if document is None:
                raise HTTPException(status_code=404, detail=f"no run {run_id}")
            documents.append(document)
        summaries = [{"id": run_id, "created": d["created"], "code": d["code"],
                      "machine": measured_on(d["host"])}
                     for run_id, d in zip(ids, documents)]  # fmt: skip
        lines = compare.compare(documents)
        return {"runs": summaries, "lines": lines, "in_common": compare.in_common(lines),
                "not_in_first": compare.not_in_first(documents)}  # fmt: skip

    @api.delete("/api/runs/{run_id}", status_code=204)
    def delete_run(
        run_id: Annotated[str, Path(pattern=RUN_ID)],
        token: Annotated[str, Query(min_length=1, max_length=100)],
    ) -> Response:
        deleted = runs().delete(run_id, token)
        if deleted is None:
            raise HTTPException(status_code=404, detail="no such run")
        if not deleted:
            raise HTTPException(status_code=403, detail="wrong delete token")
        return Response(status_code=204)

    return api
