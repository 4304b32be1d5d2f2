/* AURA — gst-check tests of aurasessionsink and its store: records in, rows of
 * a temporary SQLite database (and JSON lines) out. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aura-schema.h"
#include "gstaurasessionsink.h"
#include "store/aura-store.h"

#define S GST_SECOND

static gchar *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("aura-sessions-XXXXXX", NULL);
  fail_unless (tmpdir != NULL);
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
  remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

static gchar *
tmp_path (const gchar * name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static GstEvent *
metrics_event (gint t)
{
  GstStructure *s = gst_structure_new (AURA_METRICS_NAME,
      "timestamp", G_TYPE_UINT64, (guint64) t * S,
      "stream-time", G_TYPE_UINT64, (guint64) t * S,
      "running-time", G_TYPE_UINT64, (guint64) t * S,
      "duration", G_TYPE_UINT64, (guint64) S,
      "endtime", G_TYPE_UINT64, (guint64) (t + 1) * S,
      "speech-ratio", G_TYPE_DOUBLE, 0.9,
      "wpm", G_TYPE_DOUBLE, 140.0, NULL);

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
      "language", G_TYPE_STRING, "fr",
      "message", G_TYPE_STRING, "Ralentissez \"un peu\"", NULL);

  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s);
}

static GstEvent *
document_event (const gchar * name, const gchar * json)
{
  GstStructure *s = gst_structure_new (name, "json", G_TYPE_STRING, json,
      NULL);

  if (g_str_equal (name, AURA_REPORT_NAME))
    gst_structure_set (s, "language", G_TYPE_STRING, "fr",
        "profile", G_TYPE_STRING, "lecture", NULL);
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s);
}

static sqlite3 *
db_open (const gchar * path)
{
  sqlite3 *db = NULL;

  fail_unless_equals_int (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE,
          NULL), SQLITE_OK);
  return db;
}

static sqlite3 *
db_open_create (const gchar * path)
{
  sqlite3 *db = NULL;

  fail_unless_equals_int (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE |
          SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
  return db;
}

static gint64
db_int (sqlite3 * db, const gchar * sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  fail_unless_equals_int (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL),
      SQLITE_OK);
  fail_unless_equals_int (sqlite3_step (stmt), SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

/* First column of the first row as a string (NULL: SQL NULL). */
static gchar *
db_str (sqlite3 * db, const gchar * sql)
{
  sqlite3_stmt *stmt = NULL;
  gchar *v;

  fail_unless_equals_int (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL),
      SQLITE_OK);
  fail_unless_equals_int (sqlite3_step (stmt), SQLITE_ROW);
  v = g_strdup ((const gchar *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return v;
}

static void
db_exec (sqlite3 * db, const gchar * sql)
{
  fail_unless_equals_int (sqlite3_exec (db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static void
assert_str (sqlite3 * db, const gchar * sql, const gchar * expected)
{
  gchar *v = db_str (db, sql);

  fail_unless_equals_string (v, expected);
  g_free (v);
}

static GstHarness *
sink_harness (GstElement * e, GstBus * bus)
{
  GstHarness *h;

  gst_element_set_bus (e, bus);
  h = gst_harness_new_with_element (e, "sink", NULL);
  gst_harness_set_src_caps_str (h, "audio/x-raw, format=S16LE, "
      "layout=interleaved, rate=16000, channels=1");
  return h;
}

static GstMessage *
pop_element_message (GstBus * bus, const gchar * name)
{
  GstMessage *msg;

  while ((msg = gst_bus_pop (bus))) {
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT &&
        gst_message_has_name (msg, name))
      return msg;
    gst_message_unref (msg);
  }
  return NULL;
}

#define N_METRICS 12

GST_START_TEST (test_record_session)
{
  gchar *db_path = tmp_path ("s.db"), *jsonl = tmp_path ("s.jsonl");
  GstElement *e = gst_element_factory_make ("aurasessionsink", NULL);
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  GstMessage *msg;
  gchar *id = NULL, *contents = NULL, **lines, *sql;
  const gchar *mid;
  sqlite3 *db;
  guint i, n_lines = 0;

  g_object_set (e, "location", db_path, "json-location", jsonl,
      "title", "Monday talk", "speaker", "Ada", NULL);
  g_object_get (e, "session-id", &id, NULL);
  fail_unless (id == NULL);
  h = sink_harness (e, bus);

  g_object_get (e, "session-id", &id, NULL);
  fail_unless (id != NULL && g_uuid_string_is_valid (id));
  msg = pop_element_message (bus, "aura-session");
  fail_unless (msg != NULL);
  mid = gst_structure_get_string (gst_message_get_structure (msg),
      "session-id");
  fail_unless_equals_string (mid, id);
  fail_unless_equals_string (gst_structure_get_string
      (gst_message_get_structure (msg), "location"), db_path);
  gst_message_unref (msg);

  for (i = 0; i < N_METRICS; i++) {
    fail_unless (gst_harness_push_event (h, metrics_event (i)));
    if (i == 3 || i == 8)
      fail_unless (gst_harness_push_event (h, feedback_event (i,
                  i == 3 ? "pace-fast" : "volume-low")));
    fail_unless_equals_int (gst_harness_push (h,
            gst_harness_create_buffer (h, 320)), GST_FLOW_OK);
  }
  fail_unless (gst_harness_push_event (h, document_event (AURA_SUMMARY_NAME,
              "{\n  \"duration\": 12.0,\n  \"type\": \"aura-summary\"\n}")));
  fail_unless (gst_harness_push_event (h, document_event (AURA_REPORT_NAME,
              "{\"overall\": 77}")));
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  /* EOS returned: everything is on disk, before teardown */
  db = db_open (db_path);
  sql = g_strdup_printf ("SELECT count(*) FROM metrics WHERE session_id = "
      "'%s'", id);
  fail_unless_equals_int (db_int (db, sql), N_METRICS);
  g_free (sql);
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM feedback"), 2);
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM summaries"), 1);
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM reports"), 1);
  fail_unless_equals_int (db_int (db, "SELECT PRAGMA_user_version"
          " FROM (SELECT user_version AS PRAGMA_user_version FROM "
          "pragma_user_version)"), AURA_STORE_SCHEMA_VERSION);
  fail_unless_equals_int (db_int (db, "SELECT t * 10 FROM metrics "
          "ORDER BY t DESC LIMIT 1"), (N_METRICS - 1) * 10);
  assert_str (db, "SELECT code FROM feedback ORDER BY t", "pace-fast");
  assert_str (db, "SELECT json_extract (json, '$.type') FROM metrics LIMIT 1",
      "aura-metrics");
  fail_unless_equals_int (db_int (db, "SELECT json_extract (json, "
          "'$.stream_time') FROM metrics ORDER BY t LIMIT 1 OFFSET 2"), 2 * S);
  assert_str (db, "SELECT json FROM summaries",
      "{\"duration\":12.0,\"type\":\"aura-summary\"}");
  assert_str (db, "SELECT json_extract (json, '$.type') FROM reports",
      "aura-report");
  assert_str (db, "SELECT status FROM sessions", "completed");
  assert_str (db, "SELECT title FROM sessions", "Monday talk");
  assert_str (db, "SELECT speaker FROM sessions", "Ada");
  assert_str (db, "SELECT language FROM sessions", "fr");
  assert_str (db, "SELECT profile FROM sessions", "lecture");
  assert_str (db, "SELECT id FROM sessions", id);
  fail_unless_equals_int (db_int (db, "SELECT dropped FROM sessions"), 0);
  fail_unless_equals_int (db_int (db, "SELECT owner_pid FROM sessions"),
      getpid ());
  fail_unless_equals_int (db_int (db, "SELECT started_at LIKE '____-__-__T"
          "__:__:__%Z' AND ended_at >= started_at FROM sessions"), 1);
  sqlite3_close (db);

  /* JSON lines: session line, every record, end line */
  fail_unless (g_file_get_contents (jsonl, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i] && *lines[i]; i++) {
    JsonParser *p = json_parser_new ();
    JsonObject *o;

    fail_unless (json_parser_load_from_data (p, lines[i], -1, NULL),
        "line %u: %s", i, lines[i]);
    o = json_node_get_object (json_parser_get_root (p));
    fail_unless_equals_string (json_object_get_string_member (o,
            "session_id"), id);
    if (i == 0)
      fail_unless_equals_string (json_object_get_string_member (o, "type"),
          "aura-session");
    g_object_unref (p);
    n_lines++;
  }
  fail_unless (g_strrstr (lines[n_lines - 1], "\"status\":\"completed\""));
  fail_unless_equals_int (n_lines, 1 + N_METRICS + 2 + 2 + 1);
  g_strfreev (lines);
  g_free (contents);

  gst_harness_teardown (h);
  gst_element_set_bus (e, NULL);
  gst_object_unref (e);
  gst_object_unref (bus);
  g_free (id);
  g_free (db_path);
  g_free (jsonl);
}

GST_END_TEST;

GST_START_TEST (test_stop_without_eos)
{
  gchar *db_path = tmp_path ("s.db");
  GstElement *e = gst_element_factory_make ("aurasessionsink", NULL);
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  sqlite3 *db;
  gint i;

  g_object_set (e, "location", db_path, "session-id", "fixed-id", NULL);
  h = sink_harness (e, bus);
  for (i = 0; i < 5; i++)
    fail_unless (gst_harness_push_event (h, metrics_event (i)));
  gst_harness_teardown (h);

  db = db_open (db_path);
  assert_str (db, "SELECT id FROM sessions", "fixed-id");
  assert_str (db, "SELECT status FROM sessions", "interrupted");
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM metrics"), 5);
  sqlite3_close (db);

  gst_element_set_bus (e, NULL);
  gst_object_unref (e);
  gst_object_unref (bus);
  g_free (db_path);
}

GST_END_TEST;

static void
record_with_store (const gchar * path, const gchar * id, gint n)
{
  AuraSessionInfo info = { id, "t", NULL, NULL, NULL, NULL, 0 };
  GError *error = NULL;
  AuraStore *store = aura_store_open (path, &error);
  gint i;

  fail_unless (store != NULL, "%s", error ? error->message : "");
  fail_unless (aura_store_session_begin (store, &info, &error));
  for (i = 0; i < n; i++)
    fail_unless (aura_store_add_record (store, AURA_RECORD_METRICS, i, NULL,
            "{\"type\":\"aura-metrics\"}"));
  fail_unless (aura_store_session_end (store, AURA_SESSION_COMPLETED, &error));
  aura_store_close (store);
}

/* A pid that no longer exists: a child that exited and was reaped (spawned,
 * not forked, so valgrind does not follow it). */
static GPid
dead_pid (void)
{
  gchar *argv[] = { (gchar *) "/bin/true", NULL };
  GPid pid = 0;

  fail_unless (g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
          NULL, NULL, &pid, NULL));
  fail_unless_equals_int (waitpid (pid, NULL, 0), pid);
  return pid;
}

GST_START_TEST (test_crash_recovery)
{
  gchar *path = tmp_path ("r.db"), *sql;
  GError *error = NULL;
  AuraStore *store;
  sqlite3 *db;

  record_with_store (path, "dead", 7);
  record_with_store (path, "alive", 3);
  record_with_store (path, "mine", 2);
  /* as a kill -9 leaves them: 'recording', no end */
  db = db_open (path);
  sql = g_strdup_printf ("UPDATE sessions SET status = 'recording', "
      "ended_at = NULL, owner_pid = %d WHERE id = 'dead'", (gint) dead_pid ());
  db_exec (db, sql);
  g_free (sql);
  /* pid 1 lives: a session being recorded by another process */
  db_exec (db, "UPDATE sessions SET status = 'recording', owner_pid = 1 "
      "WHERE id = 'alive'");
  /* this pid, but no session of this process: an earlier run's */
  db_exec (db, "UPDATE sessions SET status = 'recording' WHERE id = 'mine'");
  sqlite3_close (db);

  store = aura_store_open (path, &error);
  fail_unless (store != NULL);
  aura_store_close (store);

  db = db_open (path);
  assert_str (db, "SELECT status FROM sessions WHERE id = 'dead'",
      "interrupted");
  assert_str (db, "SELECT status FROM sessions WHERE id = 'mine'",
      "interrupted");
  assert_str (db, "SELECT status FROM sessions WHERE id = 'alive'",
      "recording");
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM metrics WHERE "
          "session_id = 'dead'"), 7);
  sqlite3_close (db);
  g_free (path);
}

GST_END_TEST;

/* Starting the sink on @location fails with an error naming it and @cause. */
static void
assert_start_fails (const gchar * location, const gchar * cause)
{
  GstElement *e = gst_element_factory_make ("aurasessionsink", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;

  gst_element_set_bus (e, bus);
  g_object_set (e, "location", location, NULL);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_WRITE));
  fail_unless (strstr (error->message, location) != NULL, "%s", error->message);
  fail_unless (strstr (error->message, cause) != NULL, "%s", error->message);
  GST_INFO ("error: %s", error->message);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (msg);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_element_set_bus (e, NULL);
  gst_object_unref (e);
  gst_object_unref (bus);
}

GST_START_TEST (test_unwritable_location)
{
  gchar *missing = tmp_path ("no-such-dir/s.db"), *garbage =
      tmp_path ("garbage.db");

  assert_start_fails (missing, "does not exist");
  assert_start_fails (tmpdir, "is a directory");
  fail_unless (g_file_set_contents (garbage, "this is not SQLite, only a "
          "text file long enough to have a header of some kind ........"
          "................................................", -1, NULL));
  assert_start_fails (garbage, "not an AURA session database");
  g_free (missing);
  g_free (garbage);
}

GST_END_TEST;

GST_START_TEST (test_locked)
{
  gchar *path = tmp_path ("l.db");
  GError *error = NULL;
  AuraStore *store;
  sqlite3 *db = NULL;

  fail_unless_equals_int (sqlite3_open (path, &db), SQLITE_OK);
  db_exec (db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
      "CREATE TABLE other (a)");
  store = aura_store_open (path, &error);
  fail_unless (store == NULL);
  fail_unless (g_error_matches (error, AURA_STORE_ERROR,
          AURA_STORE_ERROR_LOCKED), "%s", error->message);
  fail_unless (strstr (error->message, path) != NULL);
  g_clear_error (&error);
  sqlite3_close (db);
  g_free (path);
}

GST_END_TEST;

#define N_FLOOD 20000

GST_START_TEST (test_drops)
{
  gchar *path = tmp_path ("d.db");
  AuraSessionInfo info = { "flood", NULL, NULL, NULL, NULL, NULL, 4 };
  GError *error = NULL;
  AuraStore *store = aura_store_open (path, &error);
  guint64 dropped, kept = 0;
  sqlite3 *db;
  gint i;

  fail_unless (store != NULL);
  fail_unless (aura_store_session_begin (store, &info, &error));
  for (i = 0; i < N_FLOOD; i++)
    kept += aura_store_add_record (store, AURA_RECORD_METRICS, i, NULL,
        "{\"type\":\"aura-metrics\"}");
  /* never dropped for lack of room */
  fail_unless (aura_store_add_record (store, AURA_RECORD_SUMMARY, 0, NULL,
          "{\"type\":\"aura-summary\"}"));
  dropped = aura_store_get_dropped (store);
  fail_unless (dropped > 0);
  fail_unless_equals_uint64 (kept + dropped, N_FLOOD);
  fail_unless (aura_store_session_end (store, AURA_SESSION_COMPLETED, &error));
  aura_store_close (store);

  db = db_open (path);
  fail_unless_equals_int (db_int (db, "SELECT dropped FROM sessions"), dropped);
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM metrics"), kept);
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM summaries"), 1);
  sqlite3_close (db);
  g_free (path);
}

GST_END_TEST;

/* Frozen copies of every earlier schema, exactly as those versions wrote
 * them: a migration is tested from each, with data in it. */
static const gchar *const schema_v1 =
    "CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT, speaker TEXT,"
    " language TEXT, profile TEXT, started_at TEXT NOT NULL, ended_at TEXT,"
    " status TEXT NOT NULL DEFAULT 'recording' CHECK (status IN"
    " ('recording', 'completed', 'interrupted')),"
    " dropped INTEGER NOT NULL DEFAULT 0, owner_pid INTEGER);"
    "CREATE TABLE metrics (session_id TEXT NOT NULL REFERENCES sessions (id),"
    " t REAL, json TEXT NOT NULL);"
    "CREATE INDEX metrics_session ON metrics (session_id, t);"
    "CREATE TABLE feedback (session_id TEXT NOT NULL REFERENCES sessions (id),"
    " t REAL, code TEXT, json TEXT NOT NULL);"
    "CREATE INDEX feedback_session ON feedback (session_id, t);"
    "CREATE TABLE summaries (session_id TEXT PRIMARY KEY REFERENCES sessions"
    " (id), json TEXT NOT NULL);"
    "CREATE TABLE reports (session_id TEXT PRIMARY KEY REFERENCES sessions"
    " (id), json TEXT NOT NULL);"
    "INSERT INTO sessions VALUES ('old', 'Old talk', 'ann', 'fr', 'lecture',"
    " '2024-05-02T09:14:03.512345Z', '2024-05-02T09:20:00.000000Z',"
    " 'completed', 3, 4242);"
    "INSERT INTO metrics VALUES ('old', 0.0, '{\"type\":\"aura-metrics\"}');"
    "INSERT INTO metrics VALUES ('old', 1.0, '{\"type\":\"aura-metrics\"}');"
    "INSERT INTO feedback VALUES ('old', 1.0, 'pace.too-fast', '{}');"
    "INSERT INTO summaries VALUES ('old', '{\"wpm\":150}');"
    "INSERT INTO reports VALUES ('old', '{\"overall_score\":80}');"
    "PRAGMA user_version = 1;";

static const gchar *const schema_v2 =
    "CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT, speaker TEXT,"
    " language TEXT, profile TEXT, started_at TEXT NOT NULL, ended_at TEXT,"
    " status TEXT NOT NULL DEFAULT 'recording' CHECK (status IN ('queued',"
    " 'recording', 'completed', 'interrupted', 'failed')),"
    " dropped INTEGER NOT NULL DEFAULT 0, owner_pid INTEGER,"
    " source TEXT, error TEXT);"
    "CREATE INDEX sessions_started ON sessions (started_at);"
    "CREATE INDEX sessions_speaker ON sessions (speaker, started_at);"
    "CREATE TABLE metrics (session_id TEXT NOT NULL REFERENCES sessions (id),"
    " t REAL, json TEXT NOT NULL);"
    "CREATE INDEX metrics_session ON metrics (session_id, t);"
    "CREATE TABLE feedback (session_id TEXT NOT NULL REFERENCES sessions (id),"
    " t REAL, code TEXT, json TEXT NOT NULL);"
    "CREATE INDEX feedback_session ON feedback (session_id, t);"
    "CREATE TABLE summaries (session_id TEXT PRIMARY KEY REFERENCES sessions"
    " (id), json TEXT NOT NULL);"
    "CREATE TABLE reports (session_id TEXT PRIMARY KEY REFERENCES sessions"
    " (id), json TEXT NOT NULL);"
    "INSERT INTO sessions VALUES ('up2', 'Upload', 'bo', 'en', NULL,"
    " '2025-01-01T00:00:00.000000Z', '2025-01-01T00:01:00.000000Z',"
    " 'failed', 0, 77, 'talk.mp4', 'no audio stream in the input');"
    "INSERT INTO sessions VALUES ('ok', 'Talk', 'bo', 'en', 'webinar',"
    " '2025-01-02T00:00:00.000000Z', '2025-01-02T00:01:00.000000Z',"
    " 'completed', 0, 78, NULL, NULL);"
    "INSERT INTO metrics VALUES ('ok', 0.0, '{\"type\":\"aura-metrics\"}');"
    "INSERT INTO summaries VALUES ('ok', '{\"wpm\":120}');"
    "INSERT INTO reports VALUES ('ok', '{\"overall_score\":70}');"
    "PRAGMA user_version = 2;";

/* Opens @path through the store (which migrates) and checks the result is
 * the current schema. */
static void
open_and_check_current (const gchar * path)
{
  GError *error = NULL;
  AuraStore *store = aura_store_open (path, &error);
  sqlite3 *db;

  fail_unless (store != NULL, "%s", error ? error->message : "");
  aura_store_close (store);
  db = db_open (path);
  fail_unless_equals_int (db_int (db, "PRAGMA user_version"),
      AURA_STORE_SCHEMA_VERSION);
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM "
          "pragma_foreign_key_check"), 0);
  assert_str (db, "PRAGMA integrity_check", "ok");
  /* schema 2: uploads wait 'queued' and may end 'failed' with an error */
  db_exec (db, "INSERT INTO sessions (id, started_at, status, source, error) "
      "VALUES ('up', 'now', 'queued', 'talk.wav', NULL)");
  db_exec (db, "UPDATE sessions SET status = 'failed', error = 'bad' "
      "WHERE id = 'up'");
  fail_unless (sqlite3_exec (db, "UPDATE sessions SET status = 'lost' "
          "WHERE id = 'up'", NULL, NULL, NULL) == SQLITE_CONSTRAINT);
  sqlite3_close (db);
}

GST_START_TEST (test_migrate_from_v0)
{
  gchar *path = tmp_path ("v0.db");
  sqlite3 *db = db_open_create (path);

  /* version 0: an empty SQLite file (e.g. made by `sqlite3 x.db ''`) */
  db_exec (db, "PRAGMA user_version = 0");
  sqlite3_close (db);
  open_and_check_current (path);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_migrate_from_v1)
{
  gchar *path = tmp_path ("v1.db");
  sqlite3 *db = db_open_create (path);

  db_exec (db, schema_v1);
  sqlite3_close (db);
  open_and_check_current (path);

  /* every row and value kept */
  db = db_open (path);
  assert_str (db, "SELECT title || '|' || speaker || '|' || language || '|' "
      "|| profile || '|' || started_at || '|' || ended_at || '|' || status "
      "|| '|' || dropped || '|' || owner_pid FROM sessions WHERE id = 'old'",
      "Old talk|ann|fr|lecture|2024-05-02T09:14:03.512345Z|"
      "2024-05-02T09:20:00.000000Z|completed|3|4242");
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM metrics WHERE "
          "session_id = 'old'"), 2);
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM feedback"), 1);
  assert_str (db, "SELECT json FROM summaries", "{\"wpm\":150}");
  assert_str (db, "SELECT json FROM reports", "{\"overall_score\":80}");
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM sessions WHERE "
          "source IS NULL AND error IS NULL"), 1);
  /* the foreign keys of the old tables point at the rebuilt table */
  fail_unless (sqlite3_exec (db, "PRAGMA foreign_keys = ON; INSERT INTO "
          "metrics (session_id, t, json) VALUES ('nobody', 0, '{}')", NULL,
          NULL, NULL) == SQLITE_CONSTRAINT);
  sqlite3_close (db);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_migrate_from_v2)
{
  gchar *path = tmp_path ("v2.db");
  sqlite3 *db = db_open_create (path);

  db_exec (db, schema_v2);
  sqlite3_close (db);
  open_and_check_current (path);

  db = db_open (path);
  assert_str (db, "SELECT status || '|' || source || '|' || error FROM "
      "sessions WHERE id = 'up2'", "failed|talk.mp4|no audio stream in the "
      "input");
  /* the single speaker's summary and report are the speaker '' rows */
  assert_str (db, "SELECT json FROM summaries WHERE session_id = 'ok' AND "
      "speaker = ''", "{\"wpm\":120}");
  assert_str (db, "SELECT json FROM reports WHERE session_id = 'ok' AND "
      "speaker = ''", "{\"overall_score\":70}");
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM metrics WHERE "
          "speaker IS NULL"), 1);
  /* schema 3: a speaker per record, summaries per speaker, conversations */
  db_exec (db, "INSERT INTO summaries (session_id, speaker, json) VALUES "
      "('ok', 'ann', '{}')");
  db_exec (db, "INSERT INTO conversations VALUES ('ok', '{}')");
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM summaries"), 2);
  sqlite3_close (db);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_newer_schema_refused)
{
  gchar *path = tmp_path ("future.db");
  sqlite3 *db = db_open_create (path);
  GError *error = NULL;
  gchar *sql = g_strdup_printf ("PRAGMA user_version = %d",
      AURA_STORE_SCHEMA_VERSION + 1);

  db_exec (db, sql);
  sqlite3_close (db);
  fail_unless (aura_store_open (path, &error) == NULL);
  fail_unless (g_error_matches (error, AURA_STORE_ERROR,
          AURA_STORE_ERROR_VERSION));
  fail_unless (strstr (error->message, path) != NULL);
  g_error_free (error);
  g_free (sql);
  g_free (path);
}

GST_END_TEST;

/* In a child process without root's override of file permissions (tests
 * run as root in CI): 0 when aura_store_open (@path) fails with
 * READ_ONLY and a message naming @path and containing @expected. */
static gint
child_open_read_only (const gchar * path, const gchar * expected)
{
  GError *error = NULL;
  AuraStore *store;

  if (getuid () == 0 && setuid (65534) != 0)
    return 10;
  store = aura_store_open (path, &error);
  if (store) {
    aura_store_close (store);
    return 11;
  }
  if (!g_error_matches (error, AURA_STORE_ERROR, AURA_STORE_ERROR_READ_ONLY))
    return 12;
  if (strstr (error->message, path) == NULL ||
      strstr (error->message, expected) == NULL)
    return 13;
  g_error_free (error);
  return 0;
}

static void
assert_read_only (const gchar * path, const gchar * expected)
{
  gint status = 0;
  pid_t pid = fork ();

  fail_unless (pid >= 0);
  if (pid == 0)
    _exit (child_open_read_only (path, expected));
  fail_unless_equals_int (waitpid (pid, &status, 0), pid);
  fail_unless (WIFEXITED (status));
  fail_unless_equals_int (WEXITSTATUS (status), 0);
}

GST_START_TEST (test_read_only)
{
  gchar *dir = tmp_path ("ro"), *file = tmp_path ("ro/s.db"),
      *rw_dir = tmp_path ("rw"), *ro_file = tmp_path ("rw/ro-file.db");
  GError *error = NULL;
  AuraStore *store;

  /* a database file that is read-only, in a directory anyone may write */
  fail_unless_equals_int (g_chmod (tmpdir, 0755), 0);
  fail_unless_equals_int (g_mkdir (rw_dir, 0777), 0);
  fail_unless_equals_int (g_chmod (rw_dir, 0777), 0);
  store = aura_store_open (ro_file, &error);
  fail_unless (store != NULL);
  aura_store_close (store);
  fail_unless_equals_int (g_chmod (ro_file, 0444), 0);
  assert_read_only (ro_file, "read-only");

  /* a directory that is read-only (WAL needs its -wal and -shm files) */
  fail_unless_equals_int (g_mkdir (dir, 0555), 0);
  assert_read_only (file, "is not writable");
  g_chmod (dir, 0755);
  g_free (dir);
  g_free (file);
  g_free (rw_dir);
  g_free (ro_file);
}

GST_END_TEST;

static GstEvent *
speaker_summary_event (const gchar * speaker, const gchar * json)
{
  GstStructure *s = gst_structure_new (AURA_SUMMARY_NAME, "json",
      G_TYPE_STRING, json, "speaker", G_TYPE_STRING, speaker, NULL);

  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s);
}

/* Two participants into one session (as through a funnel): records carry
 * their speaker, summaries are per speaker, and the conversation across them
 * is stored and posted. */
GST_START_TEST (test_multi_speaker)
{
  GstElement *e = gst_element_factory_make ("aurasessionsink", NULL);
  GstBus *bus = gst_bus_new ();
  gchar *path = tmp_path ("panel.db");
  GstHarness *h;
  GstEvent *ev;
  GstMessage *msg;
  sqlite3 *db;

  g_object_set (e, "location", path, "session-id", "panel", NULL);
  h = sink_harness (e, bus);
  ev = metrics_event (0);
  gst_structure_set (gst_event_writable_structure (ev), "speaker",
      G_TYPE_STRING, "ann", NULL);
  fail_unless (gst_harness_push_event (h, ev));
  ev = metrics_event (0);
  gst_structure_set (gst_event_writable_structure (ev), "speaker",
      G_TYPE_STRING, "bob", NULL);
  fail_unless (gst_harness_push_event (h, ev));
  /* ann speaks 0-10 with a pause 4-6 nobody fills; bob then 10-15 */
  fail_unless (gst_harness_push_event (h, speaker_summary_event ("ann",
              "{\"speech_start\":0,\"speech_end\":10,\"pause_list\":"
              "[{\"start\":4,\"end\":6,\"duration\":2}]}")));
  fail_unless (gst_harness_push_event (h, speaker_summary_event ("bob",
              "{\"speech_start\":10,\"speech_end\":15,\"pause_list\":[]}")));
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  db = db_open (path);
  fail_unless_equals_int (db_int (db, "SELECT count(*) FROM metrics WHERE "
          "speaker IN ('ann', 'bob')"), 2);
  assert_str (db, "SELECT group_concat (speaker) FROM (SELECT speaker FROM "
      "summaries ORDER BY speaker)", "ann,bob");
  fail_unless_equals_int (db_int (db, "SELECT json_extract (json, "
          "'$.turns') FROM conversations"), 2);
  fail_unless_equals_int (db_int (db, "SELECT round (json_extract (json, " "'$.speakers[0].talk_share') * 1e6) FROM conversations"), 615385);   /* 8 s of 13 */
  fail_unless_equals_int (db_int (db, "SELECT json_extract (json, "
          "'$.silence_time') * 1000 FROM conversations"), 2000);
  fail_unless_equals_int (db_int (db, "SELECT json_extract (json, "
          "'$.longest_monologue') FROM conversations"), 10);
  assert_str (db, "SELECT json_extract (json, '$.longest_monologue_speaker') "
      "FROM conversations", "ann");
  sqlite3_close (db);

  msg = pop_element_message (bus, "aura-conversation");
  fail_unless (msg != NULL);
  fail_unless (gst_structure_get_string (gst_message_get_structure (msg),
          "json") != NULL);
  gst_message_unref (msg);
  gst_harness_teardown (h);
  gst_element_set_bus (e, NULL);
  gst_object_unref (e);
  gst_object_unref (bus);
  g_free (path);
}

GST_END_TEST;

/* A disk that fills up while recording, simulated in a child with a file
 * size limit (RLIMIT_FSIZE; writes past it fail like a full disk): the writer
 * stops, the end of the session reports the cause naming the database, and
 * what was committed before stays readable. 0 when all that holds. */
static gint
child_full_disk (const gchar * path)
{
  struct rlimit limit = { 192 * 1024, 192 * 1024 };
  AuraSessionInfo info = { "full", NULL, };
  gboolean failed_while_recording;
  GError *error = NULL;
  AuraStore *store;
  GString *json = g_string_new ("{\"type\":\"aura-metrics\",\"pad\":\"");
  gint i;

  /* a small queue: the writer commits every 32 records */
  info.queue_size = 64;
  signal (SIGXFSZ, SIG_IGN);
  if (setrlimit (RLIMIT_FSIZE, &limit) != 0)
    return 20;
  store = aura_store_open (path, &error);
  if (store == NULL || !aura_store_session_begin (store, &info, &error))
    return 21;
  for (i = 0; i < 1000; i++)
    g_string_append_c (json, 'x');
  g_string_append (json, "\"}");
  /* ~1 MB of records, paced so that the writer commits several batches */
  for (i = 0; i < 1000 && !aura_store_has_failed (store); i++) {
    aura_store_add_record (store, AURA_RECORD_METRICS, i, NULL, json->str);
    if (i % 16 == 0)
      g_usleep (5000);
  }
  /* the writer noticed while recording (new records are refused) */
  failed_while_recording = aura_store_has_failed (store);
  if (!failed_while_recording)
    return 22;
  if (aura_store_session_end (store, AURA_SESSION_COMPLETED, &error))
    return 23;
  if (strstr (error->message, path) == NULL ||
      strstr (error->message, "writing records") == NULL)
    return 24;
  g_error_free (error);
  aura_store_close (store);
  g_string_free (json, TRUE);
  return 0;
}

GST_START_TEST (test_full_disk)
{
  gchar *path = tmp_path ("full.db");
  gint status = 0;
  pid_t pid = fork ();
  sqlite3 *db;

  fail_unless (pid >= 0);
  if (pid == 0)
    _exit (child_full_disk (path));
  fail_unless_equals_int (waitpid (pid, &status, 0), pid);
  fail_unless (WIFEXITED (status));
  fail_unless_equals_int (WEXITSTATUS (status), 0);

  /* the file is intact and holds the batches committed before the disk
   * filled; the session is found interrupted (its end was never written) */
  aura_store_close (aura_store_open (path, NULL));
  db = db_open (path);
  assert_str (db, "PRAGMA integrity_check", "ok");
  fail_unless (db_int (db, "SELECT count(*) FROM metrics") > 0);
  assert_str (db, "SELECT status FROM sessions WHERE id = 'full'",
      "interrupted");
  sqlite3_close (db);
  g_free (path);
}

GST_END_TEST;

static Suite *
aurasessionsink_suite (void)
{
  Suite *s = suite_create ("aurasessionsink");
  TCase *tc = tcase_create ("general");

  gst_element_register (NULL, "aurasessionsink", GST_RANK_NONE,
      GST_TYPE_AURA_SESSION_SINK);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_record_session);
  tcase_add_test (tc, test_stop_without_eos);
  tcase_add_test (tc, test_crash_recovery);
  tcase_add_test (tc, test_unwritable_location);
  tcase_add_test (tc, test_locked);
  tcase_add_test (tc, test_drops);
  tcase_add_test (tc, test_migrate_from_v0);
  tcase_add_test (tc, test_migrate_from_v1);
  tcase_add_test (tc, test_migrate_from_v2);
  tcase_add_test (tc, test_newer_schema_refused);
  tcase_add_test (tc, test_read_only);
  tcase_add_test (tc, test_multi_speaker);
  tcase_add_test (tc, test_full_disk);
  return s;
}

GST_CHECK_MAIN (aurasessionsink);
