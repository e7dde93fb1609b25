-- CreateTable
CREATE TABLE "scim_events" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "payload" TEXT,

    CONSTRAINT "scim_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scim_entities" (
    "organization_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "version" BIGINT NOT NULL,
    "deleted" BOOLEAN NOT NULL,
    "active" BOOLEAN NOT NULL,
    "fingerprint" TEXT,
    "directory_roles" TEXT,
    "event_id" TEXT,
    "write_token" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scim_entities_pkey" PRIMARY KEY ("organization_id","kind","id")
);

-- CreateTable
CREATE TABLE "scim_groups" (
    "organization_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "directory_id" TEXT,
    "display_name" TEXT,
    "external_id" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scim_groups_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "scim_memberships" (
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,

    CONSTRAINT "scim_memberships_pkey" PRIMARY KEY ("organization_id","user_id","group_id")
);

-- CreateTable
CREATE TABLE "scim_directories" (
    "organization_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "provider" TEXT,
    "directory_type" TEXT,
    "status" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scim_directories_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "scim_sync_states" (
    "organization_id" TEXT NOT NULL,
    "directory_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "watermark" TIMESTAMP(3),
    "checkpoint" TEXT,
    "last_started_at" TIMESTAMP(3),
    "last_finished_at" TIMESTAMP(3),
    "last_error" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scim_sync_states_pkey" PRIMARY KEY ("organization_id","directory_id")
);

-- CreateTable
CREATE TABLE "scim_leases" (
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scim_leases_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "scim_events_received_at_idx" ON "scim_events"("received_at");

-- CreateIndex
CREATE INDEX "scim_memberships_organization_id_group_id_idx" ON "scim_memberships"("organization_id", "group_id");

-- AddForeignKey
ALTER TABLE "scim_memberships" ADD CONSTRAINT "scim_memberships_organization_id_group_id_fkey" FOREIGN KEY ("organization_id", "group_id") REFERENCES "scim_groups"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
