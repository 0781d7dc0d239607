-- CreateTable
CREATE TABLE "InstanceProxy" (
    "id" UUID NOT NULL,
    "instanceId" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "host" VARCHAR(255) NOT NULL DEFAULT '',
    "port" INTEGER,
    "protocol" VARCHAR(16) NOT NULL DEFAULT 'http',
    "username" VARCHAR(255),
    "password" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InstanceProxy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InstanceProxy_instanceId_key" ON "InstanceProxy"("instanceId");

-- AddForeignKey
ALTER TABLE "InstanceProxy" ADD CONSTRAINT "InstanceProxy_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;
