CREATE TABLE `retention_sweeps` (
	`project_id` text PRIMARY KEY NOT NULL,
	`swept_through` integer NOT NULL,
	`updated_at` integer NOT NULL
);
