CREATE TABLE "scim_links" (
	"organization_id" text COLLATE "C" NOT NULL,
	"directory_user_id" text COLLATE "C" NOT NULL,
	"app_user_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "scim_links_organization_id_directory_user_id_pk" PRIMARY KEY("organization_id","directory_user_id")
);
--> statement-breakpoint
ALTER TABLE "scim_events" ADD COLUMN "reason" text;--> statement-breakpoint
CREATE INDEX "scim_links_app_user_idx" ON "scim_links" USING btree ("organization_id","app_user_id");