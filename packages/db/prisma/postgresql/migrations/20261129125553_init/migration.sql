-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Node" (
    "id" TEXT NOT NULL,
    "root" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Image" (
    "nodeId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "parentId" TEXT,
    "created" TIMESTAMP(3) NOT NULL,
    "size" BIGINT NOT NULL,
    "architecture" TEXT NOT NULL,
    "os" TEXT NOT NULL,
    "author" TEXT NOT NULL DEFAULT '',
    "comment" TEXT NOT NULL DEFAULT '',
    "labels" TEXT NOT NULL DEFAULT '{}',
    "topChainId" TEXT,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastTagTime" TIMESTAMP(3),

    CONSTRAINT "Image_pkey" PRIMARY KEY ("nodeId","id")
);

-- CreateTable
CREATE TABLE "Layer" (
    "nodeId" TEXT NOT NULL,
    "chainId" TEXT NOT NULL,
    "diffId" TEXT NOT NULL,
    "parentChainId" TEXT,
    "size" BIGINT NOT NULL,
    "link" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Layer_pkey" PRIMARY KEY ("nodeId","chainId")
);

-- CreateTable
CREATE TABLE "ImageLayer" (
    "nodeId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "chainId" TEXT NOT NULL,

    CONSTRAINT "ImageLayer_pkey" PRIMARY KEY ("nodeId","imageId","position")
);

-- CreateTable
CREATE TABLE "Tag" (
    "nodeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("nodeId","name")
);

-- CreateTable
CREATE TABLE "RepoDigest" (
    "nodeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,

    CONSTRAINT "RepoDigest_pkey" PRIMARY KEY ("nodeId","name")
);

-- CreateTable
CREATE TABLE "Event" (
    "seq" SERIAL NOT NULL,
    "nodeId" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "type" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "attributes" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "Event_pkey" PRIMARY KEY ("seq")
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

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_nodeId_parentId_fkey" FOREIGN KEY ("nodeId", "parentId") REFERENCES "Image"("nodeId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "ImageLayer" ADD CONSTRAINT "ImageLayer_nodeId_imageId_fkey" FOREIGN KEY ("nodeId", "imageId") REFERENCES "Image"("nodeId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageLayer" ADD CONSTRAINT "ImageLayer_nodeId_chainId_fkey" FOREIGN KEY ("nodeId", "chainId") REFERENCES "Layer"("nodeId", "chainId") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_nodeId_imageId_fkey" FOREIGN KEY ("nodeId", "imageId") REFERENCES "Image"("nodeId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepoDigest" ADD CONSTRAINT "RepoDigest_nodeId_imageId_fkey" FOREIGN KEY ("nodeId", "imageId") REFERENCES "Image"("nodeId", "id") ON DELETE CASCADE ON UPDATE CASCADE;
