export * from "./errors.js";
export type * from "./service/images.js";
export type * from "./service/system.js";
