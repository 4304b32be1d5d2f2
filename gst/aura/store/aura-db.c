/* AURA — reading the session database for the HTTP API.
 *
 * One SQLite connection per AuraDb, guarded by a mutex: the server's main loop
 * and the upload workers share it. Every value from a request reaches SQL as a
 * bound parameter, never as SQL text.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "aura-db-private.h"
#include "aura-store.h"

GQuark
aura_db_error_quark (void)
{
  return g_quark_from_static_string ("aura-db-error-quark");
}

void
aura_db_set_error (AuraDb * db, GError ** error, gint rc, const gchar * what)
{
  gint code = AURA_DB_ERROR_FAILED;

  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    code = AURA_DB_ERROR_BUSY;
  g_set_error (error, AURA_DB_ERROR, code, "Session database \"%s\": %s "
      "failed: %s", db->path, what, sqlite3_errmsg (db->db));
}

AuraDb *
aura_db_open (const gchar * path, GError ** error)
{
  AuraStore *store;
  AuraDb *db;
  gint rc;

  /* the store creates, migrates and recovers; then we keep our own
   * connection */
  store = aura_store_open (path, error);
  if (store == NULL)
    return NULL;
  aura_store_close (store);

  db = g_new0 (AuraDb, 1);
  db->path = g_strdup (path);
  g_mutex_init (&db->lock);
  rc = sqlite3_open_v2 (path, &db->db, SQLITE_OPEN_READWRITE |
      SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_extended_result_codes (db->db, 1);
    sqlite3_busy_timeout (db->db, AURA_STORE_BUSY_TIMEOUT_MS);
    rc = sqlite3_exec (db->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  }
  if (rc != SQLITE_OK) {
    aura_db_set_error (db, error, rc, "opening");
    aura_db_close (db);
    return NULL;
  }
  return db;
}

void
aura_db_close (AuraDb * db)
{
  if (db == NULL)
    return;
  sqlite3_close_v2 (db->db);
  g_mutex_clear (&db->lock);
  g_free (db->path);
  g_free (db);
}

const gchar *
aura_db_get_path (AuraDb * db)
{
  return db->path;
}

sqlite3_stmt *
aura_db_prepare (AuraDb * db, const gchar * sql, GError ** error)
{
  sqlite3_stmt *stmt = NULL;
  gint rc = sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK) {
    aura_db_set_error (db, error, rc, "preparing a query");
    return NULL;
  }
  return stmt;
}

void
aura_db_bind_text (sqlite3_stmt * stmt, gint i, const gchar * text)
{
  if (text)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

static void
bind_time (sqlite3_stmt * stmt, gint i, gdouble t)
{
  if (isfinite (t))
    sqlite3_bind_double (stmt, i, t);
  else
    sqlite3_bind_null (stmt, i);
}

gint
aura_db_schema_version (AuraDb * db, GError ** error)
{
  sqlite3_stmt *stmt;
  gint version = -1, rc;

  g_mutex_lock (&db->lock);
  stmt = aura_db_prepare (db, "PRAGMA user_version", error);
  if (stmt) {
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      version = sqlite3_column_int (stmt, 0);
    else
      aura_db_set_error (db, error, rc, "reading the schema version");
    sqlite3_finalize (stmt);
  }
  g_mutex_unlock (&db->lock);
  return version;
}

gint
aura_db_count_sessions (AuraDb * db, const gchar * status)
{
  sqlite3_stmt *stmt;
  gint n = -1;

  g_mutex_lock (&db->lock);
  stmt =
      aura_db_prepare (db, "SELECT count(*) FROM sessions WHERE status = ?1",
      NULL);
  if (stmt) {
    aura_db_bind_text (stmt, 1, status);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      n = sqlite3_column_int (stmt, 0);
    sqlite3_finalize (stmt);
  }
  g_mutex_unlock (&db->lock);
  return n;
}

gchar *
aura_db_normalize_time (const gchar * text)
{
  GTimeZone *utc;
  GDateTime *dt, *utc_dt;
  gchar *out;

  if (text == NULL || strlen (text) > 64)
    return NULL;
  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL && strlen (text) == 10) {
    gchar *midnight = g_strconcat (text, "T00:00:00Z", NULL);

    dt = g_date_time_new_from_iso8601 (midnight, utc);
    g_free (midnight);
  }
  g_time_zone_unref (utc);
  if (dt == NULL)
    return NULL;
  /* stored times are UTC: 10:00+01:00 is 09:00Z */
  utc_dt = g_date_time_to_utc (dt);
  g_date_time_unref (dt);
  dt = utc_dt;
  out = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S.%fZ");
  g_date_time_unref (dt);
  return out;
}

static void
set_text_or_null (JsonObject * obj, const gchar * name, sqlite3_stmt * stmt,
    gint col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    json_object_set_null_member (obj, name);
  else
    json_object_set_string_member (obj, name,
        (const gchar *) sqlite3_column_text (stmt, col));
}

#define SESSION_COLUMNS "id, title, speaker, language, profile, status, " \
  "started_at, ended_at, dropped, source, error"

/* A row of SESSION_COLUMNS as the API's session object. */
static JsonObject *
session_from_row (sqlite3_stmt * stmt)
{
  static const gchar *const names[] = { "id", "title", "speaker", "language",
    "profile", "status", "started_at", "ended_at"
  };
  JsonObject *obj = json_object_new ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    set_text_or_null (obj, names[i], stmt, i);
  json_object_set_int_member (obj, "dropped", sqlite3_column_int64 (stmt, 8));
  set_text_or_null (obj, "source", stmt, 9);
  set_text_or_null (obj, "error", stmt, 10);
  return obj;
}

/* The WHERE clause shared by the list and its count: ?1 speaker, ?2 from,
 * ?3 to (NULL: no bound). */
#define SESSION_FILTER " WHERE (?1 IS NULL OR speaker = ?1)" \
  " AND (?2 IS NULL OR started_at >= ?2) AND (?3 IS NULL OR started_at <= ?3)"

static void
bind_filter (sqlite3_stmt * stmt, const gchar * speaker, const gchar * from,
    const gchar * to)
{
  aura_db_bind_text (stmt, 1, speaker);
  aura_db_bind_text (stmt, 2, from);
  aura_db_bind_text (stmt, 3, to);
}

JsonNode *
aura_db_list_sessions (AuraDb * db, const AuraSessionQuery * q, GError ** error)
{
  sqlite3_stmt *count = NULL, *list = NULL;
  JsonArray *sessions = json_array_new ();
  JsonObject *result = NULL;
  JsonNode *node;
  gint64 total = 0;
  gint rc = SQLITE_ERROR;

  g_mutex_lock (&db->lock);
  count =
      aura_db_prepare (db, "SELECT count(*) FROM sessions" SESSION_FILTER,
      error);
  list =
      count ? aura_db_prepare (db,
      "SELECT " SESSION_COLUMNS " FROM sessions" SESSION_FILTER
      " ORDER BY started_at DESC, id LIMIT ?4 OFFSET ?5", error) : NULL;
  if (list) {
    bind_filter (count, q->speaker, q->from, q->to);
    rc = sqlite3_step (count);
    if (rc == SQLITE_ROW) {
      total = sqlite3_column_int64 (count, 0);
      bind_filter (list, q->speaker, q->from, q->to);
      sqlite3_bind_int64 (list, 4, q->limit);
      sqlite3_bind_int64 (list, 5, q->offset);
      while ((rc = sqlite3_step (list)) == SQLITE_ROW)
        json_array_add_object_element (sessions, session_from_row (list));
    }
    if (rc != SQLITE_DONE)
      aura_db_set_error (db, error, rc, "listing sessions");
  }
  sqlite3_finalize (count);
  sqlite3_finalize (list);
  g_mutex_unlock (&db->lock);

  if (rc != SQLITE_DONE) {
    json_array_unref (sessions);
    return NULL;
  }
  result = json_object_new ();
  json_object_set_array_member (result, "sessions", sessions);
  json_object_set_int_member (result, "total", total);
  json_object_set_int_member (result, "limit", q->limit);
  json_object_set_int_member (result, "offset", q->offset);
  node = json_node_init_object (json_node_alloc (), result);
  json_object_unref (result);
  return node;
}

/* Parses a stored JSON text; NULL (with a warning) if it is not an object. */
static JsonObject *
parse_object (const gchar * text)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *obj = NULL;
  JsonNode *root;

  if (text && json_parser_load_from_data (parser, text, -1, NULL)) {
    root = json_parser_get_root (parser);
    if (root && JSON_NODE_HOLDS_OBJECT (root))
      obj = json_object_ref (json_node_get_object (root));
  }
  if (obj == NULL)
    g_warning ("aura-db: a stored record is not a JSON object");
  g_object_unref (parser);
  return obj;
}

/* The stored document (locked), or NULL. */
static JsonObject *
get_document_locked (AuraDb * db, const gchar * id, gboolean report)
{
  /* the session's single speaker ('') first, else the first speaker */
  sqlite3_stmt *stmt = aura_db_prepare (db, report ?
      "SELECT json FROM reports WHERE session_id = ?1 ORDER BY speaker "
      "LIMIT 1" :
      "SELECT json FROM summaries WHERE session_id = ?1 ORDER BY speaker "
      "LIMIT 1", NULL);
  JsonObject *obj = NULL;

  if (stmt == NULL)
    return NULL;
  aura_db_bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    obj = parse_object ((const gchar *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return obj;
}

static void
set_object_or_null (JsonObject * obj, const gchar * name, JsonObject * value)
{
  if (value)
    json_object_set_object_member (obj, name, value);
  else
    json_object_set_null_member (obj, name);
}

/* A multi-speaker session's "speakers" ([{speaker, summary, report}]) and
 * "conversation" (object or null). */
static void
add_speakers_locked (AuraDb * db, const gchar * id, JsonObject * obj)
{
  sqlite3_stmt *stmt = aura_db_prepare (db, "SELECT s.speaker, s.json, "
      "r.json FROM summaries s LEFT JOIN reports r ON r.session_id = "
      "s.session_id AND r.speaker = s.speaker WHERE s.session_id = ?1 AND "
      "s.speaker != '' ORDER BY s.speaker", NULL);
  JsonArray *speakers = json_array_new ();
  JsonObject *conversation = NULL;

  if (stmt) {
    aura_db_bind_text (stmt, 1, id);
    while (sqlite3_step (stmt) == SQLITE_ROW) {
      JsonObject *sp = json_object_new ();

      json_object_set_string_member (sp, "speaker",
          (const gchar *) sqlite3_column_text (stmt, 0));
      set_object_or_null (sp, "summary", parse_object ((const gchar *)
              sqlite3_column_text (stmt, 1)));
      set_object_or_null (sp, "report",
          sqlite3_column_type (stmt, 2) == SQLITE_NULL ? NULL :
          parse_object ((const gchar *) sqlite3_column_text (stmt, 2)));
      json_array_add_object_element (speakers, sp);
    }
    sqlite3_finalize (stmt);
  }
  stmt = aura_db_prepare (db, "SELECT json FROM conversations WHERE "
      "session_id = ?1", NULL);
  if (stmt) {
    aura_db_bind_text (stmt, 1, id);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      conversation = parse_object ((const gchar *) sqlite3_column_text (stmt,
              0));
    sqlite3_finalize (stmt);
  }
  json_object_set_array_member (obj, "speakers", speakers);
  set_object_or_null (obj, "conversation", conversation);
}

JsonObject *
aura_db_get_session (AuraDb * db, const gchar * id, gboolean details,
    GError ** error)
{
  sqlite3_stmt *stmt;
  JsonObject *obj = NULL;
  gint rc;

  g_mutex_lock (&db->lock);
  stmt =
      aura_db_prepare (db,
      "SELECT " SESSION_COLUMNS " FROM sessions WHERE id = ?1", error);
  if (stmt) {
    aura_db_bind_text (stmt, 1, id);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      obj = session_from_row (stmt);
    else if (rc == SQLITE_DONE)
      g_set_error (error, AURA_DB_ERROR, AURA_DB_ERROR_NOT_FOUND,
          "No session \"%s\"", id);
    else
      aura_db_set_error (db, error, rc, "reading a session");
    sqlite3_finalize (stmt);
  }
  if (obj && details) {
    set_object_or_null (obj, "summary", get_document_locked (db, id, FALSE));
    set_object_or_null (obj, "report", get_document_locked (db, id, TRUE));
    add_speakers_locked (db, id, obj);
  }
  g_mutex_unlock (&db->lock);
  return obj;
}

/* Runs a statement that changes one session; NOT_FOUND when no row changed
 * (the caller checks existence and status first where it matters). */
static gboolean
change_session (AuraDb * db, sqlite3_stmt * stmt, const gchar * id,
    const gchar * what, GError ** error)
{
  gint rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE) {
    aura_db_set_error (db, error, rc, what);
    return FALSE;
  }
  if (sqlite3_changes (db->db) == 0) {
    g_set_error (error, AURA_DB_ERROR, AURA_DB_ERROR_NOT_FOUND,
        "No session \"%s\"", id);
    return FALSE;
  }
  return TRUE;
}

gboolean
aura_db_update_session (AuraDb * db, const gchar * id, const gchar * title,
    const gchar * speaker, GError ** error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_mutex_lock (&db->lock);
  stmt =
      aura_db_prepare (db,
      "UPDATE sessions SET title = COALESCE (?2, title), "
      "speaker = COALESCE (?3, speaker) WHERE id = ?1", error);
  if (stmt) {
    aura_db_bind_text (stmt, 1, id);
    aura_db_bind_text (stmt, 2, title);
    aura_db_bind_text (stmt, 3, speaker);
    ok = change_session (db, stmt, id, "updating a session", error);
    sqlite3_finalize (stmt);
  }
  g_mutex_unlock (&db->lock);
  return ok;
}

gboolean
aura_db_delete_session (AuraDb * db, const gchar * id, GError ** error)
{
  static const gchar *const sql[] = {
    "DELETE FROM metrics WHERE session_id = ?1",
    "DELETE FROM feedback WHERE session_id = ?1",
    "DELETE FROM summaries WHERE session_id = ?1",
    "DELETE FROM reports WHERE session_id = ?1",
    "DELETE FROM conversations WHERE session_id = ?1",
  };
  sqlite3_stmt *stmt;
  gint rc = SQLITE_OK;
  gboolean ok = FALSE;
  guint i;

  g_mutex_lock (&db->lock);
  /* the status check and the deletes in one transaction: a writer cannot
   * start the session in between */
  rc = sqlite3_exec (db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    aura_db_set_error (db, error, rc, "deleting a session");
    g_mutex_unlock (&db->lock);
    return FALSE;
  }
  stmt =
      aura_db_prepare (db, "SELECT status FROM sessions WHERE id = ?1", error);
  if (stmt) {
    aura_db_bind_text (stmt, 1, id);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_DONE) {
      g_set_error (error, AURA_DB_ERROR, AURA_DB_ERROR_NOT_FOUND,
          "No session \"%s\"", id);
    } else if (rc == SQLITE_ROW) {
      const gchar *status = (const gchar *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (status, "recording") == 0 ||
          g_strcmp0 (status, "queued") == 0)
        g_set_error (error, AURA_DB_ERROR, AURA_DB_ERROR_CONFLICT,
            "Session \"%s\" is %s: it can be deleted once it ends", id, status);
      else
        ok = TRUE;
    } else {
      aura_db_set_error (db, error, rc, "deleting a session");
    }
    sqlite3_finalize (stmt);
  }
  for (i = 0; ok && i < G_N_ELEMENTS (sql); i++) {
    stmt = aura_db_prepare (db, sql[i], error);
    ok = stmt != NULL;
    if (ok) {
      aura_db_bind_text (stmt, 1, id);
      rc = sqlite3_step (stmt);
      ok = rc == SQLITE_DONE;
      if (!ok)
        aura_db_set_error (db, error, rc, "deleting a session");
      sqlite3_finalize (stmt);
    }
  }
  if (ok) {
    stmt = aura_db_prepare (db, "DELETE FROM sessions WHERE id = ?1", error);
    ok = stmt != NULL;
    if (ok) {
      aura_db_bind_text (stmt, 1, id);
      ok = change_session (db, stmt, id, "deleting a session", error);
      sqlite3_finalize (stmt);
    }
  }
  if (ok && (rc = sqlite3_exec (db->db, "COMMIT", NULL, NULL,
              NULL)) != SQLITE_OK) {
    aura_db_set_error (db, error, rc, "deleting a session");
    ok = FALSE;
  }
  if (!ok)
    sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
  g_mutex_unlock (&db->lock);
  return ok;
}

static gboolean
session_exists_locked (AuraDb * db, const gchar * id, GError ** error)
{
  sqlite3_stmt *stmt =
      aura_db_prepare (db, "SELECT 1 FROM sessions WHERE id = ?1",
      error);
  gint rc;

  if (stmt == NULL)
    return FALSE;
  aura_db_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, AURA_DB_ERROR, AURA_DB_ERROR_NOT_FOUND,
        "No session \"%s\"", id);
  else
    aura_db_set_error (db, error, rc, "reading a session");
  return FALSE;
}

/* The stored record with "t" first and only @fields (NULL: all members). */
static JsonObject *
record_object (const gchar * json, sqlite3_stmt * stmt,
    const gchar * const *fields)
{
  JsonObject *stored = parse_object (json), *out;
  GList *members, *l;

  if (stored == NULL)
    return NULL;
  out = json_object_new ();
  if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
    json_object_set_null_member (out, "t");
  else
    json_object_set_double_member (out, "t", sqlite3_column_double (stmt, 1));
  members = json_object_get_members (stored);
  for (l = members; l; l = l->next) {
    const gchar *name = l->data;

    if (fields && !g_strv_contains (fields, name))
      continue;
    json_object_set_member (out, name,
        json_node_copy (json_object_get_member (stored, name)));
  }
  g_list_free (members);
  json_object_unref (stored);
  return out;
}

JsonArray *
aura_db_get_records (AuraDb * db, AuraDbRecords kind, const gchar * id,
    gdouble from, gdouble to, const gchar * const *fields, gint64 after,
    gint64 * last_rowid, GError ** error)
{
  sqlite3_stmt *stmt = NULL;
  JsonArray *records = NULL;
  gint64 last = after;
  gint rc;

  g_mutex_lock (&db->lock);
  if (session_exists_locked (db, id, error))
    stmt = aura_db_prepare (db, kind == AURA_DB_METRICS ?
        "SELECT rowid, t, json FROM metrics WHERE session_id = ?1 AND "
        "rowid > ?2 AND (?3 IS NULL OR t >= ?3) AND (?4 IS NULL OR t <= ?4) "
        "ORDER BY rowid" :
        "SELECT rowid, t, json FROM feedback WHERE session_id = ?1 AND "
        "rowid > ?2 AND (?3 IS NULL OR t >= ?3) AND (?4 IS NULL OR t <= ?4) "
        "ORDER BY rowid", error);
  if (stmt) {
    records = json_array_new ();
    aura_db_bind_text (stmt, 1, id);
    sqlite3_bind_int64 (stmt, 2, after);
    bind_time (stmt, 3, from);
    bind_time (stmt, 4, to);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
      JsonObject *rec = record_object ((const gchar *)
          sqlite3_column_text (stmt, 2), stmt, fields);

      last = sqlite3_column_int64 (stmt, 0);
      if (rec)
        json_array_add_object_element (records, rec);
    }
    if (rc != SQLITE_DONE) {
      aura_db_set_error (db, error, rc, "reading records");
      g_clear_pointer (&records, json_array_unref);
    }
    sqlite3_finalize (stmt);
  }
  g_mutex_unlock (&db->lock);
  if (last_rowid)
    *last_rowid = last;
  return records;
}

gint64
aura_db_last_rowid (AuraDb * db, AuraDbRecords kind)
{
  sqlite3_stmt *stmt;
  gint64 last = 0;

  g_mutex_lock (&db->lock);
  stmt = aura_db_prepare (db, kind == AURA_DB_METRICS ?
      "SELECT max (rowid) FROM metrics" : "SELECT max (rowid) FROM feedback",
      NULL);
  if (stmt) {
    if (sqlite3_step (stmt) == SQLITE_ROW)
      last = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
  }
  g_mutex_unlock (&db->lock);
  return last;
}

JsonObject *
aura_db_get_document (AuraDb * db, const gchar * id, gboolean report,
    GError ** error)
{
  JsonObject *obj = NULL;

  g_mutex_lock (&db->lock);
  if (session_exists_locked (db, id, error)) {
    obj = get_document_locked (db, id, report);
    if (obj == NULL)
      g_set_error (error, AURA_DB_ERROR, AURA_DB_ERROR_NOT_FOUND,
          "Session \"%s\" has no %s yet", id, report ? "report" : "summary");
  }
  g_mutex_unlock (&db->lock);
  return obj;
}

gboolean
aura_db_queue_upload (AuraDb * db, const gchar * id, const gchar * title,
    const gchar * speaker, const gchar * language, const gchar * profile,
    const gchar * source, GError ** error)
{
  sqlite3_stmt *stmt;
  gchar *now = aura_store_now_iso8601 ();
  gboolean ok = FALSE;
  gint rc;

  g_mutex_lock (&db->lock);
  stmt =
      aura_db_prepare (db,
      "INSERT INTO sessions (id, title, speaker, language, "
      "profile, started_at, status, owner_pid, source) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?8)", error);
  if (stmt) {
    aura_db_bind_text (stmt, 1, id);
    aura_db_bind_text (stmt, 2, title);
    aura_db_bind_text (stmt, 3, speaker);
    aura_db_bind_text (stmt, 4, language);
    aura_db_bind_text (stmt, 5, profile);
    aura_db_bind_text (stmt, 6, now);
    sqlite3_bind_int64 (stmt, 7, getpid ());
    aura_db_bind_text (stmt, 8, source);
    rc = sqlite3_step (stmt);
    ok = rc == SQLITE_DONE;
    if (!ok)
      aura_db_set_error (db, error, rc, "queueing an upload");
    sqlite3_finalize (stmt);
  }
  g_mutex_unlock (&db->lock);
  g_free (now);
  return ok;
}

gboolean
aura_db_fail_session (AuraDb * db, const gchar * id, const gchar * message,
    GError ** error)
{
  sqlite3_stmt *stmt;
  gchar *now = aura_store_now_iso8601 ();
  gboolean ok = FALSE;

  g_mutex_lock (&db->lock);
  stmt =
      aura_db_prepare (db,
      "UPDATE sessions SET status = 'failed', error = ?2, "
      "ended_at = COALESCE (ended_at, ?3) WHERE id = ?1", error);
  if (stmt) {
    aura_db_bind_text (stmt, 1, id);
    aura_db_bind_text (stmt, 2, message);
    aura_db_bind_text (stmt, 3, now);
    ok = change_session (db, stmt, id, "marking a session failed", error);
    sqlite3_finalize (stmt);
  }
  g_mutex_unlock (&db->lock);
  g_free (now);
  return ok;
}
