// Descent's public API. Each module is one idea from the course; see README.md ("API").
export * from "./random";
export * from "./gemm";
export * from "./matrix";
export * from "./checks";
export * from "./model";
