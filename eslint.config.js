// Lint enforces the architecture (reference/style-anchors.md §7.8): src/core stays pure, modules
// stay small, promises are awaited. Type-aware rules run on src/ only (tests are checked by tsc).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const CORE_ALLOWED_MESSAGE =
  "src/core imports nothing but zod, fast-json-patch, the CEL evaluator (@marcbachmann/cel-js, re2js: pure computation, ADR 0006) and types: take I/O, clock and environment as parameters";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "certs/**", "records/**", "bench/results/**", ".tmp/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", setTimeout: "readonly",
        clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly",
        structuredClone: "readonly", AbortController: "readonly", queueMicrotask: "readonly",
        setImmediate: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", fetch: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": ["error", {
        selector: "TSAsExpression > TSTypeReference[typeName.name=/^(any)$/]", message: "no casts to any" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/explicit-function-return-type": ["error", { allowExpressions: true }],
      "@typescript-eslint/no-explicit-any": "error",
      complexity: ["error", 16],
      "max-depth": ["error", 4],
      "max-params": ["error", 5],
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", {
        paths: [{ name: "@kubernetes/client-node", allowTypeImports: true, message: CORE_ALLOWED_MESSAGE }],
        patterns: [
          { regex: "^(?!zod$|fast-json-patch$|@marcbachmann/cel-js$|re2js$|\\.{1,2}/).*", message: CORE_ALLOWED_MESSAGE },
          { group: ["**/adapters/**", "**/cli/**", "**/bin/**"], message: CORE_ALLOWED_MESSAGE },
        ],
      }],
      "no-restricted-properties": ["error",
        { object: "process", message: "src/core reads no environment: pass values in" },
        { object: "Date", property: "now", message: "src/core reads no clock: take `now` as a parameter" },
        { object: "Math", property: "random", message: "src/core is deterministic" },
        { object: "console", message: "src/core does not log: return values" }],
      "no-restricted-globals": ["error",
        { name: "process", message: "src/core reads no environment" },
        { name: "fetch", message: "src/core does no I/O" },
        { name: "setTimeout", message: "src/core has no timers" },
        { name: "setInterval", message: "src/core has no timers" }],
      "no-restricted-syntax": ["error",
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "src/core reads no clock" },
        { selector: "ImportExpression", message: "src/core does not load code at run time" }],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
