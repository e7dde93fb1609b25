-- The SCIM 2.0 server's resources, their email index and the organizations' tokens.

-- CreateTable
CREATE TABLE "scim_resources" (
    "organization_id" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "version" BIGINT NOT NULL,
    "attributes" TEXT NOT NULL,
    "user_name" TEXT,
    "external_id" TEXT,
    "display_name" TEXT,
    "active" BOOLEAN,
    "created_at" DATETIME NOT NULL,
    "last_modified" DATETIME NOT NULL,

    PRIMARY KEY ("organization_id", "resource_type", "id")
);

-- CreateTable
CREATE TABLE "scim_resource_emails" (
    "organization_id" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,

    PRIMARY KEY ("organization_id", "resource_type", "resource_id", "email"),
    CONSTRAINT "scim_resource_emails_organization_id_resource_type_resource_id_fkey" FOREIGN KEY ("organization_id", "resource_type", "resource_id") REFERENCES "scim_resources" ("organization_id", "resource_type", "id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "scim_tokens" (
    "hash" TEXT NOT NULL PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "label" TEXT,
    "created_at" DATETIME NOT NULL,
    "expires_at" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "scim_resources_organization_id_resource_type_user_name_key" ON "scim_resources"("organization_id", "resource_type", "user_name");

-- CreateIndex
CREATE INDEX "scim_resources_organization_id_resource_type_external_id_idx" ON "scim_resources"("organization_id", "resource_type", "external_id");

-- CreateIndex
CREATE INDEX "scim_resources_organization_id_resource_type_display_name_idx" ON "scim_resources"("organization_id", "resource_type", "display_name");

-- CreateIndex
CREATE INDEX "scim_resources_organization_id_resource_type_last_modified_idx" ON "scim_resources"("organization_id", "resource_type", "last_modified");

-- CreateIndex
CREATE INDEX "scim_resource_emails_organization_id_resource_type_email_idx" ON "scim_resource_emails"("organization_id", "resource_type", "email");

-- CreateIndex
CREATE INDEX "scim_tokens_organization_id_created_at_idx" ON "scim_tokens"("organization_id", "created_at");
