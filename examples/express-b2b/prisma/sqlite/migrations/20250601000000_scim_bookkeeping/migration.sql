-- CreateTable
CREATE TABLE "scim_events" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TEXT NOT NULL,
    "received_at" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "payload" TEXT
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
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("organization_id", "kind", "id")
);

-- CreateTable
CREATE TABLE "scim_groups" (
    "organization_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "directory_id" TEXT,
    "display_name" TEXT,
    "external_id" TEXT,
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("organization_id", "id")
);

-- CreateTable
CREATE TABLE "scim_memberships" (
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,

    PRIMARY KEY ("organization_id", "user_id", "group_id"),
    CONSTRAINT "scim_memberships_organization_id_group_id_fkey" FOREIGN KEY ("organization_id", "group_id") REFERENCES "scim_groups" ("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "scim_directories" (
    "organization_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "provider" TEXT,
    "directory_type" TEXT,
    "status" TEXT,
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("organization_id", "id")
);

-- CreateTable
CREATE TABLE "scim_sync_states" (
    "organization_id" TEXT NOT NULL,
    "directory_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "watermark" DATETIME,
    "checkpoint" TEXT,
    "last_started_at" DATETIME,
    "last_finished_at" DATETIME,
    "last_error" TEXT,
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("organization_id", "directory_id")
);

-- CreateTable
CREATE TABLE "scim_leases" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "expires_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "scim_events_received_at_idx" ON "scim_events"("received_at");

-- CreateIndex
CREATE INDEX "scim_memberships_organization_id_group_id_idx" ON "scim_memberships"("organization_id", "group_id");
