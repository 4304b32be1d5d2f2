/* AURA — the session store: AURA's records in an SQLite database.
 *
 * Threads: aura_store_open(), _session_begin() and _close() run in the caller's
 * thread while no writer runs; between _session_begin() and _session_end() only
 * the writer thread touches SQLite and the JSON lines file. The streaming thread
 * only queues (aura_store_add_record), under the queue mutex.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "aura-store.h"

typedef enum
{
  ITEM_RECORD,
  ITEM_META,
} ItemType;

typedef struct
{
  ItemType type;
  AuraRecordKind kind;
  gdouble t;
  gchar *code;                  /* feedback code; META: language */
  gchar *json;                  /* META: profile */
  gchar *speaker;               /* NULL: the session's single speaker */
} Item;

struct _AuraStore
{
  gchar *path;
  sqlite3 *db;

  /* the session: set by _session_begin, read by the writer */
  gchar *session_id;
  FILE *jsonl;
  GThread *writer;

  /* the queue and what the writer shares with the streaming thread */
  GMutex lock;
  GCond cond;
  GQueue queue;                 /* of Item */
  guint capacity;               /* records (metrics, feedback) it may hold */
  guint n_bounded;              /* bounded records in the queue */
  guint64 dropped;
  gboolean ending;
  AuraSessionStatus end_status;
  GError *writer_error;         /* the writer's first error */
};

/* Sessions of this process being recorded (any store): recovery leaves them
 * alone although their owner_pid is this process. */
static GMutex active_lock;
static GHashTable *active_sessions;
/* Stores in session and process-wide counters, for aura_store_get_process_stats
 * (Prometheus). Lock order: active_lock, then a store's lock. */
static GList *recording_stores;
static guint64 metrics_accepted, records_dropped;

GQuark
aura_store_error_quark (void)
{
  return g_quark_from_static_string ("aura-store-error-quark");
}

const gchar *
aura_session_status_name (AuraSessionStatus status)
{
  switch (status) {
    case AURA_SESSION_RECORDING:
      return "recording";
    case AURA_SESSION_COMPLETED:
      return "completed";
    case AURA_SESSION_INTERRUPTED:
      return "interrupted";
    case AURA_SESSION_QUEUED:
      return "queued";
    case AURA_SESSION_FAILED:
      return "failed";
  }
  return "interrupted";
}

static void
item_free (Item * item)
{
  g_free (item->code);
  g_free (item->json);
  g_free (item->speaker);
  g_free (item);
}

gchar *
aura_store_now_iso8601 (void)
{
  GDateTime *now = g_date_time_new_now_utc ();
  gchar *s = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");

  g_date_time_unref (now);
  return s;
}

static void
set_active (AuraStore * store, const gchar * id, gboolean active)
{
  g_mutex_lock (&active_lock);
  if (active)
    recording_stores = g_list_prepend (recording_stores, store);
  else
    recording_stores = g_list_remove (recording_stores, store);
  if (active_sessions == NULL)
    active_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
        NULL);
  if (active)
    g_hash_table_add (active_sessions, g_strdup (id));
  else
    g_hash_table_remove (active_sessions, id);
  g_mutex_unlock (&active_lock);
}

static gboolean
is_active (const gchar * id)
{
  gboolean ret;

  g_mutex_lock (&active_lock);
  ret = active_sessions && g_hash_table_contains (active_sessions, id);
  g_mutex_unlock (&active_lock);
  return ret;
}

/* An error from SQLite's last result on @db, naming the path. */
static void
set_sqlite_error (GError ** error, AuraStore * store, gint rc,
    const gchar * what)
{
  gint code = AURA_STORE_ERROR_FAILED;
  const gchar *msg = store->db ? sqlite3_errmsg (store->db) :
      sqlite3_errstr (rc);

  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = AURA_STORE_ERROR_LOCKED;
      g_set_error (error, AURA_STORE_ERROR, code,
          "Session database \"%s\" is locked by another connection "
          "(still busy after %d ms) while %s: %s", store->path,
          AURA_STORE_BUSY_TIMEOUT_MS, what, msg);
      return;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      g_set_error (error, AURA_STORE_ERROR, AURA_STORE_ERROR_NOT_A_DATABASE,
          "\"%s\" is not an AURA session database (%s)", store->path, msg);
      return;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      code = AURA_STORE_ERROR_READ_ONLY;
      break;
    case SQLITE_CANTOPEN:
      code = AURA_STORE_ERROR_OPEN;
      break;
    default:
      break;
  }
  g_set_error (error, AURA_STORE_ERROR, code,
      "Session database \"%s\": %s failed: %s", store->path, what, msg);
}

static gboolean
exec (AuraStore * store, const gchar * sql, const gchar * what, GError ** error)
{
  gint rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK) {
    set_sqlite_error (error, store, rc, what);
    return FALSE;
  }
  return TRUE;
}

/* Migrations: step[v] takes the schema from version v to v + 1. A later version
 * appends a step; the steps run in one transaction with the version bump. */
static const gchar *const migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE sessions ("
      " id TEXT PRIMARY KEY,"
      " title TEXT, speaker TEXT, language TEXT, profile TEXT,"
      " started_at TEXT NOT NULL,"
      " ended_at TEXT,"
      " status TEXT NOT NULL DEFAULT 'recording'"
      "  CHECK (status IN ('recording', 'completed', 'interrupted')),"
      " dropped INTEGER NOT NULL DEFAULT 0,"
      " owner_pid INTEGER);"
      "CREATE TABLE metrics ("
      " session_id TEXT NOT NULL REFERENCES sessions (id),"
      " t REAL, json TEXT NOT NULL);"
      "CREATE INDEX metrics_session ON metrics (session_id, t);"
      "CREATE TABLE feedback ("
      " session_id TEXT NOT NULL REFERENCES sessions (id),"
      " t REAL, code TEXT, json TEXT NOT NULL);"
      "CREATE INDEX feedback_session ON feedback (session_id, t);"
      "CREATE TABLE summaries ("
      " session_id TEXT PRIMARY KEY REFERENCES sessions (id),"
      " json TEXT NOT NULL);"
      "CREATE TABLE reports ("
      " session_id TEXT PRIMARY KEY REFERENCES sessions (id),"
      " json TEXT NOT NULL);",
  /* 1 -> 2: uploads wait 'queued' and may end 'failed' (with an error and the
   * uploaded file's name); indexes for the session list. SQLite cannot change
   * a CHECK constraint in place: the table is rebuilt (foreign keys are off
   * during migrations, see aura_store_open). */
  "CREATE TABLE sessions_v2 ("
      " id TEXT PRIMARY KEY,"
      " title TEXT, speaker TEXT, language TEXT, profile TEXT,"
      " started_at TEXT NOT NULL,"
      " ended_at TEXT,"
      " status TEXT NOT NULL DEFAULT 'recording'"
      "  CHECK (status IN ('queued', 'recording', 'completed', 'interrupted',"
      "   'failed')),"
      " dropped INTEGER NOT NULL DEFAULT 0,"
      " owner_pid INTEGER,"
      " source TEXT, error TEXT);"
      "INSERT INTO sessions_v2 (id, title, speaker, language, profile,"
      " started_at, ended_at, status, dropped, owner_pid)"
      " SELECT id, title, speaker, language, profile, started_at, ended_at,"
      " status, dropped, owner_pid FROM sessions;"
      "DROP TABLE sessions;"
      "ALTER TABLE sessions_v2 RENAME TO sessions;"
      "CREATE INDEX sessions_started ON sessions (started_at);"
      "CREATE INDEX sessions_speaker ON sessions (speaker, started_at);",
  /* 2 -> 3: several speakers in one session (one analyzer chain each):
   * records name their speaker, summaries and reports are per speaker ('' for
   * the session's single speaker), and the conversation metrics across them
   * have a table. */
  "ALTER TABLE metrics ADD COLUMN speaker TEXT;"
      "ALTER TABLE feedback ADD COLUMN speaker TEXT;"
      "CREATE TABLE summaries_v3 ("
      " session_id TEXT NOT NULL REFERENCES sessions (id),"
      " speaker TEXT NOT NULL DEFAULT '',"
      " json TEXT NOT NULL, PRIMARY KEY (session_id, speaker));"
      "INSERT INTO summaries_v3 (session_id, json)"
      " SELECT session_id, json FROM summaries;"
      "DROP TABLE summaries;"
      "ALTER TABLE summaries_v3 RENAME TO summaries;"
      "CREATE TABLE reports_v3 ("
      " session_id TEXT NOT NULL REFERENCES sessions (id),"
      " speaker TEXT NOT NULL DEFAULT '',"
      " json TEXT NOT NULL, PRIMARY KEY (session_id, speaker));"
      "INSERT INTO reports_v3 (session_id, json)"
      " SELECT session_id, json FROM reports;"
      "DROP TABLE reports;"
      "ALTER TABLE reports_v3 RENAME TO reports;"
      "CREATE TABLE conversations ("
      " session_id TEXT PRIMARY KEY REFERENCES sessions (id),"
      " json TEXT NOT NULL);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == AURA_STORE_SCHEMA_VERSION);

static gboolean
get_user_version (AuraStore * store, gint * version, GError ** error)
{
  sqlite3_stmt *stmt = NULL;
  gint rc = sqlite3_prepare_v2 (store->db, "PRAGMA user_version", -1, &stmt,
      NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW) {
    set_sqlite_error (error, store, rc, "reading the schema version");
    sqlite3_finalize (stmt);
    return FALSE;
  }
  *version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
migrate (AuraStore * store, GError ** error)
{
  gint version;
  gchar *sql;

  if (!get_user_version (store, &version, error))
    return FALSE;
  if (version > AURA_STORE_SCHEMA_VERSION) {
    g_set_error (error, AURA_STORE_ERROR, AURA_STORE_ERROR_VERSION,
        "Session database \"%s\" has schema version %d, newer than this "
        "AURA's (%d)", store->path, version, AURA_STORE_SCHEMA_VERSION);
    return FALSE;
  }
  for (; version < AURA_STORE_SCHEMA_VERSION; version++) {
    if (!exec (store, migrations[version], "migrating the schema", error))
      return FALSE;
    sql = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
    if (!exec (store, sql, "migrating the schema", error)) {
      g_free (sql);
      return FALSE;
    }
    g_free (sql);
  }
  return TRUE;
}

static gboolean
pid_is_dead (gint64 pid)
{
  if (pid <= 0 || pid > G_MAXINT)
    return TRUE;
  return kill ((pid_t) pid, 0) == -1 && errno == ESRCH;
}

/* Sessions left 'recording' (or an upload left 'queued') by a dead process,
 * or by an earlier run of this process id, are 'interrupted': the process
 * crashed or was killed. */
static gboolean
recover (AuraStore * store, GError ** error)
{
  sqlite3_stmt *sel = NULL, *upd = NULL;
  gint rc;
  gint64 self_pid = getpid ();

  rc = sqlite3_prepare_v2 (store->db,
      "SELECT id, owner_pid, status FROM sessions "
      "WHERE status IN ('recording', 'queued')", -1, &sel, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (store->db, "UPDATE sessions SET status = "
        "'interrupted' WHERE id = ?", -1, &upd, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (sel)) == SQLITE_ROW) {
    const gchar *id = (const gchar *) sqlite3_column_text (sel, 0);
    gint64 pid = sqlite3_column_int64 (sel, 1);
    gboolean queued = g_strcmp0 ((const gchar *) sqlite3_column_text (sel, 2),
        "queued") == 0;

    /* this process's own uploads wait for its workers */
    if (pid == self_pid ? (queued || is_active (id)) : !pid_is_dead (pid)) {
      rc = SQLITE_OK;
      continue;
    }
    sqlite3_bind_text (upd, 1, id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step (upd);
    sqlite3_reset (upd);
    if (rc == SQLITE_DONE)
      rc = SQLITE_OK;
  }
  sqlite3_finalize (sel);
  sqlite3_finalize (upd);
  if (rc != SQLITE_DONE) {
    set_sqlite_error (error, store, rc, "recovering interrupted sessions");
    return FALSE;
  }
  return TRUE;
}

/* Clear errors for the usual causes before SQLite's less telling ones. */
static gboolean
check_path (const gchar * path, GError ** error)
{
  gchar *dir = g_path_get_dirname (path);
  gboolean ok = FALSE;

  if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
    g_set_error (error, AURA_STORE_ERROR, AURA_STORE_ERROR_OPEN,
        "Cannot open session database \"%s\": it is a directory", path);
  } else if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
    g_set_error (error, AURA_STORE_ERROR, AURA_STORE_ERROR_OPEN,
        "Cannot create session database \"%s\": directory \"%s\" does not "
        "exist", path, dir);
  } else if (g_access (dir, W_OK) != 0) {
    /* WAL needs the -wal and -shm files next to the database */
    g_set_error (error, AURA_STORE_ERROR, AURA_STORE_ERROR_READ_ONLY,
        "Cannot write session database \"%s\": directory \"%s\" is not "
        "writable (%s)", path, dir, g_strerror (errno));
  } else if (g_file_test (path, G_FILE_TEST_EXISTS) && g_access (path,
          W_OK) != 0) {
    g_set_error (error, AURA_STORE_ERROR, AURA_STORE_ERROR_READ_ONLY,
        "Cannot write session database \"%s\": the file is read-only (%s)",
        path, g_strerror (errno));
  } else {
    ok = TRUE;
  }
  g_free (dir);
  return ok;
}

AuraStore *
aura_store_open (const gchar * path, GError ** error)
{
  AuraStore *store;
  gint rc;

  g_return_val_if_fail (path != NULL && *path != '\0', NULL);

  if (!check_path (path, error))
    return NULL;

  store = g_new0 (AuraStore, 1);
  store->path = g_strdup (path);
  g_mutex_init (&store->lock);
  g_cond_init (&store->cond);
  g_queue_init (&store->queue);

  rc = sqlite3_open_v2 (path, &store->db, SQLITE_OPEN_READWRITE |
      SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    set_sqlite_error (error, store, rc, "opening");
    goto fail;
  }
  sqlite3_extended_result_codes (store->db, 1);
  sqlite3_busy_timeout (store->db, AURA_STORE_BUSY_TIMEOUT_MS);

  /* the first statement reads the header: "not a database" shows here */
  if (!exec (store, "PRAGMA journal_mode = WAL", "enabling WAL", error))
    goto fail;
  /* foreign keys stay off while migrations rebuild tables (the pragma is a
   * no-op inside a transaction, hence before BEGIN and after COMMIT) */
  if (!exec (store, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF",
          "configuring", error))
    goto fail;

  /* migration and recovery in one write transaction */
  if (!exec (store, "BEGIN IMMEDIATE", "starting a transaction", error))
    goto fail;
  if (!migrate (store, error) || !recover (store, error)) {
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
    goto fail;
  }
  if (!exec (store, "COMMIT", "committing", error))
    goto fail;
  if (!exec (store, "PRAGMA foreign_keys = ON", "configuring", error))
    goto fail;
  return store;

fail:
  aura_store_close (store);
  return NULL;
}

/* JSON string literal for @s (NULL: null). */
static void
append_json_string (GString * out, const gchar * s)
{
  if (s == NULL) {
    g_string_append (out, "null");
    return;
  }
  g_string_append_c (out, '"');
  for (; *s; s++) {
    guchar c = (guchar) * s;

    if (c == '"' || c == '\\')
      g_string_append_printf (out, "\\%c", c);
    else if (c < 0x20)
      g_string_append_printf (out, "\\u%04x", c);
    else
      g_string_append_c (out, c);
  }
  g_string_append_c (out, '"');
}

/* One JSON line: @json (an object) with "session_id" first. */
static void
write_json_line (AuraStore * store, const gchar * json)
{
  GString *line = g_string_new ("{\"session_id\":");
  const gchar *rest = json;

  append_json_string (line, store->session_id);
  while (g_ascii_isspace (*rest))
    rest++;
  if (*rest == '{')
    rest++;
  while (g_ascii_isspace (*rest))
    rest++;
  if (*rest != '}')
    g_string_append_c (line, ',');
  g_string_append (line, rest);
  g_string_append_c (line, '\n');
  fwrite (line->str, 1, line->len, store->jsonl);
  g_string_free (line, TRUE);
}

static void
write_session_line (AuraStore * store, const gchar * type,
    const gchar * status, guint64 dropped)
{
  GString *json = g_string_new ("{\"type\":");
  gchar *now = aura_store_now_iso8601 ();

  append_json_string (json, type);
  g_string_append (json, ",\"time\":");
  append_json_string (json, now);
  if (status) {
    g_string_append (json, ",\"status\":");
    append_json_string (json, status);
    g_string_append_printf (json, ",\"dropped\":%" G_GUINT64_FORMAT, dropped);
  }
  g_string_append_c (json, '}');
  write_json_line (store, json->str);
  g_string_free (json, TRUE);
  g_free (now);
}

gboolean
aura_store_in_session (AuraStore * store)
{
  return store->writer != NULL;
}

static gpointer writer_thread (gpointer data);

/* An upload's session row waits 'queued' (aura_db_queue_upload): recording it
 * turns it 'recording'. Any other existing row keeps the primary key error. */
static gint
claim_queued (AuraStore * store, const AuraSessionInfo * info,
    const gchar * now)
{
  sqlite3_stmt *stmt = NULL;
  gint rc = sqlite3_prepare_v2 (store->db, "UPDATE sessions SET "
      "status = 'recording', started_at = ?2, owner_pid = ?3, "
      "title = COALESCE (?4, title), speaker = COALESCE (?5, speaker), "
      "language = COALESCE (?6, language), profile = COALESCE (?7, profile) "
      "WHERE id = ?1 AND status = 'queued'", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_text (stmt, 1, info->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, getpid ());
  sqlite3_bind_text (stmt, 4, info->title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, info->speaker, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, info->language, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, info->profile, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE && sqlite3_changes (store->db) != 1)
    rc = SQLITE_CONSTRAINT_PRIMARYKEY;
  sqlite3_finalize (stmt);
  return rc;
}

gboolean
aura_store_session_begin (AuraStore * store, const AuraSessionInfo * info,
    GError ** error)
{
  sqlite3_stmt *stmt = NULL;
  gchar *now;
  gint rc;

  g_return_val_if_fail (store != NULL && info != NULL && info->id, FALSE);
  g_return_val_if_fail (store->writer == NULL, FALSE);

  if (info->json_location && *info->json_location) {
    store->jsonl = g_fopen (info->json_location, "a");
    if (store->jsonl == NULL) {
      gint err = errno;

      g_set_error (error, AURA_STORE_ERROR, AURA_STORE_ERROR_OPEN,
          "Cannot open JSON lines file \"%s\": %s", info->json_location,
          g_strerror (err));
      return FALSE;
    }
  }

  now = aura_store_now_iso8601 ();
  rc = sqlite3_prepare_v2 (store->db, "INSERT INTO sessions (id, title, "
      "speaker, language, profile, started_at, status, dropped, owner_pid) "
      "VALUES (?, ?, ?, ?, ?, ?, 'recording', 0, ?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text (stmt, 1, info->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 2, info->title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 3, info->speaker, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 4, info->language, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 5, info->profile, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 6, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 7, getpid ());
    rc = sqlite3_step (stmt);
  }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    rc = claim_queued (store, info, now);
  g_free (now);
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    g_set_error (error, AURA_STORE_ERROR, AURA_STORE_ERROR_EXISTS,
        "Session \"%s\" already exists in session database \"%s\"",
        info->id, store->path);
    goto fail;
  } else if (rc != SQLITE_DONE) {
    set_sqlite_error (error, store, rc, "inserting the session");
    goto fail;
  }

  store->session_id = g_strdup (info->id);
  set_active (store, store->session_id, TRUE);
  if (store->jsonl) {
    write_session_line (store, "aura-session", NULL, 0);
    fflush (store->jsonl);
  }
  store->capacity = info->queue_size ? info->queue_size :
      AURA_STORE_DEFAULT_QUEUE_SIZE;
  store->n_bounded = 0;
  store->dropped = 0;
  store->ending = FALSE;
  g_clear_error (&store->writer_error);
  store->writer = g_thread_new ("aura-store", writer_thread, store);
  return TRUE;

fail:
  if (store->jsonl)
    fclose (store->jsonl);
  store->jsonl = NULL;
  return FALSE;
}

static void
enqueue (AuraStore * store, Item * item)
{
  g_queue_push_tail (&store->queue, item);
  /* the writer commits once a second; wake it early when half full */
  if (store->n_bounded >= store->capacity / 2)
    g_cond_signal (&store->cond);
}

void
aura_store_session_set_meta (AuraStore * store, const gchar * language,
    const gchar * profile)
{
  Item *item;

  g_return_if_fail (store != NULL);

  g_mutex_lock (&store->lock);
  if (store->writer && !store->ending) {
    item = g_new0 (Item, 1);
    item->type = ITEM_META;
    item->code = g_strdup (language);
    item->json = g_strdup (profile);
    enqueue (store, item);
  }
  g_mutex_unlock (&store->lock);
}

gboolean
aura_store_add_record (AuraStore * store, AuraRecordKind kind, gdouble t,
    const gchar * code, const gchar * json)
{
  return aura_store_add_speaker_record (store, kind, t, code, NULL, json);
}

gboolean
aura_store_add_speaker_record (AuraStore * store, AuraRecordKind kind,
    gdouble t, const gchar * code, const gchar * speaker, const gchar * json)
{
  gboolean bounded = kind == AURA_RECORD_METRICS ||
      kind == AURA_RECORD_FEEDBACK;
  Item *item;

  g_return_val_if_fail (store != NULL && json != NULL, FALSE);

  g_mutex_lock (&store->lock);
  if (store->writer == NULL || store->ending || store->writer_error) {
    g_mutex_unlock (&store->lock);
    return FALSE;
  }
  if (bounded && store->n_bounded >= store->capacity) {
    store->dropped++;
    g_mutex_unlock (&store->lock);
    g_atomic_pointer_add (&records_dropped, 1);
    return FALSE;
  }
  item = g_new0 (Item, 1);
  item->type = ITEM_RECORD;
  item->kind = kind;
  item->t = t;
  item->code = g_strdup (code);
  item->json = g_strdup (json);
  item->speaker = g_strdup (speaker);
  if (bounded)
    store->n_bounded++;
  enqueue (store, item);
  g_mutex_unlock (&store->lock);
  if (kind == AURA_RECORD_METRICS)
    g_atomic_pointer_add (&metrics_accepted, 1);
  return TRUE;
}

void
aura_store_get_process_stats (AuraStoreStats * stats)
{
  GList *l;

  memset (stats, 0, sizeof (*stats));
  g_mutex_lock (&active_lock);
  for (l = recording_stores; l; l = l->next) {
    AuraStore *store = l->data;

    g_mutex_lock (&store->lock);
    stats->queue_depth += store->queue.length;
    g_mutex_unlock (&store->lock);
    stats->sessions_recording++;
  }
  g_mutex_unlock (&active_lock);
  stats->metrics_recorded = (guint64) g_atomic_pointer_get (&metrics_accepted);
  stats->records_dropped = (guint64) g_atomic_pointer_get (&records_dropped);
}

guint64
aura_store_get_dropped (AuraStore * store)
{
  guint64 dropped;

  g_mutex_lock (&store->lock);
  dropped = store->dropped;
  g_mutex_unlock (&store->lock);
  return dropped;
}

gboolean
aura_store_has_failed (AuraStore * store)
{
  gboolean failed;

  g_mutex_lock (&store->lock);
  failed = store->writer_error != NULL;
  g_mutex_unlock (&store->lock);
  return failed;
}

typedef struct
{
  sqlite3_stmt *metrics, *feedback, *summary, *report, *conversation, *meta,
      *dropped, *end;
} Statements;

/* ?1 session id, ?2 t or an integer, ?3 and ?4 text, ?5 the speaker */
static const gchar *const statement_sql[] = {
  "INSERT INTO metrics (session_id, t, json, speaker) VALUES (?1, ?2, ?4, ?5)",
  "INSERT INTO feedback (session_id, t, code, json, speaker) "
      "VALUES (?1, ?2, ?3, ?4, ?5)",
  "INSERT OR REPLACE INTO summaries (session_id, speaker, json) "
      "VALUES (?1, COALESCE (?5, ''), ?4)",
  "INSERT OR REPLACE INTO reports (session_id, speaker, json) "
      "VALUES (?1, COALESCE (?5, ''), ?4)",
  "INSERT OR REPLACE INTO conversations (session_id, json) VALUES (?1, ?4)",
  "UPDATE sessions SET language = COALESCE (?3, language), "
      "profile = COALESCE (?4, profile) WHERE id = ?1",
  "UPDATE sessions SET dropped = ?2 WHERE id = ?1",
  /* an upload's worker may have marked it 'failed' already: that stays */
  "UPDATE sessions SET dropped = ?2, status = CASE status WHEN 'failed' "
      "THEN 'failed' ELSE ?3 END, ended_at = ?4 WHERE id = ?1",
};

/* Runs one prepared statement with ?1 = the session id. */
static gint
run (AuraStore * store, sqlite3_stmt * stmt, gboolean t_is_int, gdouble t,
    gint64 i, const gchar * s3, const gchar * s4, const gchar * speaker)
{
  gint rc;

  sqlite3_bind_text (stmt, 1, store->session_id, -1, SQLITE_STATIC);
  if (t_is_int)
    sqlite3_bind_int64 (stmt, 2, i);
  else if (isfinite (t))
    sqlite3_bind_double (stmt, 2, t);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_text (stmt, 3, s3, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, s4, -1, SQLITE_STATIC);
  if (sqlite3_bind_parameter_count (stmt) >= 5)
    sqlite3_bind_text (stmt, 5, speaker, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Writes @items (and, if @status is set, the session's end) in one
 * transaction, then to the JSON lines file. */
static gboolean
write_batch (AuraStore * store, Statements * st, GQueue * items,
    guint64 dropped, const gchar * status, GError ** error)
{
  gint rc;
  GList *l;
  gchar *now = NULL;

  rc = sqlite3_exec (store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  for (l = items->head; rc == SQLITE_OK && l; l = l->next) {
    Item *it = l->data;

    if (it->type == ITEM_META) {
      rc = run (store, st->meta, FALSE, 0, 0, it->code, it->json, NULL);
      continue;
    }
    switch (it->kind) {
      case AURA_RECORD_METRICS:
        rc = run (store, st->metrics, FALSE, it->t, 0, NULL, it->json,
            it->speaker);
        break;
      case AURA_RECORD_FEEDBACK:
        rc = run (store, st->feedback, FALSE, it->t, 0, it->code, it->json,
            it->speaker);
        break;
      case AURA_RECORD_SUMMARY:
        rc = run (store, st->summary, FALSE, 0, 0, NULL, it->json, it->speaker);
        break;
      case AURA_RECORD_REPORT:
        rc = run (store, st->report, FALSE, 0, 0, NULL, it->json, it->speaker);
        break;
      case AURA_RECORD_CONVERSATION:
        rc = run (store, st->conversation, FALSE, 0, 0, NULL, it->json, NULL);
        break;
    }
  }
  if (rc == SQLITE_OK) {
    if (status) {
      now = aura_store_now_iso8601 ();
      rc = run (store, st->end, TRUE, 0, (gint64) dropped, status, now, NULL);
    } else if (dropped > 0) {
      rc = run (store, st->dropped, TRUE, 0, (gint64) dropped, NULL, NULL,
          NULL);
    }
  }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (store->db, "COMMIT", NULL, NULL, NULL);
  g_free (now);
  if (rc != SQLITE_OK) {
    set_sqlite_error (error, store, rc, "writing records");
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
  }

  if (store->jsonl) {
    for (l = items->head; l; l = l->next) {
      Item *it = l->data;

      if (it->type == ITEM_RECORD)
        write_json_line (store, it->json);
    }
    if (status)
      write_session_line (store, "aura-session-end", status, dropped);
    if (fflush (store->jsonl) != 0) {
      gint err = errno;

      g_set_error (error, AURA_STORE_ERROR, AURA_STORE_ERROR_FAILED,
          "Cannot write the JSON lines of session \"%s\": %s",
          store->session_id, g_strerror (err));
      return FALSE;
    }
  }
  return TRUE;
}

static gpointer
writer_thread (gpointer data)
{
  AuraStore *store = data;
  Statements st = { NULL, };
  sqlite3_stmt **stmts = (sqlite3_stmt **) & st;
  GQueue batch = G_QUEUE_INIT;
  GError *error = NULL;
  gboolean ending = FALSE;
  AuraSessionStatus status = AURA_SESSION_COMPLETED;
  guint64 dropped = 0;
  gint64 deadline;
  guint i;
  gint rc = SQLITE_OK;

  G_STATIC_ASSERT (sizeof (Statements) / sizeof (sqlite3_stmt *) ==
      G_N_ELEMENTS (statement_sql));
  for (i = 0; rc == SQLITE_OK && i < G_N_ELEMENTS (statement_sql); i++)
    rc = sqlite3_prepare_v2 (store->db, statement_sql[i], -1, &stmts[i], NULL);
  if (rc != SQLITE_OK)
    set_sqlite_error (&error, store, rc, "preparing statements");

  while (!ending) {
    g_mutex_lock (&store->lock);
    deadline = g_get_monotonic_time () + AURA_STORE_COMMIT_INTERVAL_US;
    while (!store->ending && store->n_bounded < store->capacity / 2 &&
        g_cond_wait_until (&store->cond, &store->lock, deadline));
    /* take the whole queue: one transaction */
    batch = store->queue;
    g_queue_init (&store->queue);
    store->n_bounded = 0;
    ending = store->ending;
    status = store->end_status;
    dropped = store->dropped;
    g_mutex_unlock (&store->lock);

    if (error == NULL && (batch.length > 0 || ending || dropped > 0))
      write_batch (store, &st, &batch, dropped,
          ending ? aura_session_status_name (status) : NULL, &error);
    g_queue_clear_full (&batch, (GDestroyNotify) item_free);

    if (error) {
      g_mutex_lock (&store->lock);
      if (store->writer_error == NULL)
        store->writer_error = g_error_copy (error);
      g_mutex_unlock (&store->lock);
    }
  }

  for (i = 0; i < G_N_ELEMENTS (statement_sql); i++)
    sqlite3_finalize (stmts[i]);
  g_clear_error (&error);
  return NULL;
}

gboolean
aura_store_session_end (AuraStore * store, AuraSessionStatus status,
    GError ** error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (store != NULL, FALSE);

  if (store->writer == NULL)
    return TRUE;

  g_mutex_lock (&store->lock);
  store->ending = TRUE;
  store->end_status = status;
  g_cond_signal (&store->cond);
  g_mutex_unlock (&store->lock);
  g_thread_join (store->writer);
  store->writer = NULL;

  if (store->writer_error) {
    /* the commit of the end failed: a later open marks it 'interrupted' */
    g_propagate_error (error, store->writer_error);
    store->writer_error = NULL;
    ok = FALSE;
  }
  if (store->jsonl)
    fclose (store->jsonl);
  store->jsonl = NULL;
  set_active (store, store->session_id, FALSE);
  g_clear_pointer (&store->session_id, g_free);
  return ok;
}

gchar *
aura_store_read_status (AuraStore * store, const gchar * id)
{
  sqlite3_stmt *stmt = NULL;
  gchar *status = NULL;

  g_return_val_if_fail (store->writer == NULL, NULL);
  if (sqlite3_prepare_v2 (store->db, "SELECT status FROM sessions WHERE "
          "id = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    status = g_strdup ((const gchar *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return status;
}

void
aura_store_close (AuraStore * store)
{
  if (store == NULL)
    return;
  aura_store_session_end (store, AURA_SESSION_INTERRUPTED, NULL);
  if (store->db)
    sqlite3_close_v2 (store->db);
  g_queue_clear_full (&store->queue, (GDestroyNotify) item_free);
  g_mutex_clear (&store->lock);
  g_cond_clear (&store->cond);
  g_free (store->path);
  g_free (store);
}
