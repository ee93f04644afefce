-- CreateTable
CREATE TABLE "Node" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "root" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Image" (
    "nodeId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "parentId" TEXT,
    "created" DATETIME NOT NULL,
    "size" BIGINT NOT NULL,
    "architecture" TEXT NOT NULL,
    "os" TEXT NOT NULL,
    "author" TEXT NOT NULL DEFAULT '',
    "comment" TEXT NOT NULL DEFAULT '',
    "labels" TEXT NOT NULL DEFAULT '{}',
    "topChainId" TEXT,
    "addedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastTagTime" DATETIME,

    PRIMARY KEY ("nodeId", "id"),
    CONSTRAINT "Image_nodeId_parentId_fkey" FOREIGN KEY ("nodeId", "parentId") REFERENCES "Image" ("nodeId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT
);

-- CreateTable
CREATE TABLE "Layer" (
    "nodeId" TEXT NOT NULL,
    "chainId" TEXT NOT NULL,
    "diffId" TEXT NOT NULL,
    "parentChainId" TEXT,
    "size" BIGINT NOT NULL,
    "link" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("nodeId", "chainId")
);

-- CreateTable
CREATE TABLE "ImageLayer" (
    "nodeId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "chainId" TEXT NOT NULL,

    PRIMARY KEY ("nodeId", "imageId", "position"),
    CONSTRAINT "ImageLayer_nodeId_imageId_fkey" FOREIGN KEY ("nodeId", "imageId") REFERENCES "Image" ("nodeId", "id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ImageLayer_nodeId_chainId_fkey" FOREIGN KEY ("nodeId", "chainId") REFERENCES "Layer" ("nodeId", "chainId") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Tag" (
    "nodeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("nodeId", "name"),
    CONSTRAINT "Tag_nodeId_imageId_fkey" FOREIGN KEY ("nodeId", "imageId") REFERENCES "Image" ("nodeId", "id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RepoDigest" (
    "nodeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,

    PRIMARY KEY ("nodeId", "name"),
    CONSTRAINT "RepoDigest_nodeId_imageId_fkey" FOREIGN KEY ("nodeId", "imageId") REFERENCES "Image" ("nodeId", "id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Event" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "nodeId" TEXT NOT NULL,
    "time" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "type" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "attributes" TEXT NOT NULL DEFAULT '{}'
);

-- CreateIndex
CREATE INDEX "Image_nodeId_parentId_idx" ON "Image"("nodeId", "parentId");

-- CreateIndex
CREATE UNIQUE INDEX "Layer_nodeId_link_key" ON "Layer"("nodeId", "link");

-- CreateIndex
CREATE INDEX "ImageLayer_nodeId_chainId_idx" ON "ImageLayer"("nodeId", "chainId");

-- CreateIndex
CREATE INDEX "Tag_nodeId_imageId_idx" ON "Tag"("nodeId", "imageId");

-- CreateIndex
CREATE INDEX "RepoDigest_nodeId_imageId_idx" ON "RepoDigest"("nodeId", "imageId");

-- CreateIndex
CREATE INDEX "Event_nodeId_time_idx" ON "Event"("nodeId", "time");
