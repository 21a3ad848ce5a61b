// The CEL engine's API: compiling (errors with their position in the expression), manifest
// values as CEL values, and the admission variables.
import { describe, expect, it } from 'vitest';
import { cel, ev } from './cel-helpers.js';

const object = cel.toCel({ spec: { replicas: 3, port: 8443, ratio: 0.5, template: { metadata: { labels: { app: 'web' } } } }, metadata: { name: 'web' } });

describe('manifest values', () => {
  it('reads YAML integers as CEL ints and other numbers as doubles', () => {
    expect(cel.toCel({ a: 3, b: 0.5, c: [1, 'x', null, true] })).toEqual({ a: 3n, b: 0.5, c: [1n, 'x', null, true] });
    expect(ev('"__proto__" in object && object.__proto__.x == 1', { object: cel.toCel(JSON.parse('{"__proto__": {"x": 1}}')) })).toBe(true);
    expect(ev('object.spec.replicas == 3', { object })).toBe(true);
    expect(ev('object.spec.port > 1024', { object })).toBe(true);
    expect(ev('object.spec.replicas + 1', { object })).toBe(4n);
    expect(ev('object.spec.ratio * 2.0', { object })).toBe(1);
    expect(ev('type(object.spec.replicas) == int', { object })).toBe(true);
  });

  it('gives maps has(), in and optional field selection', () => {
    expect(ev('has(object.spec.replicas)', { object })).toBe(true);
    expect(ev('has(object.spec.paused)', { object })).toBe(false);
    expect(ev('"app" in object.spec.template.metadata.labels', { object })).toBe(true);
    expect(ev('object.?spec.?paused.orValue(false)', { object })).toBe(false);
    expect(ev('object.spec.template.metadata.labels.all(k, k == "app")', { object })).toBe(true);
  });

  it('reports a missing field at run time', () => {
    expect(ev('object.spec.paused', { object })).toEqual({ error: 'No such key: paused' });
  });

  it('has the admission variables, null unless given', () => {
    expect(ev('oldObject == null')).toBe(true);
    expect(ev('params == null && namespaceObject == null')).toBe(true);
    expect(ev('request.operation == "CREATE"', { request: cel.toCel({ operation: 'CREATE' }) })).toBe(true);
    expect(ev('variables.replicas * 2', { variables: { replicas: 3n } })).toBe(6n);
  });
});

describe('compile', () => {
  it('accepts an expression and gives its type', () => {
    const r = cel.compile('object.spec.replicas <= 5');
    expect(r.ok && r.program.type).toBe('bool');
  });

  it('gives a syntax error with its line and column in the expression', () => {
    expect(cel.compile('object.spec.replicas <=')).toEqual({ ok: false, error: { message: 'Unexpected token: EOF', offset: 23, line: 1, column: 24 } });
    expect(cel.compile('object.spec.replicas <= 5 &&\n  object.spec.x ==')).toMatchObject({ ok: false, error: { line: 2, column: 19 } });
    // A missing operand at the end of a block scalar's text is shown after its last character, not on the blank line after it.
    expect(cel.compile('object.spec.replicas <=\n\n')).toMatchObject({ ok: false, error: { offset: 23, line: 1, column: 24 } });
  });

  it('gives an unknown function or overload as a compile error', () => {
    expect(cel.compile('nope(1)')).toMatchObject({ ok: false, error: { message: "found no matching overload for 'nope(int)'", line: 1, column: 1 } });
    expect(cel.compile('1 + "a"')).toMatchObject({ ok: false, error: { message: "no such overload: int + string" } });
    expect(cel.compile('unknownVariable')).toMatchObject({ ok: false, error: { message: 'Unknown variable: unknownVariable' } });
  });

  it('checks the type an expression must have', () => {
    expect(cel.compile('1 + 2', { returns: 'bool' })).toEqual({ ok: false, error: { message: 'expression must evaluate to bool, not int', offset: 0, line: 1, column: 1 } });
    const dyn = cel.compile('object.spec.replicas', { returns: 'bool' });
    expect(dyn.ok && dyn.program.evaluate({ object })).toEqual({ ok: false, error: 'expression must evaluate to bool, not int' });
  });

  it('marks an expression that reads the authorizer as not evaluable offline', () => {
    expect(cel.compile('authorizer.requestResource.check("get").allowed()').ok).toBe(true);
    const r = cel.compile("authorizer.group('apps').resource('deployments').check('create').allowed()");
    expect(r.ok && r.program.usesAuthorizer).toBe(true);
    expect(r.ok && r.program.evaluate({})).toEqual({ ok: false, unsupported: true, error: 'the expression reads authorizer, which cannot be evaluated offline' });
    const field = cel.compile('object.authorizer == null');
    expect(field.ok && field.program.usesAuthorizer).toBe(false);
  });

  it('tells which admission variables an expression reads', () => {
    const r = cel.compile('object.metadata.name in params.names && [1].all(x, has(namespaceObject.metadata.labels)) && variables.ok');
    expect(r.ok && [...r.program.reads].sort()).toEqual(['namespaceObject', 'object', 'params', 'variables']);
  });
});
