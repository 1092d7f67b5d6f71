// Types for scripts/build-validators.mjs (imported by the schema tests).
import type Ajv2020 from 'ajv/dist/2020';
import type { Options } from 'ajv';

export declare const apiSchemaFiles: Readonly<Record<
  'Template' | 'Run' | 'CreateRunRequest' | 'Error' | 'Pagination' | 'TemplateList' | 'RunList',
  string
>>;
export declare const laxIdBase: string;
export declare const strictIdBase: string;
export declare function createAjv(extra?: Options): Ajv2020;
export declare function loadSchemas(root: string): Record<string, Record<string, unknown>>;
export declare function strictVariant<T extends Record<string, unknown>>(schema: T): Record<string, unknown>;
export declare function buildValidators(
  root: string,
  options?: { outDir?: string },
): Promise<{ outFile: string; strictOutFile: string; bytes: number; strictBytes: number; ms: number }>;
