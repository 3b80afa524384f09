// Optimisers behind one interface, and step-size schedules.
export type { Optimizer } from "./optimizer";
export { checkLearningRate } from "./optimizer";
export * from "./schedules";
export * from "./sgd";
export * from "./momentum";
export * from "./rmsprop";
export * from "./rmspropNotes";
