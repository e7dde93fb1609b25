CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"email" text,
	"name" text,
	"department" text,
	"job_title" text,
	"plan" text DEFAULT 'team' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"scim_organization_id" text,
	"scim_user_id" text,
	"roles" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scim_directories" (
	"organization_id" text COLLATE "C" NOT NULL,
	"id" text COLLATE "C" NOT NULL,
	"enabled" boolean NOT NULL,
	"provider" text,
	"directory_type" text,
	"status" text,
	CONSTRAINT "scim_directories_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "scim_entities" (
	"organization_id" text COLLATE "C" NOT NULL,
	"kind" text NOT NULL,
	"id" text COLLATE "C" NOT NULL,
	"version" bigint NOT NULL,
	"deleted" boolean NOT NULL,
	"active" boolean NOT NULL,
	"fingerprint" text,
	"directory_roles" text,
	"event_id" text,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "scim_entities_organization_id_kind_id_pk" PRIMARY KEY("organization_id","kind","id")
);
--> statement-breakpoint
CREATE TABLE "scim_events" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"organization_id" text COLLATE "C" NOT NULL,
	"type" text NOT NULL,
	"occurred_at" text NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"status" text NOT NULL,
	"payload" text
);
--> statement-breakpoint
CREATE TABLE "scim_groups" (
	"organization_id" text COLLATE "C" NOT NULL,
	"id" text COLLATE "C" NOT NULL,
	"directory_id" text,
	"display_name" text,
	"external_id" text,
	CONSTRAINT "scim_groups_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "scim_leases" (
	"name" text COLLATE "C" PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scim_memberships" (
	"organization_id" text COLLATE "C" NOT NULL,
	"user_id" text COLLATE "C" NOT NULL,
	"group_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "scim_memberships_organization_id_user_id_group_id_pk" PRIMARY KEY("organization_id","user_id","group_id")
);
--> statement-breakpoint
CREATE TABLE "scim_sync_states" (
	"organization_id" text COLLATE "C" NOT NULL,
	"directory_id" text COLLATE "C" NOT NULL,
	"status" text NOT NULL,
	"watermark" timestamp (3) with time zone,
	"checkpoint" text,
	"last_started_at" timestamp (3) with time zone,
	"last_finished_at" timestamp (3) with time zone,
	"last_error" text,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "scim_sync_states_organization_id_directory_id_pk" PRIMARY KEY("organization_id","directory_id")
);
--> statement-breakpoint
ALTER TABLE "scim_memberships" ADD CONSTRAINT "scim_memberships_group_fk" FOREIGN KEY ("organization_id","group_id") REFERENCES "public"."scim_groups"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_scim_key" ON "users" USING btree ("scim_organization_id","scim_user_id");--> statement-breakpoint
CREATE INDEX "scim_events_received_at_idx" ON "scim_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "scim_memberships_group_idx" ON "scim_memberships" USING btree ("organization_id","group_id");