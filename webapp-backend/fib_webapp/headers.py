"""The headers every answer of the site carries, the server's own error answers included
(the app adds them to its answers, fib_webapp.limits to uvicorn's)."""

# Every answer carries these. Cross-origin isolation lets the workers use SharedArrayBuffer
# (Pyodide's interrupt buffer) and finer timers; everything is same-origin, so nothing is
# blocked by it.
SECURITY_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    # Only this site's own files run, even if a saved run's text ever reached the page as
    # markup: no inline script, no eval; 'wasm-unsafe-eval' compiles WebAssembly (Pyodide,
    # its wheels, fib-wasm). No page of another site may frame this one (clickjacking).
    "Content-Security-Policy": "; ".join(
        (
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    ),
    "X-Frame-Options": "DENY",
}
