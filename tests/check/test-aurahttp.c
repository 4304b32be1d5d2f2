/* AURA — gst-check tests of the HTTP API (gst/aura/server): a real libsoup
 * client against a real server on loopback, over session databases recorded
 * by aurasessionsink (GstHarness with synthetic records, and real analysis
 * pipelines for uploads and the live WebSocket).
 *
 * The server runs in a thread of its own (aura_server_thread_start) and the
 * test thread speaks to it with synchronous SoupSession calls; the WebSocket
 * tests iterate the test thread's default main context.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include "aura-schema.h"
#include "gstauraelements.h"
#include "server/aura-server.h"
#include "store/aura-store.h"

#define S GST_SECOND
#define TOKEN "s3cret-token"

static gchar *tmpdir;
static gchar *db_path;
static SoupSession *soup;
static AuraServerThread *server;
static guint port;

/* Waits are ten times longer under valgrind. */
static gdouble
slow (gdouble seconds)
{
  return RUNNING_ON_VALGRIND ? seconds * 10 : seconds;
}

/* ---- fixture ------------------------------------------------------------ */

static void remove_tree (const gchar * path);

static void
stop_server (void)
{
  g_clear_pointer (&server, aura_server_thread_stop);
  port = 0;
}

/* Every test's directory is made in one made by the suite, which the
 * process that made it removes at exit: a test that fails skips its
 * teardown. */
static gchar *basedir;
static pid_t base_pid;

static void
remove_basedir (void)
{
  if (basedir && getpid () == base_pid)
    remove_tree (basedir);
}

static void
make_basedir (void)
{
  basedir = g_dir_make_tmp ("aura-http-XXXXXX", NULL);
  if (basedir == NULL)
    g_error ("cannot make a temporary directory");
  base_pid = getpid ();
  atexit (remove_basedir);
}

/* Criticals and warnings of the server's threads (and the pipelines'):
 * gst-check's handler would fail the test from that thread, which without
 * fork jumps across threads. They are kept, and fail the test from its own
 * thread (assert_no_thread_logs, at teardown at the latest). */
static GThread *test_thread;
static GMutex log_lock;
static GString *thread_logs;
static GstCheckLogFilter *log_filters[5];

static gboolean
other_thread_log (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer user_data)
{
  if (g_thread_self () == test_thread)
    return FALSE;
  g_mutex_lock (&log_lock);
  g_string_append_printf (thread_logs, "%s%s-%s in another thread: %s",
      thread_logs->len ? "; " : "", domain ? domain : "",
      (level & G_LOG_LEVEL_CRITICAL) ? "CRITICAL" : "WARNING", message);
  g_mutex_unlock (&log_lock);
  return TRUE;
}

static void
assert_no_thread_logs (void)
{
  gchar *logs;

  g_mutex_lock (&log_lock);
  logs = g_strdup (thread_logs ? thread_logs->str : "");
  if (thread_logs)
    g_string_truncate (thread_logs, 0);
  g_mutex_unlock (&log_lock);
  fail_unless (*logs == '\0', "%s", logs);
  g_free (logs);
}

static void
watch_thread_logs (void)
{
  static const gchar *const domains[] = { NULL, "GStreamer", "GLib-GObject",
    "GLib-GIO", "GLib"
  };
  guint i;

  test_thread = g_thread_self ();
  if (thread_logs == NULL)
    thread_logs = g_string_new (NULL);
  for (i = 0; i < G_N_ELEMENTS (domains); i++)
    log_filters[i] = gst_check_add_log_filter (domains[i],
        G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING, g_regex_new (".*",
            G_REGEX_DOTALL, 0, NULL), other_thread_log, NULL, NULL);
}

static void
unwatch_thread_logs (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (log_filters); i++)
    g_clear_pointer (&log_filters[i], gst_check_remove_log_filter);
}

static void
setup (void)
{
  stop_server ();
  unwatch_thread_logs ();
  watch_thread_logs ();
  tmpdir = g_build_filename (basedir, "test-XXXXXX", NULL);
  if (g_mkdtemp (tmpdir) == NULL)
    g_clear_pointer (&tmpdir, g_free);
  fail_unless (tmpdir != NULL);
  db_path = g_build_filename (tmpdir, "sessions.db", NULL);
  /* no proxy: the server is on loopback whatever http_proxy says */
  soup = soup_session_new_with_options ("proxy-resolver", NULL,
      "timeout", (guint) slow (30), NULL);
}

static void
remove_tree (const gchar * path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    gchar *p = g_build_filename (path, name, NULL);

    if (g_file_test (p, G_FILE_TEST_IS_DIR))
      remove_tree (p);
    else
      g_unlink (p);
    g_free (p);
  }
  if (dir)
    g_dir_close (dir);
  g_rmdir (path);
}

static void
teardown (void)
{
  stop_server ();
  unwatch_thread_logs ();
  g_clear_object (&soup);
  remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&db_path, g_free);
  assert_no_thread_logs ();
}

typedef struct
{
  const gchar *token;
  const gchar *const *cors;
  gsize max_body;
  guint workers, queue, follow_ms;
} ServerOptions;

static void
start_server_with (const ServerOptions * opt)
{
  AuraServerConfig cfg = { 0, };
  GError *error = NULL;

  stop_server ();
  cfg.db_path = db_path;
  cfg.port = 0;
  cfg.token = opt->token;
  cfg.cors_origins = opt->cors;
  cfg.max_body = opt->max_body;
  cfg.upload_workers = opt->workers;
  cfg.upload_queue = opt->queue;
  cfg.follow_ms = opt->follow_ms;
  server = aura_server_thread_start (&cfg, &error);
  fail_unless (server != NULL, "server: %s", error ? error->message : "?");
  port = aura_server_thread_get_port (server);
  fail_unless (port > 0);
}

static void
start_server (const gchar * token)
{
  ServerOptions opt = { token, };

  start_server_with (&opt);
}

/* ---- the session database, recorded by aurasessionsink ------------------ */

static GstEvent *
metrics_event (gint t, gdouble wpm)
{
  GstStructure *s = gst_structure_new (AURA_METRICS_NAME,
      "timestamp", G_TYPE_UINT64, (guint64) t * S,
      "stream-time", G_TYPE_UINT64, (guint64) t * S,
      "running-time", G_TYPE_UINT64, (guint64) t * S,
      "duration", G_TYPE_UINT64, (guint64) S,
      "endtime", G_TYPE_UINT64, (guint64) (t + 1) * S,
      "speech-ratio", G_TYPE_DOUBLE, 0.5 + 0.05 * t,
      "rms-dbfs", G_TYPE_DOUBLE, -20.0,
      "wpm", G_TYPE_DOUBLE, wpm, NULL);

  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s);
}

static GstEvent *
feedback_event (gint t, const gchar * code)
{
  GstStructure *s = gst_structure_new (AURA_FEEDBACK_NAME,
      "timestamp", G_TYPE_UINT64, (guint64) t * S,
      "stream-time", G_TYPE_UINT64, (guint64) t * S,
      "running-time", G_TYPE_UINT64, (guint64) t * S,
      "duration", G_TYPE_UINT64, (guint64) 5 * S,
      "code", G_TYPE_STRING, code,
      "category", G_TYPE_STRING, "pace",
      "severity", G_TYPE_STRING, "warning",
      "praise", G_TYPE_BOOLEAN, FALSE,
      "language", G_TYPE_STRING, "en",
      "message", G_TYPE_STRING, "Slow down a little", NULL);

  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s);
}

static GstEvent *
document_event (const gchar * name, const gchar * json)
{
  GstStructure *s = gst_structure_new (name, "json", G_TYPE_STRING, json,
      NULL);

  if (g_str_equal (name, AURA_REPORT_NAME))
    gst_structure_set (s, "language", G_TYPE_STRING, "en",
        "profile", G_TYPE_STRING, "presentation", NULL);
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s);
}

static void
db_exec (const gchar * sql)
{
  sqlite3 *db = NULL;
  gchar *err = NULL;

  fail_unless_equals_int (sqlite3_open_v2 (db_path, &db,
          SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  fail_unless (sqlite3_exec (db, sql, NULL, NULL, &err) == SQLITE_OK,
      "%s: %s", sql, err);
  sqlite3_close (db);
}

static gint64
db_int (const gchar * sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  fail_unless_equals_int (sqlite3_open_v2 (db_path, &db,
          SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  fail_unless_equals_int (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL),
      SQLITE_OK);
  fail_unless_equals_int (sqlite3_step (stmt), SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

#define N_METRICS 6

typedef struct
{
  const gchar *title, *speaker, *started_at;
  gdouble wpm;                  /* the summary's; metric i has wpm + i */
  gdouble score;                /* the report's overall_score, < 0: none */
} Spec;

/* Records one session through aurasessionsink (GstHarness): N_METRICS
 * metrics at t = 0..5 s, feedback at 1 s and 4 s, a summary and maybe a
 * report; then dates it @started_at. Returns its id. */
static gchar *
record_session (const Spec * spec)
{
  GstElement *e = gst_element_factory_make ("aurasessionsink", NULL);
  GstHarness *h;
  gchar *id = NULL, *json, *sql;
  gint i;

  fail_unless (e != NULL);
  g_object_set (e, "location", db_path, "title", spec->title, "speaker",
      spec->speaker, NULL);
  h = gst_harness_new_with_element (e, "sink", NULL);
  gst_harness_set_src_caps_str (h, "audio/x-raw, format=S16LE, "
      "layout=interleaved, rate=16000, channels=1");
  g_object_get (e, "session-id", &id, NULL);
  fail_unless (id != NULL);
  for (i = 0; i < N_METRICS; i++) {
    fail_unless (gst_harness_push_event (h, metrics_event (i, spec->wpm + i)));
    if (i == 1 || i == 4)
      fail_unless (gst_harness_push_event (h, feedback_event (i,
                  i == 1 ? "pace-fast" : "volume-low")));
    fail_unless_equals_int (gst_harness_push (h,
            gst_harness_create_buffer (h, 320)), GST_FLOW_OK);
  }
  json = g_strdup_printf ("{\"type\":\"aura-summary\",\"duration\":6.0,"
      "\"wpm\":%.1f,\"speech_ratio\":0.75,\"fillers_per_minute\":2.0}",
      spec->wpm);
  fail_unless (gst_harness_push_event (h, document_event (AURA_SUMMARY_NAME,
              json)));
  g_free (json);
  if (spec->score >= 0) {
    json = g_strdup_printf ("{\"type\":\"aura-report\",\"overall_score\":"
        "%.1f,\"language\":\"en\",\"profile\":\"presentation\"}", spec->score);
    fail_unless (gst_harness_push_event (h, document_event (AURA_REPORT_NAME,
                json)));
    g_free (json);
  }
  /* EOS returned: every record is on disk */
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  gst_harness_teardown (h);
  gst_object_unref (e);

  sql = g_strdup_printf ("UPDATE sessions SET started_at = '%s', ended_at = "
      "'%s' WHERE id = '%s'", spec->started_at, spec->started_at, id);
  db_exec (sql);
  g_free (sql);
  return id;
}

/* Three completed sessions: Ada in January and February, Bob in March (no
 * report). */
typedef struct
{
  gchar *ada1, *ada2, *bob;
} Db;

static const Spec ada1_spec = { "First talk", "Ada",
  "2024-01-10T09:00:00.000000Z", 120.0, 70.0
};

static const Spec ada2_spec = { "Second talk", "Ada",
  "2024-02-10T09:00:00.000000Z", 150.0, 80.0
};

static const Spec bob_spec = { "Bob's talk", "Bob",
  "2024-03-10T09:00:00.000000Z", 90.0, -1.0
};

static void
populate (Db * db)
{
  db->ada1 = record_session (&ada1_spec);
  db->ada2 = record_session (&ada2_spec);
  db->bob = record_session (&bob_spec);
}

static void
db_clear (Db * db)
{
  g_free (db->ada1);
  g_free (db->ada2);
  g_free (db->bob);
}

/* ---- HTTP client -------------------------------------------------------- */

typedef struct
{
  gchar *what;                  /* "METHOD path", for messages */
  guint status;
  SoupMessageHeaders *headers;
  gchar *text;                  /* the body, NUL-terminated */
  gsize len;
  JsonNode *json;               /* when the body is JSON */
} Reply;

static void
reply_free (Reply * r)
{
  if (r == NULL)
    return;
  g_free (r->what);
  if (r->headers)
    soup_message_headers_unref (r->headers);
  g_free (r->text);
  if (r->json)
    json_node_unref (r->json);
  g_free (r);
}

static Reply *
reply_from (SoupMessage * msg, const gchar * what, GBytes * body)
{
  Reply *r = g_new0 (Reply, 1);
  const gchar *type;
  gsize len = 0;
  const gchar *data = body ? g_bytes_get_data (body, &len) : NULL;

  r->what = g_strdup (what);
  r->status = soup_message_get_status (msg);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers
      (msg));
  r->text = g_strndup (data ? data : "", len);
  r->len = len;
  type = soup_message_headers_get_content_type (r->headers, NULL);
  /* a HEAD answer has the type of the GET but no body */
  if (g_strcmp0 (type, "application/json") == 0 && len > 0) {
    JsonParser *parser = json_parser_new ();
    GError *error = NULL;

    fail_unless (json_parser_load_from_data (parser, r->text, len, &error),
        "%s: not JSON (%s): %s", what, error ? error->message : "", r->text);
    r->json = json_node_ref (json_parser_get_root (parser));
    g_object_unref (parser);
  }
  return r;
}

/* @headers: name, value, ..., NULL. @body with @content_type, or @stream
 * (sent chunked). */
static Reply *
request_full (const gchar * method, const gchar * path,
    const gchar * const *headers, const gchar * content_type, GBytes * body,
    GInputStream * stream)
{
  gchar *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  gchar *what = g_strdup_printf ("%s %s", method, path);
  SoupMessage *msg = soup_message_new (method, url);
  GError *error = NULL;
  GBytes *in;
  Reply *r;
  guint i;

  fail_unless (msg != NULL, "cannot make a request of %s", url);
  for (i = 0; headers && headers[i]; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        headers[i], headers[i + 1]);
  if (body)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  else if (stream)
    soup_message_set_request_body (msg, content_type, stream, -1);
  in = soup_session_send_and_read (soup, msg, NULL, &error);
  fail_unless (in != NULL, "%s: %s", what, error ? error->message : "?");
  r = reply_from (msg, what, in);
  g_bytes_unref (in);
  g_object_unref (msg);
  g_free (url);
  g_free (what);
  return r;
}

static Reply *
G_GNUC_PRINTF (1, 2)
get (const gchar * format, ...)
{
  va_list args;
  gchar *path;
  Reply *r;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);
  r = request_full ("GET", path, NULL, NULL, NULL, NULL);
  g_free (path);
  return r;
}

static Reply *
send_json (const gchar * method, const gchar * path, const gchar * token,
    const gchar * json)
{
  gchar *auth = token ? g_strdup_printf ("Bearer %s", token) : NULL;
  const gchar *headers[] = { "Authorization", auth, NULL };
  GBytes *body = json ? g_bytes_new (json, strlen (json)) : NULL;
  Reply *r = request_full (method, path, auth ? headers : NULL,
      "application/json", body, NULL);

  if (body)
    g_bytes_unref (body);
  g_free (auth);
  return r;
}

static Reply *
patch (const gchar * id, const gchar * token, const gchar * json)
{
  gchar *path = g_strdup_printf ("/api/v1/sessions/%s", id);
  Reply *r = send_json ("PATCH", path, token, json);

  g_free (path);
  return r;
}

static Reply *
delete_session (const gchar * id, const gchar * token)
{
  gchar *path = g_strdup_printf ("/api/v1/sessions/%s", id);
  Reply *r = send_json ("DELETE", path, token, NULL);

  g_free (path);
  return r;
}

/* ---- JSON of replies ---------------------------------------------------- */

/* The node at @path ("a.b.0.c": members and array indices), or NULL. */
static JsonNode *
jnode (JsonNode * root, const gchar * path)
{
  gchar **parts = g_strsplit (path, ".", -1);
  JsonNode *node = root;
  guint i;

  for (i = 0; node && parts[i]; i++) {
    if (JSON_NODE_HOLDS_OBJECT (node)) {
      node = json_object_get_member (json_node_get_object (node), parts[i]);
    } else if (JSON_NODE_HOLDS_ARRAY (node)) {
      JsonArray *a = json_node_get_array (node);
      guint64 k;

      if (g_ascii_string_to_unsigned (parts[i], 10, 0, G_MAXUINT, &k, NULL) &&
          k < json_array_get_length (a))
        node = json_array_get_element (a, k);
      else
        node = NULL;
    } else {
      node = NULL;
    }
  }
  g_strfreev (parts);
  return node;
}

static JsonNode *
jvalue (Reply * r, const gchar * path)
{
  JsonNode *node;

  fail_unless (r->json != NULL, "%s: no JSON body: %s", r->what, r->text);
  node = jnode (r->json, path);
  fail_unless (node != NULL, "%s: no %s in %s", r->what, path, r->text);
  return node;
}

static const gchar *
jstr (Reply * r, const gchar * path)
{
  JsonNode *node = jvalue (r, path);

  fail_unless (JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING,
      "%s: %s is not a string in %s", r->what, path, r->text);
  return json_node_get_string (node);
}

static gdouble
jnum (Reply * r, const gchar * path)
{
  JsonNode *node = jvalue (r, path);
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node)
      : G_TYPE_NONE;

  fail_unless (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE,
      "%s: %s is not a number in %s", r->what, path, r->text);
  return json_node_get_double (node);
}

static gboolean
jis_null (Reply * r, const gchar * path)
{
  return JSON_NODE_HOLDS_NULL (jvalue (r, path));
}

static guint
jlen (Reply * r, const gchar * path)
{
  JsonNode *node = jvalue (r, path);

  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node));
  fail_unless (JSON_NODE_HOLDS_OBJECT (node), "%s: %s is not an array or an "
      "object in %s", r->what, path, r->text);
  return json_object_get_size (json_node_get_object (node));
}

static gboolean
jhas (Reply * r, const gchar * path)
{
  return r->json && jnode (r->json, path) != NULL;
}

static const gchar *
header (Reply * r, const gchar * name)
{
  return soup_message_headers_get_one (r->headers, name);
}

static void
assert_status (Reply * r, guint status)
{
  fail_unless (r->status == status, "%s: status %u, expected %u: %s",
      r->what, r->status, status, r->text);
  fail_unless (header (r, "X-Request-ID") != NULL, "%s: no X-Request-ID",
      r->what);
}

/* The one error shape, with @code. */
static void
assert_error (Reply * r, guint status, const gchar * code)
{
  assert_status (r, status);
  fail_unless_equals_string (soup_message_headers_get_content_type
      (r->headers, NULL), "application/json");
  fail_unless_equals_int (jlen (r, ""), 1);
  fail_unless_equals_int (jlen (r, "error"), 2);
  fail_unless_equals_string (jstr (r, "error.code"), code);
  fail_unless (*jstr (r, "error.message") != '\0');
}

/* Asserts and frees. */
static void
expect (Reply * r, guint status)
{
  assert_status (r, status);
  reply_free (r);
}

static void
expect_error (Reply * r, guint status, const gchar * code)
{
  assert_error (r, status, code);
  reply_free (r);
}

static gchar *
escape (const gchar * text)
{
  return g_uri_escape_string (text, NULL, FALSE);
}

/* total of GET /api/v1/sessions@query */
static gint64
list_total (const gchar * query)
{
  Reply *r = get ("/api/v1/sessions%s", query);
  gint64 total;

  assert_status (r, 200);
  total = (gint64) jnum (r, "total");
  reply_free (r);
  return total;
}

/* ---- raw HTTP, for what libsoup's client will not send ------------------ */

/* Writes @request as it is and reads the answer: the whole response text;
 * *@status from its status line. The request should ask Connection: close. */
static gchar *
raw_http_full (const gchar * request, gsize len, guint timeout_s,
    guint * status)
{
  GSocketClient *client = g_socket_client_new ();
  GSocketConnection *conn;
  GError *error = NULL;
  GString *out = g_string_new (NULL);
  GInputStream *in;
  gchar buf[4096];
  gssize n;

  /* no proxy (nor libproxy) for loopback */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, (guint) slow (timeout_s));
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL,
      &error);
  fail_unless (conn != NULL, "connect: %s", error ? error->message : "");
  fail_unless (g_output_stream_write_all (g_io_stream_get_output_stream
          (G_IO_STREAM (conn)), request, len, NULL, NULL, &error),
      "write: %s", error ? error->message : "");
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buf, sizeof (buf), NULL, &error)) > 0)
    g_string_append_len (out, buf, n);
  /* a reset after the answer is an end as well */
  fail_unless (n == 0 || out->len > 0, "no answer within %u s: %s",
      (guint) slow (timeout_s), error ? error->message : "");
  g_clear_error (&error);
  *status = 0;
  if (sscanf (out->str, "HTTP/1.%*c %u", status) != 1)
    *status = 0;
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_object_unref (conn);
  g_object_unref (client);
  return g_string_free (out, FALSE);
}

static gchar *
raw_http (const gchar * request, gsize len, guint * status)
{
  return raw_http_full (request, len, 10, status);
}

/* ---- audio -------------------------------------------------------------- */

/* A speech-like recording as a 16 kHz mono WAV: a harmonic tone around
 * 130 Hz with a slow intonation, amplitude-modulated at 4 Hz (syllables),
 * with a pause in the middle. */
static GBytes *
make_wav (gdouble seconds)
{
  const guint rate = 16000;
  guint n = (guint) (seconds * rate), i, k;
  gsize size = 44 + (gsize) n * 2;
  guint8 *data = g_malloc0 (size);
  gdouble phase = 0;
  guint32 u32;
  guint16 u16;

#define PUT32(off, v) (u32 = GUINT32_TO_LE (v), memcpy (data + (off), &u32, 4))
#define PUT16(off, v) (u16 = GUINT16_TO_LE (v), memcpy (data + (off), &u16, 2))
  memcpy (data, "RIFF", 4);
  PUT32 (4, (guint32) (size - 8));
  memcpy (data + 8, "WAVEfmt ", 8);
  PUT32 (16, 16);
  PUT16 (20, 1);                /* PCM */
  PUT16 (22, 1);                /* mono */
  PUT32 (24, rate);
  PUT32 (28, rate * 2);
  PUT16 (32, 2);
  PUT16 (34, 16);
  memcpy (data + 36, "data", 4);
  PUT32 (40, n * 2);
  for (i = 0; i < n; i++) {
    gdouble t = (gdouble) i / rate;
    gdouble f0 = 130 + 25 * sin (2 * G_PI * 0.4 * t);
    gdouble env = 0.5 - 0.5 * cos (2 * G_PI * 4 * t), v = 0;
    gint16 sample;

    phase += 2 * G_PI * f0 / rate;
    for (k = 1; k <= 10; k++)
      v += sin (k * phase) / k;
    if (t > seconds * 0.45 && t < seconds * 0.45 + 0.6)
      env = 0;
    sample = (gint16) lrint (0.25 * 32767 * env * v / 2.0);
    PUT16 (44 + 2 * i, (guint16) sample);
  }
#undef PUT32
#undef PUT16
  return g_bytes_new_take (data, size);
}

/* Runs @description to its end. */
static void
run_pipeline (const gchar * description)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);
  GstBus *bus;
  GstMessage *msg;

  fail_unless (pipeline != NULL, "%s: %s", description, error ?
      error->message : "");
  bus = gst_element_get_bus (pipeline);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, (GstClockTime) (slow (30) * S),
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
      "%s did not end", description);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

/* The file that @pipeline (ending in "filesink location=") makes as @name,
 * its first @cut bytes (0: all). */
static GBytes *
make_media (const gchar * pipeline, const gchar * name, gsize cut)
{
  gchar *path = g_build_filename (tmpdir, name, NULL);
  gchar *launch = g_strdup_printf ("%s\"%s\"", pipeline, path);
  gchar *contents = NULL;
  gsize len = 0;
  GBytes *bytes;

  run_pipeline (launch);
  fail_unless (g_file_get_contents (path, &contents, &len, NULL));
  fail_unless (len > cut, "%s: %" G_GSIZE_FORMAT " bytes", name, len);
  bytes = g_bytes_new (contents, cut ? cut : len);
  g_free (contents);
  g_free (launch);
  g_free (path);
  return bytes;
}

/* An Ogg Opus file cut in the middle of a page. (An MP4 cut before its
 * moov atom would be the classic, but qtdemux's error then races with
 * decodebin's autoplugging, which drops it: the upload stalls for 60 s
 * before it fails; see the report.) */
static GBytes *
make_cut_ogg (void)
{
  GBytes *cut = make_media ("audiotestsrc num-buffers=100 ! audioconvert ! "
      "opusenc ! oggmux ! filesink location=", "whole.ogg", 5000);
  const gchar *data = g_bytes_get_data (cut, NULL);

  fail_unless (memcmp (data, "OggS", 4) == 0);
  return cut;
}

/* A video without sound (Motion JPEG in AVI). */
static GBytes *
make_video_only (void)
{
  return make_media ("videotestsrc num-buffers=10 ! video/x-raw,width=64,"
      "height=48 ! jpegenc ! avimux ! filesink location=", "video.avi", 0);
}

/* ---- uploads ------------------------------------------------------------ */

/* POST /api/v1/sessions as a form: "file" (@filename, @data) and the
 * name/value @fields. */
static Reply *
post_form (const gchar * token, const gchar * filename, const gchar * type,
    GBytes * data, const gchar * const *fields)
{
  SoupMultipart *mp = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  SoupMessageHeaders *h =
      soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  gchar *auth = token ? g_strdup_printf ("Bearer %s", token) : NULL;
  const gchar *headers[] = { "Authorization", auth, "Content-Type", NULL,
    NULL
  };
  GBytes *body = NULL;
  guint i;
  Reply *r;

  if (data)
    soup_multipart_append_form_file (mp, "file", filename, type, data);
  for (i = 0; fields && fields[i]; i += 2)
    soup_multipart_append_form_string (mp, fields[i], fields[i + 1]);
  soup_multipart_to_message (mp, h, &body);
  headers[3] = soup_message_headers_get_one (h, "Content-Type");
  if (auth == NULL) {
    headers[0] = "Content-Type";
    headers[1] = headers[3];
    headers[2] = NULL;
  }
  r = request_full ("POST", "/api/v1/sessions", headers, NULL, body, NULL);
  g_bytes_unref (body);
  soup_message_headers_unref (h);
  soup_multipart_free (mp);
  g_free (auth);
  return r;
}

/* POST /api/v1/sessions@query with @data as the body. */
static Reply *
post_raw (const gchar * token, const gchar * query, const gchar * type,
    GBytes * data)
{
  gchar *auth = token ? g_strdup_printf ("Bearer %s", token) : NULL;
  const gchar *headers[] = { "Authorization", auth, NULL };
  gchar *path = g_strdup_printf ("/api/v1/sessions%s", query);
  Reply *r = request_full ("POST", path, auth ? headers : NULL, type, data,
      NULL);

  g_free (path);
  g_free (auth);
  return r;
}

/* The id of an accepted upload (202), checked. */
static gchar *
accepted_id (Reply * r)
{
  gchar *location;
  gchar *id;

  assert_status (r, 202);
  fail_unless_equals_string (jstr (r, "status"), "queued");
  id = g_strdup (jstr (r, "id"));
  fail_unless (g_uuid_string_is_valid (id));
  location = g_strdup_printf ("/api/v1/sessions/%s", id);
  fail_unless_equals_string (jstr (r, "location"), location);
  fail_unless_equals_string (header (r, "Location"), location);
  g_free (location);
  return id;
}

/* Polls an upload's session until it ends: "completed" or "failed". A
 * failing upload is briefly "interrupted" in between (the sink's stop ends
 * the session before the worker marks it failed: see the report), which
 * is not taken for its end. */
static Reply *
wait_finished (const gchar * id, gdouble seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (slow (seconds) *
      G_USEC_PER_SEC);
  Reply *r = NULL;

  while (TRUE) {
    const gchar *status;

    reply_free (r);
    r = get ("/api/v1/sessions/%s", id);
    assert_status (r, 200);
    status = jstr (r, "status");
    if (g_strcmp0 (status, "interrupted") == 0)
      GST_INFO ("upload %s seen interrupted before its end", id);
    else if (g_strcmp0 (status, "queued") != 0 &&
        g_strcmp0 (status, "recording") != 0)
      return r;
    fail_unless (g_get_monotonic_time () < deadline, "upload %s still %s "
        "after %.0f s", id, status, slow (seconds));
    g_usleep (50 * 1000);
  }
}

/* Polls /api/v1/health until no upload runs; that reply. */
static Reply *
wait_workers_idle (gdouble seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (slow (seconds) *
      G_USEC_PER_SEC);
  Reply *r = NULL;

  while (TRUE) {
    reply_free (r);
    r = get ("/api/v1/health");
    assert_status (r, 200);
    if (jnum (r, "uploads.running") == 0)
      return r;
    fail_unless (g_get_monotonic_time () < deadline, "uploads still "
        "running: %s", r->text);
    g_usleep (20 * 1000);
  }
}

/* ---- WebSocket client --------------------------------------------------- */

typedef struct
{
  SoupMessage *msg;
  SoupWebsocketConnection *conn;
  GError *error;
  gboolean connected, closed;
  GPtrArray *messages;          /* gchar *, text frames */
} Ws;

static void
ws_on_message (SoupWebsocketConnection * conn, gint type, GBytes * message,
    gpointer user_data)
{
  Ws *ws = user_data;
  gsize len;
  const gchar *data = g_bytes_get_data (message, &len);

  fail_unless_equals_int (type, SOUP_WEBSOCKET_DATA_TEXT);
  g_ptr_array_add (ws->messages, g_strndup (data, len));
}

static void
ws_on_closed (SoupWebsocketConnection * conn, gpointer user_data)
{
  Ws *ws = user_data;

  ws->closed = TRUE;
}

static void
ws_on_connected (GObject * source, GAsyncResult * result, gpointer user_data)
{
  Ws *ws = user_data;

  ws->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source),
      result, &ws->error);
  if (ws->conn) {
    g_signal_connect (ws->conn, "message", G_CALLBACK (ws_on_message), ws);
    g_signal_connect (ws->conn, "closed", G_CALLBACK (ws_on_closed), ws);
  }
  ws->connected = TRUE;
}

/* Iterates the default main context until *@flag or @seconds. */
static gboolean
iterate_until (gboolean * flag, gdouble seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (slow (seconds) *
      G_USEC_PER_SEC);

  while (!*flag && g_get_monotonic_time () < deadline) {
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  }
  return *flag;
}

/* Iterates until @ws has @n messages (exactly: not more at that time). */
static void
ws_wait_messages (Ws * ws, guint n)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (slow (10) *
      G_USEC_PER_SEC);

  while (ws->messages->len < n && !ws->closed &&
      g_get_monotonic_time () < deadline) {
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  }
  fail_unless_equals_int (ws->messages->len, n);
}

/* Opens the live WebSocket of session @id; @origin may be NULL. */
static Ws *
ws_connect (const gchar * id, const gchar * origin)
{
  Ws *ws = g_new0 (Ws, 1);
  gchar *url = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/sessions/%s/live",
      port, id);

  ws->messages = g_ptr_array_new_with_free_func (g_free);
  ws->msg = soup_message_new ("GET", url);
  fail_unless (ws->msg != NULL);
  soup_session_websocket_connect_async (soup, ws->msg, origin, NULL,
      G_PRIORITY_DEFAULT, NULL, ws_on_connected, ws);
  fail_unless (iterate_until (&ws->connected, 10), "no WebSocket answer");
  g_free (url);
  return ws;
}

static void
ws_free (Ws * ws)
{
  if (ws->conn) {
    g_signal_handlers_disconnect_by_data (ws->conn, ws);
    if (soup_websocket_connection_get_state (ws->conn) !=
        SOUP_WEBSOCKET_STATE_CLOSED)
      soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
          NULL);
    g_object_unref (ws->conn);
  }
  g_clear_error (&ws->error);
  g_object_unref (ws->msg);
  g_ptr_array_unref (ws->messages);
  g_free (ws);
}

/* Message @i parsed as a Reply (for the j* accessors). */
static Reply *
ws_message (Ws * ws, guint i)
{
  Reply *r = g_new0 (Reply, 1);
  JsonParser *parser = json_parser_new ();
  const gchar *text;

  fail_unless (i < ws->messages->len, "only %u messages", ws->messages->len);
  text = g_ptr_array_index (ws->messages, i);
  r->what = g_strdup_printf ("WebSocket message %u", i);
  r->text = g_strdup (text);
  fail_unless (json_parser_load_from_data (parser, text, -1, NULL),
      "not JSON: %s", text);
  r->json = json_node_ref (json_parser_get_root (parser));
  fail_unless (JSON_NODE_HOLDS_OBJECT (r->json), "not an object: %s", text);
  g_object_unref (parser);
  return r;
}

/* =========================================================================
 * 1. every route's happy path
 * ========================================================================= */

GST_START_TEST (test_routes)
{
  Db db;
  Reply *r, *a1, *a2;
  gdouble mean, wpm1, wpm2;
  guint i;

  populate (&db);
  start_server (NULL);

  /* the dashboard */
  r = get ("/");
  assert_status (r, 200);
  fail_unless (g_str_has_prefix (soup_message_headers_get_content_type
          (r->headers, NULL), "text/html"));
  fail_unless (strstr (r->text, "<html") != NULL);
  fail_unless (header (r, "Content-Security-Policy") != NULL);
  fail_unless_equals_string (header (r, "X-Content-Type-Options"), "nosniff");
  reply_free (r);

  /* health, minimal and detailed */
  r = get ("/health");
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "status"), "ok");
  fail_unless_equals_string (jstr (r, "version"), VERSION);
  fail_unless (jnum (r, "uptime_s") >= 0);
  fail_unless (!jhas (r, "database"));
  reply_free (r);

  r = get ("/api/v1/health");
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "status"), "ok");
  fail_unless_equals_string (jstr (r, "version"), VERSION);
  /* the schema this build writes (2 when the HTTP API came, 3 since
   * multi-speaker sessions) */
  fail_unless (AURA_STORE_SCHEMA_VERSION >= 2);
  fail_unless_equals_int ((gint) jnum (r, "database.schema_version"),
      AURA_STORE_SCHEMA_VERSION);
  fail_unless (json_node_get_boolean (jvalue (r, "database.reachable")));
  fail_unless_equals_string (jstr (r, "database.path"), db_path);
  fail_unless (!jhas (r, "database.error"));
  fail_unless_equals_int ((gint) jnum (r, "active_sessions"), 0);
  fail_unless_equals_int ((gint) jnum (r, "websocket_clients"), 0);
  fail_unless_equals_int ((gint) jnum (r, "uploads.waiting"), 0);
  fail_unless_equals_int ((gint) jnum (r, "uploads.running"), 0);
  fail_unless_equals_int ((gint) jnum (r, "uploads.queued_sessions"), 0);
  reply_free (r);

  /* the list: newest first, every member */
  r = get ("/api/v1/sessions");
  assert_status (r, 200);
  fail_unless_equals_int ((gint) jnum (r, "total"), 3);
  fail_unless_equals_int ((gint) jnum (r, "limit"), 20);
  fail_unless_equals_int ((gint) jnum (r, "offset"), 0);
  fail_unless_equals_int (jlen (r, "sessions"), 3);
  fail_unless_equals_string (jstr (r, "sessions.0.id"), db.bob);
  fail_unless_equals_string (jstr (r, "sessions.1.id"), db.ada2);
  fail_unless_equals_string (jstr (r, "sessions.2.id"), db.ada1);
  fail_unless_equals_int (jlen (r, "sessions.2"), 11);
  fail_unless_equals_string (jstr (r, "sessions.2.title"), "First talk");
  fail_unless_equals_string (jstr (r, "sessions.2.speaker"), "Ada");
  fail_unless_equals_string (jstr (r, "sessions.2.language"), "en");
  fail_unless_equals_string (jstr (r, "sessions.2.profile"), "presentation");
  fail_unless_equals_string (jstr (r, "sessions.2.status"), "completed");
  fail_unless_equals_string (jstr (r, "sessions.2.started_at"),
      ada1_spec.started_at);
  fail_unless_equals_int ((gint) jnum (r, "sessions.2.dropped"), 0);
  fail_unless (jis_null (r, "sessions.2.source"));
  fail_unless (jis_null (r, "sessions.2.error"));
  /* the list has no documents */
  fail_unless (!jhas (r, "sessions.2.summary"));
  reply_free (r);

  /* one session, with its summary and report */
  r = get ("/api/v1/sessions/%s", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "id"), db.ada1);
  fail_unless_equals_string (jstr (r, "title"), "First talk");
  fail_unless_equals_string (jstr (r, "status"), "completed");
  fail_unless_equals_string (jstr (r, "summary.type"), "aura-summary");
  fail_unless_equals_float (jnum (r, "summary.wpm"), 120.0);
  fail_unless_equals_float (jnum (r, "summary.duration"), 6.0);
  fail_unless_equals_string (jstr (r, "report.type"), "aura-report");
  fail_unless_equals_float (jnum (r, "report.overall_score"), 70.0);
  fail_unless (jis_null (r, "progress"));
  reply_free (r);

  /* Bob has a summary but no report */
  r = get ("/api/v1/sessions/%s", db.bob);
  assert_status (r, 200);
  fail_unless_equals_float (jnum (r, "summary.wpm"), 90.0);
  fail_unless (jis_null (r, "report"));
  reply_free (r);
  expect_error (get ("/api/v1/sessions/%s/report", db.bob), 404, "not_found");

  /* metrics: all, oldest first, each the stored object plus "t" */
  r = get ("/api/v1/sessions/%s/metrics", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "session_id"), db.ada1);
  fail_unless_equals_int (jlen (r, "metrics"), N_METRICS);
  for (i = 0; i < N_METRICS; i++) {
    gchar *p = g_strdup_printf ("metrics.%u", i), *q;

    q = g_strconcat (p, ".t", NULL);
    fail_unless_equals_float (jnum (r, q), i);
    g_free (q);
    q = g_strconcat (p, ".type", NULL);
    fail_unless_equals_string (jstr (r, q), "aura-metrics");
    g_free (q);
    q = g_strconcat (p, ".wpm", NULL);
    fail_unless_equals_float (jnum (r, q), 120.0 + i);
    g_free (q);
    q = g_strconcat (p, ".stream_time", NULL);
    fail_unless_equals_float (jnum (r, q), (gdouble) i * S);
    g_free (q);
    g_free (p);
  }
  reply_free (r);

  /* fields=: "t" and the selected members only */
  r = get ("/api/v1/sessions/%s/metrics?fields=wpm,speech_ratio", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "metrics"), N_METRICS);
  for (i = 0; i < N_METRICS; i++) {
    JsonObject *o = json_array_get_object_element (json_node_get_array
        (jnode (r->json, "metrics")), i);

    fail_unless_equals_int (json_object_get_size (o), 3);
    fail_unless (json_object_has_member (o, "t"));
    fail_unless_equals_float (json_object_get_double_member (o, "wpm"),
        120.0 + i);
    fail_unless_equals_float (json_object_get_double_member (o,
            "speech_ratio"), 0.5 + 0.05 * i);
  }
  reply_free (r);
  /* a name no record has: "t" alone */
  r = get ("/api/v1/sessions/%s/metrics?fields=no_such_field", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "metrics"), N_METRICS);
  fail_unless_equals_int (jlen (r, "metrics.0"), 1);
  reply_free (r);

  /* from/to: t in [from, to] */
  r = get ("/api/v1/sessions/%s/metrics?from=2&to=4&fields=wpm", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "metrics"), 3);
  fail_unless_equals_float (jnum (r, "metrics.0.t"), 2);
  fail_unless_equals_float (jnum (r, "metrics.1.t"), 3);
  fail_unless_equals_float (jnum (r, "metrics.2.t"), 4);
  reply_free (r);
  r = get ("/api/v1/sessions/%s/metrics?from=1.5", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "metrics"), 4);
  fail_unless_equals_float (jnum (r, "metrics.0.t"), 2);
  reply_free (r);
  r = get ("/api/v1/sessions/%s/metrics?to=0.5", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "metrics"), 1);
  reply_free (r);
  r = get ("/api/v1/sessions/%s/metrics?from=4&to=2", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "metrics"), 0);
  reply_free (r);
  expect_error (get ("/api/v1/sessions/%s/metrics?from=-1", db.ada1), 400,
      "bad_request");
  expect_error (get ("/api/v1/sessions/%s/metrics?to=soon", db.ada1), 400,
      "bad_request");
  expect_error (get ("/api/v1/sessions/%s/metrics?from=nan", db.ada1), 400,
      "bad_request");
  expect_error (get ("/api/v1/sessions/%s/metrics?fields=", db.ada1), 400,
      "bad_request");
  expect_error (get ("/api/v1/sessions/%s/metrics?fields=wpm,,t", db.ada1),
      400, "bad_request");
  expect_error (get ("/api/v1/sessions/%s/metrics?fields=json.wpm", db.ada1),
      400, "bad_request");

  /* feedback */
  r = get ("/api/v1/sessions/%s/feedback", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "session_id"), db.ada1);
  fail_unless_equals_int (jlen (r, "feedback"), 2);
  fail_unless_equals_float (jnum (r, "feedback.0.t"), 1);
  fail_unless_equals_string (jstr (r, "feedback.0.code"), "pace-fast");
  fail_unless_equals_string (jstr (r, "feedback.0.type"), "aura-feedback");
  fail_unless_equals_string (jstr (r, "feedback.0.message"),
      "Slow down a little");
  fail_unless_equals_float (jnum (r, "feedback.1.t"), 4);
  fail_unless_equals_string (jstr (r, "feedback.1.code"), "volume-low");
  reply_free (r);
  r = get ("/api/v1/sessions/%s/feedback?from=2&fields=code", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "feedback"), 1);
  fail_unless_equals_int (jlen (r, "feedback.0"), 2);
  fail_unless_equals_string (jstr (r, "feedback.0.code"), "volume-low");
  reply_free (r);

  /* report */
  r = get ("/api/v1/sessions/%s/report", db.ada2);
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "type"), "aura-report");
  fail_unless_equals_float (jnum (r, "overall_score"), 80.0);
  fail_unless_equals_string (jstr (r, "profile"), "presentation");
  reply_free (r);

  /* analytics of Ada: mean and slope (per session) of her two sessions */
  a1 = get ("/api/v1/sessions/%s", db.ada1);
  a2 = get ("/api/v1/sessions/%s", db.ada2);
  wpm1 = jnum (a1, "summary.wpm");
  wpm2 = jnum (a2, "summary.wpm");
  mean = (wpm1 + wpm2) / 2;
  r = get ("/api/v1/analytics?speaker=Ada");
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "speakers"), 1);
  fail_unless_equals_string (jstr (r, "speakers.0.speaker"), "Ada");
  fail_unless_equals_int ((gint) jnum (r, "speakers.0.sessions"), 2);
  fail_unless_equals_string (jstr (r, "speakers.0.first"),
      jstr (a1, "started_at"));
  fail_unless_equals_string (jstr (r, "speakers.0.last"),
      jstr (a2, "started_at"));
  fail_unless_equals_float (jnum (r, "speakers.0.averages.wpm"), mean);
  fail_unless_equals_float (jnum (r, "speakers.0.averages.wpm"), 135.0);
  fail_unless_equals_float (jnum (r, "speakers.0.trends.wpm"), wpm2 - wpm1);
  fail_unless_equals_float (jnum (r, "speakers.0.trends.wpm"), 30.0);
  fail_unless_equals_float (jnum (r, "speakers.0.averages.overall_score"),
      75.0);
  fail_unless_equals_float (jnum (r, "speakers.0.trends.overall_score"), 10.0);
  fail_unless_equals_float (jnum (r, "speakers.0.averages.speech_ratio"), 0.75);
  fail_unless_equals_float (jnum (r, "speakers.0.trends.speech_ratio"), 0.0);
  /* not in the summaries: null */
  fail_unless (jis_null (r, "speakers.0.averages.pitch_variability_st"));
  fail_unless (jis_null (r, "speakers.0.trends.pitch_variability_st"));
  reply_free (r);
  reply_free (a1);
  reply_free (a2);

  /* every speaker, by name; one session has no trend */
  r = get ("/api/v1/analytics");
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "speakers"), 2);
  fail_unless_equals_string (jstr (r, "speakers.0.speaker"), "Ada");
  fail_unless_equals_string (jstr (r, "speakers.1.speaker"), "Bob");
  fail_unless_equals_int ((gint) jnum (r, "speakers.1.sessions"), 1);
  fail_unless_equals_float (jnum (r, "speakers.1.averages.wpm"), 90.0);
  fail_unless (jis_null (r, "speakers.1.trends.wpm"));
  fail_unless (jis_null (r, "speakers.1.averages.overall_score"));
  reply_free (r);
  r = get ("/api/v1/analytics?speaker=Ada&from=2024-02-01");
  assert_status (r, 200);
  fail_unless_equals_int ((gint) jnum (r, "speakers.0.sessions"), 1);
  fail_unless_equals_float (jnum (r, "speakers.0.averages.wpm"), 150.0);
  fail_unless (jis_null (r, "speakers.0.trends.wpm"));
  reply_free (r);
  r = get ("/api/v1/analytics?speaker=Nobody");
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "speakers"), 0);
  reply_free (r);
  expect_error (get ("/api/v1/analytics?from=yesterday"), 400, "bad_request");

  /* the list's filters */
  fail_unless_equals_int (list_total ("?speaker=Ada"), 2);
  fail_unless_equals_int (list_total ("?speaker=ada"), 0);
  fail_unless_equals_int (list_total ("?from=2024-02-01"), 2);
  fail_unless_equals_int (list_total ("?to=2024-02-15"), 2);
  fail_unless_equals_int (list_total ("?from=2024-02-01&to=2024-02-28"), 1);
  fail_unless_equals_int (list_total ("?from=2024-02-10T09:00:00Z"), 2);
  fail_unless_equals_int (list_total ("?from=2024-02-10T09:00:01Z"), 1);
  fail_unless_equals_int (list_total ("?speaker=Ada&from=2024-02-01"), 1);
  r = get ("/api/v1/sessions?from=2024-02-01&to=2024-02-28");
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "sessions.0.id"), db.ada2);
  reply_free (r);
  expect_error (get ("/api/v1/sessions?from=02/01/2024"), 400, "bad_request");
  expect_error (get ("/api/v1/sessions?to=2024-13-01"), 400, "bad_request");

  /* HEAD wherever GET: the headers without the body */
  r = request_full ("HEAD", "/api/v1/sessions", NULL, NULL, NULL, NULL);
  assert_status (r, 200);
  fail_unless_equals_int (r->len, 0);
  fail_unless_equals_string (soup_message_headers_get_content_type
      (r->headers, NULL), "application/json");
  reply_free (r);

  /* what is not a route */
  expect_error (get ("/nope"), 404, "not_found");
  expect_error (get ("/api/v1/sessions/%s/nope", db.ada1), 404, "not_found");
  r = send_json ("POST", "/api/v1/analytics", NULL, "{}");
  assert_error (r, 405, "method_not_allowed");
  fail_unless_equals_string (header (r, "Allow"), "GET");
  reply_free (r);
  r = send_json ("PUT", "/api/v1/sessions", NULL, "{}");
  assert_error (r, 405, "method_not_allowed");
  fail_unless_equals_string (header (r, "Allow"), "GET, POST");
  reply_free (r);

  db_clear (&db);
}

GST_END_TEST;

/* from/to with a UTC offset: the same instant as in UTC. */
GST_START_TEST (test_time_offsets)
{
  Db db;
  Reply *r;
  gint64 total;

  populate (&db);
  start_server (NULL);

  /* Ada's second talk started at 2024-02-10T09:00:00Z */
  total = list_total ("?from=2024-02-10T09:00:00Z");
  fail_unless_equals_int (total, 2);
  total = list_total ("?to=2024-02-10T09:00:00Z");
  fail_unless_equals_int (total, 2);
  /* 10:00 at +01:00 is 09:00Z: the same two */
  total = list_total ("?from=2024-02-10T10:00:00%2B01:00");
  fail_unless_equals_int (total, 2);
  total = list_total ("?to=2024-02-10T10:00:00%2B01:00");
  fail_unless_equals_int (total, 2);
  /* 04:00 at -05:00 is 09:00Z too */
  total = list_total ("?from=2024-02-10T04:00:00-05:00&"
      "to=2024-02-10T04:00:00-05:00");
  fail_unless_equals_int (total, 1);
  r = get ("/api/v1/analytics?speaker=Ada&to=2024-02-10T10:00:00%%2B01:00");
  assert_status (r, 200);
  fail_unless_equals_int ((gint) jnum (r, "speakers.0.sessions"), 2);
  reply_free (r);
  db_clear (&db);
}

GST_END_TEST;

/* =========================================================================
 * 2. pagination
 * ========================================================================= */

GST_START_TEST (test_pagination)
{
  static const gchar *const bad[] = { "limit=0", "limit=201", "limit=-1",
    "offset=-1", "limit=abc", "offset=1x", "limit=", "limit=1.5",
    "limit=99999999999999999999", "offset=0x10", "limit=+5", NULL
  };
  const gchar *order[3];
  Db db;
  Reply *r;
  guint i;

  populate (&db);
  order[0] = db.bob;
  order[1] = db.ada2;
  order[2] = db.ada1;
  start_server (NULL);

  for (i = 0; i <= 3; i++) {
    r = get ("/api/v1/sessions?limit=1&offset=%u", i);
    assert_status (r, 200);
    fail_unless_equals_int ((gint) jnum (r, "total"), 3);
    fail_unless_equals_int ((gint) jnum (r, "limit"), 1);
    fail_unless_equals_int ((gint) jnum (r, "offset"), i);
    if (i < 3) {
      fail_unless_equals_int (jlen (r, "sessions"), 1);
      fail_unless_equals_string (jstr (r, "sessions.0.id"), order[i]);
    } else {
      /* past the end: an empty page, the same total */
      fail_unless_equals_int (jlen (r, "sessions"), 0);
    }
    reply_free (r);
  }
  r = get ("/api/v1/sessions?limit=2&offset=1");
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "sessions"), 2);
  fail_unless_equals_string (jstr (r, "sessions.0.id"), db.ada2);
  fail_unless_equals_string (jstr (r, "sessions.1.id"), db.ada1);
  reply_free (r);
  r = get ("/api/v1/sessions?offset=1000000");
  assert_status (r, 200);
  fail_unless_equals_int (jlen (r, "sessions"), 0);
  fail_unless_equals_int ((gint) jnum (r, "total"), 3);
  reply_free (r);
  r = get ("/api/v1/sessions?limit=200");
  assert_status (r, 200);
  fail_unless_equals_int ((gint) jnum (r, "limit"), 200);
  fail_unless_equals_int (jlen (r, "sessions"), 3);
  /* newest first */
  for (i = 0; i + 1 < 3; i++) {
    gchar *a = g_strdup_printf ("sessions.%u.started_at", i);
    gchar *b = g_strdup_printf ("sessions.%u.started_at", i + 1);

    fail_unless (strcmp (jstr (r, a), jstr (r, b)) > 0);
    g_free (a);
    g_free (b);
  }
  reply_free (r);

  for (i = 0; bad[i]; i++) {
    r = get ("/api/v1/sessions?%s", bad[i]);
    assert_error (r, 400, "bad_request");
    reply_free (r);
  }
  db_clear (&db);
}

GST_END_TEST;

/* =========================================================================
 * 3. ids that are not there
 * ========================================================================= */

static void
assert_unknown_id (const gchar * id, const gchar * code)
{
  static const gchar *const subs[] = { "", "/metrics", "/feedback",
    "/report", "/live"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (subs); i++)
    expect_error (get ("/api/v1/sessions/%s%s", id, subs[i]), 404, code);
  expect_error (patch (id, TOKEN, "{\"title\":\"x\"}"), 404, code);
  expect_error (delete_session (id, TOKEN), 404, code);
}

GST_START_TEST (test_bad_ids)
{
  static const gchar *const sql_ids[] = {
    "x'OR'1'='1", "1;DROP%20TABLE%20sessions;--", "%27%20OR%20%271%27%3D%271",
    "%22%20OR%201%3D1%20--", "*", "%25", "..", "null", NULL
  };
  gchar *long_id = g_strnfill (129, 'a'), *max_id = g_strnfill (128, 'a');
  Db db;
  guint i;

  populate (&db);
  start_server (TOKEN);

  assert_unknown_id ("00000000-0000-0000-0000-000000000000", "not_found");
  /* the longest id a route matches, and one byte more */
  assert_unknown_id (max_id, "not_found");
  assert_unknown_id (long_id, "not_found");
  for (i = 0; sql_ids[i]; i++)
    assert_unknown_id (sql_ids[i], "not_found");
  /* a prefix of a real id is not that id */
  {
    gchar *prefix = g_strndup (db.ada1, 8);

    assert_unknown_id (prefix, "not_found");
    g_free (prefix);
  }

  /* bytes that are not UTF-8 in the path: a 404 whose JSON is valid */
  {
    const gchar *req = "GET /api/v1/sessions/\xff\xfe%27 HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
    gchar *text, *body;
    guint status;
    JsonParser *parser = json_parser_new ();

    text = raw_http (req, strlen (req), &status);
    fail_unless_equals_int (status, 404);
    body = strstr (text, "\r\n\r\n");
    fail_unless (body != NULL);
    fail_unless (g_utf8_validate (body + 4, -1, NULL), "%s", text);
    fail_unless (json_parser_load_from_data (parser, body + 4, -1, NULL),
        "%s", text);
    g_object_unref (parser);
    g_free (text);
  }

  fail_unless_equals_int (db_int ("SELECT count(*) FROM sessions"), 3);
  fail_unless_equals_int (db_int ("SELECT count(*) FROM metrics"),
      3 * N_METRICS);
  fail_unless_equals_int (list_total (""), 3);
  g_free (long_id);
  g_free (max_id);
  db_clear (&db);
}

GST_END_TEST;

/* =========================================================================
 * 4. PATCH and DELETE
 * ========================================================================= */

GST_START_TEST (test_patch_delete)
{
  gchar *title_256 = g_strnfill (256, 't'), *title_257 = g_strnfill (257, 't');
  gchar *json;
  AuraSessionInfo info = { "being-recorded", "Live", "Ada", NULL, NULL, NULL,
    0
  };
  GError *error = NULL;
  AuraStore *store;
  Db db;
  Reply *r;

  populate (&db);
  start_server (TOKEN);

  /* not JSON, not an object, members that cannot change or are not text */
  expect_error (patch (db.ada1, TOKEN, "not json"), 400, "bad_json");
  expect_error (patch (db.ada1, TOKEN, "{\"title\":"), 400, "bad_json");
  expect_error (patch (db.ada1, TOKEN, NULL), 400, "bad_json");
  expect_error (patch (db.ada1, TOKEN, "[\"title\",\"x\"]"), 400, "bad_json");
  expect_error (patch (db.ada1, TOKEN, "\"title\""), 400, "bad_json");
  expect_error (patch (db.ada1, TOKEN, "42"), 400, "bad_json");
  expect_error (patch (db.ada1, TOKEN, "null"), 400, "bad_json");
  expect_error (patch (db.ada1, TOKEN, "{\"title\":\"x\",\"colour\":"
          "\"red\"}"), 400, "bad_request");
  expect_error (patch (db.ada1, TOKEN, "{\"status\":\"completed\"}"), 400,
      "bad_request");
  expect_error (patch (db.ada1, TOKEN, "{\"id\":\"other\"}"), 400,
      "bad_request");
  expect_error (patch (db.ada1, TOKEN, "{\"title\":42}"), 400, "bad_request");
  expect_error (patch (db.ada1, TOKEN, "{\"title\":null}"), 400, "bad_request");
  expect_error (patch (db.ada1, TOKEN, "{\"title\":[\"x\"]}"), 400,
      "bad_request");
  expect_error (patch (db.ada1, TOKEN, "{\"speaker\":{\"name\":\"x\"}}"),
      400, "bad_request");
  expect_error (patch (db.ada1, TOKEN, "{\"speaker\":true}"), 400,
      "bad_request");
  json = g_strdup_printf ("{\"title\":\"%s\"}", title_257);
  expect_error (patch (db.ada1, TOKEN, json), 400, "bad_request");
  g_free (json);
  /* nothing changed */
  r = get ("/api/v1/sessions/%s", db.ada1);
  fail_unless_equals_string (jstr (r, "title"), "First talk");
  fail_unless_equals_string (jstr (r, "speaker"), "Ada");
  reply_free (r);

  /* 256 bytes is the limit */
  json = g_strdup_printf ("{\"title\":\"%s\"}", title_256);
  r = patch (db.ada1, TOKEN, json);
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "title"), title_256);
  reply_free (r);
  g_free (json);

  /* a change: the answer and the next GET show it */
  r = patch (db.ada1, TOKEN, "{\"title\":\"Renamed \\\"talk\\\" \\u00e9\","
      "\"speaker\":\"Ada L.\"}");
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "id"), db.ada1);
  fail_unless_equals_string (jstr (r, "title"), "Renamed \"talk\" \xc3\xa9");
  fail_unless_equals_string (jstr (r, "speaker"), "Ada L.");
  fail_unless_equals_string (jstr (r, "summary.type"), "aura-summary");
  reply_free (r);
  r = get ("/api/v1/sessions/%s", db.ada1);
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "title"), "Renamed \"talk\" \xc3\xa9");
  fail_unless_equals_string (jstr (r, "speaker"), "Ada L.");
  fail_unless_equals_string (jstr (r, "status"), "completed");
  fail_unless_equals_string (jstr (r, "started_at"), ada1_spec.started_at);
  reply_free (r);
  fail_unless_equals_int (list_total ("?speaker=Ada"), 1);
  fail_unless_equals_int (list_total ("?speaker=Ada%20L."), 1);
  /* one member only: the other stays */
  r = patch (db.ada1, TOKEN, "{\"speaker\":\"Ada\"}");
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "title"), "Renamed \"talk\" \xc3\xa9");
  fail_unless_equals_string (jstr (r, "speaker"), "Ada");
  reply_free (r);
  /* an empty object changes nothing */
  r = patch (db.ada1, TOKEN, "{}");
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "speaker"), "Ada");
  reply_free (r);

  /* DELETE: 204 without a body, then gone everywhere */
  r = delete_session (db.bob, TOKEN);
  assert_status (r, 204);
  fail_unless_equals_int (r->len, 0);
  reply_free (r);
  expect_error (get ("/api/v1/sessions/%s", db.bob), 404, "not_found");
  expect_error (get ("/api/v1/sessions/%s/metrics", db.bob), 404, "not_found");
  expect_error (delete_session (db.bob, TOKEN), 404, "not_found");
  fail_unless_equals_int (list_total (""), 2);
  fail_unless_equals_int (db_int ("SELECT count(*) FROM metrics"),
      2 * N_METRICS);
  fail_unless_equals_int (db_int ("SELECT count(*) FROM summaries"), 2);
  fail_unless_equals_int (db_int ("SELECT count(*) FROM feedback"), 4);

  /* a session being recorded (by a store of this process) cannot go */
  store = aura_store_open (db_path, &error);
  fail_unless (store != NULL, "%s", error ? error->message : "");
  fail_unless (aura_store_session_begin (store, &info, &error));
  r = get ("/api/v1/sessions/being-recorded");
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "status"), "recording");
  fail_unless (jis_null (r, "ended_at"));
  reply_free (r);
  expect_error (delete_session ("being-recorded", TOKEN), 409, "conflict");
  /* its title may change */
  expect (patch ("being-recorded", TOKEN, "{\"title\":\"Live!\"}"), 200);
  fail_unless (aura_store_session_end (store, AURA_SESSION_COMPLETED, &error));
  aura_store_close (store);
  r = get ("/api/v1/sessions/being-recorded");
  fail_unless_equals_string (jstr (r, "status"), "completed");
  fail_unless_equals_string (jstr (r, "title"), "Live!");
  reply_free (r);
  expect (delete_session ("being-recorded", TOKEN), 204);
  fail_unless_equals_int (list_total (""), 2);

  g_free (title_256);
  g_free (title_257);
  db_clear (&db);
}

GST_END_TEST;

/* =========================================================================
 * 5. limits: body size, chunked bodies, URL length, malformed requests
 * ========================================================================= */

GST_START_TEST (test_limits)
{
  ServerOptions opt = { TOKEN, NULL, 1024, };
  const gchar *auth[] = { "Authorization", "Bearer " TOKEN, NULL };
  gchar *big = g_strnfill (2048, 'x'), *text, *long_value, *path;
  GBytes *body;
  GInputStream *stream;
  Reply *r;
  guint status;
  Db db;

  populate (&db);
  start_server_with (&opt);

  /* a body larger than max_body: 413, whatever the route */
  body = g_bytes_new (big, 2048);
  r = request_full ("POST", "/api/v1/sessions", auth, "audio/wav", body, NULL);
  assert_error (r, 413, "too_large");
  reply_free (r);
  path = g_strdup_printf ("/api/v1/sessions/%s", db.ada1);
  r = request_full ("PATCH", path, auth, "application/json", body, NULL);
  assert_error (r, 413, "too_large");
  reply_free (r);
  g_bytes_unref (body);
  /* exactly max_body passes the limit (and is not JSON) */
  body = g_bytes_new (big, 1024);
  r = request_full ("PATCH", path, auth, "application/json", body, NULL);
  assert_error (r, 400, "bad_json");
  reply_free (r);
  g_bytes_unref (body);
  /* a client that waits for 100 Continue is told at once, without sending
   * the body (test_limits_before_body: one that does not wait) */
  {
    const gchar *req = "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Bearer " TOKEN "\r\nContent-Type: audio/wav\r\n"
        "Content-Length: 100000000\r\nExpect: 100-continue\r\n"
        "Connection: close\r\n\r\n";

    text = raw_http (req, strlen (req), &status);
    fail_unless_equals_int (status, 413);
    fail_unless (strstr (text, "\"too_large\"") != NULL, "%s", text);
    fail_unless (strstr (text, "100 Continue") == NULL, "%s", text);
    g_free (text);
  }

  /* chunked request bodies: 411, from libsoup's client and by hand */
  stream = g_memory_input_stream_new_from_data ("RIFF", 4, NULL);
  r = request_full ("POST", "/api/v1/sessions", auth, "audio/wav", NULL,
      stream);
  assert_error (r, 411, "length_required");
  reply_free (r);
  g_object_unref (stream);
  stream = g_memory_input_stream_new_from_data ("{}", 2, NULL);
  r = request_full ("PATCH", path, auth, "application/json", NULL, stream);
  assert_error (r, 411, "length_required");
  reply_free (r);
  g_object_unref (stream);
  {
    const gchar *req = "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Bearer " TOKEN "\r\nContent-Type: audio/wav\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        "4\r\nRIFF\r\n0\r\n\r\n";

    text = raw_http (req, strlen (req), &status);
    fail_unless_equals_int (status, 411);
    fail_unless (strstr (text, "\"length_required\"") != NULL, "%s", text);
    g_free (text);
  }

  /* URLs: 4096 bytes of path and query pass, 4097 do not */
  long_value = g_strnfill (4096 - strlen ("/api/v1/sessions") -
      strlen ("speaker="), 'a');
  expect_error (get ("/api/v1/sessions?speaker=%s", long_value), 400,
      "bad_request");
  expect_error (get ("/api/v1/sessions?speaker=%sa", long_value), 414,
      "uri_too_long");
  expect_error (get ("/api/v1/sessions/%s%s", long_value, long_value), 414,
      "uri_too_long");
  {
    gchar *req = g_strdup_printf ("GET /api/v1/sessions?speaker=%s%s "
        "HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        long_value, long_value);

    text = raw_http (req, strlen (req), &status);
    fail_unless_equals_int (status, 414);
    g_free (text);
    g_free (req);
  }
  g_free (long_value);

  /* a correct raw request, for comparison */
  {
    const gchar *req = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Connection: close\r\n\r\n";

    text = raw_http (req, strlen (req), &status);
    fail_unless_equals_int (status, 200);
    fail_unless (strstr (text, "\"status\":\"ok\"") != NULL);
    g_free (text);
  }

  g_free (path);
  g_free (big);
  db_clear (&db);
}

GST_END_TEST;

/* Requests libsoup itself refuses (no method, no URI): an error status,
 * nothing else (no critical warning from the server's access log or
 * counters), and the server goes on. */
GST_START_TEST (test_malformed_requests)
{
  static const struct
  {
    const gchar *request;
    guint status;
  } bad[] = {
    {"THIS IS NOT HTTP\r\n\r\n", 400},
    /* an HTTP/1.1 request without Host */
    {"GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", 400},
    {"GET /health HTTP/1.1\r\nHost: 127.0.0.1/evil\r\n"
          "Connection: close\r\n\r\n", 400},
  };
  Reply *r;
  gchar *text;
  guint i, status;

  start_server (TOKEN);
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    text = raw_http (bad[i].request, strlen (bad[i].request), &status);
    fail_unless (status == bad[i].status, "request %u: %s", i, text);
    g_free (text);
    expect (get ("/health"), 200);
  }
  r = get ("/metrics");
  assert_status (r, 200);
  fail_unless (strstr (r->text, "(null)") == NULL, "%s", r->text);
  reply_free (r);
  stop_server ();
  assert_no_thread_logs ();
}

GST_END_TEST;

/* A request whose headers already exceed a limit is answered from its
 * headers: the server neither waits for the body nor keeps it. Here the
 * body never comes (a Content-Length of 100 MB, a chunked body that never
 * ends), so the answer must come without it, whatever the client. */
GST_START_TEST (test_limits_before_body)
{
  ServerOptions opt = { TOKEN, NULL, 1024, };
  const gchar *too_large = "POST /api/v1/sessions HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nAuthorization: Bearer " TOKEN "\r\n"
      "Content-Type: audio/wav\r\nContent-Length: 100000000\r\n"
      "Connection: close\r\n\r\nRIFF";
  const gchar *chunked = "POST /api/v1/sessions HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nAuthorization: Bearer " TOKEN "\r\n"
      "Content-Type: audio/wav\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n4\r\nRIFF\r\n";
  gchar *text;
  guint status;

  start_server_with (&opt);
  text = raw_http_full (too_large, strlen (too_large), 3, &status);
  fail_unless_equals_int (status, 413);
  fail_unless (strstr (text, "\"too_large\"") != NULL, "%s", text);
  g_free (text);
  text = raw_http_full (chunked, strlen (chunked), 3, &status);
  fail_unless_equals_int (status, 411);
  fail_unless (strstr (text, "\"length_required\"") != NULL, "%s", text);
  g_free (text);
  expect (get ("/health"), 200);
}

GST_END_TEST;

/* =========================================================================
 * 6. bearer token
 * ========================================================================= */

static Reply *
patch_with_auth (const gchar * id, const gchar * authorization)
{
  gchar *path = g_strdup_printf ("/api/v1/sessions/%s", id);
  const gchar *headers[] = { "Authorization", authorization, NULL };
  GBytes *body = g_bytes_new_static ("{\"title\":\"T\"}", 13);
  Reply *r = request_full ("PATCH", path, authorization ? headers : NULL,
      "application/json", body, NULL);

  g_bytes_unref (body);
  g_free (path);
  return r;
}

GST_START_TEST (test_token)
{
  static const gchar *const wrong[] = { "Bearer wrong", "Bearer " TOKEN "x",
    "Bearer s3cret-toke", "Bearer ", "Basic " TOKEN, TOKEN,
    "Bearer  " TOKEN, NULL
  };
  AuraServerConfig cfg = { 0, };
  GError *error = NULL;
  GBytes *wav = g_bytes_new_static ("RIFF", 4);
  gchar *path;
  Db db;
  Reply *r;
  guint i;

  populate (&db);
  start_server (TOKEN);

  /* writes without a token */
  r = patch_with_auth (db.ada1, NULL);
  assert_error (r, 401, "unauthorized");
  fail_unless_equals_string (header (r, "WWW-Authenticate"),
      "Bearer realm=\"aura\"");
  reply_free (r);
  r = post_raw (NULL, "", "audio/wav", wav);
  assert_error (r, 401, "unauthorized");
  fail_unless (header (r, "WWW-Authenticate") != NULL);
  reply_free (r);
  r = delete_session (db.ada1, NULL);
  assert_error (r, 401, "unauthorized");
  fail_unless (header (r, "WWW-Authenticate") != NULL);
  reply_free (r);
  /* a wrong one */
  for (i = 0; wrong[i]; i++) {
    r = patch_with_auth (db.ada1, wrong[i]);
    assert_error (r, 401, "unauthorized");
    fail_unless (header (r, "WWW-Authenticate") != NULL);
    reply_free (r);
  }
  /* only the live route takes ?access_token= */
  path = g_strdup_printf ("/api/v1/sessions/%s?access_token=%s", db.ada1,
      TOKEN);
  r = send_json ("PATCH", path, NULL, "{\"title\":\"T\"}");
  assert_error (r, 401, "unauthorized");
  reply_free (r);
  r = send_json ("DELETE", path, NULL, NULL);
  assert_error (r, 401, "unauthorized");
  reply_free (r);
  g_free (path);
  r = get ("/api/v1/sessions/%s", db.ada1);
  fail_unless_equals_string (jstr (r, "title"), "First talk");
  reply_free (r);
  fail_unless_equals_int (list_total (""), 3);

  /* the right one (the scheme is case-insensitive) */
  r = patch_with_auth (db.ada1, "Bearer " TOKEN);
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "title"), "T");
  reply_free (r);
  expect (patch_with_auth (db.ada1, "bearer " TOKEN), 200);
  expect (delete_session (db.bob, TOKEN), 204);
  /* the right token does not make a bad upload good */
  expect_error (post_raw (TOKEN, "", "audio/wav", wav), 415,
      "unsupported_media");

  /* reads need none on loopback */
  expect (get ("/api/v1/sessions"), 200);
  expect (get ("/api/v1/sessions/%s/metrics", db.ada1), 200);
  expect (get ("/api/v1/analytics"), 200);
  expect (get ("/metrics"), 200);
  expect (get ("/api/v1/health"), 200);

  /* a server without a token refuses every write */
  start_server (NULL);
  expect_error (patch_with_auth (db.ada1, NULL), 403, "writes_disabled");
  expect_error (patch_with_auth (db.ada1, "Bearer " TOKEN), 403,
      "writes_disabled");
  expect_error (delete_session (db.ada2, TOKEN), 403, "writes_disabled");
  expect_error (post_raw (NULL, "", "audio/wav", wav), 403, "writes_disabled");
  expect (get ("/api/v1/sessions/%s", db.ada2), 200);
  fail_unless_equals_int (list_total (""), 2);
  /* an empty token is no token */
  start_server ("");
  expect_error (patch_with_auth (db.ada1, "Bearer "), 403, "writes_disabled");
  stop_server ();

  /* beyond loopback, no token: refused */
  cfg.db_path = db_path;
  cfg.address = "0.0.0.0";
  fail_unless (aura_server_new (&cfg, &error) == NULL);
  fail_unless (g_error_matches (error, G_IO_ERROR,
          G_IO_ERROR_PERMISSION_DENIED), "%s", error ? error->message : "");
  g_clear_error (&error);
  cfg.token = "";
  fail_unless (aura_server_new (&cfg, &error) == NULL);
  fail_unless (g_error_matches (error, G_IO_ERROR,
          G_IO_ERROR_PERMISSION_DENIED));
  g_clear_error (&error);
  fail_unless (aura_server_thread_start (&cfg, &error) == NULL);
  fail_unless (g_error_matches (error, G_IO_ERROR,
          G_IO_ERROR_PERMISSION_DENIED));
  g_clear_error (&error);
  /* not an address */
  cfg.address = "not-an-address";
  cfg.token = TOKEN;
  fail_unless (aura_server_thread_start (&cfg, &error) == NULL);
  fail_unless (error != NULL);
  g_clear_error (&error);

  g_bytes_unref (wav);
  db_clear (&db);
}

GST_END_TEST;

/* =========================================================================
 * 7. CORS
 * ========================================================================= */

#define ORIGIN "http://app.example:3000"

static Reply *
with_origin (const gchar * method, const gchar * path, const gchar * origin)
{
  const gchar *headers[] = { "Origin", origin,
    "Access-Control-Request-Method", "PATCH",
    "Access-Control-Request-Headers", "authorization, content-type", NULL
  };

  if (g_strcmp0 (method, "OPTIONS") != 0)
    headers[2] = NULL;
  return request_full (method, path, origin ? headers : NULL, NULL, NULL, NULL);
}

GST_START_TEST (test_cors)
{
  const gchar *const origins[] = { ORIGIN, "https://other.example", NULL };
  ServerOptions opt = { TOKEN, origins, };
  Db db;
  Reply *r;

  populate (&db);
  start_server_with (&opt);

  /* preflight from an allowed origin */
  r = with_origin ("OPTIONS", "/api/v1/sessions", ORIGIN);
  assert_status (r, 204);
  fail_unless_equals_string (header (r, "Access-Control-Allow-Origin"), ORIGIN);
  fail_unless (strstr (header (r, "Access-Control-Allow-Methods"), "GET"));
  fail_unless (strstr (header (r, "Access-Control-Allow-Methods"), "POST"));
  fail_unless (strstr (header (r, "Access-Control-Allow-Methods"), "PATCH"));
  fail_unless (strstr (header (r, "Access-Control-Allow-Methods"), "DELETE"));
  fail_unless (strstr (header (r, "Access-Control-Allow-Headers"),
          "Authorization"));
  fail_unless (strstr (header (r, "Access-Control-Allow-Headers"),
          "Content-Type"));
  fail_unless (strstr (header (r, "Vary"), "Origin"));
  fail_unless_equals_int (r->len, 0);
  reply_free (r);
  r = with_origin ("OPTIONS", "/api/v1/sessions/x", "https://other.example");
  assert_status (r, 204);
  fail_unless_equals_string (header (r, "Access-Control-Allow-Origin"),
      "https://other.example");
  reply_free (r);

  /* from anywhere else, or from nowhere: refused, no ACAO */
  r = with_origin ("OPTIONS", "/api/v1/sessions", "http://evil.example");
  assert_error (r, 403, "cors_forbidden");
  fail_unless (header (r, "Access-Control-Allow-Origin") == NULL);
  fail_unless (header (r, "Access-Control-Allow-Methods") == NULL);
  reply_free (r);
  /* an allowed origin's look-alikes */
  expect_error (with_origin ("OPTIONS", "/api/v1/sessions",
          "http://app.example"), 403, "cors_forbidden");
  expect_error (with_origin ("OPTIONS", "/api/v1/sessions",
          ORIGIN ".evil.example"), 403, "cors_forbidden");
  expect_error (with_origin ("OPTIONS", "/api/v1/sessions", "null"), 403,
      "cors_forbidden");
  r = with_origin ("OPTIONS", "/api/v1/sessions", NULL);
  assert_error (r, 403, "cors_forbidden");
  reply_free (r);

  /* simple requests */
  r = with_origin ("GET", "/api/v1/sessions", ORIGIN);
  assert_status (r, 200);
  fail_unless_equals_string (header (r, "Access-Control-Allow-Origin"), ORIGIN);
  fail_unless (strstr (header (r, "Access-Control-Expose-Headers"),
          "X-Request-ID"));
  fail_unless (strstr (header (r, "Vary"), "Origin"));
  reply_free (r);
  r = with_origin ("GET", "/api/v1/sessions", NULL);
  assert_status (r, 200);
  fail_unless (header (r, "Access-Control-Allow-Origin") == NULL);
  reply_free (r);
  r = with_origin ("GET", "/api/v1/sessions", "http://evil.example");
  assert_status (r, 200);
  fail_unless (header (r, "Access-Control-Allow-Origin") == NULL);
  reply_free (r);
  /* errors carry it too, so the page can read them */
  r = with_origin ("GET", "/api/v1/sessions/none", ORIGIN);
  assert_error (r, 404, "not_found");
  fail_unless_equals_string (header (r, "Access-Control-Allow-Origin"), ORIGIN);
  reply_free (r);

  /* a server without allowed origins */
  start_server (TOKEN);
  expect_error (with_origin ("OPTIONS", "/api/v1/sessions", ORIGIN), 403,
      "cors_forbidden");
  r = with_origin ("GET", "/api/v1/sessions", ORIGIN);
  assert_status (r, 200);
  fail_unless (header (r, "Access-Control-Allow-Origin") == NULL);
  reply_free (r);

  db_clear (&db);
}

GST_END_TEST;

/* =========================================================================
 * 8. SQL injection
 * ========================================================================= */

GST_START_TEST (test_sql_injection)
{
  static const gchar *const attacks[] = {
    "x' OR '1'='1", "x' OR 1=1 --", "'; DROP TABLE sessions; --",
    "\" OR \"\"=\"", "1) UNION SELECT id, id, id FROM sessions --",
    "%' --", "Ada' --", "'); DELETE FROM metrics; --", "\\", "*", NULL
  };
  Db db;
  Reply *r;
  guint i;
  gint64 metrics;

  populate (&db);
  start_server (TOKEN);
  metrics = db_int ("SELECT count(*) FROM metrics");

  for (i = 0; attacks[i]; i++) {
    gchar *q = escape (attacks[i]);
    gchar *json, *quoted;
    JsonNode *node;

    /* a speaker no session has */
    r = get ("/api/v1/sessions?speaker=%s", q);
    assert_status (r, 200);
    fail_unless_equals_int ((gint) jnum (r, "total"), 0);
    fail_unless_equals_int (jlen (r, "sessions"), 0);
    reply_free (r);
    r = get ("/api/v1/analytics?speaker=%s", q);
    assert_status (r, 200);
    fail_unless_equals_int (jlen (r, "speakers"), 0);
    reply_free (r);
    /* not dates, not numbers, not field names */
    expect_error (get ("/api/v1/sessions?from=%s", q), 400, "bad_request");
    expect_error (get ("/api/v1/sessions?to=%s", q), 400, "bad_request");
    expect_error (get ("/api/v1/sessions?limit=%s", q), 400, "bad_request");
    expect_error (get ("/api/v1/sessions?offset=%s", q), 400, "bad_request");
    expect_error (get ("/api/v1/analytics?from=%s", q), 400, "bad_request");
    expect_error (get ("/api/v1/analytics?to=%s", q), 400, "bad_request");
    expect_error (get ("/api/v1/sessions/%s/metrics?fields=%s", db.ada1, q),
        400, "bad_request");
    expect_error (get ("/api/v1/sessions/%s/metrics?from=%s", db.ada1, q),
        400, "bad_request");
    expect_error (get ("/api/v1/sessions/%s/feedback?to=%s", db.ada1, q),
        400, "bad_request");
    /* as an id */
    expect_error (get ("/api/v1/sessions/%s", q), 404, "not_found");
    expect_error (get ("/api/v1/sessions/%s/metrics", q), 404, "not_found");
    expect_error (get ("/api/v1/sessions/%s/feedback", q), 404, "not_found");
    expect_error (get ("/api/v1/sessions/%s/report", q), 404, "not_found");
    expect_error (delete_session (q, TOKEN), 404, "not_found");
    expect_error (patch (q, TOKEN, "{\"title\":\"x\"}"), 404, "not_found");

    /* as a title and a speaker: stored as text */
    node = json_node_init_string (json_node_alloc (), attacks[i]);
    quoted = json_to_string (node, FALSE);
    json_node_unref (node);
    json = g_strdup_printf ("{\"title\":%s,\"speaker\":%s}", quoted, quoted);
    r = patch (db.bob, TOKEN, json);
    assert_status (r, 200);
    fail_unless_equals_string (jstr (r, "title"), attacks[i]);
    reply_free (r);
    r = get ("/api/v1/sessions/%s", db.bob);
    fail_unless_equals_string (jstr (r, "title"), attacks[i]);
    fail_unless_equals_string (jstr (r, "speaker"), attacks[i]);
    reply_free (r);
    /* which now matches exactly one session */
    r = get ("/api/v1/sessions?speaker=%s", q);
    assert_status (r, 200);
    fail_unless_equals_int ((gint) jnum (r, "total"), 1);
    fail_unless_equals_string (jstr (r, "sessions.0.id"), db.bob);
    reply_free (r);
    r = get ("/api/v1/analytics?speaker=%s", q);
    assert_status (r, 200);
    fail_unless_equals_int (jlen (r, "speakers"), 1);
    fail_unless_equals_string (jstr (r, "speakers.0.speaker"), attacks[i]);
    reply_free (r);
    expect (patch (db.bob, TOKEN, "{\"speaker\":\"Bob\"}"), 200);
    g_free (json);
    g_free (quoted);
    g_free (q);
  }

  /* everything still there */
  fail_unless_equals_int (list_total (""), 3);
  fail_unless_equals_int (list_total ("?speaker=Ada"), 2);
  fail_unless_equals_int (db_int ("SELECT count(*) FROM sessions"), 3);
  fail_unless_equals_int (db_int ("SELECT count(*) FROM metrics"), metrics);
  fail_unless_equals_int (db_int ("SELECT count(*) FROM summaries"), 3);
  r = get ("/api/v1/sessions/%s/metrics", db.ada1);
  fail_unless_equals_int (jlen (r, "metrics"), N_METRICS);
  reply_free (r);
  db_clear (&db);
}

GST_END_TEST;

/* =========================================================================
 * 9. uploads
 * ========================================================================= */

#define WAV_SECONDS 3.0

GST_START_TEST (test_uploads)
{
  static const gchar *const fields[] = { "title", "Uploaded talk",
    "speaker", "Eve", "language", "en", "profile", "presentation",
    "ignored", "x", NULL
  };
  static const gchar *const bad_language[] = { "language", "de", NULL };
  static const gchar *const bad_profile[] = { "profile", "nope", NULL };
  ServerOptions opt = { TOKEN, NULL, 0, 2, 8 };
  GBytes *wav = make_wav (WAV_SECONDS), *text, *ogg, *video, *garbage;
  gchar *id, *raw_id, *ogg_id, *video_id, *garbage_id;
  Reply *r;
  /* the WAV twice; the cut file and the garbage may end either way */
  guint i, n, completed = 2;
  gdouble last_t = -1;

  start_server_with (&opt);

  /* a form with the recording and its fields */
  r = post_form (TOKEN, "speech.wav", "audio/wav", wav, fields);
  id = accepted_id (r);
  reply_free (r);
  /* a raw body, the fields as query parameters */
  r = post_raw (TOKEN, "?title=Raw%20one&filename=raw.wav&speaker=Eve",
      "application/octet-stream", wav);
  raw_id = accepted_id (r);
  reply_free (r);

  /* not audio: 415, nothing queued */
  {
    static const gchar notes[] = "Hello, this is a plain text file and not "
        "a recording at all.\n";

    text = g_bytes_new_static (notes, sizeof (notes) - 1);
  }
  expect_error (post_form (TOKEN, "notes.txt", "audio/wav", text, NULL), 415,
      "unsupported_media");
  expect_error (post_raw (TOKEN, "", "audio/wav", text), 415,
      "unsupported_media");
  g_bytes_unref (text);
  /* no file, an empty body, bad fields */
  expect_error (post_form (TOKEN, NULL, NULL, NULL, fields), 400,
      "bad_request");
  expect_error (post_raw (TOKEN, "", "audio/wav", NULL), 400, "bad_request");
  expect_error (post_form (TOKEN, "speech.wav", "audio/wav", wav,
          bad_language), 400, "bad_request");
  expect_error (post_form (TOKEN, "speech.wav", "audio/wav", wav,
          bad_profile), 400, "bad_request");

  /* media that cannot be analysed: a video without sound */
  video = make_video_only ();
  r = post_form (TOKEN, "video.avi", "video/x-msvideo", video, NULL);
  video_id = accepted_id (r);
  reply_free (r);
  /* truncated media: an Ogg file cut in a page */
  ogg = make_cut_ogg ();
  r = post_form (TOKEN, "cut.ogg", "audio/ogg", ogg, NULL);
  ogg_id = accepted_id (r);
  reply_free (r);
  /* and a WAV header over garbage */
  {
    guint8 *bytes = g_malloc (4000);

    for (i = 0; i < 4000; i++)
      bytes[i] = (guint8) (i * 2654435761u >> 13);
    memcpy (bytes, "RIFF\xff\xff\x00\x00WAVEfmt \x10\x00\x00\x00"
        "\x01\x00\x00\x00\x00\x00\x00\x00", 28);
    garbage = g_bytes_new_take (bytes, 4000);
  }
  r = post_form (TOKEN, "garbage.wav", "audio/wav", garbage, NULL);
  garbage_id = accepted_id (r);
  reply_free (r);

  /* the recording, analysed */
  r = wait_finished (id, 60);
  fail_unless_equals_string (jstr (r, "status"), "completed");
  fail_unless_equals_string (jstr (r, "source"), "speech.wav");
  fail_unless_equals_string (jstr (r, "title"), "Uploaded talk");
  fail_unless_equals_string (jstr (r, "speaker"), "Eve");
  fail_unless_equals_string (jstr (r, "language"), "en");
  fail_unless_equals_string (jstr (r, "profile"), "presentation");
  fail_unless (jis_null (r, "error"));
  fail_unless (jis_null (r, "progress"));
  fail_unless (!jis_null (r, "ended_at"));
  fail_unless_equals_string (jstr (r, "summary.type"), "aura-summary");
  fail_unless (fabs (jnum (r, "summary.duration") / (gdouble) S -
          WAV_SECONDS) < 0.1, "duration %f", jnum (r, "summary.duration"));
  fail_unless_equals_string (jstr (r, "report.type"), "aura-report");
  reply_free (r);
  r = get ("/api/v1/sessions/%s/metrics?fields=wpm,speech_ratio", id);
  assert_status (r, 200);
  n = jlen (r, "metrics");
  fail_unless (n >= 2, "%u metrics", n);
  for (i = 0; i < n; i++) {
    JsonObject *o = json_array_get_object_element (json_node_get_array
        (jnode (r->json, "metrics")), i);

    fail_unless (json_object_get_double_member (o, "t") > last_t);
    last_t = json_object_get_double_member (o, "t");
    fail_unless (json_object_has_member (o, "wpm"));
    fail_unless (json_object_get_double_member (o, "speech_ratio") > 0);
  }
  reply_free (r);
  r = get ("/api/v1/sessions/%s/report", id);
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "type"), "aura-report");
  reply_free (r);

  r = wait_finished (raw_id, 60);
  fail_unless_equals_string (jstr (r, "status"), "completed");
  fail_unless_equals_string (jstr (r, "source"), "raw.wav");
  fail_unless_equals_string (jstr (r, "title"), "Raw one");
  reply_free (r);
  /* the speaker's progress includes both */
  r = get ("/api/v1/analytics?speaker=Eve");
  fail_unless_equals_int ((gint) jnum (r, "speakers.0.sessions"), 2);
  reply_free (r);

  /* the video fails, telling why */
  r = wait_finished (video_id, 60);
  fail_unless_equals_string (jstr (r, "status"), "failed");
  fail_unless_equals_string (jstr (r, "error"), "no audio stream in the "
      "input");
  fail_unless_equals_string (jstr (r, "source"), "video.avi");
  fail_unless (!jis_null (r, "ended_at"));
  fail_unless (jis_null (r, "summary"));
  reply_free (r);
  expect_error (get ("/api/v1/sessions/%s/report", video_id), 404, "not_found");
  /* the cut file and the garbage end one way or the other, never left
   * running */
  for (i = 0; i < 2; i++) {
    r = wait_finished (i ? garbage_id : ogg_id, 60);
    if (g_strcmp0 (jstr (r, "status"), "failed") == 0) {
      fail_unless (*jstr (r, "error") != '\0');
    } else {
      fail_unless_equals_string (jstr (r, "status"), "completed");
      completed++;
    }
    fail_unless_equals_string (jstr (r, "source"), i ? "garbage.wav" :
        "cut.ogg");
    reply_free (r);
  }

  /* what the server counts: a worker is done a little after its session
   * (it tears its pipeline down) */
  r = wait_workers_idle (5);
  fail_unless_equals_int ((gint) jnum (r, "uploads.waiting"), 0);
  fail_unless_equals_int ((gint) jnum (r, "uploads.queued_sessions"), 0);
  reply_free (r);
  r = get ("/metrics");
  {
    gchar *line = g_strdup_printf ("\naura_uploads_completed_total %u\n",
        completed);

    fail_unless (strstr (r->text, line) != NULL, "%s", r->text);
    g_free (line);
    line = g_strdup_printf ("\naura_uploads_failed_total %u\n", 5 - completed);
    fail_unless (strstr (r->text, line) != NULL, "%s", r->text);
    g_free (line);
  }
  reply_free (r);
  /* finished uploads may go */
  expect (delete_session (video_id, TOKEN), 204);
  expect_error (get ("/api/v1/sessions/%s", video_id), 404, "not_found");

  g_bytes_unref (wav);
  g_bytes_unref (ogg);
  g_bytes_unref (video);
  g_bytes_unref (garbage);
  g_free (id);
  g_free (raw_id);
  g_free (ogg_id);
  g_free (video_id);
  g_free (garbage_id);
}

GST_END_TEST;

GST_START_TEST (test_upload_queue_full)
{
  ServerOptions opt = { TOKEN, NULL, 0, 1, 1 };
  GBytes *wav = make_wav (WAV_SECONDS);
  gchar *ids[3] = { NULL, };
  guint i, accepted = 0, refused = 0;
  Reply *r;

  start_server_with (&opt);
  for (i = 0; i < 3; i++) {
    r = post_form (TOKEN, "speech.wav", "audio/wav", wav, NULL);
    if (r->status == 503) {
      assert_error (r, 503, "queue_full");
      fail_unless_equals_string (header (r, "Retry-After"), "30");
      refused++;
    } else {
      ids[accepted++] = accepted_id (r);
    }
    reply_free (r);
  }
  fail_unless (refused >= 1, "%u accepted, none refused", accepted);
  fail_unless (accepted >= 1);
  /* nothing was stored for the refused ones */
  fail_unless_equals_int (list_total (""), accepted);
  for (i = 0; i < accepted; i++) {
    r = wait_finished (ids[i], 60);
    fail_unless_equals_string (jstr (r, "status"), "completed");
    reply_free (r);
    g_free (ids[i]);
  }
  /* room again */
  r = post_form (TOKEN, "speech.wav", "audio/wav", wav, NULL);
  ids[0] = accepted_id (r);
  reply_free (r);
  r = wait_finished (ids[0], 60);
  fail_unless_equals_string (jstr (r, "status"), "completed");
  reply_free (r);
  g_free (ids[0]);
  g_bytes_unref (wav);
}

GST_END_TEST;

/* =========================================================================
 * 10. the live WebSocket
 * ========================================================================= */

/* Types of the messages, "hello metrics metrics ... end". */
static gchar *
ws_types (Ws * ws)
{
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < ws->messages->len; i++) {
    Reply *m = ws_message (ws, i);

    g_string_append_printf (s, "%s%s", i ? " " : "", jstr (m, "type"));
    reply_free (m);
  }
  return g_string_free (s, FALSE);
}

GST_START_TEST (test_live_pipeline)
{
  gchar *description, *id = NULL, *types;
  GstElement *pipeline;
  GstBus *bus;
  GstMessage *msg;
  const GstStructure *st;
  gboolean eos = FALSE;
  gint http_port = 0;
  gint64 deadline;
  guint i, n_metrics = 0, n_summary = 0, n_report = 0, n_feedback = 0;
  gdouble last_t = -1, first_t = -1;
  gchar *path_last;
  Ws *ws;
  Reply *r;

  description = g_strdup_printf ("audiotestsrc is-live=true num-buffers=40 "
      "samplesperbuffer=1600 wave=sine freq=220 ! audio/x-raw,rate=16000,"
      "channels=1 ! audioconvert ! auraanalyzer interval=500000000 ! "
      "aurafeedback ! aurasessionsink name=sink http-port=0 speaker=Live "
      "location=\"%s\"", db_path);
  pipeline = gst_parse_launch (description, NULL);
  fail_unless (pipeline != NULL);
  bus = gst_element_get_bus (pipeline);
  /* live: the sink starts (and serves) in PAUSED, data flows in PLAYING */
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_NO_PREROLL);
  msg = gst_bus_timed_pop_filtered (bus, 10 * S, GST_MESSAGE_ELEMENT |
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT);
  st = gst_message_get_structure (msg);
  fail_unless (gst_structure_has_name (st, "aura-session"));
  fail_unless (gst_structure_get_int (st, "http-port", &http_port));
  fail_unless (http_port > 0);
  id = g_strdup (gst_structure_get_string (st, "session-id"));
  fail_unless_equals_string (gst_structure_get_string (st, "location"),
      db_path);
  gst_message_unref (msg);
  port = (guint) http_port;

  r = get ("/api/v1/sessions/%s", id);
  assert_status (r, 200);
  fail_unless_equals_string (jstr (r, "status"), "recording");
  fail_unless_equals_string (jstr (r, "speaker"), "Live");
  reply_free (r);
  /* that server is read-only */
  expect_error (patch (id, TOKEN, "{\"title\":\"x\"}"), 403, "writes_disabled");
  /* the live route without an upgrade */
  r = get ("/api/v1/sessions/%s/live", id);
  assert_error (r, 426, "upgrade_required");
  fail_unless_equals_string (header (r, "Upgrade"), "websocket");
  reply_free (r);

  ws = ws_connect (id, NULL);
  fail_unless (ws->conn != NULL, "%s", ws->error ? ws->error->message : "");
  ws_wait_messages (ws, 1);
  r = ws_message (ws, 0);
  fail_unless_equals_string (jstr (r, "type"), "hello");
  fail_unless_equals_string (jstr (r, "session_id"), id);
  fail_unless_equals_string (jstr (r, "status"), "recording");
  reply_free (r);
  r = get ("/api/v1/health");
  fail_unless_equals_int ((gint) jnum (r, "websocket_clients"), 1);
  fail_unless_equals_int ((gint) jnum (r, "active_sessions"), 1);
  reply_free (r);

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  /* until the end of stream and the connection's close */
  deadline = g_get_monotonic_time () + (gint64) (slow (30) * G_USEC_PER_SEC);
  while ((!eos || !ws->closed) && g_get_monotonic_time () < deadline) {
    gboolean busy = g_main_context_iteration (NULL, FALSE);

    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (msg) {
      fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS, "pipeline error");
      eos = TRUE;
      gst_message_unref (msg);
    } else if (!busy) {
      g_usleep (2000);
    }
  }
  fail_unless (eos, "no end of stream");
  fail_unless (ws->closed, "the WebSocket was not closed");
  fail_unless_equals_int (soup_websocket_connection_get_close_code
      (ws->conn), SOUP_WEBSOCKET_CLOSE_NORMAL);

  types = ws_types (ws);
  GST_INFO ("live messages: %s", types);
  for (i = 1; i < ws->messages->len; i++) {
    const gchar *type;

    r = ws_message (ws, i);
    type = jstr (r, "type");
    if (i + 1 == ws->messages->len) {
      fail_unless_equals_string (type, "end");
      fail_unless_equals_string (jstr (r, "status"), "completed");
      fail_unless_equals_string (jstr (r, "session_id"), id);
    } else if (g_str_equal (type, "aura-metrics")) {
      /* the record with "t" first, t increasing */
      fail_unless (g_str_has_prefix (r->text, "{\"t\":"), "%s", r->text);
      fail_unless (jnum (r, "t") > last_t, "%s", types);
      last_t = jnum (r, "t");
      if (n_metrics == 0)
        first_t = last_t;
      fail_unless (jhas (r, "speech_ratio"));
      n_metrics++;
    } else if (g_str_equal (type, "aura-feedback")) {
      n_feedback++;
    } else if (g_str_equal (type, "aura-summary")) {
      n_summary++;
    } else if (g_str_equal (type, "aura-report")) {
      n_report++;
    } else {
      fail ("unexpected message %s", r->text);
    }
    fail_unless (g_strcmp0 (type, "hello") != 0);
    fail_unless (jhas (r, "t") || g_str_equal (type, "end"));
    reply_free (r);
  }
  fail_unless (n_metrics >= 2, "%s", types);
  fail_unless_equals_int (n_summary, 1);
  fail_unless_equals_int (n_report, 1);
  g_free (types);

  /* the live messages are what the database kept */
  path_last = g_strdup_printf ("metrics.%u.t", n_metrics - 1);
  r = get ("/api/v1/sessions/%s/metrics", id);
  fail_unless_equals_int (jlen (r, "metrics"), n_metrics);
  fail_unless_equals_float (jnum (r, "metrics.0.t"), first_t);
  fail_unless_equals_float (jnum (r, path_last), last_t);
  reply_free (r);
  g_free (path_last);
  r = get ("/api/v1/sessions/%s/feedback", id);
  fail_unless_equals_int (jlen (r, "feedback"), n_feedback);
  reply_free (r);
  r = get ("/api/v1/sessions/%s", id);
  fail_unless_equals_string (jstr (r, "status"), "completed");
  reply_free (r);

  ws_free (ws);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  port = 0;
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (description);
  g_free (id);
}

GST_END_TEST;

/* Iterates until @ws is closed. */
static void
ws_wait_closed (Ws * ws)
{
  fail_unless (iterate_until (&ws->closed, 10), "not closed; %u messages",
      ws->messages->len);
}

GST_START_TEST (test_live_other_cases)
{
  ServerOptions opt = { NULL, NULL, 0, 0, 0, 50 };
  AuraSessionInfo info = { "followed", "Elsewhere", "Zoe", NULL, NULL, NULL,
    0
  };
  gchar *origin;
  GError *error = NULL;
  AuraStore *store;
  Db db;
  Ws *ws;
  Reply *r;
  guint i;

  populate (&db);
  start_server_with (&opt);

  /* a completed session: hello and end at once, then a normal close */
  ws = ws_connect (db.ada1, NULL);
  fail_unless (ws->conn != NULL, "%s", ws->error ? ws->error->message : "");
  ws_wait_closed (ws);
  fail_unless_equals_int (ws->messages->len, 2);
  r = ws_message (ws, 0);
  fail_unless_equals_string (jstr (r, "type"), "hello");
  fail_unless_equals_string (jstr (r, "status"), "completed");
  fail_unless_equals_string (jstr (r, "session_id"), db.ada1);
  reply_free (r);
  r = ws_message (ws, 1);
  fail_unless_equals_string (jstr (r, "type"), "end");
  fail_unless_equals_string (jstr (r, "status"), "completed");
  reply_free (r);
  fail_unless_equals_int (soup_websocket_connection_get_close_code
      (ws->conn), SOUP_WEBSOCKET_CLOSE_NORMAL);
  ws_free (ws);

  /* the page's own origin may connect, another may not */
  origin = g_strdup_printf ("http://127.0.0.1:%u", port);
  ws = ws_connect (db.ada1, origin);
  fail_unless (ws->conn != NULL, "%s", ws->error ? ws->error->message : "");
  ws_wait_closed (ws);
  fail_unless_equals_int (ws->messages->len, 2);
  ws_free (ws);
  g_free (origin);
  ws = ws_connect (db.ada1, "http://evil.example");
  fail_unless (ws->conn == NULL);
  fail_unless_equals_int (soup_message_get_status (ws->msg), 403);
  ws_free (ws);

  /* no such session */
  ws = ws_connect ("no-such-session", NULL);
  fail_unless (ws->conn == NULL);
  fail_unless_equals_int (soup_message_get_status (ws->msg), 404);
  ws_free (ws);
  r = get ("/api/v1/sessions/%s/live", db.ada1);
  assert_error (r, 426, "upgrade_required");
  reply_free (r);

  /* a session recorded elsewhere (not through this process's live hub) is
   * followed in the database */
  store = aura_store_open (db_path, &error);
  fail_unless (store != NULL, "%s", error ? error->message : "");
  fail_unless (aura_store_session_begin (store, &info, &error));
  ws = ws_connect ("followed", NULL);
  fail_unless (ws->conn != NULL, "%s", ws->error ? ws->error->message : "");
  ws_wait_messages (ws, 1);
  r = ws_message (ws, 0);
  fail_unless_equals_string (jstr (r, "type"), "hello");
  fail_unless_equals_string (jstr (r, "status"), "recording");
  reply_free (r);
  for (i = 0; i < 3; i++)
    fail_unless (aura_store_add_record (store, AURA_RECORD_METRICS, i, NULL,
            "{\"type\":\"aura-metrics\",\"wpm\":100.0}"));
  fail_unless (aura_store_add_record (store, AURA_RECORD_SUMMARY, 0, NULL,
          "{\"type\":\"aura-summary\",\"wpm\":100.0}"));
  fail_unless (aura_store_session_end (store, AURA_SESSION_COMPLETED, &error));
  aura_store_close (store);
  ws_wait_closed (ws);
  {
    gchar *types = ws_types (ws);

    fail_unless_equals_string (types, "hello aura-metrics aura-metrics "
        "aura-metrics aura-summary end");
    g_free (types);
  }
  for (i = 0; i < 3; i++) {
    r = ws_message (ws, 1 + i);
    fail_unless_equals_float (jnum (r, "t"), i);
    reply_free (r);
  }
  r = ws_message (ws, 5);
  fail_unless_equals_string (jstr (r, "status"), "completed");
  reply_free (r);
  fail_unless_equals_int (soup_websocket_connection_get_close_code
      (ws->conn), SOUP_WEBSOCKET_CLOSE_NORMAL);
  ws_free (ws);

  db_clear (&db);
}

GST_END_TEST;

/* =========================================================================
 * 11. Prometheus /metrics
 * ========================================================================= */

GST_START_TEST (test_prometheus)
{
  GRegex *sample = g_regex_new ("^([a-zA-Z_:][a-zA-Z0-9_:]*)"
      "(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\""
      "(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\")*\\})?"
      " (NaN|[+-]Inf|[-+]?[0-9]+(?:\\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)"
      "(?: -?[0-9]+)?$", 0, 0, NULL);
  GRegex *comment = g_regex_new ("^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)"
      " (.+)$", 0, 0, NULL);
  GHashTable *help = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  GHashTable *type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  gchar **lines;
  guint i, samples = 0;
  Db db;
  Reply *r;

  populate (&db);
  start_server (TOKEN);
  expect (get ("/health"), 200);
  expect (get ("/api/v1/sessions"), 200);
  expect (get ("/api/v1/sessions"), 200);
  expect (get ("/api/v1/sessions/%s/metrics", db.ada1), 200);
  expect (get ("/api/v1/sessions?limit=0"), 400);
  expect (get ("/nope"), 404);
  expect (patch (db.ada1, NULL, "{}"), 401);

  r = get ("/metrics");
  assert_status (r, 200);
  fail_unless (g_str_has_prefix (soup_message_headers_get_content_type
          (r->headers, NULL), "text/plain"));
  fail_unless (strstr (header (r, "Content-Type"), "version=0.0.4"));
  fail_unless (g_str_has_suffix (r->text, "\n"));
  lines = g_strsplit (r->text, "\n", -1);
  for (i = 0; lines[i] && lines[i + 1]; i++) {
    const gchar *line = lines[i];
    GMatchInfo *m = NULL;

    fail_unless (*line != '\0', "empty line %u", i);
    if (line[0] == '#') {
      gchar *kind, *name;

      fail_unless (g_regex_match (comment, line, 0, &m), "line %u: %s", i,
          line);
      kind = g_match_info_fetch (m, 1);
      name = g_match_info_fetch (m, 2);
      if (g_str_equal (kind, "HELP")) {
        fail_unless (!g_hash_table_contains (help, name), "two HELP %s", name);
        g_hash_table_add (help, name);
      } else {
        gchar *t = g_match_info_fetch (m, 3);

        fail_unless (g_strv_contains ((const gchar *[]) { "counter", "gauge",
                  "histogram", "summary", "untyped", NULL
                }, t),
            "line %u: %s", i, line);
        fail_unless (!g_hash_table_contains (type, name), "two TYPE %s", name);
        g_hash_table_insert (type, name, t);
      }
      g_free (kind);
    } else {
      gchar *name, *family;
      const gchar *t;

      fail_unless (g_regex_match (sample, line, 0, &m), "line %u is not "
          "'name{labels} value': %s", i, line);
      name = g_match_info_fetch (m, 1);
      family = g_strdup (name);
      t = g_hash_table_lookup (type, family);
      if (t == NULL) {
        static const gchar *const suffixes[] = { "_bucket", "_sum",
          "_count", NULL
        };
        guint k;

        for (k = 0; suffixes[k] && t == NULL; k++) {
          if (g_str_has_suffix (name, suffixes[k])) {
            g_free (family);
            family = g_strndup (name, strlen (name) - strlen (suffixes[k]));
            t = g_hash_table_lookup (type, family);
            fail_unless (t == NULL || g_str_equal (t, "histogram") ||
                g_str_equal (t, "summary"));
          }
        }
      }
      /* HELP and TYPE before the family's samples */
      fail_unless (t != NULL, "line %u: no TYPE for %s", i, name);
      fail_unless (g_hash_table_contains (help, family), "no HELP for %s",
          family);
      if (g_str_equal (t, "counter"))
        fail_unless (g_str_has_suffix (family, "_total"), "%s", family);
      samples++;
      g_free (name);
      g_free (family);
    }
    g_match_info_free (m);
  }
  fail_unless (samples > 20);
  g_strfreev (lines);

  /* the requests above, counted by method, route and status */
  fail_unless (strstr (r->text, "aura_http_requests_total{") != NULL);
  fail_unless (strstr (r->text, "\naura_http_requests_total{method=\"GET\","
          "route=\"/health\",code=\"200\"} 1\n") != NULL, "%s", r->text);
  fail_unless (strstr (r->text, "\naura_http_requests_total{method=\"GET\","
          "route=\"/api/v1/sessions\",code=\"200\"} 2\n") != NULL);
  fail_unless (strstr (r->text, "\naura_http_requests_total{method=\"GET\","
          "route=\"/api/v1/sessions\",code=\"400\"} 1\n") != NULL);
  fail_unless (strstr (r->text, "\naura_http_requests_total{method=\"GET\","
          "route=\"/api/v1/sessions/{id}/metrics\",code=\"200\"} 1\n") != NULL);
  fail_unless (strstr (r->text, "\naura_http_requests_total{method=\"GET\","
          "route=\"unmatched\",code=\"404\"} 1\n") != NULL);
  fail_unless (strstr (r->text, "\naura_http_requests_total{method=\"PATCH\","
          "route=\"/api/v1/sessions/{id}\",code=\"401\"} 1\n") != NULL);
  fail_unless (strstr (r->text, "\naura_http_request_duration_seconds_count{"
          "route=\"/api/v1/sessions\"} 3\n") != NULL);
  fail_unless (strstr (r->text, "\naura_http_request_duration_seconds_bucket{"
          "route=\"/api/v1/sessions\",le=\"+Inf\"} 3\n") != NULL);
  fail_unless (strstr (r->text, "\naura_up 1\n") != NULL);
  fail_unless (strstr (r->text, "\naura_websocket_clients 0\n") != NULL);
  fail_unless (strstr (r->text, "\naura_active_sessions 0\n") != NULL);
  fail_unless (g_hash_table_contains (type, "aura_uploads_failed_total"));
  fail_unless_equals_string (g_hash_table_lookup (type,
          "aura_http_request_duration_seconds"), "histogram");
  fail_unless_equals_string (g_hash_table_lookup (type,
          "aura_http_requests_total"), "counter");
  reply_free (r);

  /* counters grow */
  r = get ("/metrics");
  fail_unless (strstr (r->text, "route=\"/metrics\",code=\"200\"} 1\n"));
  reply_free (r);

  g_hash_table_unref (help);
  g_hash_table_unref (type);
  g_regex_unref (sample);
  g_regex_unref (comment);
  db_clear (&db);
}

GST_END_TEST;

/* =========================================================================
 * 12. request ids
 * ========================================================================= */

static Reply *
get_with_id (const gchar * path, const gchar * request_id)
{
  const gchar *headers[] = { "X-Request-ID", request_id, NULL };

  return request_full ("GET", path, request_id ? headers : NULL, NULL, NULL,
      NULL);
}

GST_START_TEST (test_request_id)
{
  static const gchar *const invalid[] = { "bad id!", "a/b", "<script>",
    "x;y", "quote\"d", "caf\xc3\xa9", NULL
  };
  ServerOptions opt = { TOKEN, NULL, 64 };
  gchar *longest = g_strnfill (128, 'a'), *too_long = g_strnfill (129, 'a');
  const gchar *headers[] = { "X-Request-ID", "big-1", "Authorization",
    "Bearer " TOKEN, NULL
  };
  gchar *big = g_strnfill (100, '{');
  GBytes *body;
  Reply *r, *r2;
  guint i;

  start_server_with (&opt);

  r = get_with_id ("/health", "abc-123");
  assert_status (r, 200);
  fail_unless_equals_string (header (r, "X-Request-ID"), "abc-123");
  reply_free (r);
  r = get_with_id ("/api/v1/sessions", "A.b_c:d-9");
  fail_unless_equals_string (header (r, "X-Request-ID"), "A.b_c:d-9");
  reply_free (r);
  r = get_with_id ("/health", longest);
  fail_unless_equals_string (header (r, "X-Request-ID"), longest);
  reply_free (r);
  /* errors too, even those answered before the body */
  r = get_with_id ("/api/v1/sessions/none", "err-1");
  assert_error (r, 404, "not_found");
  fail_unless_equals_string (header (r, "X-Request-ID"), "err-1");
  reply_free (r);
  body = g_bytes_new (big, 100);
  r = request_full ("POST", "/api/v1/sessions", headers, "audio/wav", body,
      NULL);
  assert_error (r, 413, "too_large");
  fail_unless_equals_string (header (r, "X-Request-ID"), "big-1");
  reply_free (r);
  g_bytes_unref (body);

  /* invalid ones are replaced by a UUID */
  for (i = 0; invalid[i]; i++) {
    r = get_with_id ("/health", invalid[i]);
    assert_status (r, 200);
    fail_unless (g_uuid_string_is_valid (header (r, "X-Request-ID")),
        "%s -> %s", invalid[i], header (r, "X-Request-ID"));
    reply_free (r);
  }
  r = get_with_id ("/health", too_long);
  fail_unless (g_uuid_string_is_valid (header (r, "X-Request-ID")));
  reply_free (r);
  /* none: a new one each time */
  r = get_with_id ("/health", NULL);
  r2 = get_with_id ("/health", NULL);
  fail_unless (g_uuid_string_is_valid (header (r, "X-Request-ID")));
  fail_unless (g_uuid_string_is_valid (header (r2, "X-Request-ID")));
  fail_unless (g_strcmp0 (header (r, "X-Request-ID"), header (r2,
              "X-Request-ID")) != 0);
  reply_free (r);
  reply_free (r2);

  g_free (longest);
  g_free (too_long);
  g_free (big);
}

GST_END_TEST;

static Suite *
aurahttp_suite (void)
{
  static const gchar *const preload[] = { "coreelements",
    "typefindfunctions", "playback", "audioconvert", "audioresample",
    "audiotestsrc", "videotestsrc", "wavparse", "ogg", "opus", "avi", "jpeg",
    "libav", "subparse"
  };
  Suite *s = suite_create ("aurahttp");
  TCase *tc = tcase_create ("general");
  guint i;

  if (!aura_elements_register_static ())
    g_error ("could not register the AURA elements");
  /* the plugins the tests use, loaded while this process has a single
   * thread: glibc keeps (valgrind: leaks) a scope array when dlopen() runs
   * beside other threads, as typefinding and decodebin would in the
   * server's threads */
  for (i = 0; i < G_N_ELEMENTS (preload); i++) {
    GstPlugin *plugin = gst_plugin_load_by_name (preload[i]);

    if (plugin)
      gst_object_unref (plugin);
  }
  make_basedir ();
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_routes);
  tcase_add_test (tc, test_time_offsets);
  tcase_add_test (tc, test_pagination);
  tcase_add_test (tc, test_bad_ids);
  tcase_add_test (tc, test_patch_delete);
  tcase_add_test (tc, test_limits);
  tcase_add_test (tc, test_limits_before_body);
  tcase_add_test (tc, test_malformed_requests);
  tcase_add_test (tc, test_token);
  tcase_add_test (tc, test_cors);
  tcase_add_test (tc, test_sql_injection);
  tcase_add_test (tc, test_uploads);
  tcase_add_test (tc, test_upload_queue_full);
  tcase_add_test (tc, test_live_pipeline);
  tcase_add_test (tc, test_live_other_cases);
  tcase_add_test (tc, test_prometheus);
  tcase_add_test (tc, test_request_id);
  return s;
}

GST_CHECK_MAIN (aurahttp);
