// Runs one build of the fib API inside Pyodide under Node.js, with no network at all.
//
//   node pyodide_host.mjs REQUEST_JSON
//
// REQUEST: {
//   pyodide:  folder of the npm `pyodide` package,
//   micropip: path of the micropip wheel (loaded with loadPackage, by path),
//   wheels:   paths of the wheels to micropip-install (the build under test, fib_benchmarks),
//   env:      environment variables for Python (FIB_IMPL, FIB_EXPECT_PROFILE),
//   mode:     "measure" (with `plan`, see fib_measuring.measure) or
//             "pytest"  (with `tests`: host folders copied into Pyodide, `pytest_args`)
// }
//
// Writes JSON lines to stdout, as `python -m fib_measuring.measure` does, plus one
// {"event": "startup", "phases": {...}} before anything else. Python's own output (pytest's
// report) goes to stderr. Any failure ends with {"event": "error", "message": "..."}: the
// Python exception's last line, not a page of minified JavaScript. Exit status: 0, or
// pytest's exit code, or 1 on error.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";

const emit = (event) => process.stdout.write(JSON.stringify(event) + "\n");

function shortError(error) {
  // A PythonError's message is the whole traceback: keep its last non-empty line.
  const text = String(error?.message ?? error).trim();
  return text.split("\n").filter((line) => line.trim()).pop() ?? text;
}

function copyTree(FS, hostDir, pyodideDir) {
  FS.mkdirTree(pyodideDir);
  for (const name of readdirSync(hostDir)) {
    const hostPath = join(hostDir, name);
    if (name === "__pycache__") continue;
    if (statSync(hostPath).isDirectory()) copyTree(FS, hostPath, `${pyodideDir}/${name}`);
    else FS.writeFile(`${pyodideDir}/${name}`, readFileSync(hostPath));
  }
}

async function main(request) {
  const phases = {};
  const timed = async (phase, work) => {
    const started = performance.now();
    const result = await work();
    phases[phase] = (performance.now() - started) / 1000;
    return result;
  };

  const { loadPyodide } = await import(pathToFileURL(join(request.pyodide, "pyodide.mjs")));
  const pyodide = await timed("load_pyodide", () =>
    loadPyodide({
      indexURL: request.pyodide,
      env: { HOME: "/home/pyodide", ...request.env },
    }),
  );
  // Python's output, unbuffered and unsplit, to our stderr: stdout carries the events.
  const passThrough = { write: (bytes) => (process.stderr.write(bytes), bytes.length) };
  pyodide.setStdout(passThrough);
  pyodide.setStderr(passThrough);

  await timed("load_micropip", async () => {
    await pyodide.loadPackage(request.micropip, { messageCallback: () => {} });
    // loadPackage resolves even when it failed: check for real.
    if (!("micropip" in pyodide.loadedPackages)) throw new Error(`could not load ${request.micropip}`);
  });

  await timed("install_wheels", async () => {
    pyodide.FS.mkdirTree("/tmp/wheels");
    const urls = request.wheels.map((path) => {
      pyodide.FS.writeFile(`/tmp/wheels/${basename(path)}`, readFileSync(path));
      return `emfs:/tmp/wheels/${basename(path)}`;
    });
    const micropip = pyodide.pyimport("micropip");
    await micropip.install(urls, { deps: false });
  });
  emit({ event: "startup", phases, interpreter: `Pyodide ${pyodide.version}` });

  if (request.mode === "measure") {
    pyodide.globals.set("emit", (json) => process.stdout.write(json + "\n"));
    pyodide.globals.set("plan_json", JSON.stringify(request.plan));
    await pyodide.runPythonAsync(`
import json
from fib_measuring.measure import run_plan
for event in run_plan(json.loads(plan_json)):
    emit(json.dumps(event))
`);
    return 0;
  }
  if (request.mode === "pytest") {
    const folders = request.tests.map((hostDir) => {
      copyTree(pyodide.FS, hostDir, `/tests/${basename(hostDir)}`);
      return `/tests/${basename(hostDir)}`;
    });
    pyodide.globals.set("pytest_args", pyodide.toPy([...(request.pytest_args ?? []), ...folders]));
    const code = await pyodide.runPythonAsync(`
import pytest
int(pytest.main(["-p", "no:cacheprovider", "--rootdir=/tests", *pytest_args]))
`);
    emit({ event: "pytest", exit_code: code });
    return code;
  }
  throw new Error(`unknown mode ${request.mode}`);
}

try {
  process.exitCode = await main(JSON.parse(process.argv[2]));
} catch (error) {
  emit({ event: "error", message: shortError(error) });
  process.exitCode = 1;
}
