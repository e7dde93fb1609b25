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
    "created_at" TIMESTAMP(3) NOT NULL,
    "last_modified" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scim_resources_pkey" PRIMARY KEY ("organization_id","resource_type","id")
);

-- CreateTable
CREATE TABLE "scim_resource_emails" (
    "organization_id" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,

    CONSTRAINT "scim_resource_emails_pkey" PRIMARY KEY ("organization_id","resource_type","resource_id","email")
);

-- CreateTable
CREATE TABLE "scim_tokens" (
    "hash" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "label" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3),

    CONSTRAINT "scim_tokens_pkey" PRIMARY KEY ("hash")
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

-- AddForeignKey
ALTER TABLE "scim_resource_emails" ADD CONSTRAINT "scim_resource_emails_resource_fkey" FOREIGN KEY ("organization_id", "resource_type", "resource_id") REFERENCES "scim_resources"("organization_id", "resource_type", "id") ON DELETE CASCADE ON UPDATE CASCADE;
