CREATE TABLE "scim_resource_emails" (
	"organization_id" text COLLATE "C" NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text COLLATE "C" NOT NULL,
	"email" text COLLATE "C" NOT NULL,
	CONSTRAINT "scim_resource_emails_pk" PRIMARY KEY("organization_id","resource_type","resource_id","email")
);
--> statement-breakpoint
CREATE TABLE "scim_resources" (
	"organization_id" text COLLATE "C" NOT NULL,
	"resource_type" text NOT NULL,
	"id" text COLLATE "C" NOT NULL,
	"version" bigint NOT NULL,
	"attributes" text NOT NULL,
	"user_name" text COLLATE "C",
	"external_id" text COLLATE "C",
	"display_name" text COLLATE "C",
	"active" boolean,
	"created_at" timestamp (3) with time zone NOT NULL,
	"last_modified" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "scim_resources_organization_id_resource_type_id_pk" PRIMARY KEY("organization_id","resource_type","id")
);
--> statement-breakpoint
CREATE TABLE "scim_tokens" (
	"hash" text PRIMARY KEY NOT NULL,
	"organization_id" text COLLATE "C" NOT NULL,
	"label" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone
);
--> statement-breakpoint
DROP INDEX "scim_memberships_group_idx";--> statement-breakpoint
ALTER TABLE "scim_resource_emails" ADD CONSTRAINT "scim_resource_emails_resource_fk" FOREIGN KEY ("organization_id","resource_type","resource_id") REFERENCES "public"."scim_resources"("organization_id","resource_type","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scim_resource_emails_email_idx" ON "scim_resource_emails" USING btree ("organization_id","resource_type","email");--> statement-breakpoint
CREATE UNIQUE INDEX "scim_resources_user_name_key" ON "scim_resources" USING btree ("organization_id","resource_type","user_name");--> statement-breakpoint
CREATE INDEX "scim_resources_external_id_idx" ON "scim_resources" USING btree ("organization_id","resource_type","external_id");--> statement-breakpoint
CREATE INDEX "scim_resources_display_name_idx" ON "scim_resources" USING btree ("organization_id","resource_type","display_name");--> statement-breakpoint
CREATE INDEX "scim_resources_last_modified_idx" ON "scim_resources" USING btree ("organization_id","resource_type","last_modified");--> statement-breakpoint
CREATE INDEX "scim_tokens_organization_idx" ON "scim_tokens" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "scim_memberships_group_idx" ON "scim_memberships" USING btree ("organization_id","group_id","user_id");