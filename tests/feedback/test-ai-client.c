/* AURA — tests of the AI client (gst/aura/feedback/aura-ai-client.c) against a
 * fake OpenAI-compatible service: a SoupServer on 127.0.0.1 with a random port,
 * running in its own thread with its own GMainContext. No other network.
 *
 * Paths of the fake service:
 *   /ok                 a valid completion; records the request (JSON body,
 *                       Authorization, X-Request-ID)
 *   /slow               never answers (paused until the server stops)
 *   /error500           always 500
 *   /flaky              500, then 200, then 500...
 *   /429, /429-long     429 with Retry-After: 0 / 3600
 *   /401                401 whose message quotes the Authorization header
 *   /redirect           302 to /ok
 *   /malformed/...      200 with a body that is not a completion
 *   /huge               200, Content-Length: 1 MiB
 *   /huge-chunked       200, chunked, 8 KiB every 10 ms up to 2 MiB
 *   /switch             behaviour set by the test (fail, ok, ok after 300 ms)
 *
 * A log writer sees every record of the client (G_MESSAGES_DEBUG=aura-ai) and
 * checks that the API key never appears in one.
 */
#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "aura-ai-client.h"

#define KEY_ENV "AURA_TEST_AI_KEY"
#define SECRET "sk-test-S3CRET-4f1c9e0d7b"
#define MODEL "test-model"
#define COMPLETION "Clear, steady pace; try a longer pause before the key point."
#define HUGE_BYTES (1024 * 1024)
#define TRICKLE_CHUNK 8192
#define TRICKLE_TOTAL (2 * 1024 * 1024)
#define TRICKLE_PERIOD_MS 10
#define DELAYED_MS 300

/* ------------------------------------------------------------------------ */
/* Timing                                                                     */

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

/* Time bounds are relaxed under valgrind (the code runs 20-50x slower). */
static gint64
slack (gint64 ms)
{
  const gchar *preload = g_getenv ("LD_PRELOAD");
  if (preload != NULL && strstr (preload, "vgpreload") != NULL)
    return ms * 8;
  return ms;
}

/* ------------------------------------------------------------------------ */
/* Log capture                                                                */

static gint log_records;        /* records of the aura-ai domain */
static gint log_structured;     /* ... carrying AURA_REQUEST_ID */
static gint log_leaks;          /* records containing the key */

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField * fields,
    gsize n_fields, gpointer user_data)
{
  gboolean ours = FALSE, has_id = FALSE;
  gsize i;

  for (i = 0; i < n_fields; i++) {
    if (fields[i].length < 0 && fields[i].value != NULL) {
      if (strstr (fields[i].value, SECRET) != NULL)
        g_atomic_int_inc (&log_leaks);
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN")
          && g_str_equal (fields[i].value, "aura-ai"))
        ours = TRUE;
      if (g_str_equal (fields[i].key, "AURA_REQUEST_ID"))
        has_id = TRUE;
    }
  }
  if (ours) {
    g_atomic_int_inc (&log_records);
    if (has_id)
      g_atomic_int_inc (&log_structured);
    /* debug records only on request */
    if ((level & G_LOG_LEVEL_DEBUG) && g_getenv ("AURA_TEST_VERBOSE") == NULL)
      return G_LOG_WRITER_HANDLED;
  }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* ------------------------------------------------------------------------ */
/* The fake service                                                           */

typedef enum
{
  SWITCH_FAIL,
  SWITCH_OK,
  SWITCH_DELAYED_OK,
} SwitchMode;

typedef struct
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  GSocket *listen_socket;
  GSource *accept_source;
  guint port;
  GPtrArray *pending;           /* Pending*, server thread only */

  GMutex lock;                  /* everything below */
  GCond cond;
  gboolean ready;
  GHashTable *hits;             /* path -> count */
  guint total_hits;
  guint flaky_count;
  SwitchMode switch_mode;
  /* the last request to /ok */
  gboolean ok_body_valid;
  gchar *ok_auth;               /* Authorization header, NULL when absent */
  gchar *ok_request_id;
  guint ok_n_messages;
} FakeService;

typedef struct
{
  FakeService *fs;
  SoupServerMessage *msg;
  GSource *timer;
  gboolean finished;
  gsize sent;
} Pending;

static FakeService *fake;

static const gchar ok_response[] =
    "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":"
    "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
    "\"  " COMPLETION "\\n\"},\"finish_reason\":\"stop\"}]}";

static void
respond (SoupServerMessage * msg, guint status, const gchar * body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
      body, strlen (body));
}

static void
pending_finished (SoupServerMessage * msg, Pending * p)
{
  p->finished = TRUE;
  if (p->timer != NULL) {
    g_source_destroy (p->timer);
    g_clear_pointer (&p->timer, g_source_unref);
  }
}

static Pending *
pending_new (FakeService * fs, SoupServerMessage * msg)
{
  Pending *p = g_new0 (Pending, 1);

  p->fs = fs;
  p->msg = g_object_ref (msg);
  g_signal_connect (msg, "finished", G_CALLBACK (pending_finished), p);
  g_signal_connect (msg, "disconnected", G_CALLBACK (pending_finished), p);
  g_ptr_array_add (fs->pending, p);
  return p;
}

static void
pending_free (Pending * p)
{
  if (p->timer != NULL) {
    g_source_destroy (p->timer);
    g_source_unref (p->timer);
  }
  g_signal_handlers_disconnect_by_data (p->msg, p);
  g_object_unref (p->msg);
  g_free (p);
}

static void
start_timer (Pending * p, guint ms, GSourceFunc func)
{
  p->timer = g_timeout_source_new (ms);
  g_source_set_callback (p->timer, func, p, NULL);
  g_source_attach (p->timer, p->fs->context);
}

static gboolean
trickle_tick (gpointer data)
{
  Pending *p = data;
  SoupMessageBody *body = soup_server_message_get_response_body (p->msg);
  gchar chunk[TRICKLE_CHUNK];

  if (p->finished)
    return G_SOURCE_REMOVE;
  memset (chunk, 'x', sizeof chunk);
  soup_message_body_append (body, SOUP_MEMORY_COPY, chunk, sizeof chunk);
  p->sent += sizeof chunk;
  if (p->sent >= TRICKLE_TOTAL)
    soup_message_body_complete (body);
  soup_server_message_unpause (p->msg);
  if (p->sent >= TRICKLE_TOTAL) {
    g_clear_pointer (&p->timer, g_source_unref);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
delayed_ok (gpointer data)
{
  Pending *p = data;

  g_clear_pointer (&p->timer, g_source_unref);
  if (!p->finished) {
    respond (p->msg, SOUP_STATUS_OK, ok_response);
    soup_server_message_unpause (p->msg);
  }
  return G_SOURCE_REMOVE;
}

/* Checks the request body of /ok: model, 2 messages (system, user), all
 * strings, a temperature. */
static gboolean
valid_request_body (SoupServerMessage * msg, guint * n_messages)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  GBytes *bytes = soup_message_body_flatten (body);
  JsonParser *parser = json_parser_new ();
  gboolean valid = FALSE;
  gsize len;
  const gchar *data = g_bytes_get_data (bytes, &len);

  *n_messages = 0;
  if (json_parser_load_from_data (parser, data, len, NULL)) {
    JsonNode *root = json_parser_get_root (parser);
    JsonObject *obj;
    JsonArray *messages;
    guint i;

    if (!JSON_NODE_HOLDS_OBJECT (root))
      goto done;
    obj = json_node_get_object (root);
    if (g_strcmp0 (json_object_get_string_member_with_default (obj, "model",
                ""), MODEL) != 0)
      goto done;
    if (!json_object_has_member (obj, "temperature")
        || json_object_get_double_member (obj, "temperature") != 0.3)
      goto done;
    if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "messages")))
      goto done;
    messages = json_object_get_array_member (obj, "messages");
    *n_messages = json_array_get_length (messages);
    for (i = 0; i < *n_messages; i++) {
      JsonNode *m = json_array_get_element (messages, i);
      const gchar *want_role = i == 0 ? "system" : "user";
      JsonObject *mo;
      if (!JSON_NODE_HOLDS_OBJECT (m))
        goto done;
      mo = json_node_get_object (m);
      if (g_strcmp0 (json_object_get_string_member_with_default (mo, "role",
                  ""), want_role) != 0
          || json_object_get_string_member_with_default (mo, "content",
              NULL) == NULL)
        goto done;
    }
    valid = TRUE;
  }
done:
  g_object_unref (parser);
  g_bytes_unref (bytes);
  return valid;
}

static void
handle (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  FakeService *fs = user_data;
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers
      (msg);
  SoupMessageHeaders *resp_headers =
      soup_server_message_get_response_headers (msg);
  guint count, flaky;
  SwitchMode mode;

  g_mutex_lock (&fs->lock);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (fs->hits, path)) + 1;
  g_hash_table_insert (fs->hits, g_strdup (path), GUINT_TO_POINTER (count));
  fs->total_hits++;
  flaky = g_str_equal (path, "/flaky") ? ++fs->flaky_count : 0;
  mode = fs->switch_mode;
  g_mutex_unlock (&fs->lock);

  if (g_str_equal (path, "/ok")) {
    guint n_messages;
    gboolean valid = valid_request_body (msg, &n_messages);

    g_mutex_lock (&fs->lock);
    fs->ok_body_valid = valid;
    fs->ok_n_messages = n_messages;
    g_free (fs->ok_auth);
    fs->ok_auth = g_strdup (soup_message_headers_get_one (req_headers,
            "Authorization"));
    g_free (fs->ok_request_id);
    fs->ok_request_id = g_strdup (soup_message_headers_get_one (req_headers,
            "X-Request-ID"));
    g_mutex_unlock (&fs->lock);
    respond (msg, SOUP_STATUS_OK, ok_response);
  } else if (g_str_equal (path, "/slow")) {
    pending_new (fs, msg);
    soup_server_message_pause (msg);
  } else if (g_str_equal (path, "/error500")) {
    respond (msg, 500, "{\"error\":{\"message\":\"internal error\"}}");
  } else if (g_str_equal (path, "/flaky")) {
    if (flaky % 2 == 1)
      respond (msg, 500, "{\"error\":{\"message\":\"try again\"}}");
    else
      respond (msg, SOUP_STATUS_OK, ok_response);
  } else if (g_str_equal (path, "/429") || g_str_equal (path, "/429-long")) {
    soup_message_headers_replace (resp_headers, "Retry-After",
        g_str_equal (path, "/429") ? "0" : "3600");
    respond (msg, 429, "{\"error\":{\"message\":\"rate limited\"}}");
  } else if (g_str_equal (path, "/401")) {
    /* like a real service, quotes what it was given */
    const gchar *auth = soup_message_headers_get_one (req_headers,
        "Authorization");
    JsonBuilder *b = json_builder_new ();
    JsonGenerator *gen = json_generator_new ();
    JsonNode *root;
    gchar *text, *body;

    text = g_strdup_printf ("Incorrect API key provided: %s",
        auth ? auth : "(none)");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "error");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "message");
    json_builder_add_string_value (b, text);
    json_builder_end_object (b);
    json_builder_end_object (b);
    root = json_builder_get_root (b);
    json_generator_set_root (gen, root);
    body = json_generator_to_data (gen, NULL);
    respond (msg, 401, body);
    g_free (body);
    g_free (text);
    json_node_unref (root);
    g_object_unref (gen);
    g_object_unref (b);
  } else if (g_str_equal (path, "/redirect")) {
    soup_server_message_set_redirect (msg, 302, "/ok");
  } else if (g_str_equal (path, "/malformed/empty")) {
    respond (msg, SOUP_STATUS_OK, "{\"choices\":[]}");
  } else if (g_str_equal (path, "/malformed/garbage")) {
    respond (msg, SOUP_STATUS_OK, "<html>Bad Gateway?</html> \x01\xff");
  } else if (g_str_equal (path, "/malformed/empty-content")) {
    respond (msg, SOUP_STATUS_OK,
        "{\"choices\":[{\"message\":{\"content\":\" \\n \"}}]}");
  } else if (g_str_equal (path, "/malformed/number")) {
    respond (msg, SOUP_STATUS_OK,
        "{\"choices\":[{\"message\":{\"content\":42}}]}");
  } else if (g_str_equal (path, "/malformed/null")) {
    respond (msg, SOUP_STATUS_OK,
        "{\"choices\":[{\"message\":{\"content\":null}}]}");
  } else if (g_str_equal (path, "/malformed/array")) {
    respond (msg, SOUP_STATUS_OK, "[1,2,3]");
  } else if (g_str_equal (path, "/malformed/deep")) {
    /* would overflow json-glib's recursive parser */
    gsize depth = 120000;
    gchar *body = g_malloc (2 * depth + 1);
    memset (body, '[', depth);
    memset (body + depth, ']', depth);
    body[2 * depth] = '\0';
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_TAKE, body, 2 * depth);
  } else if (g_str_equal (path, "/huge")) {
    gchar *body = g_malloc (HUGE_BYTES);
    memset (body, ' ', HUGE_BYTES);
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_TAKE, body, HUGE_BYTES);
  } else if (g_str_equal (path, "/huge-chunked")) {
    Pending *p = pending_new (fs, msg);
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    soup_message_headers_set_encoding (resp_headers, SOUP_ENCODING_CHUNKED);
    soup_message_headers_set_content_type (resp_headers, "application/json",
        NULL);
    soup_server_message_pause (msg);
    start_timer (p, TRICKLE_PERIOD_MS, trickle_tick);
  } else if (g_str_equal (path, "/switch")) {
    if (mode == SWITCH_FAIL) {
      respond (msg, 503, "{\"error\":{\"message\":\"down\"}}");
    } else if (mode == SWITCH_OK) {
      respond (msg, SOUP_STATUS_OK, ok_response);
    } else {
      Pending *p = pending_new (fs, msg);
      soup_server_message_pause (msg);
      start_timer (p, DELAYED_MS, delayed_ok);
    }
  } else {
    respond (msg, SOUP_STATUS_NOT_FOUND, "{}");
  }
}

static gboolean
accept_one (GSocket * listen_socket, GIOCondition condition, gpointer data)
{
  FakeService *fs = data;
  GSocket *socket = g_socket_accept (listen_socket, NULL, NULL);
  GSocketConnection *conn;
  GSocketAddress *local, *remote;
  GError *error = NULL;

  if (socket == NULL)
    return G_SOURCE_CONTINUE;
  conn = g_socket_connection_factory_create_connection (socket);
  local = g_socket_get_local_address (socket, NULL);
  remote = g_socket_get_remote_address (socket, NULL);
  if (local == NULL || remote == NULL
      || !soup_server_accept_iostream (fs->server, G_IO_STREAM (conn), local,
          remote, &error)) {
    GST_WARNING ("fake service: accept: %s", error ? error->message : "?");
    g_clear_error (&error);
  }
  g_clear_object (&local);
  g_clear_object (&remote);
  g_object_unref (conn);
  g_object_unref (socket);
  return G_SOURCE_CONTINUE;
}

static gpointer
server_thread (gpointer data)
{
  FakeService *fs = data;
  GError *error = NULL;
  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (loopback, 0);

  g_main_context_push_thread_default (fs->context);
  fs->server = soup_server_new ("server-header", "fake-ai ", NULL);
  soup_server_add_handler (fs->server, NULL, handle, fs, NULL);

  /* 127.0.0.1, a free port. We accept the connections and hand them to the
   * server, rather than soup_server_listen_local (...,
   * SOUP_SERVER_LISTEN_IPV4_ONLY, ...): libsoup 3.2's listener leaks every
   * accepted GSocket and its own address, which fails `meson test --setup
   * valgrind` */
  fs->listen_socket = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  if (fs->listen_socket == NULL
      || !g_socket_bind (fs->listen_socket, addr, TRUE, &error)
      || !g_socket_listen (fs->listen_socket, &error))
    g_error ("fake service: %s", error->message);
  g_object_unref (addr);
  addr = g_socket_get_local_address (fs->listen_socket, &error);
  fs->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr));
  g_object_unref (addr);
  g_object_unref (loopback);
  g_socket_set_blocking (fs->listen_socket, FALSE);
  fs->accept_source = g_socket_create_source (fs->listen_socket, G_IO_IN, NULL);
  g_source_set_callback (fs->accept_source, G_SOURCE_FUNC (accept_one), fs,
      NULL);
  g_source_attach (fs->accept_source, fs->context);

  g_mutex_lock (&fs->lock);
  fs->ready = TRUE;
  g_cond_signal (&fs->cond);
  g_mutex_unlock (&fs->lock);

  g_main_loop_run (fs->loop);

  /* paused and trickling messages: drop them with their connections */
  g_ptr_array_set_size (fs->pending, 0);
  g_source_destroy (fs->accept_source);
  g_source_unref (fs->accept_source);
  g_socket_close (fs->listen_socket, NULL);
  g_object_unref (fs->listen_socket);
  soup_server_disconnect (fs->server);
  g_clear_object (&fs->server);
  while (g_main_context_pending (fs->context))
    g_main_context_iteration (fs->context, FALSE);
  g_main_context_pop_thread_default (fs->context);
  return NULL;
}

static void
fake_start (void)
{
  FakeService *fs = g_new0 (FakeService, 1);

  g_mutex_init (&fs->lock);
  g_cond_init (&fs->cond);
  fs->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fs->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  fs->context = g_main_context_new ();
  fs->loop = g_main_loop_new (fs->context, FALSE);
  fs->thread = g_thread_new ("fake-ai", server_thread, fs);
  g_mutex_lock (&fs->lock);
  while (!fs->ready)
    g_cond_wait (&fs->cond, &fs->lock);
  g_mutex_unlock (&fs->lock);
  fake = fs;
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
fake_stop (void)
{
  FakeService *fs = fake;
  GSource *idle = g_idle_source_new ();

  /* from inside the loop: a quit before g_main_loop_run() would be lost */
  g_source_set_callback (idle, quit_loop, fs->loop, NULL);
  g_source_attach (idle, fs->context);
  g_source_unref (idle);
  g_thread_join (fs->thread);
  g_main_loop_unref (fs->loop);
  g_main_context_unref (fs->context);
  g_ptr_array_unref (fs->pending);
  g_hash_table_unref (fs->hits);
  g_free (fs->ok_auth);
  g_free (fs->ok_request_id);
  g_mutex_clear (&fs->lock);
  g_cond_clear (&fs->cond);
  g_free (fs);
  fake = NULL;
}

static guint
hits (const gchar * path)
{
  guint n;

  g_mutex_lock (&fake->lock);
  n = path ? GPOINTER_TO_UINT (g_hash_table_lookup (fake->hits, path))
      : fake->total_hits;
  g_mutex_unlock (&fake->lock);
  return n;
}

static void
set_switch (SwitchMode mode)
{
  g_mutex_lock (&fake->lock);
  fake->switch_mode = mode;
  g_mutex_unlock (&fake->lock);
}

static gchar *
url_for (const gchar * path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", fake->port, path);
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                    */

/* Test defaults: short back-off, long cool-down. */
static AuraAiClient *
client_for (const gchar * path, AuraAiClientConfig * base)
{
  AuraAiClientConfig c = { 0, };
  AuraAiClient *client;
  GError *error = NULL;
  gchar *url = url_for (path);

  if (base != NULL)
    c = *base;
  c.url = url;
  if (c.model == NULL)
    c.model = MODEL;
  if (c.api_key_env == NULL)
    c.api_key_env = KEY_ENV;
  if (c.backoff_ms == 0)
    c.backoff_ms = 10;
  if (c.timeout_ms == 0)
    c.timeout_ms = 5000;
  client = aura_ai_client_new (&c, &error);
  fail_unless (client != NULL, "client: %s", error ? error->message : "?");
  g_free (url);
  return client;
}

static gchar *
complete (AuraAiClient * client, GCancellable * cancellable, GError ** error)
{
  return aura_ai_client_complete (client,
      "You are a concise public-speaking coach.",
      "Facts: pace 182 wpm (fast); 3 long pauses; loudness -23 LUFS.",
      NULL, cancellable, error);
}

/* Asserts the error's code, and that the key is not in its message. */
static void
assert_error (GError * error, AuraAiClientError code)
{
  fail_unless (error != NULL, "expected error %d, got none", code);
  fail_unless (error->domain == AURA_AI_CLIENT_ERROR,
      "wrong domain: %s", error->message);
  fail_unless (error->code == (gint) code, "expected code %d, got %d: %s",
      code, error->code, error->message);
  fail_unless (strstr (error->message, SECRET) == NULL,
      "key in error message: %s", error->message);
  GST_INFO ("error %d: %s", code, error->message);
}

static void
expect_failure (AuraAiClient * client, AuraAiClientError code)
{
  GError *error = NULL;
  gchar *text = complete (client, NULL, &error);

  fail_unless (text == NULL);
  assert_error (error, code);
  g_error_free (error);
}

static void
setup (void)
{
  g_setenv (KEY_ENV, SECRET, TRUE);
  g_atomic_int_set (&log_leaks, 0);
  fake_start ();
}

static void
teardown (void)
{
  fake_stop ();
  fail_unless_equals_int (g_atomic_int_get (&log_leaks), 0);
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                      */

GST_START_TEST (test_ok_with_key)
{
  AuraAiClient *client = client_for ("/ok", NULL);
  GError *error = NULL;
  gint records = g_atomic_int_get (&log_structured);
  gchar *text;

  text = aura_ai_client_complete (client, "system prompt", "user prompt",
      "req-42", NULL, &error);
  fail_unless (text != NULL, "%s", error ? error->message : "?");
  /* stripped */
  fail_unless_equals_string (text, COMPLETION);
  fail_unless_equals_int (hits ("/ok"), 1);
  fail_unless (fake->ok_body_valid);
  fail_unless_equals_int (fake->ok_n_messages, 2);
  fail_unless_equals_string (fake->ok_auth, "Bearer " SECRET);
  fail_unless_equals_string (fake->ok_request_id, "req-42");
  fail_if (aura_ai_client_breaker_open (client));
  /* structured debug records, with the request id */
  fail_unless (g_atomic_int_get (&log_structured) > records);
  g_free (text);

  /* generated request id */
  text = complete (client, NULL, &error);
  fail_unless (text != NULL);
  fail_unless (fake->ok_request_id != NULL
      && strlen (fake->ok_request_id) == 36, "%s", fake->ok_request_id);
  g_free (text);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_ok_without_key)
{
  AuraAiClientConfig c = { 0, };
  AuraAiClient *client;
  GError *error = NULL;
  gchar *text;

  /* variable unset */
  g_unsetenv (KEY_ENV);
  client = client_for ("/ok", NULL);
  text = complete (client, NULL, &error);
  fail_unless (text != NULL, "%s", error ? error->message : "?");
  fail_unless (fake->ok_body_valid);
  fail_unless (fake->ok_auth == NULL, "Authorization: %s", fake->ok_auth);
  g_free (text);

  /* variable empty */
  g_setenv (KEY_ENV, "", TRUE);
  text = complete (client, NULL, &error);
  fail_unless (text != NULL);
  fail_unless (fake->ok_auth == NULL);
  g_free (text);
  aura_ai_client_free (client);

  /* no variable configured: the key in the environment is not sent */
  g_setenv (KEY_ENV, SECRET, TRUE);
  c.api_key_env = "";
  client = client_for ("/ok", &c);
  text = complete (client, NULL, &error);
  fail_unless (text != NULL);
  fail_unless (fake->ok_auth == NULL);
  g_free (text);
  aura_ai_client_free (client);

  /* a key that would inject a header */
  g_setenv (KEY_ENV, "abc\r\nX-Evil: 1", TRUE);
  client = client_for ("/ok", NULL);
  expect_failure (client, AURA_AI_CLIENT_ERROR_INVALID_CONFIG);
  fail_unless_equals_int (hits (NULL), 3);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_no_system_prompt)
{
  AuraAiClient *client = client_for ("/ok", NULL);
  GError *error = NULL;
  gchar *text;

  text = aura_ai_client_complete (client, NULL, "only the user", NULL, NULL,
      &error);
  fail_unless (text != NULL);
  fail_unless_equals_int (fake->ok_n_messages, 1);
  g_free (text);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_slow_timeout)
{
  AuraAiClientConfig c = {.timeout_ms = 500,.max_attempts = 1 };
  AuraAiClient *client = client_for ("/slow", &c);
  gint64 t0 = now_ms (), elapsed;

  expect_failure (client, AURA_AI_CLIENT_ERROR_TIMEOUT);
  elapsed = now_ms () - t0;
  GST_INFO ("timeout after %" G_GINT64_FORMAT " ms", elapsed);
  fail_unless (elapsed >= 490, "returned after %" G_GINT64_FORMAT " ms",
      elapsed);
  fail_unless (elapsed <= 500 + slack (100), "returned after %"
      G_GINT64_FORMAT " ms", elapsed);
  fail_unless_equals_int (hits ("/slow"), 1);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_slow_timeout_retried)
{
  AuraAiClientConfig c = {.timeout_ms = 300,.max_attempts = 2,
    .backoff_ms = 50
  };
  AuraAiClient *client = client_for ("/slow", &c);
  gint64 t0 = now_ms (), elapsed;

  expect_failure (client, AURA_AI_CLIENT_ERROR_TIMEOUT);
  elapsed = now_ms () - t0;
  /* 300 + 50 + 300 */
  fail_unless (elapsed >= 640 && elapsed <= 650 + slack (130),
      "returned after %" G_GINT64_FORMAT " ms", elapsed);
  fail_unless_equals_int (hits ("/slow"), 2);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_error500_retries_and_breaker)
{
  AuraAiClientConfig c = {.max_attempts = 3,.breaker_threshold = 3,
    .breaker_cooldown_ms = 300
  };
  AuraAiClient *client = client_for ("/error500", &c);
  GError *error = NULL;
  gint64 t0;
  guint i;

  for (i = 1; i <= 3; i++) {
    fail_if (aura_ai_client_breaker_open (client));
    fail_unless (complete (client, NULL, &error) == NULL);
    assert_error (error, AURA_AI_CLIENT_ERROR_HTTP);
    fail_unless (strstr (error->message, "500") != NULL, "%s", error->message);
    fail_unless (strstr (error->message, "internal error") != NULL, "%s",
        error->message);
    g_clear_error (&error);
    /* every request made all its attempts */
    fail_unless_equals_int (hits ("/error500"), 3 * i);
  }

  /* open: immediate failure, nothing sent */
  fail_unless (aura_ai_client_breaker_open (client));
  t0 = now_ms ();
  expect_failure (client, AURA_AI_CLIENT_ERROR_BREAKER_OPEN);
  fail_unless (now_ms () - t0 < slack (50));
  fail_unless_equals_int (hits ("/error500"), 9);

  /* after the cool-down: one trial request, one attempt */
  g_usleep (350 * 1000);
  fail_if (aura_ai_client_breaker_open (client));
  expect_failure (client, AURA_AI_CLIENT_ERROR_HTTP);
  fail_unless_equals_int (hits ("/error500"), 10);

  /* the trial failed: open again */
  fail_unless (aura_ai_client_breaker_open (client));
  expect_failure (client, AURA_AI_CLIENT_ERROR_BREAKER_OPEN);
  fail_unless_equals_int (hits ("/error500"), 10);
  aura_ai_client_free (client);
}

GST_END_TEST;

static gpointer
complete_in_thread (gpointer client)
{
  GError *error = NULL;
  gchar *text = complete (client, NULL, &error);

  if (error != NULL)
    GST_INFO ("thread: %s", error->message);
  g_clear_error (&error);
  return text;
}

GST_START_TEST (test_breaker_half_open)
{
  AuraAiClientConfig c = {.max_attempts = 2,.breaker_threshold = 1,
    .breaker_cooldown_ms = 300
  };
  AuraAiClient *client = client_for ("/switch", &c);
  GThread *trial;
  gchar *text;

  set_switch (SWITCH_FAIL);
  expect_failure (client, AURA_AI_CLIENT_ERROR_HTTP);
  fail_unless_equals_int (hits ("/switch"), 2);
  fail_unless (aura_ai_client_breaker_open (client));

  /* the service is back, slowly: the trial takes 300 ms; meanwhile the
   * breaker refuses other requests */
  g_usleep (350 * 1000);
  set_switch (SWITCH_DELAYED_OK);
  trial = g_thread_new ("trial", complete_in_thread, client);
  g_usleep (100 * 1000);
  fail_unless (aura_ai_client_breaker_open (client));
  expect_failure (client, AURA_AI_CLIENT_ERROR_BREAKER_OPEN);
  text = g_thread_join (trial);
  fail_unless_equals_string (text, COMPLETION);
  g_free (text);
  fail_unless_equals_int (hits ("/switch"), 3);

  /* closed: requests go through again, with their retries */
  fail_if (aura_ai_client_breaker_open (client));
  set_switch (SWITCH_OK);
  text = complete (client, NULL, NULL);
  fail_unless_equals_string (text, COMPLETION);
  g_free (text);
  set_switch (SWITCH_FAIL);
  expect_failure (client, AURA_AI_CLIENT_ERROR_HTTP);
  fail_unless_equals_int (hits ("/switch"), 6);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_success_resets_breaker_count)
{
  AuraAiClientConfig c = {.max_attempts = 1,.breaker_threshold = 2 };
  AuraAiClient *client = client_for ("/switch", &c);
  gchar *text;

  set_switch (SWITCH_FAIL);
  expect_failure (client, AURA_AI_CLIENT_ERROR_HTTP);
  set_switch (SWITCH_OK);
  text = complete (client, NULL, NULL);
  fail_unless (text != NULL);
  g_free (text);
  set_switch (SWITCH_FAIL);
  expect_failure (client, AURA_AI_CLIENT_ERROR_HTTP);
  /* 1 consecutive failure only */
  fail_if (aura_ai_client_breaker_open (client));
  expect_failure (client, AURA_AI_CLIENT_ERROR_HTTP);
  fail_unless (aura_ai_client_breaker_open (client));
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_malformed)
{
  static const gchar *paths[] = { "/malformed/empty", "/malformed/garbage",
    "/malformed/empty-content", "/malformed/number", "/malformed/null",
    "/malformed/array", "/malformed/deep", "/nowhere"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (paths); i++) {
    AuraAiClient *client = client_for (paths[i], NULL);
    GError *error = NULL;

    fail_unless (complete (client, NULL, &error) == NULL);
    if (g_str_equal (paths[i], "/nowhere")) {
      /* 404: a client error, not retried */
      assert_error (error, AURA_AI_CLIENT_ERROR_HTTP);
    } else {
      assert_error (error, AURA_AI_CLIENT_ERROR_MALFORMED);
      fail_unless (strstr (error->message, "malformed response") != NULL);
    }
    /* not retried */
    fail_unless_equals_int (hits (paths[i]), 1);
    g_error_free (error);
    aura_ai_client_free (client);
  }
}

GST_END_TEST;

GST_START_TEST (test_huge)
{
  AuraAiClientConfig c = {.max_response_bytes = 64 * 1024 };
  AuraAiClient *client = client_for ("/huge", &c);
  gint64 t0;

  expect_failure (client, AURA_AI_CLIENT_ERROR_TOO_LARGE);
  fail_unless_equals_int (hits ("/huge"), 1);
  aura_ai_client_free (client);

  /* no Content-Length, 2 MiB trickled over 2.5 s: cut at 64 KiB */
  client = client_for ("/huge-chunked", &c);
  t0 = now_ms ();
  expect_failure (client, AURA_AI_CLIENT_ERROR_TOO_LARGE);
  GST_INFO ("chunked cut after %" G_GINT64_FORMAT " ms", now_ms () - t0);
  fail_unless (now_ms () - t0 < slack (1000));
  fail_unless_equals_int (hits ("/huge-chunked"), 1);
  aura_ai_client_free (client);

  /* the default limit (256 KiB) */
  client = client_for ("/huge", NULL);
  expect_failure (client, AURA_AI_CLIENT_ERROR_TOO_LARGE);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_flaky)
{
  AuraAiClient *client = client_for ("/flaky", NULL);
  GError *error = NULL;
  gchar *text;

  text = complete (client, NULL, &error);
  fail_unless (text != NULL, "%s", error ? error->message : "?");
  fail_unless_equals_string (text, COMPLETION);
  fail_unless_equals_int (hits ("/flaky"), 2);
  g_free (text);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_429)
{
  AuraAiClient *client = client_for ("/429", NULL);
  GError *error = NULL;

  fail_unless (complete (client, NULL, &error) == NULL);
  assert_error (error, AURA_AI_CLIENT_ERROR_HTTP);
  fail_unless (strstr (error->message, "429") != NULL);
  fail_unless_equals_int (hits ("/429"), 3);
  g_clear_error (&error);
  aura_ai_client_free (client);

  /* Retry-After longer than timeout_ms: no retry */
  client = client_for ("/429-long", NULL);
  expect_failure (client, AURA_AI_CLIENT_ERROR_HTTP);
  fail_unless_equals_int (hits ("/429-long"), 1);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_401_not_retried_key_redacted)
{
  AuraAiClient *client = client_for ("/401", NULL);
  GError *error = NULL;

  fail_unless (complete (client, NULL, &error) == NULL);
  /* assert_error checks the key is not there */
  assert_error (error, AURA_AI_CLIENT_ERROR_HTTP);
  fail_unless (strstr (error->message, "401") != NULL, "%s", error->message);
  fail_unless (strstr (error->message, "Incorrect API key") != NULL, "%s",
      error->message);
  fail_unless (strstr (error->message, "[redacted]") != NULL, "%s",
      error->message);
  fail_unless_equals_int (hits ("/401"), 1);
  g_error_free (error);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_redirect_not_followed)
{
  AuraAiClient *client = client_for ("/redirect", NULL);

  expect_failure (client, AURA_AI_CLIENT_ERROR_HTTP);
  fail_unless_equals_int (hits ("/redirect"), 1);
  fail_unless_equals_int (hits ("/ok"), 0);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_request_too_large)
{
  AuraAiClientConfig c = {.max_request_bytes = 1024,.breaker_threshold = 1 };
  AuraAiClient *client = client_for ("/ok", &c);
  GError *error = NULL;
  gchar *big = g_strnfill (4096, 'a');
  gchar *text;

  fail_unless (aura_ai_client_complete (client, "sys", big, NULL, NULL,
          &error) == NULL);
  assert_error (error, AURA_AI_CLIENT_ERROR_TOO_LARGE);
  g_clear_error (&error);
  fail_unless_equals_int (hits (NULL), 0);
  /* not a failure of the service */
  fail_if (aura_ai_client_breaker_open (client));

  /* the default limit, 64 KiB */
  aura_ai_client_free (client);
  client = client_for ("/ok", NULL);
  g_free (big);
  big = g_strnfill (70 * 1024, 'a');
  fail_unless (aura_ai_client_complete (client, "sys", big, NULL, NULL,
          &error) == NULL);
  assert_error (error, AURA_AI_CLIENT_ERROR_TOO_LARGE);
  g_clear_error (&error);
  fail_unless_equals_int (hits (NULL), 0);
  /* just under it */
  g_free (big);
  big = g_strnfill (60 * 1024, 'a');
  text = aura_ai_client_complete (client, "sys", big, NULL, NULL, &error);
  fail_unless (text != NULL);
  g_free (text);
  g_free (big);
  aura_ai_client_free (client);
}

GST_END_TEST;

typedef struct
{
  GCancellable *cancellable;
  guint delay_ms;
} CancelLater;

static gpointer
cancel_later (gpointer data)
{
  CancelLater *cl = data;

  g_usleep (cl->delay_ms * 1000);
  g_cancellable_cancel (cl->cancellable);
  return NULL;
}

static void
check_cancel (const gchar * path, AuraAiClientConfig * c, guint expect_hits)
{
  AuraAiClient *client = client_for (path, c);
  CancelLater cl = { g_cancellable_new (), 200 };
  GThread *thread = g_thread_new ("cancel", cancel_later, &cl);
  GError *error = NULL;
  gint64 t0 = now_ms (), elapsed;

  fail_unless (complete (client, cl.cancellable, &error) == NULL);
  elapsed = now_ms () - t0;
  assert_error (error, AURA_AI_CLIENT_ERROR_CANCELLED);
  fail_unless (elapsed >= 190 && elapsed < 200 + slack (150),
      "%s: cancelled after %" G_GINT64_FORMAT " ms", path, elapsed);
  fail_unless_equals_int (hits (path), expect_hits);
  /* a cancellation is not a failure of the service */
  fail_if (aura_ai_client_breaker_open (client));
  g_thread_join (thread);
  g_object_unref (cl.cancellable);
  g_error_free (error);
  aura_ai_client_free (client);
}

GST_START_TEST (test_cancel)
{
  AuraAiClientConfig during_wait = {.breaker_threshold = 1 };
  AuraAiClientConfig during_backoff = {.backoff_ms = 3000,
    .breaker_threshold = 1
  };
  AuraAiClient *client;
  GCancellable *cancellable = g_cancellable_new ();
  GError *error = NULL;

  /* already cancelled: nothing sent */
  client = client_for ("/ok", NULL);
  g_cancellable_cancel (cancellable);
  fail_unless (complete (client, cancellable, &error) == NULL);
  assert_error (error, AURA_AI_CLIENT_ERROR_CANCELLED);
  fail_unless_equals_int (hits (NULL), 0);
  g_clear_error (&error);
  g_object_unref (cancellable);
  aura_ai_client_free (client);

  /* while waiting for an answer (timeout 5 s) */
  check_cancel ("/slow", &during_wait, 1);
  /* during the back-off after a 500 */
  check_cancel ("/error500", &during_backoff, 1);
}

GST_END_TEST;

GST_START_TEST (test_connection_refused)
{
  AuraAiClientConfig c = {.max_attempts = 2 };
  GSocket *socket;
  GSocketAddress *addr;
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  AuraAiClient *client;
  GError *error = NULL;
  gchar *url;
  guint port;
  gint64 t0;

  /* a port nobody listens on */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, &error);
  fail_unless (socket != NULL);
  addr = g_inet_socket_address_new (lo, 0);
  fail_unless (g_socket_bind (socket, addr, FALSE, &error));
  g_object_unref (addr);
  addr = g_socket_get_local_address (socket, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr));
  g_object_unref (addr);
  g_object_unref (socket);
  g_object_unref (lo);

  url = g_strdup_printf ("http://127.0.0.1:%u/v1/chat/completions", port);
  c.url = url;
  c.model = MODEL;
  c.backoff_ms = 10;
  client = aura_ai_client_new (&c, &error);
  fail_unless (client != NULL);
  t0 = now_ms ();
  expect_failure (client, AURA_AI_CLIENT_ERROR_NETWORK);
  fail_unless (now_ms () - t0 < slack (1000));
  g_free (url);
  aura_ai_client_free (client);
}

GST_END_TEST;

GST_START_TEST (test_invalid_config)
{
  static const struct
  {
    const gchar *url, *model;
    guint max_attempts;
  } bad[] = {
    {"ftp://127.0.0.1/v1/chat/completions", MODEL, 0},
    {"file:///etc/passwd", MODEL, 0},
    {"not a url", MODEL, 0},
    {"", MODEL, 0},
    {NULL, MODEL, 0},
    {"http://", MODEL, 0},
    {"http://user:pw@127.0.0.1/v1/chat/completions", MODEL, 0},
    {"http://127.0.0.1/v1/chat/completions", "", 0},
    {"http://127.0.0.1/v1/chat/completions", NULL, 0},
    {"http://127.0.0.1/v1/chat/completions", MODEL, 11},
  };
  AuraAiClientConfig c = { 0, };
  AuraAiClient *client;
  GError *error = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    c.url = bad[i].url;
    c.model = bad[i].model;
    c.max_attempts = bad[i].max_attempts;
    client = aura_ai_client_new (&c, &error);
    fail_unless (client == NULL, "accepted %s / %s", bad[i].url, bad[i].model);
    assert_error (error, AURA_AI_CLIENT_ERROR_INVALID_CONFIG);
    g_clear_error (&error);
  }

  /* https and upper-case schemes are fine */
  c.url = "HTTPS://api.example.com/v1/chat/completions";
  c.model = MODEL;
  c.max_attempts = 10;
  client = aura_ai_client_new (&c, &error);
  fail_unless (client != NULL, "%s", error ? error->message : "");
  aura_ai_client_free (client);
  aura_ai_client_free (NULL);

  /* bad arguments */
  client = client_for ("/ok", NULL);
  fail_unless (aura_ai_client_complete (client, "s", "u", "bad id\n", NULL,
          &error) == NULL);
  assert_error (error, AURA_AI_CLIENT_ERROR_INVALID_CONFIG);
  g_clear_error (&error);
  fail_unless (aura_ai_client_complete (client, "s", "", NULL, NULL,
          &error) == NULL);
  assert_error (error, AURA_AI_CLIENT_ERROR_INVALID_CONFIG);
  g_clear_error (&error);
  fail_unless (aura_ai_client_complete (client, "s", "bad \xff utf-8", NULL,
          NULL, &error) == NULL);
  assert_error (error, AURA_AI_CLIENT_ERROR_INVALID_CONFIG);
  g_clear_error (&error);
  /* error may be NULL */
  fail_unless (aura_ai_client_complete (client, "s", "", NULL, NULL,
          NULL) == NULL);
  fail_unless_equals_int (hits (NULL), 0);
  aura_ai_client_free (client);
}

GST_END_TEST;

#define N_THREADS 8
#define N_PER_THREAD 3

static gpointer
hammer (gpointer client)
{
  guint i, ok = 0;

  for (i = 0; i < N_PER_THREAD; i++) {
    gchar *text = complete (client, NULL, NULL);
    if (text != NULL)
      ok++;
    g_free (text);
  }
  return GUINT_TO_POINTER (ok);
}

GST_START_TEST (test_shared_client_threads)
{
  AuraAiClientConfig c = {.max_attempts = 1,.breaker_threshold = 3 };
  AuraAiClient *client = client_for ("/ok", NULL);
  GThread *threads[N_THREADS];
  guint i, ok = 0;

  for (i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("hammer", hammer, client);
  for (i = 0; i < N_THREADS; i++)
    ok += GPOINTER_TO_UINT (g_thread_join (threads[i]));
  fail_unless_equals_int (ok, N_THREADS * N_PER_THREAD);
  fail_unless_equals_int (hits ("/ok"), N_THREADS * N_PER_THREAD);
  aura_ai_client_free (client);

  /* failing concurrently: the breaker opens, once, and stays consistent */
  client = client_for ("/error500", &c);
  for (i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("hammer", hammer, client);
  for (i = 0; i < N_THREADS; i++)
    ok = GPOINTER_TO_UINT (g_thread_join (threads[i]));
  fail_unless_equals_int (ok, 0);
  fail_unless (aura_ai_client_breaker_open (client));
  fail_unless (hits ("/error500") >= 3);
  fail_unless (hits ("/error500") < N_THREADS * N_PER_THREAD);
  aura_ai_client_free (client);
}

GST_END_TEST;

static Suite *
ai_client_suite (void)
{
  Suite *s = suite_create ("ai-client");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 30);
  tcase_add_checked_fixture (tc, setup, teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ok_with_key);
  tcase_add_test (tc, test_ok_without_key);
  tcase_add_test (tc, test_no_system_prompt);
  tcase_add_test (tc, test_slow_timeout);
  tcase_add_test (tc, test_slow_timeout_retried);
  tcase_add_test (tc, test_error500_retries_and_breaker);
  tcase_add_test (tc, test_breaker_half_open);
  tcase_add_test (tc, test_success_resets_breaker_count);
  tcase_add_test (tc, test_malformed);
  tcase_add_test (tc, test_huge);
  tcase_add_test (tc, test_flaky);
  tcase_add_test (tc, test_429);
  tcase_add_test (tc, test_401_not_retried_key_redacted);
  tcase_add_test (tc, test_redirect_not_followed);
  tcase_add_test (tc, test_request_too_large);
  tcase_add_test (tc, test_cancel);
  tcase_add_test (tc, test_connection_refused);
  tcase_add_test (tc, test_invalid_config);
  tcase_add_test (tc, test_shared_client_threads);
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *debug = g_getenv ("G_MESSAGES_DEBUG");

  /* the client formats its debug records only when they would be shown */
  if (debug == NULL || *debug == '\0') {
    g_setenv ("G_MESSAGES_DEBUG", "aura-ai", TRUE);
  } else if (strstr (debug, "aura-ai") == NULL && strstr (debug, "all") == NULL) {
    gchar *both = g_strconcat (debug, " aura-ai", NULL);
    g_setenv ("G_MESSAGES_DEBUG", both, TRUE);
    g_free (both);
  }
  /* loopback only, whatever the environment says */
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");
  g_log_set_writer_func (capture_writer, NULL, NULL);
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (ai_client_suite (), "ai-client", __FILE__);
}
