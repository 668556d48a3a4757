CREATE TABLE `budget_alert_settings` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`thresholds` text NOT NULL,
	`updated_at` integer NOT NULL
);
