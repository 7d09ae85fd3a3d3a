// Measures a JavaScript build (fib-javascript/) under Node.js: the twin of
// `python -m fib_measuring.measure`.
//
//   node benchmarks/fib_benchmarks/runtimes/node_host.mjs PLAN_JSON [VARIANT]
//
// VARIANT: javascript (fib.mjs, the default) or rust-wasm (fib_wasm.mjs).
// PLAN: {"algorithms": [...], "ns": [...], "repeats": 5, "warmup": "auto" or a number}.
// Writes measure.mjs's events to stdout, one JSON object per line. Exit status 0, or 1
// after an error event (the plan's JSON is bad, or a call threw), or 2 without a plan.

import { errorMessage, runPlan } from "../../measuring/fib_measuring/measure.mjs";
import { IMPLEMENTATIONS } from "../../../fib-javascript/variants.mjs";

const emit = (event) => process.stdout.write(JSON.stringify(event) + "\n");

async function main(argv) {
  const [planJson, variant = "javascript", ...rest] = argv;
  if (planJson === undefined || rest.length > 0 || !Object.hasOwn(IMPLEMENTATIONS, variant)) {
    const variants = Object.keys(IMPLEMENTATIONS).join("|");
    process.stderr.write(`usage: node node_host.mjs PLAN_JSON [${variants}]\n`);
    return 2;
  }
  let plan;
  let implementation;
  try {
    plan = JSON.parse(planJson);
    implementation = await import(IMPLEMENTATIONS[variant]);
  } catch (error) {
    emit({ event: "error", message: errorMessage(error) });
    return 1;
  }
  let failed = false;
  for await (const event of runPlan(plan, implementation)) {
    emit(event);
    failed = event.event === "error";
  }
  return failed ? 1 : 0;
}

// exitCode rather than exit(): let stdout drain before Node leaves.
process.exitCode = await main(process.argv.slice(2));
