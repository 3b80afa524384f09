// ESLint, configured once for the whole project: `npm run lint` (a step of `npm test`).
// typescript-eslint's recommended rules on src/, test/, scripts/ and bench/, without type information:
// the type-aware set took three times as long on two cores (about 30 s of CPU against 10 s) and its
// extra findings were mostly node:test's test() promises. Prettier owns the layout (.prettierrc.json);
// in src/, max-len holds comments to the same width, since Prettier does not wrap them (`npm run format`
// runs scripts/lint/wrapLongLines.js for them); a line that holds a string or template literal is let be,
// so a message stays one literal that can be found by searching for it (scripts/lint/joinStrings.js).
"use strict";
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const globals = require("globals");
const { printWidth } = require("./.prettierrc.json");

module.exports = tseslint.config(
  {
    ignores: ["node_modules/", "build/", ".cache/", ".jupyter/", "notebooks/", "data/", "test/vendor/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `_name` marks a parameter a signature needs but the body does not use.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    // The readable code: no line over the width, comments included; a line with a string may be longer.
    files: ["src/**/*.ts"],
    ignores: ["src/engine/wasmBinaries.ts"], // generated base64 (scripts/engine/buildWasm.js --check compares it byte for byte)
    rules: {
      "max-len": [
        "error",
        { code: printWidth, tabWidth: 2, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true },
      ],
    },
  },
  {
    // Scripts that run in the reader's browser (the book's reader features), not in Node.
    files: ["scripts/book/readerScript.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The plain-JavaScript scripts are CommonJS: `require` is how they load modules.
    files: ["**/*.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The browser test drives the classic Notebook's `Jupyter` object inside the page, which has no types.
    files: ["test/browser*.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
