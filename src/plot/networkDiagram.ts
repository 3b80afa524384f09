// A layered network drawn as an SVG diagram: one column of nodes per layer, every node joined to every
// node of the next layer (a fully connected layer), optional bias units. Layers too large to draw are
// collapsed: their first and last few nodes are drawn with "⋮" between them.

export interface NetworkDiagramOptions {
  /** Layer sizes, input first, e.g. [784, 15, 10]. */
  layers: number[];
  /** A title over each layer's column, e.g. ["input x", "hidden h", "output o"]. */
  layerTitles?: string[];
  /** A label for each weight layer (between layer l and l + 1), e.g. ["W (15×784), b", "Ŵ (10×15), b̂"]. */
  weightLabels?: string[];
  /** Node names per layer, indexed from 1: node k of layer l is written `${nodeNames[l]}${k}` (default x, h, o). */
  nodeNames?: string[];
  /** Draw a bias unit (a constant 1) on every layer but the output, joined to every node of the next layer. */
  biasUnits?: boolean;
  /** Layers with more nodes than this are collapsed (default 16). */
  maxShown?: number;
  /** A line of text under the diagram. */
  caption?: string;
}

export interface NetworkDiagram {
  svg: string;
  /** Nodes drawn, bias units included (collapsed layers count only their drawn nodes). */
  nodes: number;
  /** Bias units drawn. */
  biasUnits: number;
  /** Edges drawn: between every drawn node (or bias unit) of a layer and every drawn node of the next. */
  edges: number;
  /** For each layer, whether it was collapsed with "⋮". */
  collapsed: boolean[];
}

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Which node indices (1-based) of a layer of `size` are drawn: all, or the first and last `half`. */
function shownIndices(size: number, maxShown: number): { idx: number[]; collapsed: boolean } {
  if (size <= maxShown) return { idx: Array.from({ length: size }, (_, k) => k + 1), collapsed: false };
  const half = Math.max(1, Math.floor((maxShown - 1) / 2));
  const head = Array.from({ length: half }, (_, k) => k + 1);
  const tail = Array.from({ length: half }, (_, k) => size - half + k + 1);
  return { idx: [...head, ...tail], collapsed: true };
}

/**
 * The SVG of a fully connected network with the given layer sizes. Node k of layer l sits in column l;
 * an edge joins every drawn node of layer l (and its bias unit, when `biasUnits`) to every drawn node of
 * layer l + 1. Bias units are squares with "1" inside (class "bias"); other nodes are circles.
 */
export function networkDiagram(options: NetworkDiagramOptions): NetworkDiagram {
  const { layers, biasUnits = false, maxShown = 16 } = options;
  if (!Array.isArray(layers) || layers.length < 2)
    throw new Error(`networkDiagram: need at least two layer sizes, got ${JSON.stringify(layers)}`);
  layers.forEach((n, l) => {
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`networkDiagram: layer ${l} has size ${n}; sizes must be positive integers`);
  });
  if (!Number.isInteger(maxShown) || maxShown < 3)
    throw new Error(`networkDiagram: maxShown must be an integer ≥ 3, got ${maxShown}`);
  const L = layers.length;
  const names =
    options.nodeNames ??
    (L === 3 ? ["x", "h", "o"] : layers.map((_, l) => (l === 0 ? "x" : l === L - 1 ? "o" : `h${l}_`)));
  const shown = layers.map((n) => shownIndices(n, maxShown));
  const dy = 24,
    colW = 250,
    top = 56,
    left = 80,
    right = 150,
    r = 8;
  // slots per column: drawn nodes, one for "⋮" if collapsed, one for the bias unit
  const slots = shown.map((s, l) => s.idx.length + (s.collapsed ? 1 : 0) + (biasUnits && l < L - 1 ? 1 : 0));
  const tallest = Math.max(...slots);
  const bottom = top + tallest * dy;
  const height = bottom + 26 + (options.caption ? 20 : 0);
  const width = left + colW * (L - 1) + right;
  type P = { x: number; y: number };
  const pos: P[][] = [];
  const biasPos: (P | null)[] = [];
  const dots: (P | null)[] = [];
  shown.forEach((s, l) => {
    const x = left + l * colW;
    const y0 = top + ((tallest - slots[l]) * dy) / 2 + dy / 2;
    const col: P[] = [];
    let slot = 0;
    const half = s.collapsed ? s.idx.length / 2 : s.idx.length;
    s.idx.forEach((_, t) => {
      if (s.collapsed && t === half) slot++; // the "⋮" slot
      col.push({ x, y: y0 + slot * dy });
      slot++;
    });
    dots.push(s.collapsed ? { x, y: y0 + half * dy } : null);
    biasPos.push(biasUnits && l < L - 1 ? { x, y: y0 + slot * dy } : null);
    pos.push(col);
  });
  const parts: string[] = [];
  let edges = 0;
  for (let l = 0; l < L - 1; l++) {
    const from = biasPos[l] ? [...pos[l], biasPos[l] as P] : pos[l];
    from.forEach((a, i) => {
      const isBias = biasPos[l] !== null && i === from.length - 1;
      for (const b of pos[l + 1]) {
        parts.push(
          `<line class="edge${isBias ? " bias-edge" : ""}" x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="${isBias ? "#e76f51" : "#8a9ba8"}" stroke-opacity="${isBias ? 0.55 : 0.35}" stroke-width="0.8"${isBias ? ' stroke-dasharray="3 2"' : ""}/>`,
        );
        edges++;
      }
    });
  }
  let nodes = 0;
  let biasCount = 0;
  shown.forEach((s, l) => {
    pos[l].forEach((p, t) => {
      const label = `${names[l] ?? ""}${s.idx[t]}`;
      parts.push(
        `<circle class="node" cx="${p.x}" cy="${p.y}" r="${r}" fill="#ffffff" stroke="#264653" stroke-width="1.4"><title>${esc(label)}</title></circle>`,
      );
      const tx = l === 0 ? p.x - r - 4 : l === L - 1 ? p.x + r + 4 : p.x;
      const anchor = l === 0 ? "end" : l === L - 1 ? "start" : "middle";
      if (l === 0 || l === L - 1)
        parts.push(
          `<text x="${tx}" y="${p.y + 4}" font-size="11" text-anchor="${anchor}" fill="#264653">${esc(label)}</text>`,
        );
      nodes++;
    });
    const dp = dots[l];
    if (dp)
      parts.push(
        `<text class="ellipsis" x="${dp.x}" y="${dp.y + 6}" font-size="18" text-anchor="middle" fill="#264653">⋮</text><text x="${dp.x + 14}" y="${dp.y + 4}" font-size="10" fill="#6c757d">${layers[l] - s.idx.length} more</text>`,
      );
    const bp = biasPos[l];
    if (bp) {
      parts.push(
        `<rect class="node bias" x="${bp.x - r}" y="${bp.y - r}" width="${2 * r}" height="${2 * r}" fill="#fde2d6" stroke="#e76f51" stroke-width="1.4"><title>bias unit (constant 1)</title></rect><text x="${bp.x}" y="${bp.y + 4}" font-size="10" text-anchor="middle" fill="#9c3d1f">1</text>`,
      );
      nodes++;
      biasCount++;
    }
    const title = options.layerTitles?.[l] ?? `layer ${l}`;
    parts.push(
      `<text class="layer-title" x="${left + l * colW}" y="${top - 28}" font-size="12" font-weight="bold" text-anchor="middle" fill="#1d3557">${esc(title)}</text>`,
    );
    parts.push(
      `<text x="${left + l * colW}" y="${top - 13}" font-size="11" text-anchor="middle" fill="#6c757d">${layers[l]} unit${layers[l] === 1 ? "" : "s"}${biasPos[l] ? " + bias unit" : ""}</text>`,
    );
  });
  (options.weightLabels ?? []).slice(0, L - 1).forEach((w, l) => {
    parts.push(
      `<text class="weight-label" x="${left + (l + 0.5) * colW}" y="${bottom + 14}" font-size="11" text-anchor="middle" fill="#1d3557">${esc(w)}</text>`,
    );
  });
  if (options.caption)
    parts.push(
      `<text x="${width / 2}" y="${bottom + 34}" font-size="11" text-anchor="middle" fill="#495057">${esc(options.caption)}</text>`,
    );
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif"><rect width="${width}" height="${height}" fill="#ffffff"/>` +
    parts.join("") +
    `</svg>`;
  return { svg, nodes, biasUnits: biasCount, edges, collapsed: shown.map((s) => s.collapsed) };
}
