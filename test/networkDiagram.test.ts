import { test } from "node:test";
import assert from "node:assert/strict";
import { networkDiagram } from "../src/plot/networkDiagram";

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;

test("the slides' 784-15-10 network: 784 inputs collapsed with ⋮, every drawn pair joined", () => {
  const d = networkDiagram({ layers: [784, 15, 10], maxShown: 16 });
  assert.deepEqual(d.collapsed, [true, false, false]);
  // 7 + 7 inputs drawn, 15 hidden, 10 outputs
  assert.equal(d.nodes, 14 + 15 + 10);
  assert.equal(count(d.svg, /<circle class="node"/g), 39);
  assert.equal(d.edges, 14 * 15 + 15 * 10);
  assert.equal(count(d.svg, /<line class="edge/g), d.edges);
  assert.equal(count(d.svg, /class="ellipsis"/g), 1);
  assert.match(d.svg, /770 more/);
  assert.equal(d.biasUnits, 0);
  assert.equal(count(d.svg, /class="node bias"/g), 0);
  assert.match(d.svg, /^<svg[\s>]/);
  assert.match(d.svg, /<title>x784<\/title>/);
  assert.doesNotMatch(d.svg, /<title>x8<\/title>/);
});

test("the homework's network with bias units: one bias unit per layer but the output, joined to the next layer", () => {
  const d = networkDiagram({ layers: [784, 200, 10], biasUnits: true, maxShown: 16 });
  assert.deepEqual(d.collapsed, [true, true, false]);
  assert.equal(d.biasUnits, 2);
  assert.equal(count(d.svg, /class="node bias"/g), 2);
  assert.equal(d.nodes, 14 + 1 + 14 + 1 + 10);
  assert.equal(d.edges, (14 + 1) * 14 + (14 + 1) * 10);
  assert.equal(count(d.svg, /class="edge bias-edge"/g), 14 + 10);
  assert.equal(count(d.svg, /class="ellipsis"/g), 2);
});

test("small layers are drawn whole; bad sizes get a clear error", () => {
  const d = networkDiagram({ layers: [2, 2, 1], biasUnits: true, layerTitles: ["in <x>", "h", "out"] });
  assert.equal(d.nodes, 2 + 1 + 2 + 1 + 1);
  assert.equal(d.edges, 3 * 2 + 3 * 1);
  assert.match(d.svg, /in &lt;x&gt;/);
  assert.throws(() => networkDiagram({ layers: [784] }), /at least two layer sizes/);
  assert.throws(() => networkDiagram({ layers: [784, 0, 10] }), /layer 1 has size 0/);
  assert.throws(() => networkDiagram({ layers: [4, 2], maxShown: 2 }), /maxShown must be an integer ≥ 3/);
});
