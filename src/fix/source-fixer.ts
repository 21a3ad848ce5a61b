import type { TextEdit } from '../model/finding.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import { type Fixer, YamlFixer } from './fixer.js';
import { TypeScriptFixer } from './typescript-fixer.js';

/**
 * The fixer rules get: each edit is built by the fixer of the resource's source language
 * (YAML and JSON, or TypeScript), so a rule's fix works on every source it can be written in.
 */
export class SourceFixer implements Fixer {
  private readonly yaml = new YamlFixer();
  private readonly typescript = new TypeScriptFixer();

  private of(resource: Resource): Fixer {
    return resource.file.language === 'typescript' ? this.typescript : this.yaml;
  }

  setScalar(resource: Resource, path: JsonPath, value: string | number | boolean): TextEdit[] {
    return this.of(resource).setScalar(resource, path, value);
  }

  insertKey(resource: Resource, mapPath: JsonPath, key: string, value: unknown): TextEdit[] {
    return this.of(resource).insertKey(resource, mapPath, key, value);
  }

  removeKey(resource: Resource, path: JsonPath): TextEdit[] {
    return this.of(resource).removeKey(resource, path);
  }

  removeKeys(resource: Resource, paths: readonly JsonPath[]): TextEdit[] {
    return this.of(resource).removeKeys(resource, paths);
  }

  renameKey(resource: Resource, path: JsonPath, newKey: string): TextEdit[] {
    return this.of(resource).renameKey(resource, path, newKey);
  }

  moveKey(resource: Resource, from: JsonPath, toMapPath: JsonPath): TextEdit[] {
    return this.of(resource).moveKey(resource, from, toMapPath);
  }

  replaceResource(resource: Resource, yamlText: string): TextEdit[] {
    return this.of(resource).replaceResource(resource, yamlText);
  }

  insertDocumentAfter(resource: Resource, yamlText: string): TextEdit[] {
    return this.of(resource).insertDocumentAfter(resource, yamlText);
  }

  replaceDocument(resource: Resource, manifests: readonly Record<string, unknown>[]): TextEdit[] {
    return this.of(resource).replaceDocument(resource, manifests);
  }

  insertManifestsAfter(resource: Resource, manifests: readonly Record<string, unknown>[]): TextEdit[] {
    return this.of(resource).insertManifestsAfter(resource, manifests);
  }
}
