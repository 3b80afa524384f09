#!/usr/bin/env node
// Writes the `descent` kernelspec ("TypeScript (Descent)").
//   node scripts/kernel/kernelspec.js            → <project>/.jupyter/share/jupyter/kernels/descent  (project-local;
//                                            npm start and npm test point JUPYTER_PATH there)
//   node scripts/kernel/kernelspec.js --user     → the user's Jupyter data dir (for JupyterLab / VS Code)
//   node scripts/kernel/kernelspec.js --print-dir → prints the project-local Jupyter path and exits
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..", "..");
const localJupyterPath = path.join(root, ".jupyter", "share", "jupyter");

/** Node flags the kernel runs with (relaxed SIMD for the WebAssembly kernels; see scripts/setup/nodeFlags.js). */
const NODE_FLAGS = require("../setup/nodeFlags").nodeFlags();

function userDataDir() {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA || os.homedir(), "jupyter");
  const xdg = process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share");
  return path.join(xdg, "jupyter");
}

function writeSpec(dataDir) {
  const dir = path.join(dataDir, "kernels", "descent");
  fs.mkdirSync(dir, { recursive: true });
  const spec = {
    argv: [process.execPath, ...NODE_FLAGS, path.join(root, "scripts", "kernel", "launcher.js"), "{connection_file}"],
    display_name: "TypeScript (Descent)",
    language: "typescript",
    metadata: { descent_root: root },
  };
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  const logo = path.join(root, "node_modules", "tslab", "python", "logo-64x64.png");
  if (fs.existsSync(logo)) fs.copyFileSync(logo, path.join(dir, "logo-64x64.png"));
  return dir;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.includes("--print-dir")) {
    console.log(localJupyterPath);
  } else if (args.includes("--user")) {
    const dir = writeSpec(userDataDir());
    console.log(`Installed the 'descent' kernel for this user in ${dir}`);
    console.log("It starts tslab in " + root + "; run this again if you move the project.");
  } else {
    const dir = writeSpec(localJupyterPath);
    console.log(`Wrote the project kernelspec: ${dir}`);
  }
}

module.exports = { writeSpec, localJupyterPath, NODE_FLAGS };
