-- CreateTable
CREATE TABLE "Message" (
    "id" UUID NOT NULL,
    "instanceId" UUID NOT NULL,
    "keyId" VARCHAR(128) NOT NULL,
    "remoteJid" VARCHAR(128) NOT NULL,
    "fromMe" BOOLEAN NOT NULL,
    "participant" VARCHAR(128),
    "pushName" TEXT,
    "messageType" VARCHAR(64) NOT NULL,
    "message" JSONB,
    "key" JSONB NOT NULL,
    "messageTimestamp" BIGINT NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Message_instanceId_remoteJid_messageTimestamp_idx" ON "Message"("instanceId", "remoteJid", "messageTimestamp");

-- CreateIndex
CREATE UNIQUE INDEX "Message_instanceId_keyId_key" ON "Message"("instanceId", "keyId");

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;
