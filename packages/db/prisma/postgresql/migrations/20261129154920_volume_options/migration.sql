-- AlterTable
ALTER TABLE "Volume" ADD COLUMN     "options" TEXT NOT NULL DEFAULT '{}';
