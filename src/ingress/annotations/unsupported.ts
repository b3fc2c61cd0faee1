// Annotation names ingress-nginx knows that Portico does not implement. UNSUPPORTED features would change
// behaviour the user expects, so they are reported ("not supported by Portico"); NO_EFFECT names only tune
// nginx's buffering or logging, which has no counterpart here, so they are accepted silently.

export const UNSUPPORTED: ReadonlySet<string> = new Set([
  // snippets: raw nginx configuration
  'configuration-snippet', 'server-snippet', 'stream-snippet', 'auth-snippet', 'modsecurity-snippet',
  // authentication
  'auth-type', 'auth-secret', 'auth-secret-type', 'auth-realm', 'auth-url', 'auth-method', 'auth-signin',
  'auth-signin-redirect-param', 'auth-response-headers', 'auth-proxy-set-headers', 'auth-request-redirect',
  'auth-cache-key', 'auth-cache-duration', 'auth-always-set-cookie', 'auth-keepalive', 'auth-keepalive-requests',
  'auth-keepalive-share-vars', 'auth-keepalive-timeout', 'enable-global-auth', 'satisfy',
  'auth-tls-secret', 'auth-tls-verify-client', 'auth-tls-verify-depth', 'auth-tls-error-page',
  'auth-tls-pass-certificate-to-upstream', 'auth-tls-match-cn',
  // backend TLS details
  'proxy-ssl-secret', 'proxy-ssl-ciphers', 'proxy-ssl-name', 'proxy-ssl-protocols', 'proxy-ssl-verify',
  'proxy-ssl-verify-depth', 'proxy-ssl-server-name', 'ssl-ciphers', 'ssl-prefer-server-ciphers',
  // routing and rewriting extras
  'server-alias', 'from-to-www-redirect', 'use-port-in-redirects', 'upstream-vhost', 'x-forwarded-prefix',
  'proxy-redirect-from', 'proxy-redirect-to', 'proxy-cookie-domain', 'proxy-cookie-path', 'custom-http-errors',
  'denylist-source-range', 'connection-proxy-header', 'http2-push-preload', 'add-base-url', 'base-url-scheme',
  'grpc-backend', 'fastcgi-index', 'fastcgi-params-configmap',
  // balancing, affinity and canary extras
  'upstream-hash-by-subset', 'upstream-hash-by-subset-size', 'affinity-mode', 'affinity-canary-behavior',
  'session-cookie-samesite', 'session-cookie-conditional-samesite-none', 'session-cookie-secure',
  'session-cookie-domain', 'session-cookie-change-on-failure', 'session-cookie-partitioned',
  'canary-by-header-pattern', 'proxy-next-upstream-timeout', 'upstream-fail-timeout', 'upstream-max-fails',
  // rate limiting extras
  'limit-rate', 'limit-rate-after', 'global-rate-limit', 'global-rate-limit-window', 'global-rate-limit-key',
  'global-rate-limit-ignored-cidrs',
  // mirroring, WAF, tracing, metrics
  'mirror-target', 'mirror-host', 'mirror-request-body', 'enable-modsecurity', 'enable-owasp-core-rules',
  'modsecurity-transaction-id', 'enable-opentelemetry', 'opentelemetry-operation-name',
  'opentelemetry-trust-incoming-span', 'enable-opentracing', 'opentracing-trust-incoming-span', 'enable-influxdb',
  'influxdb-measurement', 'influxdb-port', 'influxdb-host', 'influxdb-server-name', 'lua-resty-waf',
  'lua-resty-waf-debug', 'lua-resty-waf-ignore-rulesets', 'lua-resty-waf-extra-rules',
  'lua-resty-waf-allow-unknown-content-types', 'lua-resty-waf-score-threshold',
  'lua-resty-waf-process-multipart-body', 'vts-filter-key',
]);

export const NO_EFFECT: ReadonlySet<string> = new Set([
  'client-body-buffer-size', 'proxy-buffering', 'proxy-buffer-size', 'proxy-buffers-number',
  'proxy-max-temp-file-size', 'proxy-request-buffering', 'proxy-http-version', 'enable-access-log',
  'enable-rewrite-log', 'disable-proxy-intercept-errors',
  // Portico's ssl-redirect keeps the path as requested, which is what this asks for.
  'preserve-trailing-slash',
  // GKE's controller writes these status annotations under ingress.kubernetes.io/; they are not ours.
  'backends', 'forwarding-rule', 'https-forwarding-rule', 'target-proxy', 'https-target-proxy', 'url-map',
  'static-ip', 'ssl-cert', 'pre-shared-cert', 'allow-http',
]);
