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

CREATE TABLE "service_users" (
    "id" SERIAL NOT NULL,
    "email" TEXT,
    "display_name" TEXT,
    "given_name" TEXT,
    "family_name" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "roles" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "service_users_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "strict_users" (
    "id" SERIAL NOT NULL,
    "scim_organization_id" TEXT,
    "scim_user_id" TEXT,
    "email" TEXT NOT NULL,
    "display_name" TEXT,
    "is_active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "strict_users_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "strict_users_scim_organization_id_scim_user_id_key" ON "strict_users"("scim_organization_id", "scim_user_id");
