/* AURA — the one AI client (DESIGN.md: "one AI client"): the only code that
 * talks to an AI service. It asks an OpenAI-compatible chat-completions endpoint
 * for a short narrative; the rule-based report never depends on it.
 *
 * Blocking: call aura_ai_client_complete() from a worker thread, never from a
 * streaming thread. It runs libsoup's synchronous API on a private GMainContext.
 * A client may be shared by several threads (the circuit breaker is under a
 * mutex; the configuration is read-only after aura_ai_client_new()).
 *
 * See docs/ai-client.md.
 */
#ifndef __AURA_AI_CLIENT_H__
#define __AURA_AI_CLIENT_H__

#include <gio/gio.h>

G_BEGIN_DECLS
#define AURA_AI_CLIENT_ERROR (aura_ai_client_error_quark ())
/* Defaults, used for every numeric field of AuraAiClientConfig left at 0. */
#define AURA_AI_CLIENT_DEFAULT_TIMEOUT_MS 10000
#define AURA_AI_CLIENT_DEFAULT_MAX_ATTEMPTS 3
#define AURA_AI_CLIENT_DEFAULT_BACKOFF_MS 250
#define AURA_AI_CLIENT_DEFAULT_BREAKER_THRESHOLD 3
#define AURA_AI_CLIENT_DEFAULT_BREAKER_COOLDOWN_MS 60000
#define AURA_AI_CLIENT_DEFAULT_MAX_REQUEST_BYTES (64 * 1024)
#define AURA_AI_CLIENT_DEFAULT_MAX_RESPONSE_BYTES (256 * 1024)
/* Upper bound of max_attempts. */
#define AURA_AI_CLIENT_MAX_ATTEMPTS_LIMIT 10
    typedef enum
{
  /* bad configuration (aura_ai_client_new) or bad arguments (a prompt that is
   * not UTF-8, a malformed request id, an unusable API key variable) */
  AURA_AI_CLIENT_ERROR_INVALID_CONFIG,
  /* an attempt took longer than timeout_ms (the last one, after retries) */
  AURA_AI_CLIENT_ERROR_TIMEOUT,
  /* the service answered with a non-2xx status */
  AURA_AI_CLIENT_ERROR_HTTP,
  /* a 2xx answer without a non-empty choices[0].message.content string */
  AURA_AI_CLIENT_ERROR_MALFORMED,
  /* the request is larger than max_request_bytes (nothing was sent), or the
   * response larger than max_response_bytes (it was cut there) */
  AURA_AI_CLIENT_ERROR_TOO_LARGE,
  /* the circuit breaker is open: nothing was sent */
  AURA_AI_CLIENT_ERROR_BREAKER_OPEN,
  /* the caller's GCancellable was cancelled */
  AURA_AI_CLIENT_ERROR_CANCELLED,
  /* connection, DNS, TLS or protocol failure */
  AURA_AI_CLIENT_ERROR_NETWORK,
} AuraAiClientError;

typedef struct AuraAiClient AuraAiClient;

/* Every numeric field left at 0 takes its default (AURA_AI_CLIENT_DEFAULT_*),
 * so `AuraAiClientConfig c = { .url = ..., .model = ... };` is a valid
 * configuration. The strings are copied by aura_ai_client_new(). */
typedef struct
{
  /* full endpoint, e.g. http://127.0.0.1:8080/v1/chat/completions; http or
   * https, with a host, without user:password@ */
  const gchar *url;
  const gchar *model;
  /* name of the environment variable holding the API key, read at each
   * request; NULL or "" = no key (no Authorization header) */
  const gchar *api_key_env;
  guint timeout_ms;             /* per attempt, default 10000 */
  guint max_attempts;           /* default 3 (1 + 2 retries), at most 10 */
  guint backoff_ms;             /* first back-off, doubled each retry, default 250 */
  guint breaker_threshold;      /* consecutive failed requests that open the breaker, default 3 */
  guint breaker_cooldown_ms;    /* how long it stays open, default 60000 */
  gsize max_request_bytes;      /* default 64 KiB */
  gsize max_response_bytes;     /* default 256 KiB */
} AuraAiClientConfig;

GQuark aura_ai_client_error_quark (void);

/* Validates @config (url: http/https with a host; model: not empty; limits).
 * Returns NULL with an AURA_AI_CLIENT_ERROR_INVALID_CONFIG error otherwise.
 * No network access. */
AuraAiClient *aura_ai_client_new (const AuraAiClientConfig * config,
    GError ** error);
/* No request may be running on @client. NULL is allowed. */
void aura_ai_client_free (AuraAiClient * client);

/* Blocking; call from a worker thread. Returns the assistant message text
 * (choices[0].message.content, leading and trailing white space removed, newly
 * allocated) or NULL with an AURA_AI_CLIENT_ERROR. @cancellable aborts at once
 * (also during a back-off). @request_id (1-128 printable ASCII characters) is
 * sent as X-Request-ID and logged; one is generated when NULL. At most
 * max_attempts attempts of at most timeout_ms each, plus the back-offs. */
gchar *aura_ai_client_complete (AuraAiClient * client,
    const gchar * system_prompt, const gchar * user_prompt,
    const gchar * request_id, GCancellable * cancellable, GError ** error);

/* TRUE while the circuit breaker refuses requests: open and cooling down, or
 * half-open with its one trial request in flight. */
gboolean aura_ai_client_breaker_open (AuraAiClient * client);

G_END_DECLS
#endif /* __AURA_AI_CLIENT_H__ */
