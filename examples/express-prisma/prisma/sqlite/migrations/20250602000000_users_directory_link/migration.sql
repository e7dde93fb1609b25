-- AlterTable
ALTER TABLE "users" ADD COLUMN "scim_organization_id" TEXT;
ALTER TABLE "users" ADD COLUMN "scim_user_id" TEXT;
ALTER TABLE "users" ADD COLUMN "roles" JSONB NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE UNIQUE INDEX "users_scim_organization_id_scim_user_id_key" ON "users"("scim_organization_id", "scim_user_id");
