/**
 * Operational defaults of the webhook's HTTP server, each justified (README "Operational defaults").
 */

/**
 * Largest AdmissionReview body accepted: 7 MiB. An AdmissionReview carries object and oldObject,
 * each at most ~1.5 MB in etcd and up to about twice that as JSON, plus < 1 MB of the rest
 * (controller-runtime pkg/webhook/admission/http.go maxRequestSize). Larger bodies get 413.
 */
export const MAX_REVIEW_BYTES = 7 * 1024 * 1024;

/**
 * A client must send its headers within 10 s (slow-loris guard; Node's default is 60 s).
 * kube-apiserver sends a whole request at once on a warm connection.
 */
export const HEADERS_TIMEOUT_MS = 10_000;

/**
 * A whole request must arrive within 30 s: the longest webhook timeout kube-apiserver allows
 * (admissionregistration/v1 timeoutSeconds ≤ 30); after that the API server has given up anyway.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Idle keep-alive connections are kept 120 s: longer than the 90 s idle timeout of Go's default
 * HTTP transport kube-apiserver uses, so the server never closes a connection the client is about
 * to reuse (a POST is not retried by Go on such a race, and the call would fail).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;

/**
 * Most TLS connections open at once: 1,000. Beyond it a new connection is closed before its TLS
 * handshake (node:net `maxConnections`). An outside probe held 8,000 idle TLS connections: RSS
 * went to 680 MiB (the manifests' limit is 512 MiB) and a normal request took 3.0 s. Each idle
 * TLS connection costs about 70 KiB here, so 1,000 is about 70 MiB. kube-apiserver opens one
 * HTTP/1.1 connection per concurrent call and keeps up to 100 idle per host (Go's transport as
 * client-go sets it up); three API servers at full concurrency stay well under the cap.
 */
export const MAX_CONNECTIONS = 1_000;

/**
 * How often Node checks the header and request timeouts of open connections: 1 s. Node's default
 * is 30 s, so a 10 s headers timeout fired after 10–40 s (an outside probe measured 19 s for
 * headers and 49 s for a body against the documented 10 s and 30 s).
 */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;
