// Optimisers behind one interface, and step-size schedules. (The update-kernel hook in
// updateKernels.ts is for faster implementations to plug into, not course API: not exported here.)
export type { Optimizer } from "./optimizer";
export { checkLearningRate } from "./optimizer";
export * from "./schedules";
export { sgd } from "./sgd";
export type { SgdOptions } from "./sgd";
export * from "./momentum";
export * from "./rmsprop";
export * from "./rmspropNotes";
