// dangling-reference and route-parent-ref remember what they look up per tree, so copies of
// one object are judged once: copies that differ in the field that decides are judged apart.
import { describe, expect, it } from 'vitest';
import { lintText } from './helpers.js';

function lines(text: string, ruleId: string): string[] {
  return lintText(text, ruleId).map((f) => `${f.range.start.line}:${f.range.start.column} ${f.message}`);
}

const server = (namespace: string, app: string) =>
  `apiVersion: policy.linkerd.io/v1beta1\nkind: Server\nmetadata:\n  name: web-http\n  namespace: ${namespace}\n  labels:\n    app: "${app}"\nspec:\n  podSelector: {matchLabels: {app: web}}\n  port: 8080\n`;

const byLabel = (namespace: string, app: string) =>
  `apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata:\n  name: web-by-label\n  namespace: ${namespace}\nspec:\n  server:\n    selector:\n      matchLabels:\n        app: ${app}\n  client:\n    unauthenticated: true\n`;

describe('dangling-reference over copies', () => {
  it('judges each Server selector by its namespace and values, telling .nan from null', () => {
    const text = [
      server('emojivoto', 'web'),
      server('staging', 'NaN'),
      byLabel('emojivoto', 'web'),
      byLabel('staging', 'web'),
      byLabel('emojivoto', 'web'),
      byLabel('staging', '.nan'),
      byLabel('staging', '~'),
    ].join('---\n');
    expect(lines(text, 'dangling-reference')).toEqual([
      '43:5 ServerAuthorization web-by-label applies to the Servers with app=web, and no Server in namespace staging has those labels; Servers there: web-http',
      '82:5 ServerAuthorization web-by-label applies to the Servers with app=null, and no Server in namespace staging has those labels; Servers there: web-http',
    ]);
  });
});

const service = (namespace: string, ports: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: ${namespace}\nspec:\n  ports: [${ports}]\n`;

const route = (namespace: string, port: number) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\n  namespace: ${namespace}\nspec:\n  parentRefs:\n  - {name: web, kind: Service, group: core, port: ${port}}\n`;

describe('route-parent-ref over copies', () => {
  it('compares a parent port with every copy of the Service in its namespace, and only there', () => {
    const text = [
      service('emojivoto', '{port: 80}'),
      service('emojivoto', '{port: 8080}'),
      service('staging', '{port: 80}'),
      route('emojivoto', 8080),
      route('staging', 8080),
      route('emojivoto', 81),
      route('staging', 80),
    ].join('---\n');
    expect(lines(text, 'route-parent-ref')).toEqual([
      "41:51 spec.parentRefs[0] sets port 8080, which Service web does not expose (ports: 80); clients connect only to the Service's ports, so the route never applies",
      "50:51 spec.parentRefs[0] sets port 81, which Service web does not expose (ports: 80, 8080); clients connect only to the Service's ports, so the route never applies",
    ]);
  });
});
