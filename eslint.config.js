// The JavaScript of the repository, linted by `make lint`: ESLint's recommended rules, with
// the globals of where each file runs (the page, its workers, Node).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "build/", "target/", ".venv/"] },
  js.configs.recommended,
  {
    // `_` names what is taken apart only to be left out (`const { event: _, ...row }`).
    rules: { "no-unused-vars": ["error", { varsIgnorePattern: "^_$", argsIgnorePattern: "^_" }] },
  },
  {
    // The page (a module script in the browser).
    files: ["webapp-backend/static/**/*.js", "webapp-backend/static/**/*.mjs"],
    languageOptions: { globals: globals.browser },
  },
  {
    // The page's workers: module workers in the browser, and under Node for the tests.
    files: ["webapp-worker/**/*.mjs"],
    languageOptions: { globals: { ...globals.worker, ...globals.node } },
  },
  {
    // The builds JavaScript runs and their tests, the harness (benchmarks/) and the Node drivers.
    files: ["fib-javascript/**/*.mjs", "benchmarks/**/*.mjs", "scripts/**/*.mjs", "webapp-backend/tests/**/*.mjs"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
];
