// The API reference (scripts/book/api.ts, typedoc.json): generated from the doc comments into the book's
// site, with a page per export that carries its doc comment, and TypeDoc's warnings (broken links,
// exports naming types that are not exported) failing the build.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApi } from "../scripts/book/api";
import { buildBook } from "../scripts/book/book";

const root = path.resolve(__dirname, "..");

/** The page's text without tags, entities decoded. */
function pageText(file: string): string {
  const html = fs.readFileSync(file, "utf8").replace(/<script[\s\S]*?<\/script>/g, " ");
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Letters and digits only: markdown rendering (code spans, emphasis) and spacing do not matter. */
const bare = (s: string) => s.replace(/[^\p{L}\p{N}]+/gu, "");

/** The first line of the doc comment right before `export function|class|const name` in a source file. */
function docComment(file: string, name: string): string {
  const src = fs.readFileSync(path.join(root, file), "utf8");
  const m = new RegExp(
    `/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export (?:async )?(?:function|class|const) ${name}\\b`,
  ).exec(src);
  assert.ok(m, `${file}: no doc comment before export ${name}`);
  const first = m[1]
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, "").trim())
    .find((l) => l !== "");
  assert.ok(first, `${file}: the doc comment of ${name} is empty`);
  return first;
}

test(
  "npm run book's API reference: linked from the index, a page per key export with its doc comment",
  { timeout: 600_000 },
  () => {
    const site = fs.mkdtempSync(path.join(os.tmpdir(), "descent-api-"));
    buildBook({ notebooks: [], homework: [], out: site, api: true, log: () => {} });
    const index = fs.readFileSync(path.join(site, "index.html"), "utf8");
    assert.match(index, /href="api\/index\.html"/, "the book's index links the API reference");
    const api = path.join(site, "api");
    assert.ok(fs.existsSync(path.join(api, "index.html")), "api/index.html");
    const pages: [string, string, string][] = [
      ["functions/descent.softmax.html", "src/models/softmax.ts", "softmax"],
      ["functions/descent.rmsprop.html", "src/optim/rmsprop.ts", "rmsprop"],
      ["functions/descent.rmspropNotes.html", "src/optim/rmspropNotes.ts", "rmspropNotes"],
      ["functions/descent.compare.html", "src/plot/compare.ts", "compare"],
      ["functions/descent.biasUnitSgdStep.html", "src/chapters/biasUnitNetwork.ts", "biasUnitSgdStep"],
      ["classes/descent.MLP.html", "src/models/mlp.ts", "MLP"],
      ["functions/homework.check.html", "src/homework/check.ts", "check"],
    ];
    for (const [page, file, name] of pages) {
      const p = path.join(api, page);
      assert.ok(fs.existsSync(p), `no page ${page} for ${name}`);
      const text = pageText(p);
      assert.ok(text.includes(name), `${page} does not name ${name}`);
      const doc = docComment(file, name);
      assert.ok(bare(text).includes(bare(doc)), `${page} lacks the doc comment of ${name}: "${doc}"`);
    }
    // nothing of this machine in the pages (the site is copied elsewhere)
    const html = fs
      .readdirSync(api, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".html"));
    assert.ok(html.length > 100, `only ${html.length} pages`);
    for (const f of html) assert.ok(!fs.readFileSync(path.join(api, f), "utf8").includes(root), `${f} names ${root}`);
    fs.rmSync(site, { recursive: true, force: true });
  },
);

test(
  "TypeDoc's warnings fail the API build: a broken {@link}, an export naming a type that is not exported",
  { timeout: 600_000 },
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-api-bad-"));
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, module: "commonjs", target: "ES2020" }, include: ["*.ts"] }),
    );
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "sample", version: "1.0.0" })); // TypeDoc checks exports within a package
    const build = (source: string) => {
      fs.writeFileSync(path.join(dir, "a.ts"), source);
      buildApi(path.join(dir, "out"), [
        "--entryPoints",
        path.join(dir, "a.ts"),
        "--tsconfig",
        path.join(dir, "tsconfig.json"),
      ]);
    };
    build("/** The answer. */\nexport function answer(): number {\n  return 42;\n}\n"); // the same options pass a sound file
    assert.throws(
      () => build("/** See {@link nowhere}. */\nexport function f(): number {\n  return 1;\n}\n"),
      /nowhere/,
    );
    assert.throws(
      () =>
        build(
          "interface Hidden {\n  x: number;\n}\n/** Uses a type nobody can name. */\nexport function g(): Hidden {\n  return { x: 1 };\n}\n",
        ),
      /Hidden/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  },
);
