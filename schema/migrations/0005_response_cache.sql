ALTER TABLE `usage_ledger` ADD `cached` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_ledger` ADD `saved_tokens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `usage_ledger` ADD `saved_micro_usd` integer DEFAULT 0 NOT NULL;