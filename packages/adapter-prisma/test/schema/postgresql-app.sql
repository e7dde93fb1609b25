CREATE TABLE "app_users" (
    "id" TEXT NOT NULL,
    "email" TEXT,
    "name" TEXT,
    "given_name" TEXT,
    "family_name" TEXT,
    "username" TEXT,
    "department" TEXT,
    "plan" TEXT NOT NULL DEFAULT 'free',
    "roles" TEXT[],
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "deactivated_at" TIMESTAMP(3),
    "scim_organization_id" TEXT,
    "scim_user_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "app_users_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "app_users_scim_organization_id_scim_user_id_key" ON "app_users"("scim_organization_id", "scim_user_id");
