export * from "./tenants";
export * from "./projects";
export * from "./api-keys";
export * from "./provider-keys";
export * from "./usage";
export * from "./audit";
export * from "./killswitches";
export * from "./budgets";
