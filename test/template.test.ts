// Template detection: which `{{ … }}` actions mark a file as an unrendered Helm chart.
import { describe, expect, it } from 'vitest';
import { findTemplateDirective } from '../src/load/template.js';

const none = { comments: [], scalars: [] };

describe('findTemplateDirective', () => {
  it('takes an action from a {{ to the first }} after it', () => {
    expect(findTemplateDirective('x: {{a}b}} {{ .Values.y }}', none, true)).toEqual({ offset: 11, directive: '{{ .Values.y }}' });
    expect(findTemplateDirective('{{{ .Values.y }}}', none, true)).toEqual({ offset: 0, directive: '{{{ .Values.y }}' });
    expect(findTemplateDirective('{{ x }} {{- end }}', none, true)?.directive).toBe('{{- end }}');
    expect(findTemplateDirective('{{ .Values.y', none, false)).toBeUndefined();
  });

  it('scans a long run of braces with no closing pair in linear time', () => {
    // Quadratic scanning takes minutes on this input (the test's timeout fails it); a linear one takes milliseconds.
    expect(findTemplateDirective(`x: ${'{'.repeat(300_000)}`, none, false)).toBeUndefined();
    expect(findTemplateDirective(`x: ${'{{ a '.repeat(100_000)}}}`, none, false)?.offset).toBe(3);
  });
});
