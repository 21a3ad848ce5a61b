/** One failed JSON Schema keyword, as ajv reports it. */
export interface ValidationError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  /** With ajv's `verbose` option (the config validators): the failing schema, its parent and the data. */
  schema?: unknown;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
}

/** A compiled JSON Schema: true when `data` is valid, with `errors` set when it is not. */
export interface Validator {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}

export type SchemaNode = Record<string, unknown>;

/** The resource schemas a run validates against, and the schema documents behind them. */
export interface ResourceSchemas {
  /** The validator of `group/version/Kind`, or undefined when no schema exists for it. */
  validator(group: string, version: string, kind: string): Validator | undefined;
  /**
   * The schema documents: `resources` by `group/version/Kind` key, `definitions` by file
   * name (as `$ref`s name them). Read only to word a message.
   */
  documents(): { definitions: Record<string, SchemaNode>; resources: Record<string, SchemaNode> };
}
