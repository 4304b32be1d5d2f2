/* AURA — the one AI client. See aura-ai-client.h and docs/ai-client.md.
 *
 * One request = up to max_attempts attempts on a SoupSession created for that
 * request, in the calling thread, with a private GMainContext as its
 * thread-default context (never the default context). Each attempt is bounded
 * by a watchdog thread that cancels the attempt's GCancellable at the deadline:
 * libsoup's synchronous HTTP/1 I/O blocks in poll() and does not run a main
 * context, so a GSource timer would never fire; SoupSession:timeout is per I/O
 * operation, so a server trickling bytes would never hit it.
 */
#define G_LOG_DOMAIN "aura-ai"

#include "aura-ai-client.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#define USER_AGENT "aura-ai-client/1"
#define TEMPERATURE 0.3
#define REQUEST_ID_MAX 128
/* a non-2xx body is read this far, for the service's error message */
#define ERROR_BODY_MAX 16384
/* characters of the service's error message quoted in a GError */
#define SERVER_MESSAGE_MAX 200
#define READ_CHUNK 8192
/* json-glib's parser recurses per nesting level and overflows the stack on
 * about 100 000 nested arrays (260 KB, under the default response cap); a
 * chat completion is 4 levels deep */
#define MAX_JSON_DEPTH 64
/* sanity limits of the configuration */
#define MAX_BODY_LIMIT (64 * 1024 * 1024)
#define MAX_TIMEOUT_MS (10 * 60 * 1000)

struct AuraAiClient
{
  GUri *uri;
  gchar *url_for_log;           /* no query, no fragment */
  gchar *model;
  gchar *api_key_env;           /* NULL: no key */
  guint timeout_ms;
  guint max_attempts;
  guint backoff_ms;
  guint breaker_threshold;
  guint breaker_cooldown_ms;
  gsize max_request_bytes;
  gsize max_response_bytes;

  /* the circuit breaker; everything above is read-only */
  GMutex lock;
  guint consecutive_failures;
  gboolean open;
  gint64 open_until;            /* monotonic µs; when open: end of the cool-down */
  gboolean trial_in_flight;     /* half-open: the one trial request is running */
};

GQuark
aura_ai_client_error_quark (void)
{
  return g_quark_from_static_string ("aura-ai-client-error-quark");
}

/* ------------------------------------------------------------------------ */
/* Logging: structured fields (journald keeps them) and the same facts in the */
/* text. Debug records are not even formatted when the default writer would   */
/* drop them.                                                                  */

/* *INDENT-OFF* */
static void log_event (GLogLevelFlags level, const gchar * request_id,
    guint attempt, guint status, gint64 elapsed_ms, const gchar * format, ...)
    G_GNUC_PRINTF (6, 7);
/* *INDENT-ON* */

static void
add_field (GLogField * fields, gsize * n, const gchar * key,
    const gchar * value)
{
  fields[*n].key = key;
  fields[*n].value = value;
  fields[*n].length = -1;
  (*n)++;
}

static void
log_event (GLogLevelFlags level, const gchar * request_id, guint attempt,
    guint status, gint64 elapsed_ms, const gchar * format, ...)
{
  GLogField fields[7];
  gchar attempt_s[16], status_s[16], elapsed_s[24];
  gchar *text, *message;
  const gchar *priority;
  gsize n = 0;
  va_list args;

  if (level == G_LOG_LEVEL_DEBUG
      && g_log_writer_default_would_drop (level, G_LOG_DOMAIN))
    return;

  switch (level) {
    case G_LOG_LEVEL_DEBUG:
      priority = "7";
      break;
    case G_LOG_LEVEL_INFO:
      priority = "6";
      break;
    default:
      priority = "5";
      break;
  }

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  message = g_strdup_printf ("request %s: %s", request_id, text);

  add_field (fields, &n, "GLIB_DOMAIN", G_LOG_DOMAIN);
  add_field (fields, &n, "PRIORITY", priority);
  add_field (fields, &n, "MESSAGE", message);
  add_field (fields, &n, "AURA_REQUEST_ID", request_id);
  if (attempt > 0) {
    g_snprintf (attempt_s, sizeof attempt_s, "%u", attempt);
    add_field (fields, &n, "AURA_ATTEMPT", attempt_s);
  }
  if (status > 0) {
    g_snprintf (status_s, sizeof status_s, "%u", status);
    add_field (fields, &n, "AURA_HTTP_STATUS", status_s);
  }
  if (elapsed_ms >= 0) {
    g_snprintf (elapsed_s, sizeof elapsed_s, "%" G_GINT64_FORMAT, elapsed_ms);
    add_field (fields, &n, "AURA_ELAPSED_MS", elapsed_s);
  }
  g_log_structured_array (level, fields, n);

  g_free (message);
  g_free (text);
}

static gint64
ms_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000;
}

/* ------------------------------------------------------------------------ */
/* Secrets                                                                    */

static void
wipe_free (gchar * s)
{
  if (s != NULL) {
    /* volatile: the compiler must not drop the stores before free() */
    volatile gchar *p = s;
    while (*p != '\0')
      *p++ = '\0';
    g_free (s);
  }
}

/* Replaces every occurrence of @key in @error's message. */
static void
redact_error (GError * error, const gchar * key)
{
  gchar **parts;

  if (error == NULL || key == NULL || *key == '\0'
      || strstr (error->message, key) == NULL)
    return;
  parts = g_strsplit (error->message, key, -1);
  g_free (error->message);
  error->message = g_strjoinv ("[redacted]", parts);
  g_strfreev (parts);
}

/* The key from the environment, or NULL when the variable is unset, empty or
 * not configured. FALSE when the value cannot be sent in a header. */
static gboolean
read_api_key (AuraAiClient * self, gchar ** key, GError ** error)
{
  const gchar *value, *p;

  *key = NULL;
  if (self->api_key_env == NULL)
    return TRUE;
  value = g_getenv (self->api_key_env);
  if (value == NULL || *value == '\0')
    return TRUE;
  for (p = value; *p != '\0'; p++) {
    /* visible ASCII only: no header injection, nothing to trim */
    if (*p <= 0x20 || *p >= 0x7f) {
      g_set_error (error, AURA_AI_CLIENT_ERROR,
          AURA_AI_CLIENT_ERROR_INVALID_CONFIG,
          "the API key in environment variable %s contains characters not "
          "allowed in an HTTP header", self->api_key_env);
      return FALSE;
    }
  }
  *key = g_strdup (value);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Circuit breaker                                                            */

typedef enum
{
  BREAKER_PASS,                 /* closed */
  BREAKER_TRIAL,                /* half-open: this request is the trial */
  BREAKER_REFUSE,
} BreakerDecision;

typedef enum
{
  OUTCOME_SUCCESS,
  OUTCOME_FAILURE,
  OUTCOME_NEUTRAL,              /* cancelled: says nothing about the service */
} Outcome;

static BreakerDecision
breaker_enter (AuraAiClient * self, gint64 * remaining_ms)
{
  gint64 now = g_get_monotonic_time ();
  BreakerDecision d;

  *remaining_ms = 0;
  g_mutex_lock (&self->lock);
  if (!self->open) {
    d = BREAKER_PASS;
  } else if (now < self->open_until) {
    d = BREAKER_REFUSE;
    *remaining_ms = (self->open_until - now + 999) / 1000;
  } else if (self->trial_in_flight) {
    d = BREAKER_REFUSE;
  } else {
    self->trial_in_flight = TRUE;
    d = BREAKER_TRIAL;
  }
  g_mutex_unlock (&self->lock);
  return d;
}

static void
breaker_leave (AuraAiClient * self, gboolean trial, Outcome outcome,
    const gchar * request_id)
{
  gboolean opened = FALSE, closed = FALSE;
  guint failures;

  g_mutex_lock (&self->lock);
  if (trial)
    self->trial_in_flight = FALSE;
  switch (outcome) {
    case OUTCOME_SUCCESS:
      closed = self->open;
      self->open = FALSE;
      self->consecutive_failures = 0;
      break;
    case OUTCOME_FAILURE:
      self->consecutive_failures++;
      if (trial || (!self->open
              && self->consecutive_failures >= self->breaker_threshold)) {
        self->open = TRUE;
        self->open_until = g_get_monotonic_time ()
            + (gint64) self->breaker_cooldown_ms * 1000;
        opened = TRUE;
      }
      break;
    case OUTCOME_NEUTRAL:
      break;
  }
  failures = self->consecutive_failures;
  g_mutex_unlock (&self->lock);

  if (opened)
    log_event (G_LOG_LEVEL_MESSAGE, request_id, 0, 0, -1,
        "circuit breaker open after %u consecutive failed requests%s; "
        "no request for %u ms", failures, trial ? " (trial failed)" : "",
        self->breaker_cooldown_ms);
  else if (closed)
    log_event (G_LOG_LEVEL_MESSAGE, request_id, 0, 0, -1,
        "circuit breaker closed: the service answered");
}

gboolean
aura_ai_client_breaker_open (AuraAiClient * client)
{
  gboolean refusing;

  g_return_val_if_fail (client != NULL, FALSE);

  g_mutex_lock (&client->lock);
  refusing = client->open && (g_get_monotonic_time () < client->open_until
      || client->trial_in_flight);
  g_mutex_unlock (&client->lock);
  return refusing;
}

/* ------------------------------------------------------------------------ */
/* Watchdog: cancels an attempt at its deadline                               */

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean done;
  gboolean fired;
  gint64 deadline;              /* monotonic µs */
  GCancellable *cancel;
  GThread *thread;
} Watchdog;

static gpointer
watchdog_run (gpointer data)
{
  Watchdog *w = data;
  gboolean fire = FALSE;

  g_mutex_lock (&w->lock);
  while (!w->done) {
    if (!g_cond_wait_until (&w->cond, &w->lock, w->deadline)) {
      fire = !w->done;
      break;
    }
  }
  w->fired = fire;
  g_mutex_unlock (&w->lock);

  if (fire)
    g_cancellable_cancel (w->cancel);
  return NULL;
}

static gboolean
watchdog_start (Watchdog * w, GCancellable * cancel, guint timeout_ms,
    GError ** error)
{
  GError *thread_error = NULL;

  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  w->done = FALSE;
  w->fired = FALSE;
  w->deadline = g_get_monotonic_time () + 1000 * (gint64) timeout_ms;
  w->cancel = cancel;
  w->thread = g_thread_try_new ("aura-ai-timer", watchdog_run, w,
      &thread_error);
  if (w->thread == NULL) {
    g_set_error (error, AURA_AI_CLIENT_ERROR, AURA_AI_CLIENT_ERROR_NETWORK,
        "cannot start the request timer: %s", thread_error->message);
    g_error_free (thread_error);
    g_mutex_clear (&w->lock);
    g_cond_clear (&w->cond);
    return FALSE;
  }
  return TRUE;
}

/* Returns TRUE when the deadline cancelled the attempt. */
static gboolean
watchdog_stop (Watchdog * w)
{
  gboolean fired;

  g_mutex_lock (&w->lock);
  w->done = TRUE;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
  g_thread_join (w->thread);
  fired = w->fired;
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  return fired;
}

static void
forward_cancel (GCancellable * source, gpointer attempt_cancel)
{
  g_cancellable_cancel (attempt_cancel);
}

/* Sleeps @ms or until @cancellable is cancelled; FALSE when cancelled. */
static gboolean
sleep_cancellable (guint64 ms, GCancellable * cancellable)
{
  GPollFD pfd;
  gint64 end;

  if (cancellable == NULL || !g_cancellable_make_pollfd (cancellable, &pfd)) {
    g_usleep (ms * 1000);
    return !g_cancellable_is_cancelled (cancellable);
  }
  end = g_get_monotonic_time () + 1000 * (gint64) ms;
  while (!g_cancellable_is_cancelled (cancellable)) {
    gint64 left = end - g_get_monotonic_time ();
    if (left <= 0)
      break;
    g_poll (&pfd, 1, (gint) ((left + 999) / 1000));
  }
  g_cancellable_release_fd (cancellable);
  return !g_cancellable_is_cancelled (cancellable);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                       */

static void
add_message (JsonBuilder * b, const gchar * role, const gchar * content)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, role);
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, content);
  json_builder_end_object (b);
}

static gchar *
build_request_body (AuraAiClient * self, const gchar * system_prompt,
    const gchar * user_prompt, gsize * length)
{
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *gen;
  JsonNode *root;
  gchar *data;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, self->model);
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  if (system_prompt != NULL && *system_prompt != '\0')
    add_message (b, "system", system_prompt);
  add_message (b, "user", user_prompt);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "temperature");
  json_builder_add_double_value (b, TEMPERATURE);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, length);
  g_object_unref (gen);
  json_node_unref (root);
  g_object_unref (b);
  return data;
}

/* FALSE when arrays/objects nest deeper than @max_depth (strings skipped). */
static gboolean
json_depth_ok (const gchar * data, gsize len, guint max_depth)
{
  gboolean in_string = FALSE, escaped = FALSE;
  guint depth = 0;
  gsize i;

  for (i = 0; i < len; i++) {
    gchar c = data[i];
    if (in_string) {
      if (escaped)
        escaped = FALSE;
      else if (c == '\\')
        escaped = TRUE;
      else if (c == '"')
        in_string = FALSE;
    } else if (c == '"') {
      in_string = TRUE;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return FALSE;
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
  return TRUE;
}

static JsonParser *
parse_json (const gchar * data, gsize len, GError ** error)
{
  JsonParser *parser;

  if (len == 0) {
    g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
        "empty body");
    return NULL;
  }
  if (!json_depth_ok (data, len, MAX_JSON_DEPTH)) {
    g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
        "nested deeper than %u levels", MAX_JSON_DEPTH);
    return NULL;
  }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, error)) {
    g_object_unref (parser);
    return NULL;
  }
  return parser;
}

/* choices[0].message.content, stripped, or NULL with a MALFORMED error. */
static gchar *
parse_completion (const gchar * data, gsize len, GError ** error)
{
  GError *json_error = NULL;
  JsonParser *parser;
  JsonNode *root, *node;
  JsonObject *obj;
  JsonArray *choices;
  const gchar *what = NULL;
  gchar *content = NULL;

  parser = parse_json (data, len, &json_error);
  if (parser == NULL) {
    g_set_error (error, AURA_AI_CLIENT_ERROR, AURA_AI_CLIENT_ERROR_MALFORMED,
        "malformed response: not JSON (%s)", json_error->message);
    g_error_free (json_error);
    return NULL;
  }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    what = "not a JSON object";
    goto done;
  }
  node = json_object_get_member (json_node_get_object (root), "choices");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)) {
    what = "no \"choices\" array";
    goto done;
  }
  choices = json_node_get_array (node);
  if (json_array_get_length (choices) == 0) {
    what = "empty \"choices\"";
    goto done;
  }
  node = json_array_get_element (choices, 0);
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    what = "choices[0] is not an object";
    goto done;
  }
  node = json_object_get_member (json_node_get_object (node), "message");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)) {
    what = "no choices[0].message object";
    goto done;
  }
  obj = json_node_get_object (node);
  node = json_object_get_member (obj, "content");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING) {
    what = "choices[0].message.content is not a string";
    goto done;
  }
  content = g_strstrip (g_strdup (json_node_get_string (node)));
  if (*content == '\0') {
    g_clear_pointer (&content, g_free);
    what = "choices[0].message.content is empty";
  }

done:
  if (content == NULL)
    g_set_error (error, AURA_AI_CLIENT_ERROR, AURA_AI_CLIENT_ERROR_MALFORMED,
        "malformed response: %s", what);
  g_object_unref (parser);
  return content;
}

/* The service's own explanation of an error ({"error":{"message":...}}, or
 * {"error":"..."}, or {"message":...}), shortened and made printable; "" when
 * there is none. */
static gchar *
server_error_message (const gchar * data, gsize len)
{
  JsonParser *parser;
  JsonNode *root, *node = NULL;
  JsonObject *obj;
  const gchar *msg = NULL;
  GString *out;
  const gchar *p;

  parser = parse_json (data, len, NULL);
  if (parser == NULL)
    return g_strdup ("");
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)) {
    obj = json_node_get_object (root);
    node = json_object_get_member (obj, "error");
    if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
      node = json_object_get_member (json_node_get_object (node), "message");
    if (node == NULL)
      node = json_object_get_member (obj, "message");
  }
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING)
    msg = json_node_get_string (node);

  out = g_string_new (NULL);
  for (p = msg; p != NULL && *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (g_utf8_strlen (out->str, -1) >= SERVER_MESSAGE_MAX) {
      g_string_append (out, "…");
      break;
    }
    g_string_append_unichar (out, g_unichar_iscntrl (c) ? ' ' : c);
  }
  g_object_unref (parser);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* One attempt                                                                */

typedef struct
{
  AuraAiClient *self;
  SoupSession *session;
  GBytes *body;
  const gchar *key;
  const gchar *request_id;
  GCancellable *cancellable;
  guint attempt;
} Request;

/* Reads at most @cap bytes; *truncated when there was more. */
static gboolean
read_capped (GInputStream * stream, gsize cap, GCancellable * cancellable,
    GByteArray * buf, gboolean * truncated, GError ** error)
{
  guint8 chunk[READ_CHUNK];

  *truncated = FALSE;
  for (;;) {
    gsize want = MIN ((gsize) READ_CHUNK, cap + 1 - buf->len);
    gssize n = g_input_stream_read (stream, chunk, want, cancellable, error);
    if (n < 0)
      return FALSE;
    if (n == 0)
      return TRUE;
    if (buf->len + (gsize) n > cap) {
      g_byte_array_append (buf, chunk, cap - buf->len);
      *truncated = TRUE;
      return TRUE;
    }
    g_byte_array_append (buf, chunk, n);
  }
}

/* Retry-After in delta-seconds, in ms; 0 when absent or an HTTP date. */
static guint64
retry_after_ms (SoupMessage * msg)
{
  const gchar *v =
      soup_message_headers_get_one (soup_message_get_response_headers (msg),
      "Retry-After");
  guint64 seconds;

  if (v == NULL || !g_ascii_string_to_unsigned (v, 10, 0, 24 * 3600, &seconds,
          NULL))
    return 0;
  return seconds * 1000;
}

static gchar *
run_attempt (Request * req, gboolean * retryable, guint64 * retry_after,
    guint * status_out, GError ** error)
{
  AuraAiClient *self = req->self;
  SoupMessage *msg;
  SoupMessageHeaders *headers;
  GCancellable *attempt_cancel;
  GInputStream *stream;
  GByteArray *buf = g_byte_array_new ();
  GError *io_error = NULL;
  Watchdog watchdog;
  gulong handler = 0;
  guint status = 0;
  gboolean ok = FALSE, truncated = FALSE, too_large = FALSE, fired;
  gchar *text = NULL;

  *retryable = FALSE;
  *retry_after = 0;
  *status_out = 0;

  msg = soup_message_new_from_uri (SOUP_METHOD_POST, self->uri);
  /* never follow a redirect: it would carry the key to another place */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  soup_message_headers_replace (headers, "X-Request-ID", req->request_id);
  if (req->key != NULL) {
    gchar *auth = g_strconcat ("Bearer ", req->key, NULL);
    soup_message_headers_replace (headers, "Authorization", auth);
    wipe_free (auth);
  }
  soup_message_set_request_body_from_bytes (msg, "application/json", req->body);

  attempt_cancel = g_cancellable_new ();
  if (req->cancellable != NULL)
    handler = g_cancellable_connect (req->cancellable,
        G_CALLBACK (forward_cancel), attempt_cancel, NULL);
  if (!watchdog_start (&watchdog, attempt_cancel, self->timeout_ms, error)) {
    if (handler != 0)
      g_cancellable_disconnect (req->cancellable, handler);
    g_object_unref (attempt_cancel);
    g_object_unref (msg);
    g_byte_array_unref (buf);
    return NULL;
  }

  stream = soup_session_send (req->session, msg, attempt_cancel, &io_error);
  if (stream != NULL) {
    SoupMessageHeaders *rh = soup_message_get_response_headers (msg);
    gsize cap;

    status = soup_message_get_status (msg);
    ok = SOUP_STATUS_IS_SUCCESSFUL (status);
    cap = ok ? self->max_response_bytes
        : MIN (self->max_response_bytes, (gsize) ERROR_BODY_MAX);
    if (ok && soup_message_headers_get_encoding (rh) ==
        SOUP_ENCODING_CONTENT_LENGTH
        && soup_message_headers_get_content_length (rh) > (goffset) cap)
      too_large = TRUE;
    else if (read_capped (stream, cap, attempt_cancel, buf, &truncated,
            &io_error))
      too_large = ok && truncated;
    /* stopped before the end of the body: close by aborting the message (its
     * connection is dropped, never reused), not by waiting for the rest */
    if (too_large || truncated || io_error != NULL)
      g_cancellable_cancel (attempt_cancel);
    g_input_stream_close (stream, attempt_cancel, NULL);
    g_object_unref (stream);
  }

  fired = watchdog_stop (&watchdog);
  if (handler != 0)
    g_cancellable_disconnect (req->cancellable, handler);
  *status_out = status;

  if (io_error != NULL) {
    if (g_cancellable_is_cancelled (req->cancellable)) {
      g_set_error (error, AURA_AI_CLIENT_ERROR, AURA_AI_CLIENT_ERROR_CANCELLED,
          "AI request cancelled");
    } else if (fired || g_error_matches (io_error, G_IO_ERROR,
            G_IO_ERROR_TIMED_OUT)) {
      g_set_error (error, AURA_AI_CLIENT_ERROR, AURA_AI_CLIENT_ERROR_TIMEOUT,
          "AI service did not answer within %u ms", self->timeout_ms);
      *retryable = TRUE;
    } else {
      g_set_error (error, AURA_AI_CLIENT_ERROR, AURA_AI_CLIENT_ERROR_NETWORK,
          "cannot reach the AI service at %s: %s", self->url_for_log,
          io_error->message);
      /* a certificate or an unsupported scheme will not get better */
      *retryable = io_error->domain != G_TLS_ERROR
          && !g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED)
          && !g_error_matches (io_error, G_IO_ERROR,
          G_IO_ERROR_INVALID_ARGUMENT);
    }
    g_error_free (io_error);
  } else if (too_large) {
    g_set_error (error, AURA_AI_CLIENT_ERROR, AURA_AI_CLIENT_ERROR_TOO_LARGE,
        "AI service response is larger than max_response_bytes (%"
        G_GSIZE_FORMAT ")", self->max_response_bytes);
  } else if (!ok) {
    gchar *server_msg = server_error_message ((const gchar *) buf->data,
        buf->len);
    const gchar *reason = soup_message_get_reason_phrase (msg);

    g_set_error (error, AURA_AI_CLIENT_ERROR, AURA_AI_CLIENT_ERROR_HTTP,
        "AI service returned HTTP %u%s%s%s%s", status,
        reason != NULL && *reason != '\0' ? " " : "", reason ? reason : "",
        *server_msg != '\0' ? ": " : "", server_msg);
    g_free (server_msg);
    *retryable = status == 429 || status >= 500;
    *retry_after = retry_after_ms (msg);
  } else {
    text = parse_completion ((const gchar *) buf->data, buf->len, error);
  }

  g_object_unref (attempt_cancel);
  g_object_unref (msg);
  g_byte_array_unref (buf);
  return text;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                 */

static gboolean
valid_request_id (const gchar * id)
{
  gsize len = strlen (id);
  const gchar *p;

  if (len == 0 || len > REQUEST_ID_MAX)
    return FALSE;
  for (p = id; *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

AuraAiClient *
aura_ai_client_new (const AuraAiClientConfig * config, GError ** error)
{
  AuraAiClient *self;
  GError *uri_error = NULL;
  GUri *uri;
  const gchar *scheme;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

#define INVALID(...) G_STMT_START { \
    g_set_error (error, AURA_AI_CLIENT_ERROR, \
        AURA_AI_CLIENT_ERROR_INVALID_CONFIG, __VA_ARGS__); \
    return NULL; \
  } G_STMT_END

  if (config->url == NULL || *config->url == '\0')
    INVALID ("AI client: no url");
  uri = g_uri_parse (config->url, SOUP_HTTP_URI_FLAGS, &uri_error);
  if (uri == NULL) {
    g_set_error (error, AURA_AI_CLIENT_ERROR,
        AURA_AI_CLIENT_ERROR_INVALID_CONFIG, "AI client: invalid url: %s",
        uri_error->message);
    g_error_free (uri_error);
    return NULL;
  }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0
      && g_ascii_strcasecmp (scheme, "https") != 0) {
    g_uri_unref (uri);
    INVALID ("AI client: url scheme must be http or https");
  }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0') {
    g_uri_unref (uri);
    INVALID ("AI client: url has no host");
  }
  if (g_uri_get_userinfo (uri) != NULL) {
    /* it would be sent and could be logged: the key belongs in api_key_env */
    g_uri_unref (uri);
    INVALID ("AI client: credentials in the url are not supported; "
        "use api_key_env");
  }
  if (config->model == NULL || *config->model == '\0'
      || !g_utf8_validate (config->model, -1, NULL)) {
    g_uri_unref (uri);
    INVALID ("AI client: model must be a non-empty UTF-8 string");
  }
  if (config->max_attempts > AURA_AI_CLIENT_MAX_ATTEMPTS_LIMIT
      || config->timeout_ms > MAX_TIMEOUT_MS
      || config->max_request_bytes > MAX_BODY_LIMIT
      || config->max_response_bytes > MAX_BODY_LIMIT) {
    g_uri_unref (uri);
    INVALID ("AI client: max_attempts (at most %u), timeout_ms (at most %u) "
        "or a byte limit (at most %u) out of range",
        AURA_AI_CLIENT_MAX_ATTEMPTS_LIMIT, MAX_TIMEOUT_MS, MAX_BODY_LIMIT);
  }
#undef INVALID

  self = g_new0 (AuraAiClient, 1);
  self->uri = uri;
  self->url_for_log = g_uri_to_string_partial (uri,
      G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT | G_URI_HIDE_USERINFO);
  self->model = g_strdup (config->model);
  if (config->api_key_env != NULL && *config->api_key_env != '\0')
    self->api_key_env = g_strdup (config->api_key_env);

#define OR_DEFAULT(v, d) ((v) != 0 ? (v) : (d))
  self->timeout_ms = OR_DEFAULT (config->timeout_ms,
      AURA_AI_CLIENT_DEFAULT_TIMEOUT_MS);
  self->max_attempts = OR_DEFAULT (config->max_attempts,
      AURA_AI_CLIENT_DEFAULT_MAX_ATTEMPTS);
  self->backoff_ms = OR_DEFAULT (config->backoff_ms,
      AURA_AI_CLIENT_DEFAULT_BACKOFF_MS);
  self->breaker_threshold = OR_DEFAULT (config->breaker_threshold,
      AURA_AI_CLIENT_DEFAULT_BREAKER_THRESHOLD);
  self->breaker_cooldown_ms = OR_DEFAULT (config->breaker_cooldown_ms,
      AURA_AI_CLIENT_DEFAULT_BREAKER_COOLDOWN_MS);
  self->max_request_bytes = OR_DEFAULT (config->max_request_bytes,
      AURA_AI_CLIENT_DEFAULT_MAX_REQUEST_BYTES);
  self->max_response_bytes = OR_DEFAULT (config->max_response_bytes,
      AURA_AI_CLIENT_DEFAULT_MAX_RESPONSE_BYTES);
#undef OR_DEFAULT

  g_mutex_init (&self->lock);
  return self;
}

void
aura_ai_client_free (AuraAiClient * client)
{
  if (client == NULL)
    return;
  g_mutex_clear (&client->lock);
  g_uri_unref (client->uri);
  g_free (client->url_for_log);
  g_free (client->model);
  g_free (client->api_key_env);
  g_free (client);
}

gchar *
aura_ai_client_complete (AuraAiClient * client, const gchar * system_prompt,
    const gchar * user_prompt, const gchar * request_id,
    GCancellable * cancellable, GError ** error)
{
  AuraAiClient *self = client;
  Request req = { 0, };
  GMainContext *context;
  GError *local_error = NULL;
  gchar *generated_id = NULL, *body = NULL, *key = NULL, *text = NULL;
  gsize body_len;
  gint64 start = g_get_monotonic_time (), remaining_ms;
  BreakerDecision decision;
  Outcome outcome;
  guint attempts, attempt, status = 0;
  gboolean sent = FALSE;

  g_return_val_if_fail (client != NULL, NULL);
  g_return_val_if_fail (user_prompt != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable),
      NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (request_id == NULL) {
    request_id = generated_id = g_uuid_string_random ();
  } else if (!valid_request_id (request_id)) {
    g_set_error (&local_error, AURA_AI_CLIENT_ERROR,
        AURA_AI_CLIENT_ERROR_INVALID_CONFIG,
        "request id must be 1-%u printable ASCII characters", REQUEST_ID_MAX);
    request_id = "(invalid)";
    goto out;
  }

  if (g_cancellable_is_cancelled (cancellable)) {
    g_set_error (&local_error, AURA_AI_CLIENT_ERROR,
        AURA_AI_CLIENT_ERROR_CANCELLED, "AI request cancelled");
    goto out;
  }
  if (*user_prompt == '\0' || !g_utf8_validate (user_prompt, -1, NULL)
      || (system_prompt != NULL && !g_utf8_validate (system_prompt, -1, NULL))) {
    g_set_error (&local_error, AURA_AI_CLIENT_ERROR,
        AURA_AI_CLIENT_ERROR_INVALID_CONFIG,
        "prompts must be UTF-8 and the user prompt not empty");
    goto out;
  }

  body = build_request_body (self, system_prompt, user_prompt, &body_len);
  if (body_len > self->max_request_bytes) {
    g_set_error (&local_error, AURA_AI_CLIENT_ERROR,
        AURA_AI_CLIENT_ERROR_TOO_LARGE,
        "AI request of %" G_GSIZE_FORMAT " bytes exceeds max_request_bytes (%"
        G_GSIZE_FORMAT "); nothing sent", body_len, self->max_request_bytes);
    goto out;
  }

  if (!read_api_key (self, &key, &local_error))
    goto out;

  decision = breaker_enter (self, &remaining_ms);
  if (decision == BREAKER_REFUSE) {
    if (remaining_ms > 0)
      g_set_error (&local_error, AURA_AI_CLIENT_ERROR,
          AURA_AI_CLIENT_ERROR_BREAKER_OPEN,
          "AI service unavailable: circuit breaker open after repeated "
          "failures; next try in %" G_GINT64_FORMAT " ms", remaining_ms);
    else
      g_set_error (&local_error, AURA_AI_CLIENT_ERROR,
          AURA_AI_CLIENT_ERROR_BREAKER_OPEN,
          "AI service unavailable: circuit breaker half-open, its trial "
          "request is in progress");
    goto out;
  }
  /* half-open: one attempt, no retries */
  attempts = decision == BREAKER_TRIAL ? 1 : self->max_attempts;

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  sent = TRUE;
  req.self = self;
  req.session = soup_session_new_with_options ("user-agent", USER_AGENT, NULL);
  req.body = g_bytes_new_take (g_steal_pointer (&body), body_len);
  req.key = key;
  req.request_id = request_id;
  req.cancellable = cancellable;

  log_event (G_LOG_LEVEL_DEBUG, request_id, 0, 0, -1,
      "POST %s model %s, %" G_GSIZE_FORMAT " bytes, key %s%s",
      self->url_for_log, self->model, body_len, key ? "set" : "not set",
      decision == BREAKER_TRIAL ? ", breaker trial" : "");

  for (attempt = 1;; attempt++) {
    gint64 attempt_start = g_get_monotonic_time ();
    gboolean retryable;
    guint64 retry_after, delay;

    req.attempt = attempt;
    g_clear_error (&local_error);
    text = run_attempt (&req, &retryable, &retry_after, &status, &local_error);
    redact_error (local_error, key);
    log_event (G_LOG_LEVEL_DEBUG, request_id, attempt, status,
        ms_since (attempt_start), "attempt %u/%u: %s", attempt, attempts,
        text != NULL ? "ok" : local_error->message);
    if (text != NULL || !retryable || attempt >= attempts)
      break;
    if (retry_after > self->timeout_ms)
      break;                    /* the service asks for a longer pause */

    delay = MAX ((guint64) self->backoff_ms << (attempt - 1), retry_after);
    log_event (G_LOG_LEVEL_DEBUG, request_id, attempt, status, -1,
        "retrying in %" G_GUINT64_FORMAT " ms", delay);
    if (!sleep_cancellable (delay, cancellable)) {
      g_clear_error (&local_error);
      g_set_error (&local_error, AURA_AI_CLIENT_ERROR,
          AURA_AI_CLIENT_ERROR_CANCELLED, "AI request cancelled");
      break;
    }
  }

  g_clear_object (&req.session);
  g_bytes_unref (req.body);
  /* let the session's last sources (closing connections) run and free */
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  if (text != NULL)
    outcome = OUTCOME_SUCCESS;
  else if (g_error_matches (local_error, AURA_AI_CLIENT_ERROR,
          AURA_AI_CLIENT_ERROR_CANCELLED))
    outcome = OUTCOME_NEUTRAL;
  else
    outcome = OUTCOME_FAILURE;
  breaker_leave (self, decision == BREAKER_TRIAL, outcome, request_id);

  if (text != NULL)
    log_event (G_LOG_LEVEL_DEBUG, request_id, attempt, status,
        ms_since (start), "completed, %" G_GSIZE_FORMAT " characters",
        (gsize) g_utf8_strlen (text, -1));
  else
    log_event (outcome == OUTCOME_FAILURE ? G_LOG_LEVEL_MESSAGE :
        G_LOG_LEVEL_DEBUG, request_id, attempt, status, ms_since (start),
        "failed after %u attempt%s: %s", attempt, attempt > 1 ? "s" : "",
        local_error->message);

out:
  if (local_error != NULL && !sent) {
    /* refused before sending anything */
    gboolean notable = g_error_matches (local_error, AURA_AI_CLIENT_ERROR,
        AURA_AI_CLIENT_ERROR_TOO_LARGE)
        || g_error_matches (local_error, AURA_AI_CLIENT_ERROR,
        AURA_AI_CLIENT_ERROR_INVALID_CONFIG);
    log_event (notable ? G_LOG_LEVEL_MESSAGE : G_LOG_LEVEL_DEBUG, request_id,
        0, 0, ms_since (start), "not sent: %s", local_error->message);
  }
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  wipe_free (key);
  g_free (body);
  g_free (generated_id);
  return text;
}
