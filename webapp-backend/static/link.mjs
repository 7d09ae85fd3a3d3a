// What a link to the page asks for (?n=&algorithm=&variants=&repeats=&native=), and what of
// it the form cannot take. Pure, tested by node --test (webapp-backend/tests/page.test.mjs).

const ON = ["1", "true", "yes", "on"];
const OFF = ["0", "false", "no", "off"];

/**
 * The form's values from `params` (URLSearchParams), given the `algorithms` and `variants`
 * the form offers: {values, notes}. `values` has only what the link gives and the form can
 * show (n and repeats as typed, for the form to check; an algorithm the form offers; the
 * variants to tick; native on or off); each note says what was not taken, and why. Every
 * kind of bad value is refused alike: it is named, and the link does not run.
 */
export function readLink(params, { algorithms, variants }) {
  const values = {};
  const notes = [];
  if (params.has("n")) values.n = params.get("n");
  if (params.has("repeats")) values.repeats = params.get("repeats");
  if (params.has("algorithm")) {
    const algorithm = params.get("algorithm");
    if (algorithms.includes(algorithm)) values.algorithm = algorithm;
    else notes.push(`the link's algorithm “${algorithm}” is unknown`);
  }
  // `builds=`: what links said before `variants=` (a saved run's address still has it).
  const named = params.has("variants") ? "variants" : params.has("builds") ? "builds" : null;
  if (named) {
    const wanted = params.get(named).split(",").map((name) => name.trim()).filter(Boolean);
    values.variants = variants.filter((name) => wanted.includes(name));
    const unknown = wanted.filter((name) => !variants.includes(name));
    if (unknown.length) notes.push(`the link's builds ${unknown.map((name) => `“${name}”`).join(", ")} are unknown`);
  }
  if (params.has("native")) {
    const native = params.get("native").toLowerCase();
    if (ON.includes(native)) values.native = true;
    else if (OFF.includes(native)) values.native = false;
    else notes.push(`the link's native “${params.get("native")}” is neither on (1) nor off (0)`);
  }
  return { values, notes };
}
