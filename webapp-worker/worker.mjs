// A benchmark web worker: the thin JavaScript half of fib_worker (see its protocol.py).
// Started by the page as `new Worker("/worker.mjs", {type: "module"})`, one per build.
// Everything it loads comes from our own origin: Pyodide (from the server's memory
// snapshot when there is one) and the wheels.

let pyodide = null;
let runner = null;
let stage = "loading-runtime"; // where we are, for error messages

const post = (message) => self.postMessage(message);

function oneLine(error) {
  // A PythonError's message is the whole traceback: keep its last line.
  const text = String(error?.message ?? error).trim();
  return text.split("\n").filter((line) => line.trim()).pop() ?? text;
}

/** Pyodide, from the server's memory snapshot if there is one (a sixth of the start-up
 * time: scripts/make-pyodide-snapshot.mjs), else started from scratch. The snapshot is
 * private Pyodide API, so any failure to use it falls back to the plain start. */
async function startPyodide(indexURL, snapshotURL, wasmModule, startup) {
  const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
  if (wasmModule) useCompiledRuntime(wasmModule);
  if (snapshotURL) {
    try {
      const response = await fetch(snapshotURL);
      if (!response.ok) throw new Error(`${snapshotURL}: ${response.status}`);
      const snapshot = new Uint8Array(await response.arrayBuffer());
      const started = await loadPyodide({ indexURL, _loadSnapshot: snapshot });
      startup.snapshot = true;
      return started;
    } catch (error) {
      console.warn(`Pyodide snapshot not used (${oneLine(error)}): starting from scratch`);
    }
  }
  startup.snapshot = false;
  return loadPyodide({ indexURL });
}

/** The page compiles pyodide.asm.wasm once and hands the compiled module to every worker
 * (a WebAssembly.Module can be posted within one origin). Pyodide has no option to take
 * it, so the one `WebAssembly.instantiateStreaming` call that would compile the runtime
 * again instantiates the page's module instead; any other call is left alone. */
function useCompiledRuntime(wasmModule) {
  const instantiateStreaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    if (!new URL(response.url).pathname.endsWith("/pyodide.asm.wasm")) return instantiateStreaming(response, imports);
    WebAssembly.instantiateStreaming = instantiateStreaming; // once only
    response.body?.cancel();
    return { module: wasmModule, instance: await WebAssembly.instantiate(wasmModule, imports) };
  };
}

async function init({ variant, module, pyodide: indexURL, snapshot, wasmModule, wheels }) {
  const startup = {};
  const timed = async (phase, work) => {
    const started = performance.now();
    stage = phase;
    post({ event: "startup", stage: phase });
    const result = await work();
    startup[phase] = (performance.now() - started) / 1000;
    return result;
  };
  await timed("loading-runtime", async () => {
    pyodide = await startPyodide(indexURL, snapshot, wasmModule, startup);
  });
  await timed("installing", async () => {
    // Pyodide's own installer takes wheel URLs directly. micropip (what the Node runner
    // uses) would resolve dependencies our wheels do not have, and importing it costs
    // 1.5-2 s per worker when three start at once on two cores.
    const absolute = wheels.map((url) => new URL(url, self.location.href).href);
    const problems = [];
    const installed = await pyodide.loadPackage(absolute, {
      messageCallback: () => {},
      errorCallback: (message) => problems.push(message),
    });
    // loadPackage resolves even when it fails: count what it installed.
    if (installed.length < absolute.length) {
      throw new Error(`could not install the wheels: ${problems.join("; ") || absolute.join(", ")}`);
    }
  });
  const ready = await timed("importing", async () => {
    runner = pyodide.pyimport("fib_worker.runner");
    return runner.load(variant, module, pyodide.toPy(startup));
  });
  // The build's code, and the run's, compiled before anything is timed
  // (fib_worker.runner.FIRST_CALLS): the messages converted as a run's are, not posted.
  await timed("first-calls", async () => runner.first_calls((message) => toJs(message)));
  const message = toJs(ready);
  message.startup = startup; // now including the import
  post(message);
}

function toJs(proxy) {
  const value = proxy.toJs({ dict_converter: Object.fromEntries, create_proxies: false });
  proxy.destroy();
  return value;
}

function run(request) {
  stage = "run";
  const args = pyodide.toPy(request);
  try {
    runner.handle(args, (message) => post(toJs(message)));
  } finally {
    args.destroy();
  }
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "init") await init(data);
    else run(data);
  } catch (error) {
    post({ event: "error", id: data.id ?? null, stage, message: oneLine(error) });
  }
};
