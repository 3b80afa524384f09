/**
 * Draw a digit: an HTML output where the reader draws a digit with the mouse or a finger and the
 * network trained in the notebook classifies it live, in the page (no kernel, no server): the weights
 * travel inside the output as base64 float32, inference is plain JavaScript.
 *
 * The drawing is made like MNIST's digits were (LeCun et al.): the ink's bounding box is scaled to fit
 * a 20×20 box (keeping the aspect ratio, grey levels by area averaging), then placed in a 28×28 image
 * so that its centre of mass is the image's centre. `preprocessDigit` is that step in TypeScript; the
 * page runs the same algorithm from PREPROCESS_JS (tests hold the two equal, number for number).
 */
import { escapeHtml, scriptJson } from "./html";
import { displayBundle, newDisplayId } from "./display";

/** Side of the square drawing grid (4 × 28: the strokes are drawn finer than the network sees them). */
export const DRAW_SIDE = 112;
/** Ink above this counts for the bounding box. */
export const INK_THRESHOLD = 0;

export interface PreprocessedDigit {
  /** Bounding box of the ink on the drawing grid (rows top…top+height−1, columns left…left+width−1). */
  box: { top: number; left: number; height: number; width: number };
  /** The box scaled to fit 20×20: scaledHeight × scaledWidth grey levels in [0, 1], row-major. */
  scaled: Float32Array;
  scaledHeight: number;
  scaledWidth: number;
  /** Centre of mass of `scaled` (in pixel indices: column x, row y). */
  centre: { x: number; y: number };
  /** Where the scaled box goes in the 28×28 image (row, column of its top-left pixel). */
  offset: { top: number; left: number };
  /** The 28×28 input of the network, row-major, in [0, 1] (MNIST's pixels / 255). */
  image: Float32Array;
}

/**
 * MNIST-style pre-processing of a side×side grid of ink in [0, 1] (row-major); null if there is no ink.
 *   box:     the smallest rectangle holding every pixel with ink (> INK_THRESHOLD = 0), h × w
 *   scale:   s = 20 / max(h, w); output H × W = max(1, round(h·s)) × max(1, round(w·s)); output pixel
 *            (i, j) = mean of the grid over the source rectangle [top + i·h/H, top + (i+1)·h/H) ×
 *            [left + j·w/W, left + (j+1)·w/W), each grid pixel weighted by its overlap (area averaging)
 *   centre:  (x̄, ȳ) = Σ v·(j, i) / Σ v   (pixel indices, from 0)
 *   place:   top = round(14 − ȳ), left = round(14 − x̄), clamped so the box stays inside 28×28,
 *            so the centre of mass lands on pixel (14, 14) — where MNIST's test images have it
 */
export function preprocessDigit(grid: ArrayLike<number>, side: number): PreprocessedDigit | null {
  if (!Number.isInteger(side) || side < 1 || grid.length !== side * side) {
    throw new Error(
      `preprocessDigit: expected a ${side}×${side} grid (${side * side} values), got ${grid.length} values`,
    );
  }
  let minR = side,
    maxR = -1,
    minC = side,
    maxC = -1;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      if (grid[r * side + c] > INK_THRESHOLD) {
        if (r < minR) minR = r;
        if (r > maxR) maxR = r;
        if (c < minC) minC = c;
        if (c > maxC) maxC = c;
      }
    }
  }
  if (maxR < 0) return null;
  const h = maxR - minR + 1,
    w = maxC - minC + 1;
  const s = 20 / Math.max(h, w);
  const H = Math.max(1, Math.round(h * s)),
    W = Math.max(1, Math.round(w * s));
  const scaled = new Float32Array(H * W);
  for (let i = 0; i < H; i++) {
    const r0 = minR + (i * h) / H,
      r1 = minR + ((i + 1) * h) / H;
    for (let j = 0; j < W; j++) {
      const c0 = minC + (j * w) / W,
        c1 = minC + ((j + 1) * w) / W;
      let sum = 0;
      for (let r = Math.floor(r0); r < r1; r++) {
        const wr = Math.min(r + 1, r1) - Math.max(r, r0);
        if (wr <= 0) continue;
        for (let c = Math.floor(c0); c < c1; c++) {
          const wc = Math.min(c + 1, c1) - Math.max(c, c0);
          if (wc > 0) sum += wr * wc * grid[r * side + c];
        }
      }
      scaled[i * W + j] = sum / ((r1 - r0) * (c1 - c0));
    }
  }
  let m = 0,
    sx = 0,
    sy = 0;
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      const v = scaled[i * W + j];
      m += v;
      sx += v * j;
      sy += v * i;
    }
  }
  const cx = m > 0 ? sx / m : (W - 1) / 2,
    cy = m > 0 ? sy / m : (H - 1) / 2;
  const top = Math.min(28 - H, Math.max(0, Math.round(14 - cy)));
  const left = Math.min(28 - W, Math.max(0, Math.round(14 - cx)));
  const image = new Float32Array(784);
  for (let i = 0; i < H; i++)
    for (let j = 0; j < W; j++) image[(top + i) * 28 + left + j] = Math.min(1, scaled[i * W + j]);
  return {
    box: { top: minR, left: minC, height: h, width: w },
    scaled,
    scaledHeight: H,
    scaledWidth: W,
    centre: { x: cx, y: cy },
    offset: { top, left },
    image,
  };
}

/**
 * The same algorithm as `preprocessDigit`, as plain JavaScript for the page (a function
 * `descentPreprocess(grid, side)` with the same result fields).
 */
export const PREPROCESS_JS = `function descentPreprocess(grid, side) {
  var T = ${INK_THRESHOLD};
  var minR = side, maxR = -1, minC = side, maxC = -1, r, c, i, j;
  for (r = 0; r < side; r++) for (c = 0; c < side; c++) if (grid[r * side + c] > T) {
    if (r < minR) minR = r; if (r > maxR) maxR = r; if (c < minC) minC = c; if (c > maxC) maxC = c;
  }
  if (maxR < 0) return null;
  var h = maxR - minR + 1, w = maxC - minC + 1, s = 20 / Math.max(h, w);
  var H = Math.max(1, Math.round(h * s)), W = Math.max(1, Math.round(w * s));
  var scaled = new Float32Array(H * W);
  for (i = 0; i < H; i++) {
    var r0 = minR + (i * h) / H, r1 = minR + ((i + 1) * h) / H;
    for (j = 0; j < W; j++) {
      var c0 = minC + (j * w) / W, c1 = minC + ((j + 1) * w) / W, sum = 0;
      for (r = Math.floor(r0); r < r1; r++) {
        var wr = Math.min(r + 1, r1) - Math.max(r, r0);
        if (wr <= 0) continue;
        for (c = Math.floor(c0); c < c1; c++) {
          var wc = Math.min(c + 1, c1) - Math.max(c, c0);
          if (wc > 0) sum += wr * wc * grid[r * side + c];
        }
      }
      scaled[i * W + j] = sum / ((r1 - r0) * (c1 - c0));
    }
  }
  var m = 0, sx = 0, sy = 0;
  for (i = 0; i < H; i++) for (j = 0; j < W; j++) { var v = scaled[i * W + j]; m += v; sx += v * j; sy += v * i; }
  var cx = m > 0 ? sx / m : (W - 1) / 2, cy = m > 0 ? sy / m : (H - 1) / 2;
  var top = Math.min(28 - H, Math.max(0, Math.round(14 - cy)));
  var left = Math.min(28 - W, Math.max(0, Math.round(14 - cx)));
  var image = new Float32Array(784);
  for (i = 0; i < H; i++) for (j = 0; j < W; j++) image[(top + i) * 28 + left + j] = Math.min(1, scaled[i * W + j]);
  return { box: { top: minR, left: minC, height: h, width: w }, scaled: scaled, scaledHeight: H, scaledWidth: W, centre: { x: cx, y: cy }, offset: { top: top, left: left }, image: image };
}`;

/** One dense layer for the page: z = W a + b (W: out × in, row-major), then the activation. */
export interface DigitLayer {
  W: { rows: number; cols: number; data: ArrayLike<number> };
  b: { data: ArrayLike<number> } | null;
  activation: "relu" | "sigmoid" | "tanh" | "softmax";
}

/** A network the page can run: an MLP from src/models (its `layers`), or layers given directly. */
export interface DigitNetwork {
  layers: ReadonlyArray<{ W: DigitLayer["W"]; b: DigitLayer["b"]; activation: { name: string } | "softmax" | string }>;
}

function pageLayers(net: DigitNetwork): DigitLayer[] {
  if (!net.layers.length) throw new Error("drawDigit: the network has no layers");
  let inputs = 784;
  return net.layers
    .map((l, k) => {
      const name = typeof l.activation === "string" ? l.activation : l.activation.name;
      if (name !== "relu" && name !== "sigmoid" && name !== "tanh" && name !== "softmax") {
        throw new Error(
          `drawDigit: layer ${k + 1} has activation "${name}"; the page runs relu, sigmoid, tanh and softmax`,
        );
      }
      if (l.W.cols !== inputs)
        throw new Error(
          `drawDigit: layer ${k + 1} expects ${l.W.cols} inputs, but ${inputs} arrive (the first layer must take 784 = 28×28 pixels)`,
        );
      if (l.W.data.length !== l.W.rows * l.W.cols)
        throw new Error(`drawDigit: layer ${k + 1}'s W has ${l.W.data.length} numbers for ${l.W.rows}×${l.W.cols}`);
      if (l.b && l.b.data.length !== l.W.rows)
        throw new Error(`drawDigit: layer ${k + 1}'s b has ${l.b.data.length} numbers for ${l.W.rows} units`);
      inputs = l.W.rows;
      return { W: l.W, b: l.b, activation: name as DigitLayer["activation"] };
    })
    .map((l, k, all) => {
      if (k === all.length - 1 && (l.activation !== "softmax" || l.W.rows !== 10)) {
        throw new Error(
          `drawDigit: the last layer must be a softmax over 10 digits (got ${l.W.rows} units, ${l.activation})`,
        );
      }
      return l;
    });
}

const b64 = (a: ArrayLike<number>): string =>
  Buffer.from(new Float32Array(a as ArrayLike<number>).buffer).toString("base64");

/** The page's script: decoding, drawing, pre-processing (PREPROCESS_JS), the forward pass, the bars. */
function pageScript(id: string, layers: DigitLayer[]): string {
  const spec = layers.map((l) => ({
    rows: l.W.rows,
    cols: l.W.cols,
    act: l.activation,
    W: b64(l.W.data),
    b: l.b ? b64(l.b.data) : null,
  }));
  return `(function(){
${PREPROCESS_JS}
var SIDE=${DRAW_SIDE},id=${JSON.stringify(id)},spec=${scriptJson(spec)},tries=0;
function f32(s){var bin=atob(s),u=new Uint8Array(bin.length);for(var i=0;i<bin.length;i++)u[i]=bin.charCodeAt(i);return new Float32Array(u.buffer);}
var layers=spec.map(function(l){return {rows:l.rows,cols:l.cols,act:l.act,W:f32(l.W),b:l.b?f32(l.b):null};});
function forward(x){var a=x;for(var k=0;k<layers.length;k++){var L=layers[k],z=new Float64Array(L.rows);
 for(var o=0;o<L.rows;o++){var s=L.b?L.b[o]:0,off=o*L.cols;for(var i=0;i<L.cols;i++)s+=L.W[off+i]*a[i];z[o]=s;}
 if(L.act==="softmax"){var mx=-Infinity;for(o=0;o<z.length;o++)mx=Math.max(mx,z[o]);var t=0;for(o=0;o<z.length;o++){z[o]=Math.exp(z[o]-mx);t+=z[o];}for(o=0;o<z.length;o++)z[o]/=t;}
 else for(o=0;o<z.length;o++){var v=z[o];z[o]=L.act==="relu"?(v>0?v:0):L.act==="sigmoid"?1/(1+Math.exp(-v)):Math.tanh(v);}
 a=z;}return a;}
function paint(canvas,vals,w,h){var ctx=canvas.getContext("2d"),img=ctx.createImageData(w,h);for(var i=0;i<w*h;i++){var g=255-Math.round(255*Math.min(1,Math.max(0,+vals[i]||0)));img.data[4*i]=g;img.data[4*i+1]=g;img.data[4*i+2]=g;img.data[4*i+3]=255;}canvas.width=w;canvas.height=h;ctx.putImageData(img,0,0);}
function start(root){
 if(root.getAttribute("data-state")!=="static")return;root.setAttribute("data-state","ready");
 var q=function(s){return root.querySelector(s);};
 var pad=q(".dd-pad"),grid=new Float32Array(SIDE*SIDE),last=null,down=false,R=${(DRAW_SIDE / 28) * 1.15};
 var bars=[];var barBox=q(".dd-barlist");
 for(var d=0;d<10;d++){var row=document.createElement("div");row.className="dd-bar";row.innerHTML='<span class="dd-digit">'+d+'</span><span class="dd-track"><span class="dd-fill"></span></span><span class="dd-p"></span>';barBox.appendChild(row);bars.push(row);}
 function stamp(x,y){var r0=Math.max(0,Math.floor(y-R-1)),r1=Math.min(SIDE-1,Math.ceil(y+R+1)),c0=Math.max(0,Math.floor(x-R-1)),c1=Math.min(SIDE-1,Math.ceil(x+R+1));
  for(var r=r0;r<=r1;r++)for(var c=c0;c<=c1;c++){var d=Math.sqrt((c+0.5-x)*(c+0.5-x)+(r+0.5-y)*(r+0.5-y)),v=Math.min(1,Math.max(0,R+0.5-d));if(v>grid[r*SIDE+c])grid[r*SIDE+c]=v;}}
 function line(a,b){var n=Math.max(1,Math.ceil(Math.hypot(b[0]-a[0],b[1]-a[1])));for(var k=0;k<=n;k++)stamp(a[0]+(b[0]-a[0])*k/n,a[1]+(b[1]-a[1])*k/n);}
 function at(e){var r=pad.getBoundingClientRect();return [(e.clientX-r.left)*SIDE/r.width,(e.clientY-r.top)*SIDE/r.height];}
 var pending=false;function later(){if(!pending){pending=true;requestAnimationFrame(function(){pending=false;update();});}}
 function update(){
  paint(pad,grid,SIDE,SIDE);
  var p=descentPreprocess(grid,SIDE),boxEl=q(".dd-box");
  if(!p){boxEl.style.display="none";paint(q(".dd-scaled"),[],20,20);paint(q(".dd-final"),[],28,28);root.removeAttribute("data-prediction");q(".dd-answer").textContent="Draw a digit in the box.";bars.forEach(function(b){b.querySelector(".dd-fill").style.width="0";b.querySelector(".dd-p").textContent="";b.classList.remove("dd-top");});root.descentDigit.last=null;return;}
  boxEl.style.display="block";boxEl.style.top=(100*p.box.top/SIDE)+"%";boxEl.style.left=(100*p.box.left/SIDE)+"%";boxEl.style.height=(100*p.box.height/SIDE)+"%";boxEl.style.width=(100*p.box.width/SIDE)+"%";
  var box20=new Float32Array(400),t0=Math.floor((20-p.scaledHeight)/2),l0=Math.floor((20-p.scaledWidth)/2);for(var i=0;i<p.scaledHeight;i++)for(var j=0;j<p.scaledWidth;j++)box20[(t0+i)*20+l0+j]=p.scaled[i*p.scaledWidth+j];paint(q(".dd-scaled"),box20,20,20);paint(q(".dd-final"),p.image,28,28);
  q(".dd-scaled-note").textContent=p.box.width+"×"+p.box.height+" → "+p.scaledWidth+"×"+p.scaledHeight;
  q(".dd-final-note").textContent="centre of mass ("+p.centre.x.toFixed(1)+", "+p.centre.y.toFixed(1)+") moved to pixel (14, 14)";
  var probs=forward(p.image),best=0;for(var k=1;k<10;k++)if(probs[k]>probs[best])best=k;
  bars.forEach(function(b,k){b.querySelector(".dd-fill").style.width=(100*probs[k]).toFixed(1)+"%";b.querySelector(".dd-p").textContent=(100*probs[k]).toFixed(1)+" %";b.classList.toggle("dd-top",k===best);});
  q(".dd-answer").textContent="The network says "+best+" ("+(100*probs[best]).toFixed(1)+" % sure).";
  root.setAttribute("data-prediction",String(best));root.descentDigit.last={pre:p,probs:Array.prototype.slice.call(probs)};
 }
 pad.addEventListener("pointerdown",function(e){e.preventDefault();down=true;last=at(e);try{pad.setPointerCapture(e.pointerId);}catch(_){}line(last,last);later();});
 pad.addEventListener("pointermove",function(e){if(!down)return;e.preventDefault();var p=at(e);line(last,p);last=p;later();});
 function up(){if(down){down=false;update();}}
 pad.addEventListener("pointerup",up);pad.addEventListener("pointercancel",up);pad.addEventListener("lostpointercapture",up);
 q(".dd-clear").addEventListener("click",function(){grid.fill(0);update();});
 root.descentDigit={grid:grid,side:SIDE,preprocess:descentPreprocess,forward:forward,update:update,last:null};
 update();
}
(function find(){var el=document.getElementById(id);if(el)start(el);else if(tries++<200)setTimeout(find,50);})();
})();`;
}

const STYLE = `.descent-digit{font-family:system-ui,sans-serif;display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;max-width:760px}
.descent-digit .dd-padbox{position:relative;width:min(280px,80vw);height:min(280px,80vw);border:2px solid #444;border-radius:6px;touch-action:none;background:#fff}
.descent-digit .dd-pad{width:100%;height:100%;display:block;cursor:crosshair;touch-action:none;image-rendering:pixelated}
.descent-digit .dd-box{position:absolute;border:1px dashed #d33;pointer-events:none;display:none}
.descent-digit .dd-steps{display:flex;gap:12px;flex-wrap:wrap;font-size:12px;color:#555;margin-bottom:8px}
.descent-digit .dd-steps figure{margin:0;width:112px}
.descent-digit .dd-steps canvas{width:112px;height:112px;image-rendering:pixelated;border:1px solid #aaa;background:#fff}
.descent-digit .dd-final-wrap{position:relative;width:112px;height:112px}
.descent-digit .dd-cross{position:absolute;left:50%;top:50%;width:9px;height:9px;margin:-5px 0 0 -5px;border:1px solid #d33;border-radius:50%;pointer-events:none}
.descent-digit .dd-bars{min-width:220px;flex:1}
.descent-digit .dd-bar{display:flex;align-items:center;gap:6px;margin:2px 0;font-size:14px}
.descent-digit .dd-digit{width:1em;font-weight:600}
.descent-digit .dd-track{flex:1;height:14px;background:#eee;border-radius:3px;overflow:hidden}
.descent-digit .dd-fill{display:block;height:100%;width:0;background:#8ab4f8}
.descent-digit .dd-top .dd-fill{background:#0b5cad}
.descent-digit .dd-p{width:4.5em;text-align:right;font-variant-numeric:tabular-nums}
.descent-digit .dd-answer{font-weight:600;margin:4px 0 8px}
.descent-digit button{font-size:14px;padding:4px 12px;margin-top:6px}`;

/** The HTML of the demo for `network` (its first layer takes the 784 pixels, its last is a softmax over 10 digits). */
export function drawDigitHtml(network: DigitNetwork, options: { id?: string; title?: string } = {}): string {
  const layers = pageLayers(network);
  const id = options.id ?? `descent-digit-${newDisplayId()}`;
  const sizes = [784, ...layers.map((l) => l.W.rows)].join("-");
  const title = options.title ?? `Draw a digit: the ${sizes} network classifies it as you draw`;
  return `<div class="descent-digit" id="${escapeHtml(id)}" data-state="static"><style>${STYLE}</style>
<div><div class="dd-title" style="font-weight:600;margin-bottom:6px">${escapeHtml(title)}</div>
<div class="dd-padbox"><canvas class="dd-pad" width="${DRAW_SIDE}" height="${DRAW_SIDE}" aria-label="drawing area: draw a digit with the mouse or a finger"></canvas><div class="dd-box"></div></div>
<button type="button" class="dd-clear">Clear</button></div>
<div class="dd-bars"><div class="dd-answer">This demo needs JavaScript (a trusted notebook, or the book).</div>
<div class="dd-steps">
<figure><canvas class="dd-scaled" width="20" height="20"></canvas><figcaption>1. the ink's bounding box (dashed) scaled to fit 20×20: <span class="dd-scaled-note"></span></figcaption></figure>
<figure><div class="dd-final-wrap"><canvas class="dd-final" width="28" height="28"></canvas><div class="dd-cross"></div></div><figcaption>2. placed in 28×28 with its <span class="dd-final-note">centre of mass in the middle</span></figcaption></figure>
</div><div class="dd-barlist"></div></div>
<script type="text/javascript">${pageScript(id, layers)}</script></div>`;
}

/** Shows the demo in the notebook (outside a notebook, prints one line). */
export function drawDigit(network: DigitNetwork, options: { title?: string } = {}): void {
  const html = drawDigitHtml(network, options);
  const sizes = [784, ...network.layers.map((l) => l.W.rows)].join("-");
  if (
    !displayBundle({
      "text/html": html,
      "text/plain": `Draw a digit (${sizes} network; needs a browser with JavaScript)`,
    })
  ) {
    console.log(`drawDigit: a ${sizes} network (the demo shows in a notebook)`);
  }
}
