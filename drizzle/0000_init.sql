CREATE TABLE "agent_profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"backend" text NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_profiles_backend" CHECK ("agent_profiles"."backend" in ('acp', 'command', 'openai', 'demo'))
);
--> statement-breakpoint
CREATE TABLE "flow_versions" (
	"flow_id" text NOT NULL,
	"version" integer NOT NULL,
	"document" jsonb NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_versions_flow_id_version_pk" PRIMARY KEY("flow_id","version"),
	CONSTRAINT "flow_versions_version_positive" CHECK ("flow_versions"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "flows" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"latest_version" integer DEFAULT 1 NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flows_name_not_empty" CHECK (length(trim("flows"."name")) > 0)
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"flow_id" text NOT NULL,
	"flow_version" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"inputs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"repo" text,
	"base_ref" text,
	"base_commit" text,
	"parent_run_id" text,
	"origin" text DEFAULT 'api' NOT NULL,
	"keep_worktrees" boolean DEFAULT false NOT NULL,
	"error" text,
	"usage" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "runs_status" CHECK ("runs"."status" in ('pending', 'running', 'waiting', 'succeeded', 'failed', 'canceled'))
);
--> statement-breakpoint
CREATE TABLE "step_attempts" (
	"step_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"run_id" text NOT NULL,
	"state" text NOT NULL,
	"worker_id" text,
	"prompt" text,
	"output" text,
	"output_truncated" boolean DEFAULT false NOT NULL,
	"error" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"branch" text,
	"start_commit" text,
	"result_commit" text,
	"diff" text,
	"diff_stats" jsonb,
	"usage" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "step_attempts_step_id_attempt_pk" PRIMARY KEY("step_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "step_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"step_id" text,
	"attempt" integer DEFAULT 0 NOT NULL,
	"type" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "steps" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"node_id" text NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"role" text DEFAULT 'node' NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"depends_on" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"spec" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 1 NOT NULL,
	"timeout_ms" integer,
	"required_tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"fence" bigint DEFAULT 0 NOT NULL,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"prompt" text,
	"output" text,
	"output_truncated" boolean DEFAULT false NOT NULL,
	"summary" text,
	"error" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"worktree" text,
	"branch" text,
	"start_commit" text,
	"result_commit" text,
	"diff" text,
	"diff_stats" jsonb,
	"usage" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"winner" text,
	"ready_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "steps_state" CHECK ("steps"."state" in ('pending', 'ready', 'running', 'waiting', 'succeeded', 'failed', 'canceled', 'skipped')),
	CONSTRAINT "steps_role" CHECK ("steps"."role" in ('node', 'contestant', 'select')),
	CONSTRAINT "steps_attempt_nonnegative" CHECK ("steps"."attempt" >= 0),
	CONSTRAINT "steps_max_attempts_positive" CHECK ("steps"."max_attempts" >= 1),
	CONSTRAINT "steps_running_has_lease" CHECK ("steps"."state" <> 'running' or ("steps"."lease_owner" is not null and "steps"."lease_expires_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"concurrency" integer NOT NULL,
	"mode" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_attempts" ADD CONSTRAINT "step_attempts_step_id_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."steps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steps" ADD CONSTRAINT "steps_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runs_flow_created_idx" ON "runs" USING btree ("flow_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_status_created_idx" ON "runs" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "runs_created_idx" ON "runs" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "step_attempts_run_idx" ON "step_attempts" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "step_events_run_id_idx" ON "step_events" USING btree ("run_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "steps_run_key_idx" ON "steps" USING btree ("run_id","key");--> statement-breakpoint
CREATE INDEX "steps_ready_idx" ON "steps" USING btree ("ready_at") WHERE "steps"."state" = 'ready';--> statement-breakpoint
CREATE INDEX "steps_running_lease_idx" ON "steps" USING btree ("lease_expires_at") WHERE "steps"."state" = 'running';