// Which CRD rule a hand-written finding translates: one key per rule (or per family of rules
// that differ only in the filter type or field they name), read from the rule's text on the CEL
// side and from the finding's message on the hand-written side, so the agreement compares
// (route, node, rule) and not only (route, node): a node holds up to eleven rules.

type Reader = (text: string) => string | undefined;

const match = (re: RegExp, key: (m: RegExpExecArray) => string): Reader => (text) => {
  const m = re.exec(text);
  return m ? key(m) : undefined;
};

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Rule text → key. */
const RULES: Reader[] = [
  match(/^!\(!has\(self\.(\w+)\) && self\.type == '(\w+)'\)$/, (m) => `type ${m[2]} needs ${m[1]}`),
  match(/^self\.type == '(\w+)' \? has\(self\.(\w+)\) : true$/, (m) => `type ${m[1]} needs ${m[2]}`),
  match(/^!\(has\(self\.(\w+)\) && self\.type != '(\w+)'\)$/, (m) => `${m[1]} needs type ${m[2]}`),
  match(/^has\(self\.(\w+)\) \? self\.type == '(\w+)' : true$/, (m) => `${m[1]} needs type ${m[2]}`),
  match(/^self\.filter\(f, f\.type == '(\w+)'\)\.size\(\) <= 1$/, (m) => `one ${m[1]} filter`),
  match(/^!\(self\.exists\(f, f\.type == 'RequestRedirect'\) && self\.exists\(f, f\.type == 'URLRewrite'\)\)$/, () => 'redirect or rewrite'),
  match(/^\(has\(self\.backendRefs\) && size\(self\.backendRefs\) > 0\) \? \(!has\(self\.filters\) \|\| self\.filters\.all\(f, !has\(f\.requestRedirect\)\)\): true$/, () => 'redirect or backends'),
  match(/^\(has\(self\.filters\) && self\.filters\.exists_one\(f, has\(f\.(\w+)\).*replacePrefixMatch/, (m) => `prefix ${m[1]} needs one PathPrefix match`),
  match(/^\(has\(self\.backendRefs\) && self\.backendRefs\.exists_one\(b, \(has\(b\.filters\) && b\.filters\.exists_one\(f, has\(f\.(\w+)\).*replacePrefixMatch/, (m) => `backend prefix ${m[1]} needs one PathPrefix match`),
  match(/^\(size\(self\.group\) == 0 && self\.kind == 'Service'\) \? has\(self\.port\) : true$/, () => 'Service port'),
  match(/^\(self\.type in \['Exact','PathPrefix'\]\) \? self\.value\.startsWith\('\/'\) : true$/, () => 'path starts with /'),
  match(/^\(self\.type in \['Exact','PathPrefix'\]\) \? !self\.value\.contains\('(.+)'\) : true$/, (m) => `path without ${m[1]}`),
  match(/^\(self\.type in \['Exact','PathPrefix'\]\) \? !self\.value\.endsWith\('(.+)'\) : true$/, (m) => `path not ending ${m[1]}`),
  match(/^\(self\.type in \['Exact','PathPrefix'\]\) \? self\.value\.matches\(/, () => 'path characters'),
  match(/^self\.type in \['Exact','PathPrefix'\] \|\| self\.type == 'RegularExpression'$/, () => 'path type'),
  match(/^!has\(self\.cookieConfig\) .*has\(self\.absoluteTimeout\)$/, () => 'Permanent cookie timeout'),
  match(/^!\(has\(self\.request\) && has\(self\.backendRequest\) .*duration\(self\.backendRequest\) > duration\(self\.request\)\)$/, () => 'backendRequest within request'),
  match(/^has\(self\.type\) \? has\(self\.service\) \|\| has\(self\.method\) : true$/, () => 'service or method'),
  match(/^\(!has\(self\.type\) \|\| self\.type == 'Exact'\) && has\(self\.service\) \? self\.service\.matches/, () => 'service name'),
  match(/^\(!has\(self\.type\) \|\| self\.type == 'Exact'\) && has\(self\.method\) \? self\.method\.matches/, () => 'method name'),
  match(/^self\.all\(p1, self\.all\(p2, .*p1\.name == p2\.name/, () => 'parents all set sectionName or port'),
  match(/^self\.all\(p1, self\.exists_one\(p2, .*p1\.name == p2\.name/, () => 'parents unique'),
];

/** Hand-written message → key. */
const MESSAGES: Reader[] = [
  match(/has type (\w+) but no (\w+);/, (m) => `type ${m[1]} needs ${m[2]}`),
  match(/sets (\w+) but its type is "[^"]*"; \1 (?:belongs only to a|needs type) (\w+)/, (m) => `${m[1]} needs type ${m[2]}`),
  match(/repeats a (\w+) filter/, (m) => `one ${m[1]} filter`),
  match(/holds both a RequestRedirect and a URLRewrite filter/, () => 'redirect or rewrite'),
  match(/is a RequestRedirect in a rule with backendRefs/, () => 'redirect or backends'),
  match(/uses a (RequestRedirect|URLRewrite) filter with path\.replacePrefixMatch/, (m) => `prefix ${m[1] === 'RequestRedirect' ? 'requestRedirect' : 'urlRewrite'} needs one PathPrefix match`),
  match(/uses a backendRef (RequestRedirect|URLRewrite) filter with path\.replacePrefixMatch/, (m) => `backend prefix ${m[1] === 'RequestRedirect' ? 'requestRedirect' : 'urlRewrite'} needs one PathPrefix match`),
  match(/refers to a Service without a port/, () => 'Service port'),
  match(/path must start with "\/"/, () => 'path starts with /'),
  match(/path must not contain "(.+)"$/, (m) => `path without ${m[1]}`),
  match(/path must not end with "(.+)"$/, (m) => `path not ending ${m[1]}`),
  match(/path may hold only letters/, () => 'path characters'),
  match(/has a Permanent cookie but no absoluteTimeout/, () => 'Permanent cookie timeout'),
  match(/longer than request .*; backendRequest must not exceed request/, () => 'backendRequest within request'),
  match(/sets neither service nor method/, () => 'service or method'),
  match(/an Exact service must be/, () => 'service name'),
  match(/an Exact method must be/, () => 'method name'),
  match(/only one of them sets sectionName or port/, () => 'parents all set sectionName or port'),
  match(/repeats parentRefs\[\d+\] \(same parent/, () => 'parents unique'),
];

const first = (readers: Reader[], text: string) => {
  for (const read of readers) {
    const key = read(text);
    if (key !== undefined) return key;
  }
  return undefined;
};

/** The key of a CRD rule; a rule the table does not know is its own key. */
export function ruleKey(rule: string): string {
  let key = ruleKeys.get(rule);
  if (key === undefined) {
    const text = flat(rule);
    ruleKeys.set(rule, (key = first(RULES, text) ?? `rule: ${text}`));
  }
  return key;
}

const ruleKeys = new Map<string, string>();

/** The key of the rule a hand-written finding translates; an unknown message is its own key. */
export function messageKey(message: string): string {
  return first(MESSAGES, message) ?? `message: ${message}`;
}
