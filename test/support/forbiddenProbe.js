// For test/homeworkForbidden.test.ts, run under test/support/tscRequire.js: for every exercise and
// every course function it names, check a student function that calls that course function, and
// print one JSON line { id, name, points, firstFailure, restored }.
"use strict";
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
const d = require(path.join(root, "src", "index.ts"));
const { exerciseIds, getExercise, runCheck } = require(path.join(root, "src", "homework", "check.ts"));
require(path.join(root, "src", "homework", "exercises", "index.ts"));
const out = [];
for (const id of exerciseIds()) {
  for (const name of getExercise(id).writes || []) {
    const original = d[name];
    const r = runCheck(id, (...args) => d[name](...args), { checkMs: 20000 });
    out.push({ id, name, points: r.points, firstFailure: r.firstFailure, restored: d[name] === original });
  }
}
console.log(JSON.stringify(out));
