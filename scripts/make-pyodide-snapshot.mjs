// Makes a memory snapshot of a freshly started Pyodide, for the web page's workers.
//
//   node scripts/make-pyodide-snapshot.mjs PYODIDE_DIR OUT_FILE
//
// A cold `loadPyodide` spends about 3 s of a 2-core machine initialising CPython and
// importing its start-up modules; from this snapshot a worker starts in about 0.5 s, and
// three at once in about 1.1 s (measured in Debian's Chromium). The snapshot is made here,
// under Node, from the very npm package the server serves, because it only fits the
// Pyodide build that made it. `_makeSnapshot`/`_loadSnapshot` are private Pyodide API:
// the worker falls back to a plain start if loading the snapshot fails.
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, outFile] = process.argv.slice(2);
if (!pyodideDir || !outFile) {
  console.error("usage: node make-pyodide-snapshot.mjs PYODIDE_DIR OUT_FILE");
  process.exit(2);
}
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")));
// The same environment a browser worker gets by default: nothing of this machine's.
const pyodide = await loadPyodide({ indexURL: pyodideDir, env: { HOME: "/home/pyodide" }, _makeSnapshot: true });
// The standard-library modules the worker's Python half imports (fib_worker, and
// fib_measuring.measure): imported once here instead of in every worker on every visit.
pyodide.runPython("import gc, hashlib, importlib, json, math, platform, statistics, time");
const snapshot = pyodide.makeMemorySnapshot();
// Written whole or not at all: the server may be serving the previous one meanwhile.
writeFileSync(`${outFile}.partial`, snapshot);
renameSync(`${outFile}.partial`, outFile);
console.log(`${outFile}: ${(snapshot.length / 2 ** 20).toFixed(1)} MiB, Pyodide ${pyodide.version}`);
