/**
 * Descent's public API: a notebook writes `import * as d from "./src/index";` and calls `d.softmax`,
 * `d.MLP`, … Each module is one idea from the course (`npm run api` builds this reference). The engine
 * (src/engine/, speed only) is switched on here, for its effect: it installs the fast products, the
 * float32 allocator and the fast paths through the core's hooks (bench/README.md).
 * @module descent
 */
import "./engine/index";
export * from "./core/random";
export * from "./core/gemm";
export * from "./core/matrix";
export * from "./core/pixelMatrix";
export * from "./core/alloc";
export * from "./core/fastPath";
export * from "./core/checks";
export * from "./core/finite";
export * from "./core/interrupt";
export { progress, progressText, setProgressSink } from "./core/progress";
export type { Progress, ProgressSink } from "./core/progress";
export { printTable, tableText, tableOfRecords, setTableSink } from "./core/table";
export type { TextTable, TableSink } from "./core/table";
export * from "./core/model";
export * from "./models/activations";
export * from "./models/softmax";
export * from "./models/init";
export * from "./models/softmaxRegression";
export * from "./models/mlp";
export * from "./calculus/gradcheck";
export * from "./chapters/notesAlgorithm";
export * from "./models/perceptron";
export * from "./calculus/symbolic";
export * from "./calculus/descent";
export * from "./data/toyData";
export * from "./optim/index";
export * from "./training/train";
export * from "./training/metrics";
export * from "./training/sanity";
export * from "./data/idx";
export * from "./data/mnist";
export * from "./data/csv";
export * from "./plot/index";
export * from "./chapters/slidesNetwork";
export * from "./chapters/biasUnitNetwork";
export * from "./chapters/errataLedger";
