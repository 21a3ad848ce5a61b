import { describe, expect, it } from 'vitest';
import { rustRegexProblem } from '../../src/linkerd/admission/regex.js';

// Every pattern here was run through the parser of rust-lang/regex (regex-syntax 0.8):
// those under "accepts" compile there, those under "refuses" do not.
describe('rustRegexProblem', () => {
  it('accepts what the regex crate compiles', () => {
    const ok = [
      '/api/v1/.*',
      '^/api/v1/.*$',
      '/authors/\\d+',
      '/books/[^/]*\\.json',
      '(?i)/api/(?P<v>v[0-9]+)/(?<rest>.*)',
      '/x{1}',
      'a{ 2 }',
      'a{2,}',
      'a{1,3}?',
      'a{2}{3}',
      'a**',
      'a++',
      '^*',
      '$+',
      '\\b*',
      '\\b{start}x',
      '\\b{2}',
      '()*',
      '(|a)',
      'a|',
      '}',
      'a}',
      '\\{id\\}',
      '[{]',
      '\\/api\\/v1',
      '\\<word\\>',
      '\\x41\\x{41}\\u0041\\u{41}\\U0001F600',
      '\\pL\\p{Greek}\\PL',
      '[[:alpha:]][[:^digit:]]',
      '[a-z-0]',
      '[Z-a]',
      '[-a][a-][]a][^]a]',
      '[\\x41-\\x5A]',
      '[a&&b][a--b][a~~b]',
      '(?x) a { 2 } # {id} (?=',
    ];
    expect(ok.filter((p) => rustRegexProblem(p) !== undefined)).toEqual([]);
  });

  it('refuses look-around, back-references and other syntax the crate lacks', () => {
    expect(rustRegexProblem('/(?!admin).*')).toBe('look-ahead "(?!" is not supported');
    expect(rustRegexProblem('(?<=x)y')).toBe('look-behind "(?<=" is not supported');
    expect(rustRegexProblem('(a)\\1')).toBe('back-reference "\\1" is not supported');
    expect(rustRegexProblem('[\\1]')).toBe('back-reference "\\1" inside a character class is not supported');
    expect(rustRegexProblem('a\\0')).toBe('octal escape "\\0" is not supported');
    expect(rustRegexProblem('(?>a)')).toBe('atomic group "(?>" is not supported');
  });

  it('refuses a "{" that opens no repetition count', () => {
    expect(rustRegexProblem('/authors/{id}')).toBe('"{id}" is not a repetition count such as {2} or {1,3} (write "\\{" for a literal brace)');
    expect(rustRegexProblem('a{,3}')).toBe('"{,3}" is not a repetition count such as {2} or {1,3} (write "\\{" for a literal brace)');
    expect(rustRegexProblem('a{1')).toBe('"{1" is not a repetition count such as {2} or {1,3} (write "\\{" for a literal brace)');
    expect(rustRegexProblem('a{3,1}')).toBe('repetition count "{3,1}" has its minimum above its maximum');
    expect(rustRegexProblem('{id}')).toBe('"{" has nothing before it to repeat (write "\\{" for a literal brace)');
  });

  it('refuses a repetition with nothing before it', () => {
    expect(rustRegexProblem('*.json')).toBe('"*" has nothing before it to repeat (for any characters write ".*")');
    expect(rustRegexProblem('/api/(*)')).toBe('"*" has nothing before it to repeat (for any characters write ".*")');
    expect(rustRegexProblem('a|+b')).toBe('"+" has nothing before it to repeat');
    expect(rustRegexProblem('x(?i)?')).toBe('"?" has nothing before it to repeat');
    expect(rustRegexProblem('(?:*)')).toBe('"*" has nothing before it to repeat (for any characters write ".*")');
    expect(rustRegexProblem('(?)')).toBe('"?" has nothing before it to repeat');
  });

  it('refuses unknown escapes and malformed escape arguments', () => {
    expect(rustRegexProblem('/x\\Z')).toBe('unknown escape "\\Z"');
    expect(rustRegexProblem('\\Q.\\E')).toBe('unknown escape "\\Q"');
    expect(rustRegexProblem('[\\h]')).toBe('unknown escape "\\h"');
    expect(rustRegexProblem('[\\b]')).toBe('"\\b" is an assertion, which a character class cannot hold');
    expect(rustRegexProblem('\\x4g')).toBe('"\\x" must be followed by 2 hex digits or {…}');
    expect(rustRegexProblem('\\x{}')).toBe('"\\x{" must hold hex digits and be closed by "}"');
    expect(rustRegexProblem('\\p{L')).toBe('"\\p{" is not closed by "}"');
    expect(rustRegexProblem('a\\p')).toBe('"\\p" must be followed by a Unicode class name');
    expect(rustRegexProblem('a\\')).toBe('pattern ends with a lone "\\"');
  });

  it('refuses unbalanced groups and classes, and ranges out of order', () => {
    expect(rustRegexProblem('(ab')).toBe('unclosed group "("');
    expect(rustRegexProblem('ab)')).toBe('unopened group ")"');
    expect(rustRegexProblem('[ab')).toBe('unclosed character class "["');
    expect(rustRegexProblem('[^]')).toBe('unclosed character class "["');
    expect(rustRegexProblem('[a-Z]')).toBe('character class range "a-Z" is out of order');
  });
});
