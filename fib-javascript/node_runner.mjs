// Measures the JavaScript build under Node.js: the twin of `python -m fib_benchmarks.measure`.
//
//   node fib-javascript/node_runner.mjs PLAN_JSON
//
// PLAN: {"algorithms": [...], "ns": [...], "repeats": 5, "warmup": "auto" or a number}.
// Writes measure.mjs's events to stdout, one JSON object per line. Exit status 0, or 1
// after an error event (the plan's JSON is bad, or a call threw), or 2 without a plan.

import { errorMessage, runPlan } from "./measure.mjs";

const emit = (event) => process.stdout.write(JSON.stringify(event) + "\n");

async function main(argv) {
  if (argv.length !== 1) {
    process.stderr.write("usage: node node_runner.mjs PLAN_JSON\n");
    return 2;
  }
  let plan;
  try {
    plan = JSON.parse(argv[0]);
  } catch (error) {
    emit({ event: "error", message: errorMessage(error) });
    return 1;
  }
  let failed = false;
  for await (const event of runPlan(plan)) {
    emit(event);
    failed = event.event === "error";
  }
  return failed ? 1 : 0;
}

// exitCode rather than exit(): let stdout drain before Node leaves.
process.exitCode = await main(process.argv.slice(2));
