-- CreateTable
CREATE TABLE "InstanceRabbitmq" (
    "id" UUID NOT NULL,
    "instanceId" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "events" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InstanceRabbitmq_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InstanceRabbitmq_instanceId_key" ON "InstanceRabbitmq"("instanceId");

-- AddForeignKey
ALTER TABLE "InstanceRabbitmq" ADD CONSTRAINT "InstanceRabbitmq_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;
