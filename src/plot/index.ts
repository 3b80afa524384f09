// Charts and tables for Descent: Vega-Lite spec builders, show() with a full MIME bundle, live views,
// SVG files, and compare (hand-derived quantities beside a reference, as a table).
export * from "./render";
export * from "./display";
export * from "./show";
export * from "./charts";
export * from "./images";
export * from "./textSize";
export * from "./contour";
export * from "./live";
export * from "./save";
export {
  svgDataUrl,
  libraryScript,
  chartHtml,
  sharedLibraries,
  resetSharedLibraries,
  libraryVersion,
  installSharedLibraries,
} from "./html";
export { thinMinMax } from "./thin";
export * from "./networkDiagram";
export * from "./drawDigit";
export * from "./compare";
export { progressBundle } from "./progressDisplay";
export { table, tableBundle } from "./table";
