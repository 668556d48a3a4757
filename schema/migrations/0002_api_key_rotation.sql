ALTER TABLE `api_keys` ADD `rotated_from` text;--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_rotated_from` ON `api_keys` (`rotated_from`);