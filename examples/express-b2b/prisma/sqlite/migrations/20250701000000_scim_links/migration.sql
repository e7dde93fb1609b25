-- Contract v2: why an event was rejected, and identity links (service mode).

-- AlterTable
ALTER TABLE "scim_events" ADD COLUMN "reason" TEXT;

-- CreateTable
CREATE TABLE "scim_links" (
    "organization_id" TEXT NOT NULL,
    "directory_user_id" TEXT NOT NULL,
    "app_user_id" TEXT NOT NULL,

    PRIMARY KEY ("organization_id", "directory_user_id")
);

-- CreateIndex
CREATE INDEX "scim_links_organization_id_app_user_id_idx" ON "scim_links"("organization_id", "app_user_id");
