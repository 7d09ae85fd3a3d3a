// How long a run will take, said before it starts: from each build's estimate of one
// call (contract.json's seconds_per_call, served by /api/builds), the way the server bounds
// a native run (fib_webapp.native.plan_deadline). Pure functions, tested by node --test
// (webapp-backend/tests/estimate.test.mjs).

/** Runs estimated longer than this many seconds are started only when asked twice. */
export const ASK_BEYOND_S = 60;

/** Seconds of one call of F(n) by `build` ({seconds_per_call}) in `runtime`. */
export function callSeconds(build, runtime, algorithm, n, growth) {
  return build.seconds_per_call[runtime][algorithm] * n ** growth[algorithm];
}

/** The page's clock ticks every 5 µs (it is cross-origin isolated); natively a tick is
 * tens of nanoseconds, a sample's minimum is then nothing to an estimate. */
const TICK_S = { browser: 5e-6, native: 0 };

/** Seconds of one sample: a call, or as many as last `facts.sample_ticks` ticks. */
function sampleSeconds(call, runtime, facts) {
  return Math.max(call, facts.sample_ticks * TICK_S[runtime]);
}

/** Seconds of a case in `runtime` (fib_measuring.measure): the first call (the race's),
 * warm-up samples until the timings settle (typically two windows of `settled_window`;
 * none starts once `warmup_max_s` have gone), then
 * `repeats` timed samples. */
function caseSeconds(call, runtime, repeats, facts) {
  const sample = sampleSeconds(call, runtime, facts);
  const startable = Math.ceil(Math.max(facts.warmup_max_s - call, 0) / sample);
  const warmup = Math.min(2 * facts.settled_window, startable) * sample;
  return call + warmup + repeats * sample;
}

/**
 * The estimate of `plan` ({variants, algorithms, ns, repeats, native}) from `facts` (what
 * /api/builds says: builds with seconds_per_call, call_growth, warmup_max_s,
 * settled_window, sample_ticks, native.startup_s): {seconds, browser, native,
 * byBuild: Map(variant -> seconds), slowest: variant}. In the browser each case is a first
 * call (the race), a warm-up and the timed calls; natively, a fresh process per build as
 * well.
 */
export function runEstimate(plan, facts) {
  const byBuild = new Map();
  let browser = 0;
  let native = 0;
  for (const variant of plan.variants) {
    const build = facts.builds.find((known) => known.variant === variant);
    let seconds = 0;
    for (const algorithm of plan.algorithms) {
      for (const n of plan.ns) {
        const call = callSeconds(build, "browser", algorithm, n, facts.call_growth);
        const here = caseSeconds(call, "browser", plan.repeats, facts);
        browser += here;
        seconds += here;
        if (plan.native && build.seconds_per_call.native) {
          const nativeCall = callSeconds(build, "native", algorithm, n, facts.call_growth);
          const there = facts.native.startup_s + caseSeconds(nativeCall, "native", plan.repeats, facts);
          native += there;
          seconds += there;
        }
      }
    }
    byBuild.set(variant, seconds);
  }
  const slowest = [...byBuild].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  return { seconds: browser + native, browser, native, byBuild, slowest };
}

/** A duration in words, rounded as an estimate should be: "under a second", "about 8 s",
 * "about 3 min", "about 2.5 h". */
export function aboutSeconds(seconds) {
  if (seconds < 1) return "under a second";
  if (seconds < 90) return `about ${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} min`;
  const hours = seconds / 3600;
  return `about ${hours < 10 ? hours.toFixed(1) : Math.round(hours)} h`;
}
