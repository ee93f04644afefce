-- CreateTable
CREATE TABLE "Container" (
    "nodeId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "imageRef" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "hostConfig" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'created',
    "pid" INTEGER NOT NULL DEFAULT 0,
    "monitorPid" INTEGER NOT NULL DEFAULT 0,
    "exitCode" INTEGER NOT NULL DEFAULT 0,
    "oomKilled" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT NOT NULL DEFAULT '',
    "restartCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Container_pkey" PRIMARY KEY ("nodeId","id")
);

-- CreateTable
CREATE TABLE "Volume" (
    "nodeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "driver" TEXT NOT NULL DEFAULT 'local',
    "labels" TEXT NOT NULL DEFAULT '{}',
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Volume_pkey" PRIMARY KEY ("nodeId","name")
);

-- CreateTable
CREATE TABLE "VolumeMount" (
    "nodeId" TEXT NOT NULL,
    "containerId" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "volumeName" TEXT NOT NULL,
    "readOnly" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "VolumeMount_pkey" PRIMARY KEY ("nodeId","containerId","destination")
);

-- CreateIndex
CREATE INDEX "Container_nodeId_imageId_idx" ON "Container"("nodeId", "imageId");

-- CreateIndex
CREATE UNIQUE INDEX "Container_nodeId_name_key" ON "Container"("nodeId", "name");

-- CreateIndex
CREATE INDEX "VolumeMount_nodeId_volumeName_idx" ON "VolumeMount"("nodeId", "volumeName");

-- AddForeignKey
ALTER TABLE "Container" ADD CONSTRAINT "Container_nodeId_imageId_fkey" FOREIGN KEY ("nodeId", "imageId") REFERENCES "Image"("nodeId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "VolumeMount" ADD CONSTRAINT "VolumeMount_nodeId_containerId_fkey" FOREIGN KEY ("nodeId", "containerId") REFERENCES "Container"("nodeId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VolumeMount" ADD CONSTRAINT "VolumeMount_nodeId_volumeName_fkey" FOREIGN KEY ("nodeId", "volumeName") REFERENCES "Volume"("nodeId", "name") ON DELETE RESTRICT ON UPDATE CASCADE;
