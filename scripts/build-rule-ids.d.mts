// Types for scripts/build-rule-ids.mjs (imported by the contract registry test).
export declare function ruleIdsModule(contract: { rules: Array<{ id: string }> }): string;
export declare function buildRuleIds(root: string): void;
