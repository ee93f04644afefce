export { openDatabase } from "./open-database.js";
export { sqliteUrlForRoot, type DatabaseProvider } from "./database-url.js";
export type { BerthPrismaClient, Database, OpenDatabaseOptions } from "./database.js";
export type { Event, Image, ImageLayer, Layer, Node, Prisma, RepoDigest, Tag } from "../generated/sqlite/client.js";
