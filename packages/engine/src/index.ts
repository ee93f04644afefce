export { createEngine, type CreateEngineOptions } from "./create-engine.js";
export { engineVersion } from "./system/version.js";
