// A benchmark web worker: the thin JavaScript half of fib_worker (see its protocol.py).
// Started by the page as `new Worker("/worker.mjs", {type: "module"})`, one per build.
// Everything it loads comes from our own origin: Pyodide, micropip and the wheels.

let pyodide = null;
let runner = null;
let stage = "loading-runtime"; // where we are, for error messages

const post = (message) => self.postMessage(message);

function oneLine(error) {
  // A PythonError's message is the whole traceback: keep its last line.
  const text = String(error?.message ?? error).trim();
  return text.split("\n").filter((line) => line.trim()).pop() ?? text;
}

async function init({ variant, module, pyodide: indexURL, micropip, wheels }) {
  const startup = {};
  const timed = async (phase, work) => {
    const started = performance.now();
    stage = phase;
    post({ type: "status", stage: phase, detail: "" });
    const result = await work();
    startup[phase] = (performance.now() - started) / 1000;
    return result;
  };
  await timed("loading-runtime", async () => {
    const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
    pyodide = await loadPyodide({ indexURL });
  });
  await timed("installing", async () => {
    await pyodide.loadPackage(micropip, { messageCallback: () => {} });
    // loadPackage resolves even when it fails: check for real.
    if (!("micropip" in pyodide.loadedPackages)) throw new Error(`could not load ${micropip}`);
    const absolute = wheels.map((url) => new URL(url, self.location.href).href);
    await pyodide.pyimport("micropip").install(absolute, { deps: false });
  });
  const ready = await timed("importing", async () => {
    runner = pyodide.pyimport("fib_worker.runner");
    return runner.load(variant, module, pyodide.toPy(startup));
  });
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
    post({ type: "error", id: data.id ?? null, stage, message: oneLine(error) });
  }
};
