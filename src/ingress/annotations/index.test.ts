import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnnotationLookups, RouteAnnotations } from '../contract.ts';
import { defaultRouteAnnotations, parseAnnotations } from './index.ts';

const N = 'nginx.ingress.kubernetes.io/';
const configMaps: Record<string, Record<string, string>> = {
  'default/hdrs': { 'X-Frame-Options': 'DENY', 'X-Team': 'blue' },
  'other/hdrs': { 'X-Other': '1' },
  'default/bad-hdrs': { 'X-Ok': 'yes', 'Bad Header': 'x', 'X-Inject': 'a\r\nSet-Cookie: x=1' },
};
const lookups: AnnotationLookups = { namespace: 'default', configMap: (ns, name) => configMaps[`${ns}/${name}`] };

const CORS = { allowOrigin: '*', allowMethods: 'GET, PUT, POST, DELETE, PATCH, OPTIONS', allowHeaders: 'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization', allowCredentials: true, maxAge: 1728000 };

function parse(raw: Record<string, string>) {
  return parseAnnotations(raw, lookups);
}
function withDefaults(patch: Partial<RouteAnnotations>): RouteAnnotations {
  return { ...defaultRouteAnnotations(), ...patch };
}

describe('parseAnnotations defaults', () => {
  test('no annotations gives ingress-nginx defaults', () => {
    const { config, errors } = parseAnnotations(undefined, lookups);
    assert.deepEqual(errors, []);
    assert.deepEqual(config, {
      useRegex: false, forceSslRedirect: false, sslPassthrough: false, backendProtocol: 'HTTP', serviceUpstream: false,
      limitWhitelist: [], whitelistSourceRange: [], proxyBodySize: 1048576, connectTimeoutMs: 5000, readTimeoutMs: 60000,
      sendTimeoutMs: 60000, nextUpstream: { tries: 3, on: ['error', 'timeout'] }, loadBalance: 'round_robin',
      hsts: { enabled: true, maxAge: 31536000, includeSubdomains: true, preload: false },
    });
  });
  test('annotations of other owners are ignored', () => {
    const { config, errors } = parse({ 'kubernetes.io/ingress.class': 'portico', 'example.com/x': 'y' });
    assert.deepEqual(errors, []);
    assert.deepEqual(config, defaultRouteAnnotations());
  });
});

// Valid values: the annotations (under the nginx prefix unless written in full) and the fields they set.
const valid: Array<{ desc: string; in: Record<string, string>; want: Partial<RouteAnnotations> }> = [
  { desc: 'rewrite-target without captures', in: { 'rewrite-target': '/' }, want: { rewriteTarget: '/' } },
  { desc: 'rewrite-target with captures implies regex', in: { 'rewrite-target': '/$2' }, want: { rewriteTarget: '/$2', useRegex: true } },
  { desc: 'use-regex', in: { 'use-regex': 'true' }, want: { useRegex: true } },
  { desc: 'app-root', in: { 'app-root': '/app1' }, want: { appRoot: '/app1' } },
  { desc: 'ssl-redirect false', in: { 'ssl-redirect': 'false' }, want: { sslRedirect: false } },
  { desc: 'force-ssl-redirect', in: { 'force-ssl-redirect': 'True' }, want: { forceSslRedirect: true } },
  { desc: 'ssl-passthrough', in: { 'ssl-passthrough': '1' }, want: { sslPassthrough: true } },
  { desc: 'backend-protocol lower case', in: { 'backend-protocol': 'grpc' }, want: { backendProtocol: 'GRPC' } },
  { desc: 'secure-backends means HTTPS', in: { 'secure-backends': 'true' }, want: { backendProtocol: 'HTTPS' } },
  { desc: 'backend-protocol wins over secure-backends', in: { 'secure-backends': 'true', 'backend-protocol': 'GRPCS' }, want: { backendProtocol: 'GRPCS' } },
  { desc: 'service-upstream', in: { 'service-upstream': 'true' }, want: { serviceUpstream: true } },
  { desc: 'affinity cookie with defaults', in: { affinity: 'cookie' }, want: { affinity: { cookieName: 'route', hash: 'md5' } } },
  {
    desc: 'affinity cookie with every option',
    in: { affinity: 'cookie', 'session-cookie-name': 'SRV', 'session-cookie-path': '/app', 'session-cookie-max-age': '172800', 'session-cookie-expires': '3600', 'session-cookie-hash': 'SHA1' },
    want: { affinity: { cookieName: 'SRV', path: '/app', maxAge: 172800, expires: 3600, hash: 'sha1' } },
  },
  { desc: 'session-cookie-hash index', in: { affinity: 'cookie', 'session-cookie-hash': 'Index' }, want: { affinity: { cookieName: 'route', hash: 'index' } } },
  { desc: 'cookie options without affinity do nothing', in: { 'session-cookie-name': 'x' }, want: {} },
  { desc: 'limit-rps', in: { 'limit-rps': '10' }, want: { limitRps: 10 } },
  { desc: 'limit-rpm and burst multiplier', in: { 'limit-rpm': '300', 'limit-burst-multiplier': '2' }, want: { limitRpm: 300, limitBurstMultiplier: 2 } },
  { desc: 'limit 0 is no limit', in: { 'limit-rps': '0', 'limit-connections': '0' }, want: {} },
  { desc: 'limit-connections', in: { 'limit-connections': '3' }, want: { limitConnections: 3 } },
  { desc: 'limit-whitelist', in: { 'limit-whitelist': '10.0.0.0/8, 127.0.0.1' }, want: { limitWhitelist: ['10.0.0.0/8', '127.0.0.1/32'] } },
  { desc: 'limit-allowlist (new name)', in: { 'limit-allowlist': '::1' }, want: { limitWhitelist: ['::1/128'] } },
  { desc: 'whitelist-source-range', in: { 'whitelist-source-range': '10.0.0.0/24,172.10.0.1' }, want: { whitelistSourceRange: ['10.0.0.0/24', '172.10.0.1/32'] } },
  { desc: 'allowlist-source-range (new name)', in: { 'allowlist-source-range': '2001:db8::/32' }, want: { whitelistSourceRange: ['2001:db8::/32'] } },
  {
    desc: 'enable-cors with defaults', in: { 'enable-cors': 'true' },
    want: { cors: CORS },
  },
  {
    desc: 'enable-cors with every option',
    in: { 'enable-cors': 'true', 'cors-allow-origin': 'https://a.example, http://*.b.example:8080', 'cors-allow-methods': 'GET,POST', 'cors-allow-headers': 'X-One, X-Two', 'cors-expose-headers': 'X-Exp', 'cors-allow-credentials': 'false', 'cors-max-age': '600' },
    want: { cors: { allowOrigin: 'https://a.example, http://*.b.example:8080', allowMethods: 'GET, POST', allowHeaders: 'X-One, X-Two', exposeHeaders: 'X-Exp', allowCredentials: false, maxAge: 600 } },
  },
  { desc: 'cors options without enable-cors do nothing', in: { 'cors-allow-origin': 'https://a.example' }, want: {} },
  { desc: 'canary by weight', in: { canary: 'true', 'canary-weight': '30' }, want: { canary: { weight: 30 } } },
  { desc: 'canary weight-total rescales', in: { canary: 'true', 'canary-weight': '250', 'canary-weight-total': '1000' }, want: { canary: { weight: 25 } } },
  {
    desc: 'canary by header, value and cookie', in: { canary: 'true', 'canary-by-header': 'X-Canary', 'canary-by-header-value': 'yes', 'canary-by-cookie': 'beta' },
    want: { canary: { weight: 0, byHeader: 'X-Canary', byHeaderValue: 'yes', byCookie: 'beta' } },
  },
  { desc: 'canary annotations without canary: true do nothing', in: { 'canary-weight': '50' }, want: {} },
  { desc: 'custom-headers by name', in: { 'custom-headers': 'hdrs' }, want: { customHeaders: { 'X-Frame-Options': 'DENY', 'X-Team': 'blue' } } },
  { desc: 'custom-headers by ns/name', in: { 'custom-headers': 'other/hdrs' }, want: { customHeaders: { 'X-Other': '1' } } },
  { desc: 'proxy-body-size 8m', in: { 'proxy-body-size': '8m' }, want: { proxyBodySize: 8 * 1024 * 1024 } },
  { desc: 'proxy-body-size 1k', in: { 'proxy-body-size': '1k' }, want: { proxyBodySize: 1024 } },
  { desc: 'proxy-body-size 0 is unlimited', in: { 'proxy-body-size': '0' }, want: { proxyBodySize: 0 } },
  { desc: 'timeouts in seconds', in: { 'proxy-connect-timeout': '2', 'proxy-read-timeout': '120', 'proxy-send-timeout': '30' }, want: { connectTimeoutMs: 2000, readTimeoutMs: 120000, sendTimeoutMs: 30000 } },
  { desc: 'proxy-next-upstream', in: { 'proxy-next-upstream': 'error timeout http_502', 'proxy-next-upstream-tries': '5' }, want: { nextUpstream: { tries: 5, on: ['error', 'timeout', 'http_502'] } } },
  { desc: 'proxy-next-upstream off', in: { 'proxy-next-upstream': 'off' }, want: { nextUpstream: { tries: 3, on: [] } } },
  { desc: 'upstream-hash-by', in: { 'upstream-hash-by': '$request_uri' }, want: { upstreamHashBy: '$request_uri' } },
  { desc: 'load-balance ewma', in: { 'load-balance': 'ewma' }, want: { loadBalance: 'ewma' } },
  { desc: 'default-backend', in: { 'default-backend': 'fallback-svc' }, want: { defaultBackend: 'fallback-svc' } },
  { desc: 'permanent-redirect default 301', in: { 'permanent-redirect': 'https://example.com/new' }, want: { permanentRedirect: { url: 'https://example.com/new', code: 301 } } },
  { desc: 'permanent-redirect-code 308', in: { 'permanent-redirect': 'https://example.com/', 'permanent-redirect-code': '308' }, want: { permanentRedirect: { url: 'https://example.com/', code: 308 } } },
  { desc: 'temporal-redirect default 302', in: { 'temporal-redirect': 'http://example.com/t' }, want: { temporalRedirect: { url: 'http://example.com/t', code: 302 } } },
  { desc: 'temporal-redirect-code 307', in: { 'temporal-redirect': 'http://example.com/t', 'temporal-redirect-code': '307' }, want: { temporalRedirect: { url: 'http://example.com/t', code: 307 } } },
  { desc: 'hsts settings', in: { 'hsts-max-age': '600', 'hsts-include-subdomains': 'false', 'hsts-preload': 'true' }, want: { hsts: { enabled: true, maxAge: 600, includeSubdomains: false, preload: true } } },
  { desc: 'hsts off', in: { hsts: 'false' }, want: { hsts: { enabled: false, maxAge: 31536000, includeSubdomains: true, preload: false } } },
  { desc: 'no-effect tuning names are accepted silently', in: { 'proxy-buffering': 'on', 'enable-access-log': 'false' }, want: {} },
];

describe('parseAnnotations valid values', () => {
  for (const c of valid) {
    test(c.desc, () => {
      const raw = Object.fromEntries(Object.entries(c.in).map(([k, v]) => [N + k, v]));
      const { config, errors } = parse(raw);
      assert.deepEqual(errors, []);
      assert.deepEqual(config, withDefaults(c.want));
    });
  }
});

describe('parseAnnotations prefixes', () => {
  test('the seeds\' short prefix is accepted', () => {
    assert.equal(parse({ 'ingress.kubernetes.io/enable-cors': 'true' }).config.cors?.allowOrigin, '*');
  });
  test('portico.dev is accepted', () => {
    assert.equal(parse({ 'portico.dev/limit-rps': '7' }).config.limitRps, 7);
  });
  test('portico.dev wins over nginx, nginx over the short prefix', () => {
    const cases = [
      { in: { 'ingress.kubernetes.io/limit-rps': '1', 'nginx.ingress.kubernetes.io/limit-rps': '2', 'portico.dev/limit-rps': '3' }, want: 3 },
      { in: { 'portico.dev/limit-rps': '3', 'ingress.kubernetes.io/limit-rps': '1' }, want: 3 },
      { in: { 'ingress.kubernetes.io/limit-rps': '1', 'nginx.ingress.kubernetes.io/limit-rps': '2' }, want: 2 },
    ];
    for (const c of cases) assert.equal(parse(c.in).config.limitRps, c.want);
  });
  test('a non-string value is read as its string form', () => {
    const raw = { [`${N}limit-rps`]: 5, [`${N}enable-cors`]: true } as unknown as Record<string, string>;
    const { config, errors } = parse(raw);
    assert.deepEqual(errors, []);
    assert.equal(config.limitRps, 5);
    assert.ok(config.cors);
  });
  test('an error names the annotation as written', () => {
    const { errors } = parse({ 'ingress.kubernetes.io/limit-rps': 'fast' });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.annotation, 'ingress.kubernetes.io/limit-rps');
    assert.equal(errors[0]?.value, 'fast');
  });
});

// Invalid values: the field keeps its default, one error names the annotation; other annotations still apply.
const invalid: Array<{ desc: string; in: Record<string, string>; bad: string; want?: Partial<RouteAnnotations> }> = [
  { desc: 'rewrite-target not a path', in: { 'rewrite-target': 'no-slash' }, bad: 'rewrite-target' },
  { desc: 'use-regex not a bool', in: { 'use-regex': 'yes' }, bad: 'use-regex' },
  { desc: 'app-root not a path', in: { 'app-root': 'app' }, bad: 'app-root' },
  { desc: 'ssl-redirect not a bool', in: { 'ssl-redirect': 'on' }, bad: 'ssl-redirect' },
  { desc: 'force-ssl-redirect not a bool', in: { 'force-ssl-redirect': 'always' }, bad: 'force-ssl-redirect' },
  { desc: 'ssl-passthrough not a bool', in: { 'ssl-passthrough': 'enabled' }, bad: 'ssl-passthrough' },
  { desc: 'backend-protocol unknown', in: { 'backend-protocol': 'SPDY' }, bad: 'backend-protocol' },
  { desc: 'backend-protocol AJP unsupported', in: { 'backend-protocol': 'AJP' }, bad: 'backend-protocol' },
  { desc: 'secure-backends not a bool', in: { 'secure-backends': 'tls' }, bad: 'secure-backends' },
  { desc: 'service-upstream not a bool', in: { 'service-upstream': 'clusterip' }, bad: 'service-upstream' },
  { desc: 'affinity not cookie', in: { affinity: 'ip' }, bad: 'affinity' },
  { desc: 'session-cookie-name with a space', in: { affinity: 'cookie', 'session-cookie-name': 'my cookie' }, bad: 'session-cookie-name', want: { affinity: { cookieName: 'route', hash: 'md5' } } },
  { desc: 'session-cookie-hash unknown', in: { affinity: 'cookie', 'session-cookie-hash': 'sha256' }, bad: 'session-cookie-hash', want: { affinity: { cookieName: 'route', hash: 'md5' } } },
  { desc: 'session-cookie-max-age negative', in: { affinity: 'cookie', 'session-cookie-max-age': '-1' }, bad: 'session-cookie-max-age', want: { affinity: { cookieName: 'route', hash: 'md5' } } },
  { desc: 'session-cookie-path not a path', in: { affinity: 'cookie', 'session-cookie-path': 'app' }, bad: 'session-cookie-path', want: { affinity: { cookieName: 'route', hash: 'md5' } } },
  { desc: 'limit-rps not a number', in: { 'limit-rps': '10/s' }, bad: 'limit-rps' },
  { desc: 'limit-rpm fractional', in: { 'limit-rpm': '1.5' }, bad: 'limit-rpm' },
  { desc: 'limit-connections not a number', in: { 'limit-connections': 'many' }, bad: 'limit-connections' },
  { desc: 'limit-burst-multiplier 0', in: { 'limit-burst-multiplier': '0' }, bad: 'limit-burst-multiplier' },
  { desc: 'limit-whitelist bad entry keeps the good ones', in: { 'limit-whitelist': '10.0.0.0/8, nope' }, bad: 'limit-whitelist', want: { limitWhitelist: ['10.0.0.0/8'] } },
  { desc: 'whitelist-source-range bad prefix keeps the good ones', in: { 'whitelist-source-range': '10.0.0.0/33,192.168.0.0/16' }, bad: 'whitelist-source-range', want: { whitelistSourceRange: ['192.168.0.0/16'] } },
  { desc: 'whitelist-source-range all bad fails closed', in: { 'whitelist-source-range': 'office' }, bad: 'whitelist-source-range', want: { whitelistSourceRange: ['office'] } },
  { desc: 'enable-cors not a bool', in: { 'enable-cors': 'yes' }, bad: 'enable-cors' },
  { desc: 'cors-allow-origin not an origin', in: { 'enable-cors': 'true', 'cors-allow-origin': 'example.com' }, bad: 'cors-allow-origin', want: { cors: CORS } },
  { desc: 'cors-allow-methods with a digit', in: { 'enable-cors': 'true', 'cors-allow-methods': 'GET, P0ST' }, bad: 'cors-allow-methods', want: { cors: CORS } },
  { desc: 'cors-allow-headers with a space', in: { 'enable-cors': 'true', 'cors-allow-headers': 'X Bad' }, bad: 'cors-allow-headers', want: { cors: CORS } },
  { desc: 'cors-max-age not a number', in: { 'enable-cors': 'true', 'cors-max-age': '1d' }, bad: 'cors-max-age', want: { cors: CORS } },
  { desc: 'cors-allow-credentials not a bool', in: { 'enable-cors': 'true', 'cors-allow-credentials': 'sometimes' }, bad: 'cors-allow-credentials', want: { cors: CORS } },
  { desc: 'canary not a bool', in: { canary: 'maybe' }, bad: 'canary' },
  { desc: 'canary-weight above 100', in: { canary: 'true', 'canary-weight': '101' }, bad: 'canary-weight', want: { canary: { weight: 0 } } },
  { desc: 'canary-by-header not a token', in: { canary: 'true', 'canary-by-header': 'X Canary' }, bad: 'canary-by-header', want: { canary: { weight: 0 } } },
  { desc: 'custom-headers ConfigMap missing', in: { 'custom-headers': 'nope' }, bad: 'custom-headers' },
  { desc: 'custom-headers bad reference', in: { 'custom-headers': 'a/b/c' }, bad: 'custom-headers' },
  { desc: 'custom-headers drops unsafe entries', in: { 'custom-headers': 'bad-hdrs' }, bad: 'custom-headers', want: { customHeaders: { 'X-Ok': 'yes' } } },
  { desc: 'proxy-body-size with a bad unit', in: { 'proxy-body-size': '8mb' }, bad: 'proxy-body-size' },
  { desc: 'proxy-connect-timeout with a unit', in: { 'proxy-connect-timeout': '5s' }, bad: 'proxy-connect-timeout' },
  { desc: 'proxy-read-timeout negative', in: { 'proxy-read-timeout': '-1' }, bad: 'proxy-read-timeout' },
  { desc: 'proxy-send-timeout not a number', in: { 'proxy-send-timeout': 'long' }, bad: 'proxy-send-timeout' },
  { desc: 'proxy-next-upstream unknown condition', in: { 'proxy-next-upstream': 'error http_999' }, bad: 'proxy-next-upstream' },
  { desc: 'proxy-next-upstream-tries not a number', in: { 'proxy-next-upstream-tries': 'three' }, bad: 'proxy-next-upstream-tries' },
  { desc: 'upstream-hash-by with a space', in: { 'upstream-hash-by': '$host $uri' }, bad: 'upstream-hash-by' },
  { desc: 'load-balance unknown', in: { 'load-balance': 'least_conn' }, bad: 'load-balance' },
  { desc: 'default-backend not a Service name', in: { 'default-backend': 'Bad_Name' }, bad: 'default-backend' },
  { desc: 'permanent-redirect not a URL', in: { 'permanent-redirect': '/relative' }, bad: 'permanent-redirect' },
  { desc: 'permanent-redirect-code out of range', in: { 'permanent-redirect': 'https://e.com/', 'permanent-redirect-code': '200' }, bad: 'permanent-redirect-code', want: { permanentRedirect: { url: 'https://e.com/', code: 301 } } },
  { desc: 'temporal-redirect ftp URL', in: { 'temporal-redirect': 'ftp://e.com/' }, bad: 'temporal-redirect' },
  { desc: 'hsts-max-age not a number', in: { 'hsts-max-age': 'year' }, bad: 'hsts-max-age' },
];

describe('parseAnnotations invalid values', () => {
  for (const c of invalid) {
    test(c.desc, () => {
      const raw: Record<string, string> = Object.fromEntries(Object.entries(c.in).map(([k, v]) => [N + k, v]));
      raw[`${N}limit-connections`] ??= '4';   // an unrelated good annotation still applies
      const { config, errors } = parse(raw);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0]?.annotation, N + c.bad);
      assert.match(errors[0]?.message ?? '', /^invalid value: /);
      const want = withDefaults({ limitConnections: 4, ...(c.want ?? {}) });
      if (c.in['limit-connections'] !== undefined) delete want.limitConnections;
      assert.deepEqual(config, want);
    });
  }
});

describe('parseAnnotations unknown and unsupported names', () => {
  test('a typo is reported with a suggestion', () => {
    const { config, errors } = parse({ [`${N}rewite-target`]: '/', [`${N}limit-rps`]: '5' });
    assert.equal(config.limitRps, 5);
    assert.deepEqual(errors, [{ annotation: `${N}rewite-target`, value: '/', message: 'unknown annotation rewite-target; did you mean rewrite-target?' }]);
  });
  test('an unknown name far from any known one has no suggestion', () => {
    const { errors } = parse({ 'portico.dev/frobnicate': 'x' });
    assert.deepEqual(errors, [{ annotation: 'portico.dev/frobnicate', value: 'x', message: 'unknown annotation frobnicate' }]);
  });
  test('GKE status annotations under ingress.kubernetes.io/ are not ours and pass silently', () => {
    assert.deepEqual(parse({ 'ingress.kubernetes.io/backends': '{}', 'ingress.kubernetes.io/url-map': 'k8s-um' }).errors, []);
  });
  test('ingress-nginx annotations Portico lacks are reported as not supported', () => {
    for (const name of ['configuration-snippet', 'auth-url', 'auth-type', 'server-snippet', 'mirror-target', 'canary-by-header-pattern']) {
      const { errors } = parse({ [N + name]: 'x' });
      assert.equal(errors.length, 1, name);
      assert.match(errors[0]?.message ?? '', /not supported by Portico/);
    }
  });
});
