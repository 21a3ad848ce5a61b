import { describe, expect, it } from 'vitest';
import {
  badCidrEntry,
  badGrpcRetryEntry,
  badHttpRetryEntry,
  badPortEntry,
  envVarListProblem,
  isBoolToken,
  isPortName,
  isQuantity,
  parseDecimal,
  parseGoDuration,
  parseIntegerIn,
  parsePolicyDuration,
  portsIn,
  valueProblem,
} from '../src/linkerd/annotation-values.js';
import { KEYS } from '../src/linkerd/annotations.js';
import { parseLinkerdVersion, type LinkerdTarget } from '../src/linkerd/releases.js';

function target(v: string): LinkerdTarget {
  const t = parseLinkerdVersion(v);
  if ('error' in t) throw new Error(t.error);
  return t;
}

describe('Go booleans', () => {
  it('accepts exactly strconv.ParseBool tokens', () => {
    for (const t of ['1', 't', 'T', 'true', 'TRUE', 'True', '0', 'f', 'F', 'false', 'FALSE', 'False']) expect(isBoolToken(t)).toBe(true);
    for (const t of ['yes', 'no', 'on', 'tRue', ' true', '', 'enabled']) expect(isBoolToken(t)).toBe(false);
  });
});

describe('Go durations', () => {
  it('parses single and compound terms into milliseconds', () => {
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('2h')).toBe(7_200_000);
    expect(parseGoDuration('.5s')).toBe(500);
    expect(parseGoDuration('100us')).toBeCloseTo(0.1);
    expect(parseGoDuration('100µs')).toBeCloseTo(0.1);
    expect(parseGoDuration('-1s')).toBe(-1000);
    expect(parseGoDuration('0')).toBe(0);
  });
  it('refuses what Go refuses', () => {
    for (const t of ['', '5', '1d', '1.5', 's', '.s', '1 s', '5sec', '1s ', ' 1s', '+']) expect(parseGoDuration(t), t).toBeUndefined();
  });
});

describe('policy-controller durations', () => {
  it('accepts an integer with one unit, or 0, trimming whitespace', () => {
    expect(parsePolicyDuration('5s')).toEqual({ ok: true, ms: 5000 });
    expect(parsePolicyDuration('200ms')).toEqual({ ok: true, ms: 200 });
    expect(parsePolicyDuration('1d')).toEqual({ ok: true, ms: 86_400_000 });
    expect(parsePolicyDuration(' 10m ')).toEqual({ ok: true, ms: 600_000 });
    expect(parsePolicyDuration('0')).toEqual({ ok: true, ms: 0 });
  });
  it('refuses fractions, compounds, negatives and Go-only units', () => {
    for (const t of ['1.5s', '1m30s', '-1s', '100us', '5 s', 's', '']) expect(parsePolicyDuration(t).ok, t).toBe(false);
  });
  it('suggests a unit for a bare number', () => {
    expect(parsePolicyDuration('5')).toEqual({ ok: false, hint: '5s' });
  });
});

describe('port lists', () => {
  it('accepts ports and ascending ranges, skipping empty entries and spaces', () => {
    expect(badPortEntry('25,587, 3306,8000-8100,', false)).toBeUndefined();
    expect(badPortEntry('4567-4567', false)).toBeUndefined();
  });
  it('names the first bad entry', () => {
    expect(badPortEntry('80,0', false)).toBe('0');
    expect(badPortEntry('65536', false)).toBe('65536');
    expect(badPortEntry('9000-8000', false)).toBe('9000-8000');
    expect(badPortEntry('80;443', false)).toBe('80;443');
    expect(badPortEntry('http', false)).toBe('http');
    expect(badPortEntry('1-2-3', true)).toBe('1-2-3');
  });
  it('accepts port names only where names are resolved', () => {
    expect(badPortEntry('http,5432', true)).toBeUndefined();
    expect(isPortName('grpc-web')).toBe(true);
    expect(isPortName('Http')).toBe(false);
    expect(isPortName('a-very-long-port-name')).toBe(false);
    expect(isPortName('123')).toBe(false);
  });
  it('expands ranges into ports', () => {
    expect([...portsIn('25, 4567-4569,http,0')]).toEqual([25, 4567, 4568, 4569]);
  });
});

describe('quantities and CIDRs', () => {
  it('knows Kubernetes quantities', () => {
    for (const t of ['100m', '1', '0.5', '2Gi', '64Mi', '1e3', '1k']) expect(isQuantity(t), t).toBe(true);
    for (const t of ['1 core', '100 m', 'Gi', '1GB', '1.2.3', '']) expect(isQuantity(t), t).toBe(false);
  });
  it('knows CIDR lists', () => {
    expect(badCidrEntry('10.0.0.0/8, 192.168.0.0/16,fd00::/8,::1/128')).toBeUndefined();
    expect(badCidrEntry('10.0.0.0/8,10.0.0.1')).toBe('10.0.0.1');
    expect(badCidrEntry('10.0.0.0/33')).toBe('10.0.0.0/33');
    expect(badCidrEntry('300.0.0.0/8')).toBe('300.0.0.0/8');
    expect(badCidrEntry('fd00:::1/8')).toBe('fd00:::1/8');
  });
});

describe('retry conditions', () => {
  it('knows HTTP status lists', () => {
    expect(badHttpRetryEntry('5xx')).toBeUndefined();
    expect(badHttpRetryEntry('gateway-error,429,500-504')).toBeUndefined();
    expect(badHttpRetryEntry('5XX,Gateway-Error')).toBeUndefined();
    expect(badHttpRetryEntry('5xx, 429')).toBe(' 429');
    expect(badHttpRetryEntry('4xx')).toBe('4xx');
    expect(badHttpRetryEntry('600')).toBe('600');
    expect(badHttpRetryEntry('504-500')).toBe('504-500');
    expect(badHttpRetryEntry('')).toBe('');
  });
  it('knows gRPC code lists', () => {
    expect(badGrpcRetryEntry('cancelled,deadline-exceeded,internal,resource-exhausted,unavailable')).toBeUndefined();
    expect(badGrpcRetryEntry('UNAVAILABLE')).toBeUndefined();
    expect(badGrpcRetryEntry('unavailable,not-found')).toBe('not-found');
    expect(badGrpcRetryEntry('deadline_exceeded')).toBe('deadline_exceeded');
  });
});

describe('numbers and JSON', () => {
  it('parses bounded integers', () => {
    expect(parseIntegerIn('3', 0, 65535)).toBe(3);
    expect(parseIntegerIn('65536', 0, 65535)).toBeUndefined();
    expect(parseIntegerIn('-1', 0, 10)).toBeUndefined();
    expect(parseIntegerIn('1.0', 0, 10)).toBeUndefined();
    expect(parseIntegerIn('-1', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toBe(-1);
  });
  it('parses decimals', () => {
    expect(parseDecimal('0.5')).toBe(0.5);
    expect(parseDecimal('.5')).toBe(0.5);
    expect(parseDecimal('1e-1')).toBe(0.1);
    expect(parseDecimal('half')).toBeUndefined();
    expect(parseDecimal('0x1')).toBeUndefined();
  });
  it('checks EnvVar arrays', () => {
    expect(envVarListProblem('[{"name":"A","value":"1"}]')).toBeUndefined();
    expect(envVarListProblem('{"name":"A"}')).toBe('not a JSON array');
    expect(envVarListProblem('[{"value":"1"}]')).toBe('item 0 is not an object with a string "name"');
    expect(envVarListProblem('[name: A]')).toBe('not valid JSON');
  });
});

describe('valueProblem', () => {
  const fmt = (key: string) => KEYS.get(key)!.format;
  it('accepts enum values from the release that introduced them', () => {
    expect(valueProblem(fmt('config.linkerd.io/default-inbound-policy'), 'audit', target('2.16'))).toBeUndefined();
    expect(valueProblem(fmt('config.linkerd.io/default-inbound-policy'), 'audit', target('2.15'))).toEqual({
      expected: 'one of "all-unauthenticated", "all-authenticated", "cluster-unauthenticated", "cluster-authenticated", "deny"',
      since: '2.16',
    });
    expect(valueProblem(fmt('balancer.linkerd.io/failure-accrual'), 'unified', target('edge-26.8.3'))).toBeUndefined();
  });
  it('says what is allowed', () => {
    expect(valueProblem(fmt('timeout.linkerd.io/request'), '10', target('2.20'))?.expected).toMatch(/did you mean "10s"\?$/);
    expect(valueProblem(fmt('config.linkerd.io/proxy-cpu-ratio-limit'), '1', target('2.20'))?.expected).toBe(
      'a number strictly between 0 and 1',
    );
    expect(valueProblem(fmt('retry.linkerd.io/limit'), '-1', target('2.20'))?.expected).toBe('an integer from 0 to 65535');
    expect(valueProblem(fmt('config.linkerd.io/proxy-log-level'), 'anything', target('2.20'))).toBeUndefined();
  });
});
