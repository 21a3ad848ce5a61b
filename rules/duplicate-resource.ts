import { defineRule, optionDefaults } from '../src/engine/rule.js';
import { sameValue } from '../src/model/equality.js';
import { CLUSTER_SCOPED_KINDS, KUSTOMIZATION_FILE_NAMES } from '../src/model/k8s.js';
import { applyUnits } from '../src/model/kustomize.js';
import { type Resource, describeResource } from '../src/model/resource.js';

type Scope = 'apply-unit' | 'file' | 'directory' | 'tree';

interface Options {
  scope: Scope;
}

function directoryOf(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return slash === -1 ? '' : path.slice(0, slash);
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/**
 * The identity the API server gives an object. A namespaced object that sets no
 * namespace lands wherever it is applied (`kubectl -n`, a kustomize or Helm namespace),
 * so it is compared only with others that set none; cluster-scoped kinds have no namespace.
 */
function identity(r: Resource): string | undefined {
  if (!r.kind || !r.name) return undefined;
  const namespace = CLUSTER_SCOPED_KINDS.has(r.kind) ? '' : (r.namespace ?? '\0unset');
  return JSON.stringify([r.group, r.kind, namespace, r.name]);
}

function where(r: Resource): string {
  const line = r.locate(['metadata', 'name']).range.start.line;
  return `${r.file.displayPath}:${line}`;
}

export default defineRule({
  meta: {
    id: 'duplicate-resource',
    description: 'Disallow two documents that define the same object (group, kind, namespace and name)',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'high',
    kinds: '*',
    messages: {
      duplicate: 'duplicate {{resource}}: already defined at {{first}}; applied together, one silently replaces the other',
    },
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scope: {
          enum: ['apply-unit', 'file', 'directory', 'tree'],
          description:
            'Where two definitions clash: in what is certainly applied together (the default: one file, or the files one kustomization lists in `resources`, through the kustomizations of listed directories), in one file, in one directory (the unit `kubectl apply -f`, Flux and Argo CD apply to a plain directory; directories with a kustomization are skipped), or anywhere in the input.',
        },
      },
    },
    defaultOptions: optionDefaults<Options>({ scope: 'apply-unit' }),
    docs: {
      why:
        'When two documents describe the same object, whichever is applied last wins and the other is silently lost: ' +
        'a Server or AuthorizationPolicy you reviewed may not be the one in the cluster. kustomize and Argo CD refuse ' +
        'such input outright. Objects are the same when their API group, kind, namespace and name are; an object ' +
        'without `metadata.namespace` is compared only with others that set none (it lands wherever it is applied), ' +
        'and cluster-scoped kinds such as Namespace are compared by name alone. Identical copies (a Namespace repeated ' +
        'in every file that needs it) are not reported, as neither changes the other. By default only documents that are ' +
        'certainly applied together are compared: those of one file, and those of the files one kustomization lists ' +
        'under `resources` (with the resources of the kustomizations in listed directories, such as `../base`), which ' +
        '`kustomize build` would refuse. Files a kustomization applies as patches are partial and compared with ' +
        'nothing. Files side by side in a plain directory are often alternatives applied one at a time (an example ' +
        'per environment, a before and an after); `scope: directory` compares them too, `scope: tree` compares ' +
        'everything in the input. Manifests read with `--context` are never compared.',
      howToFix:
        'Keep one definition and delete the other, or give them different names or namespaces. Files that are ' +
        'alternatives applied one at a time belong in separate directories.',
    },
  },
  check(ctx) {
    const { scope } = ctx.options;
    // Context manifests are not applied with these files: they clash with nothing.
    const applied = ctx.tree.resources.filter((r) => !ctx.tree.isContext(r));
    const reportable = new Set(ctx.resources);
    const reported = new Set<Resource>();
    const compare = (resources: Iterable<Resource>, unitOf: (r: Resource) => string): void => {
      const first = new Map<string, Resource>();
      for (const r of resources) {
        const id = identity(r);
        if (id === undefined) continue;
        const key = `${unitOf(r)}\0${id}`;
        const earlier = first.get(key);
        if (!earlier) {
          first.set(key, r);
          continue;
        }
        // An identical copy replaces nothing, whichever is applied last.
        if (!reportable.has(r) || reported.has(r) || sameValue(earlier.value, r.value)) continue;
        reported.add(r);
        ctx.report({
          resource: r,
          path: ['metadata', 'name'],
          messageId: 'duplicate',
          data: {
            resource: describeResource(CLUSTER_SCOPED_KINDS.has(r.kind!) ? { kind: r.kind, name: r.name, namespace: undefined } : r),
            first: where(earlier),
          },
        });
      }
    };
    if (scope === 'apply-unit') {
      const byFile = new Map<string, Resource[]>();
      for (const r of applied) {
        const list = byFile.get(r.file.path);
        if (list) list.push(r);
        else byFile.set(r.file.path, [r]);
      }
      for (const unit of applyUnits(ctx.files.map((f) => f.file))) {
        compare(
          unit.flatMap((path) => byFile.get(path) ?? []),
          () => '',
        );
      }
      return;
    }
    const kustomized = new Set(
      ctx.files.filter((f) => KUSTOMIZATION_FILE_NAMES.includes(baseName(f.file.path))).map((f) => directoryOf(f.file.path)),
    );
    compare(
      applied.filter((r) => !kustomized.has(directoryOf(r.file.path))),
      (r) => (scope === 'tree' ? '' : scope === 'directory' ? directoryOf(r.file.path) : r.file.path),
    );
  },
});
