// The Kubernetes CEL extension functions, case by case with exact results; most cases are
// the examples of their upstream docs (k8s.io/apiserver/pkg/cel/library/*.go, cel-go ext/*.go).
import { describe, expect, it } from 'vitest';
import { cel, ev } from './cel-helpers.js';

function table(cases: readonly [string, unknown][]) {
  for (const [expression, expected] of cases) it(expression, () => expect(ev(expression)).toEqual(expected));
}

describe('strings', () => {
  table([
    ['"hello".charAt(1)', 'e'],
    ['"hello".charAt(5)', ''],
    ['"hello".charAt(6)', { error: 'index out of range: 6' }],
    ['"héllo".charAt(1)', 'é'],
    ['"hello".indexOf("l")', 2n],
    ['"hello".lastIndexOf("l")', 3n],
    ['"TacoCat".lowerAscii()', 'tacocat'],
    ['"TacoCat".upperAscii()', 'TACOCAT'],
    ['"hello hello".replace("he", "we")', 'wello wello'],
    ['"hello hello".replace("he", "we", 1)', 'wello hello'],
    ['"hello hello".replace("he", "we", 0)', 'hello hello'],
    ['"hello hello".replace("he", "we", -1)', 'wello wello'],
    ['"a,b,c".split(",")', ['a', 'b', 'c']],
    ['"a,b,c".split(",", 2)', ['a', 'b,c']],
    ['"tacocat".substring(4)', 'cat'],
    ['"tacocat".substring(0, 4)', 'taco'],
    ['"  \\ttrim\\n ".trim()', 'trim'],
    ['["a", "b"].join("-")', 'a-b'],
    ['"gums".reverse()', 'smug'],
    ['strings.quote("first\\nsecond")', '"first\\nsecond"'],
    ['strings.quote("bell\\a \\"q\\" \\\\")', '"bell\\a \\"q\\" \\\\"'],
    ['"%s is %s".format(["x", "y"])', 'x is y'],
    ['"%d items".format([3])', '3 items'],
    ['"%.2f".format([3.14159])', '3.14'],
    ['"%f".format([1.5])', '1.500000'],
    ['"%e".format([1234.5])', '1.234500e+03'],
    ['"%x".format([255])', 'ff'],
    ['"%X".format(["hi"])', '6869'],
    ['"%o".format([8])', '10'],
    ['"%b".format([5])', '101'],
    ['"100%%".format([])', '100%'],
    ['"%d".format(["x"])', { error: 'error during formatting: decimal clause can only be used on integers, was given string' }],
  ]);
});

describe('lists', () => {
  table([
    ['[1, 2, 3].isSorted()', true],
    ['["a", "b", "b", "c"].isSorted()', true],
    ['[2.0, 1.0].isSorted()', false],
    ['[].isSorted()', true],
    ['[1, 3].sum()', 4n],
    ['[1.0, 3.0].sum()', 4],
    ['[].sum()', 0n],
    ['[1, 3].min()', 1n],
    ['[1, 3].max()', 3n],
    ['["b", "a"].min()', 'a'],
    ['[].min()', { error: 'min called on empty list' }],
    ['[1, 2, 2, 3].indexOf(2)', 1n],
    ['["a", "b", "b", "c"].lastIndexOf("b")', 2n],
    ['[1.0].indexOf(1.1)', -1n],
    ['[1, 2, 3, 4].slice(1, 3)', [2n, 3n]],
    ['[1, 2].slice(1, 3)', { error: 'cannot slice(1, 3), list is length 2' }],
    ['[[1, 2], [3]].flatten()', [1n, 2n, 3n]],
    ['[1, 2, 2, 1, 3].distinct()', [1n, 2n, 3n]],
    ['[1, 2, 3].reverse()', [3n, 2n, 1n]],
    ['[3, 1, 2].sort()', [1n, 2n, 3n]],
    ['["b", "c", "a"].sort()', ['a', 'b', 'c']],
    ['lists.range(4)', [0n, 1n, 2n, 3n]],
    ['sets.contains([1, 2, 3], [3, 1])', true],
    ['sets.contains([1, 2], [4])', false],
    ['sets.equivalent([1, 2, 2], [2, 1])', true],
    ['sets.intersects([1, 2], [2, 5])', true],
    ['sets.intersects([1], [5])', false],
  ]);
});

describe('lists of mixed depth', () => {
  const object = cel.toCel({ nested: [[1, [2]], [3]] });
  it('flatten() flattens one level', () => expect(ev('object.nested.flatten()', { object })).toEqual([1n, [2n], 3n]));
  it('flatten(2) flattens two', () => expect(ev('object.nested.flatten(2)', { object })).toEqual([1n, 2n, 3n]));
  it('flatten(-1) is an error', () => expect(ev('object.nested.flatten(-1)', { object })).toEqual({ error: 'level must be non-negative' }));
});

describe('regex', () => {
  table([
    ['"abc 123".find("[0-9]+")', '123'],
    ['"abc 123".find("xyz")', ''],
    ['"123 abc 456".findAll("[0-9]+")', ['123', '456']],
    ['"123 abc 456".findAll("[0-9]+", 1)', ['123']],
    ['"123 abc 456".findAll("xyz")', []],
    // Go's FindAllString: an empty match right after a match is skipped.
    ['"a1b".findAll("[0-9]*")', ['', '1', '']],
    ['"ABC".find("(?i)b")', 'B'],
    ['"ab1".find("[[:digit:]]")', '1'],
    ['"v1.2".find("(?P<major>[0-9]+)[.]")', '1.'],
    ['"ab\\nc".find(r"c\\z")', 'c'],
    ['"ab\\nc".find(r"b\\z")', ''],
    ['"abc".find("(")', { error: 'Illegal regex: error parsing regexp: Invalid regular expression: /(/g: Unterminated group' }],
    ['"web-7f9".matches("^web-[0-9a-f]+$")', true],
  ]);
});

describe('quantity', () => {
  table([
    ['isQuantity("1.3G")', true],
    ['isQuantity("1.3Gi")', true],
    ['isQuantity("1,3G")', false],
    ['isQuantity("10000k")', true],
    ['isQuantity("200K")', false],
    ['isQuantity("Three")', false],
    ['isQuantity("Mi")', false],
    ['isQuantity("1e3")', true],
    ['quantity("50000000G").isInteger()', true],
    ['quantity("50k").isInteger()', true],
    ['quantity("9999999999999999999999999999999999999G").isInteger()', false],
    ['quantity("9999999999999999999999999999999999999G").asInteger()', { error: 'cannot convert value to integer' }],
    ['quantity("50k").asInteger() == 50000', true],
    ['quantity("500m").asApproximateFloat()', 0.5],
    ['quantity("50k").sub(20000).asApproximateFloat() == 30000.0', true],
    ['quantity("50k").add(quantity("20k")) == quantity("70k")', true],
    ['quantity("50k").add(20) == quantity("50020")', true],
    ['quantity("50k").sub(quantity("20k")) == quantity("30k")', true],
    ['quantity("50k").add(20).sub(quantity("100k")).sub(-50000) == quantity("20")', true],
    ['quantity("200M").compareTo(quantity("0.2G"))', 0n],
    ['quantity("50M").compareTo(quantity("50Mi"))', -1n],
    ['quantity("50Mi").compareTo(quantity("50M"))', 1n],
    ['quantity("150Mi").isGreaterThan(quantity("100Mi"))', true],
    ['quantity("50Mi").isGreaterThan(quantity("100Mi"))', false],
    ['quantity("50M").isLessThan(quantity("100M"))', true],
    ['quantity("-1").sign()', -1n],
    ['quantity("0").sign()', 0n],
    ['quantity("1Ki").mul(2) == quantity("2048")', true],
    ['quantity("0.1n") == quantity("1n")', true],
    ['quantity("Three")', { error: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" }],
  ]);
});

describe('ip and cidr', () => {
  table([
    ['isIP("127.0.0.1")', true],
    ['isIP("::1")', true],
    ['isIP("127.0.0.256")', false],
    ['isIP(":::1")', false],
    ['isIP("010.0.0.1")', false],
    ['isIP("::ffff:1.2.3.4")', false],
    ['isIP("fe80::1%eth0")', false],
    ['ip("127.0.0.256")', { error: 'IP Address "127.0.0.256" parse error during conversion from string: ParseAddr("127.0.0.256"): IPv4 field has value >255' }],
    ['ip("::ffff:1.2.3.4")', { error: 'IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed' }],
    ['ip.isCanonical("127.0.0.1")', true],
    ['ip.isCanonical("2001:db8::abcd")', true],
    ['ip.isCanonical("2001:DB8::ABCD")', false],
    ['ip.isCanonical("2001:db8::0:0:0:abcd")', false],
    ['string(ip("2001:db8:0:0:1:0:0:1"))', '2001:db8::1:0:0:1'],
    ['ip("127.0.0.1").family()', 4n],
    ['ip("::1").family()', 6n],
    ['ip("0.0.0.0").isUnspecified()', true],
    ['ip("::").isUnspecified()', true],
    ['ip("::1").isUnspecified()', false],
    ['ip("127.0.0.1").isLoopback()', true],
    ['ip("192.168.0.1").isLoopback()', false],
    ['ip("::1").isLoopback()', true],
    ['ip("224.0.0.1").isLinkLocalMulticast()', true],
    ['ip("224.0.1.1").isLinkLocalMulticast()', false],
    ['ip("ff02::1").isLinkLocalMulticast()', true],
    ['ip("fd00::1").isLinkLocalMulticast()', false],
    ['ip("169.254.169.254").isLinkLocalUnicast()', true],
    ['ip("fe80::1").isLinkLocalUnicast()', true],
    ['ip("fd80::1").isLinkLocalUnicast()', false],
    ['ip("192.168.0.1").isGlobalUnicast()', true],
    ['ip("255.255.255.255").isGlobalUnicast()', false],
    ['ip("2001:db8::abcd").isGlobalUnicast()', true],
    ['ip("ff00::1").isGlobalUnicast()', false],
    ['ip("10.0.0.1") == ip("10.0.0.1")', true],
    ['isCIDR("192.168.0.0/16")', true],
    ['isCIDR("::1/128")', true],
    ['isCIDR("192.168.0.0/33")', false],
    ['isCIDR("::1/129")', false],
    ['isCIDR("10.0.0.0/08")', false],
    ['cidr("192.168.0.0/24").containsIP(ip("192.168.0.1"))', true],
    ['cidr("192.168.0.0/24").containsIP(ip("192.168.1.1"))', false],
    ['cidr("192.168.0.0/24").containsIP("192.168.0.1")', true],
    ['cidr("192.168.0.0/24").containsIP("::1")', false],
    ['cidr("192.168.0.0/16").containsCIDR(cidr("192.168.10.0/24"))', true],
    ['cidr("192.168.1.0/24").containsCIDR(cidr("192.168.2.0/24"))', false],
    ['cidr("192.168.0.0/16").containsCIDR("192.168.10.0/24")', true],
    ['cidr("192.168.10.0/24").containsCIDR("192.168.0.0/16")', false],
    ['string(cidr("192.168.0.1/24").ip())', '192.168.0.1'],
    ['cidr("::1/128").ip().family()', 6n],
    ['string(cidr("192.168.0.1/24").masked())', '192.168.0.0/24'],
    ['cidr("192.168.0.0/24") == cidr("192.168.0.0/24").masked()', true],
    ['cidr("192.168.0.1/24") == cidr("192.168.0.1/24").masked()', false],
    ['cidr("192.168.0.0/16").prefixLength()', 16n],
    ['cidr("::1/128").prefixLength()', 128n],
  ]);
});

describe('url', () => {
  table([
    ['isURL("https://user:pass@example.com:80/path?query=val#fragment")', true],
    ['isURL("/absolute-path")', true],
    ['isURL("https://a:b:c/")', false],
    ['isURL("../relative-path")', false],
    ['url("/path").getScheme()', ''],
    ['url("https://example.com/").getScheme()', 'https'],
    ['url("https://example.com:80/").getHost()', 'example.com:80'],
    ['url("https://example.com/").getHost()', 'example.com'],
    ['url("https://[::1]:80/").getHost()', '[::1]:80'],
    ['url("https://[::1]/").getHost()', '[::1]'],
    ['url("/path").getHost()', ''],
    ['url("https://example.com:80/").getHostname()', 'example.com'],
    ['url("https://127.0.0.1:80/").getHostname()', '127.0.0.1'],
    ['url("https://[::1]:80/").getHostname()', '::1'],
    ['url("https://example.com:80/").getPort()', '80'],
    ['url("https://example.com/").getPort()', ''],
    ['url("https://example.com/path").getEscapedPath()', '/path'],
    ['url("https://example.com/path with spaces/").getEscapedPath()', '/path%20with%20spaces/'],
    ['url("https://example.com").getEscapedPath()', ''],
    ['url("https://example.com/path?k1=a&k2=b&k2=c").getQuery()', new Map([['k1', ['a']], ['k2', ['b', 'c']]])],
    ['url("https://example.com/path?key with spaces=value with spaces").getQuery()', new Map([['key with spaces', ['value with spaces']]])],
    ['url("https://example.com/path?").getQuery()', new Map()],
    ['url("https://example.com/path#frag").getEscapedPath()', '/path'],
    ['url("../relative-path")', { error: 'URL parse error during conversion from string: parse "../relative-path": invalid URI for request' }],
  ]);
});

describe('semver', () => {
  table([
    ['isSemver("1.2.3")', true],
    ['isSemver("1.2.3-rc.1+build.5")', true],
    ['isSemver("v1.2.3")', false],
    ['isSemver("v1.2.3", true)', true],
    ['isSemver("1.2")', false],
    ['isSemver("1.2", true)', true],
    ['isSemver("01.2.3")', false],
    ['isSemver("01.2.3", true)', true],
    ['semver("1.2.3").major()', 1n],
    ['semver("1.2.3").minor()', 2n],
    ['semver("1.2.3").patch()', 3n],
    ['semver("v2.18", true) == semver("2.18.0")', true],
    ['semver("1.2.3").isGreaterThan(semver("1.2.2"))', true],
    ['semver("1.2.3").isLessThan(semver("1.10.0"))', true],
    ['semver("1.0.0-rc.1").compareTo(semver("1.0.0"))', -1n],
    ['semver("1.0.0-rc.2").compareTo(semver("1.0.0-rc.10"))', -1n],
    ['semver("1.0.0-alpha").compareTo(semver("1.0.0-1"))', 1n],
    ['semver("1.0.0+a").compareTo(semver("1.0.0+b"))', 0n],
    ['semver("x")', { error: 'invalid semver: "x"' }],
  ]);
});

describe('math', () => {
  table([
    ['math.greatest(1, 5, 3)', 5n],
    ['math.greatest([1, 5, 3])', 5n],
    ['math.least(-2.5, 1.0)', -2.5],
    ['math.least([4])', 4n],
    ['math.greatest([])', { error: 'math.greatest(list) argument must not be empty' }],
    ['math.ceil(1.2)', 2],
    ['math.floor(-1.2)', -2],
    ['math.round(-2.5)', -3],
    ['math.round(2.5)', 3],
    ['math.trunc(-1.7)', -1],
    ['math.abs(-3)', 3n],
    ['math.abs(-1.5)', 1.5],
    ['math.sign(-7)', -1n],
    ['math.isNaN(0.0 / 0.0)', true],
    ['math.isInf(1.0 / 0.0)', true],
    ['math.isFinite(1.0)', true],
    ['math.sqrt(16)', 4],
  ]);
});
