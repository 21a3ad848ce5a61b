// The tree's lookups: by kind and group, by namespace, by name (the first of duplicates).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSource } from '../src/load/parse.js';
import { SourceFile } from '../src/model/source.js';
import { ManifestTree, perTree } from '../src/model/tree.js';
import { ROOT } from './helpers.js';

const text = [
  'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\nspec: {ports: [{port: 1}]}',
  'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: x}\nspec: {ports: [{port: 2}]}',
  'apiVersion: v1\nkind: Service\nmetadata: {name: a}',
  'apiVersion: example.com/v1\nkind: Service\nmetadata: {name: a, namespace: x}',
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}',
].join('\n---\n');
const tree = new ManifestTree(parseSource(new SourceFile(join(ROOT, 't.yaml'), 't.yaml', text, 'yaml')).resources);
const port = (r: { value: Record<string, unknown> } | undefined) => (r?.value.spec as { ports?: { port: number }[] } | undefined)?.ports?.[0]?.port;

describe('ManifestTree', () => {
  it('finds by kind, group, namespace and name, the first of duplicates', () => {
    expect(port(tree.find('Service', 'x', 'a', ''))).toBe(1);
    expect(tree.find('Service', 'x', 'a', 'example.com')?.group).toBe('example.com');
    expect(tree.find('Service', 'x', 'a')?.group).toBe('');
    expect(tree.find('Service', undefined, 'a', '')?.namespace).toBeUndefined();
    expect(tree.find('Service', '', 'a', '')).toBeUndefined();
    expect(tree.find('Service', 'y', 'a', '')).toBeUndefined();
  });

  it('lists by namespace and group in input order', () => {
    expect(tree.inNamespace('Service', 'x', '').map(port)).toEqual([1, 2]);
    expect(tree.inNamespace('Service', 'x').length).toBe(3);
    expect(tree.inNamespace('Service', undefined, '').length).toBe(1);
    expect(tree.ofKind('Service', '').length).toBe(3);
    expect(tree.namespace('x')?.kind).toBe('Namespace');
  });
});

describe('perTree', () => {
  it('computes a value once per tree and key, an undefined one included', () => {
    const store = perTree<string | undefined>();
    const a = new ManifestTree([]);
    const b = new ManifestTree([]);
    const calls: string[] = [];
    const compute = (what: string, value: string | undefined) => () => (calls.push(what), value);
    expect(store(a, 'k', compute('a/k', 'one'))).toBe('one');
    expect(store(a, 'k', compute('a/k again', 'two'))).toBe('one');
    expect(store(a, 'none', compute('a/none', undefined))).toBeUndefined();
    expect(store(a, 'none', compute('a/none again', 'late'))).toBeUndefined();
    expect(store(b, 'k', compute('b/k', 'three'))).toBe('three');
    expect(calls).toEqual(['a/k', 'a/none', 'b/k']);
  });
});
