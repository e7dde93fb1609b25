-- AlterTable
ALTER TABLE "users" ADD COLUMN     "roles" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "scim_organization_id" TEXT,
ADD COLUMN     "scim_user_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "users_scim_organization_id_scim_user_id_key" ON "users"("scim_organization_id", "scim_user_id");
