"""Serving files from an allow-list, with the right types and cache headers."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from fastapi import HTTPException, Request
from fastapi.responses import FileResponse, Response

# Versioned or content-addressed URLs never change: cache them for good.
IMMUTABLE = "public, max-age=31536000, immutable"
# Everything else may be stored, but is revalidated (ETag) before each use: a reload is
# fast (304) and a rebuilt wheel or edited page is never served stale.
REVALIDATE = "no-cache"

# Explicit types: a wrong one for .wasm or .mjs makes Pyodide hang without an error.
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".bin": "application/octet-stream",
    ".whl": "application/zip",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


def inside(folder: Path, name: str) -> Optional[Path]:
    """``folder/name`` if it is a plain, visible file really inside ``folder``, else None.

    Refuses dotfiles, anything with a path separator or ``..``, unknown file types, and
    symlinks that lead out of the folder.
    """
    if not name or name.startswith(".") or "/" in name or "\\" in name or "\x00" in name:
        return None
    path = folder / name
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(folder.resolve()) or not resolved.is_file():
        return None
    return resolved if resolved.suffix in MEDIA_TYPES else None


def matches(if_none_match: Optional[str], etag: str) -> bool:
    """RFC 9110's If-None-Match: ``*``, or a list of tags compared weakly (``W/"x"``
    matches ``"x"``), as a cache that revalidates may send them."""
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


def file_response(request: Request, path: Optional[Path], cache_control: str) -> Response:
    """The file, or 304 if the client's copy is current, or 404."""
    if path is None or not path.is_file() or path.suffix not in MEDIA_TYPES:
        raise HTTPException(status_code=404, detail="not found")
    stat = path.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers = {"Cache-Control": cache_control, "ETag": etag}
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=headers)
