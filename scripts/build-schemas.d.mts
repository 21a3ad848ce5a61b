import type { Ajv } from 'ajv';
export declare function buildSchemas(): Promise<void>;
export declare function resourceModuleName(group: string, kind: string): string;
/** Teaches `ajv` the `x-kubernetes-list-type` and `x-kubernetes-list-map-keys` markers. */
export declare function addListTypeKeywords(ajv: Ajv): void;
