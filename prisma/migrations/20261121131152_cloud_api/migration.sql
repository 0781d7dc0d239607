-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "accessToken" TEXT;

-- AlterTable
ALTER TABLE "Webhook" ADD COLUMN     "format" VARCHAR(16) NOT NULL DEFAULT 'evolution';

-- CreateTable
CREATE TABLE "MetaWebhookReceipt" (
    "instanceId" UUID NOT NULL,
    "eventKey" VARCHAR(255) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MetaWebhookReceipt_pkey" PRIMARY KEY ("instanceId","eventKey")
);

-- CreateIndex
CREATE INDEX "MetaWebhookReceipt_createdAt_idx" ON "MetaWebhookReceipt"("createdAt");

-- AddForeignKey
ALTER TABLE "MetaWebhookReceipt" ADD CONSTRAINT "MetaWebhookReceipt_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;
