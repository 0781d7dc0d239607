-- CreateTable
CREATE TABLE "InstanceWebsocket" (
    "id" UUID NOT NULL,
    "instanceId" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "events" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InstanceWebsocket_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InstanceWebsocket_instanceId_key" ON "InstanceWebsocket"("instanceId");

-- AddForeignKey
ALTER TABLE "InstanceWebsocket" ADD CONSTRAINT "InstanceWebsocket_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;
