-- CreateTable
CREATE TABLE "MessageUpdate" (
    "id" UUID NOT NULL,
    "instanceId" UUID NOT NULL,
    "messageId" UUID,
    "keyId" VARCHAR(128) NOT NULL,
    "remoteJid" VARCHAR(128) NOT NULL,
    "fromMe" BOOLEAN NOT NULL,
    "participant" VARCHAR(128) NOT NULL DEFAULT '',
    "status" VARCHAR(16) NOT NULL,
    "pollUpdates" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MessageUpdate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Chat" (
    "id" UUID NOT NULL,
    "instanceId" UUID NOT NULL,
    "remoteJid" VARCHAR(128) NOT NULL,
    "name" TEXT,
    "unreadCount" INTEGER,
    "archived" BOOLEAN,
    "conversationTimestamp" BIGINT,
    "lastInboundAt" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Chat_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" UUID NOT NULL,
    "instanceId" UUID NOT NULL,
    "remoteJid" VARCHAR(128) NOT NULL,
    "pushName" TEXT,
    "name" TEXT,
    "profilePicUrl" TEXT,
    "lid" VARCHAR(128),
    "phoneNumber" VARCHAR(128),
    "kind" VARCHAR(16) NOT NULL DEFAULT 'contact',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GroupMetadata" (
    "id" UUID NOT NULL,
    "instanceId" UUID NOT NULL,
    "groupJid" VARCHAR(128) NOT NULL,
    "subject" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "participants" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GroupMetadata_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MessageUpdate_instanceId_remoteJid_createdAt_idx" ON "MessageUpdate"("instanceId", "remoteJid", "createdAt");

-- CreateIndex
CREATE INDEX "MessageUpdate_messageId_idx" ON "MessageUpdate"("messageId");

-- CreateIndex
CREATE INDEX "MessageUpdate_createdAt_idx" ON "MessageUpdate"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "MessageUpdate_instanceId_keyId_status_participant_key" ON "MessageUpdate"("instanceId", "keyId", "status", "participant");

-- CreateIndex
CREATE INDEX "Chat_instanceId_conversationTimestamp_idx" ON "Chat"("instanceId", "conversationTimestamp" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Chat_instanceId_remoteJid_key" ON "Chat"("instanceId", "remoteJid");

-- CreateIndex
CREATE INDEX "Contact_instanceId_pushName_idx" ON "Contact"("instanceId", "pushName");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_instanceId_remoteJid_key" ON "Contact"("instanceId", "remoteJid");

-- CreateIndex
CREATE UNIQUE INDEX "GroupMetadata_instanceId_groupJid_key" ON "GroupMetadata"("instanceId", "groupJid");

-- CreateIndex
CREATE INDEX "Message_instanceId_messageTimestamp_idx" ON "Message"("instanceId", "messageTimestamp");

-- CreateIndex
CREATE INDEX "Message_messageTimestamp_idx" ON "Message"("messageTimestamp");

-- AddForeignKey
ALTER TABLE "MessageUpdate" ADD CONSTRAINT "MessageUpdate_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageUpdate" ADD CONSTRAINT "MessageUpdate_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Chat" ADD CONSTRAINT "Chat_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupMetadata" ADD CONSTRAINT "GroupMetadata_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;
