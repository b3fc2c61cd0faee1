import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, isWildcardDNS1123Subdomain, nameIsDNSSubdomain } from './names.ts';

const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const cases = [
  { desc: 'label ok', fn: isDNS1123Label, in: 'my-name', want: [] },
  { desc: 'label uppercase', fn: isDNS1123Label, in: 'My-Name', want: [LABEL_MSG] },
  { desc: 'label too long', fn: isDNS1123Label, in: 'a'.repeat(64), want: ['must be no more than 63 characters'] },
  { desc: 'subdomain ok', fn: isDNS1123Subdomain, in: 'a.b-c.d', want: [] },
  { desc: 'subdomain placeholder <ingress-name>', fn: isDNS1123Subdomain, in: '<ingress-name>', want: [SUBDOMAIN_MSG] },
  { desc: 'dns1035 ok', fn: isDNS1035Label, in: 'hdls', want: [] },
  { desc: 'dns1035 leading digit', fn: isDNS1035Label, in: '1abc', want: [DNS1035_MSG] },
  { desc: 'qualified name with prefix', fn: isQualifiedName, in: 'example.com/My_name', want: [] },
  { desc: 'qualified name colon', fn: isQualifiedName, in: 'app:monolith', want: [QNAME_PART] },
  { desc: 'qualified name bad prefix', fn: isQualifiedName, in: 'app.kubernetes_io/name', want: [`prefix part ${SUBDOMAIN_MSG}`] },
  { desc: 'qualified name empty prefix', fn: isQualifiedName, in: '/x', want: ['prefix part must be non-empty'] },
  { desc: 'label value empty ok', fn: isValidLabelValue, in: '', want: [] },
  { desc: 'label value space', fn: isValidLabelValue, in: 'a b', want: ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"] },
  { desc: 'port name numeric', fn: isValidPortName, in: '80', want: ['must contain at least one letter (a-z)'] },
  { desc: 'port name too long and double hyphen', fn: isValidPortName, in: 'abcdefgh--ijklmnop', want: ['must be no more than 15 characters', 'must not contain consecutive hyphens'] },
  { desc: 'wildcard host ok', fn: isWildcardDNS1123Subdomain, in: '*.example.com', want: [] },
  { desc: 'wildcard host two stars', fn: isWildcardDNS1123Subdomain, in: '*.*.example.com', want: ["a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"] },
  { desc: 'generateName prefix may end with dash', fn: (s: string) => nameIsDNSSubdomain(s, true), in: 'web-', want: [] },
];

for (const c of cases) test(c.desc, () => assert.deepEqual(c.fn(c.in), c.want));
