export { openDatabase } from "./open-database.js";
export { processStartTime, withLockFile, type LockFileOptions } from "./lock-file.js";
export { sqliteUrlForRoot, type DatabaseProvider } from "./database-url.js";
export type { BerthPrismaClient, Database, OpenDatabaseOptions } from "./database.js";
export type { Container, Event, Image, ImageLayer, Layer, Node, Prisma, RepoDigest, Tag, Volume, VolumeMount } from "../generated/sqlite/client.js";
