#!/usr/bin/env node
// Prints the path of a Python that has nbclient and nbformat (the notebook runner needs them).
// Tries $DESCENT_PYTHON, then python3 on PATH, then Debian's /usr/bin/python3. Exits 1 if none.
"use strict";
const { spawnSync } = require("child_process");

function findPython() {
  const candidates = [process.env.DESCENT_PYTHON, "python3", "/usr/bin/python3", "python"].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", "import nbclient, nbformat, sys; print(sys.executable)"], { encoding: "utf8" });
    if (r.status === 0) return r.stdout.trim();
  }
  return null;
}

if (require.main === module) {
  const py = findPython();
  if (!py) {
    console.error(
      "No Python with nbclient found. Debian/Ubuntu: apt-get install python3-nbclient; elsewhere: pip install nbclient nbformat",
    );
    process.exit(1);
  }
  console.log(py);
}
module.exports = { findPython };
