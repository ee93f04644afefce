-- AlterTable
ALTER TABLE "Network" ADD COLUMN     "auxAddresses" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "ipRange" TEXT NOT NULL DEFAULT '';
