export { createEngine, type CreateEngineOptions } from "./create-engine.js";
export { engineVersion } from "./system/version.js";
export { archiveHostPath, extractToHostDir } from "./layers/tree-archive.js";
