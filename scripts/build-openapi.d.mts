// Types for scripts/build-openapi.mjs (imported by the OpenAPI tests).
export declare const BUNDLED_OPENAPI: string;
export declare const BUNDLE_SERVERS: ReadonlyArray<{ url: string; description: string; variables?: Record<string, { default: string; description: string }> }>;
export declare function externalRefs(node: unknown, path?: string): string[];
export declare function bundleOpenApi(root: string): Record<string, unknown>;
export declare function renderBundledOpenApi(root: string): string;
export declare function writeBundledOpenApi(root: string): { file: string; changed: boolean };
