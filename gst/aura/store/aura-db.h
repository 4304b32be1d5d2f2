/* AURA — reading the session database for the HTTP API: sessions, their
 * records and analytics as json-glib nodes (GLib, json-glib and SQLite; no
 * GStreamer). The writer side is aura-store.h. See docs/api.md.
 */
#ifndef __AURA_DB_H__
#define __AURA_DB_H__

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS
#define AURA_DB_ERROR (aura_db_error_quark ())
/* Longest page of sessions one request may ask for. */
#define AURA_DB_MAX_LIMIT 200
#define AURA_DB_DEFAULT_LIMIT 20
/* Most field names one metrics request may select. */
#define AURA_DB_MAX_FIELDS 64
    typedef enum
{
  AURA_DB_ERROR_NOT_FOUND,      /* no such session or document: 404 */
  AURA_DB_ERROR_CONFLICT,       /* e.g. deleting a session being recorded: 409 */
  AURA_DB_ERROR_INVALID,        /* a parameter out of its range: 400 */
  AURA_DB_ERROR_BUSY,           /* the database stayed locked: 503 */
  AURA_DB_ERROR_FAILED,         /* anything else: 500 */
} AuraDbError;

typedef enum
{
  AURA_DB_METRICS,
  AURA_DB_FEEDBACK,
} AuraDbRecords;

typedef struct
{
  guint limit, offset;
  const gchar *speaker;         /* NULL: any */
  const gchar *from, *to;       /* started_at bounds, normalized (see below) */
} AuraSessionQuery;

typedef struct _AuraDb AuraDb;

GQuark aura_db_error_quark (void);

/* Opens (creating and migrating if needed, through aura_store_open) the
 * database at @path. Thread-safe: every call takes the connection's lock. */
AuraDb *aura_db_open (const gchar * path, GError ** error);
void aura_db_close (AuraDb * db);
const gchar *aura_db_get_path (AuraDb * db);

/* PRAGMA user_version, or -1 with @error when the database is unreachable. */
gint aura_db_schema_version (AuraDb * db, GError ** error);
/* Sessions in @status ("recording", "queued", ...), -1 on error. */
gint aura_db_count_sessions (AuraDb * db, const gchar * status);

/* An ISO 8601 date or date-time as stored in started_at (UTC,
 * 2024-05-02T09:14:03.512345Z); a date alone is its midnight UTC. NULL when
 * @text is not a date. */
gchar *aura_db_normalize_time (const gchar * text);

/* {"sessions": [...], "total": N, "limit": L, "offset": O}, newest first. */
JsonNode *aura_db_list_sessions (AuraDb * db, const AuraSessionQuery * query,
    GError ** error);

/* The session object; with @details also "summary" and "report" (objects or
 * null). NOT_FOUND error when there is no such session. */
JsonObject *aura_db_get_session (AuraDb * db, const gchar * id,
    gboolean details, GError ** error);

/* Sets title and/or speaker (NULL: unchanged). */
gboolean aura_db_update_session (AuraDb * db, const gchar * id,
    const gchar * title, const gchar * speaker, GError ** error);

/* Deletes the session and its records; CONFLICT while it is recording or
 * queued. */
gboolean aura_db_delete_session (AuraDb * db, const gchar * id,
    GError ** error);

/* Records of session @id with stream time in [@from, @to] (NAN: open) and
 * rowid > @after, oldest first, each the stored object plus "t"; @fields
 * (NULL: all) selects members. *@last_rowid (may be NULL) receives the
 * largest rowid returned, or @after. NOT_FOUND when the session is missing. */
JsonArray *aura_db_get_records (AuraDb * db, AuraDbRecords kind,
    const gchar * id, gdouble from, gdouble to, const gchar * const *fields,
    gint64 after, gint64 * last_rowid, GError ** error);

/* The largest rowid of the records table (any session), 0 when empty: a
 * cursor for "records from now on". */
gint64 aura_db_last_rowid (AuraDb * db, AuraDbRecords kind);

/* The stored aura-summary (@report FALSE) or aura-report of session @id;
 * NOT_FOUND when either is missing. */
JsonObject *aura_db_get_document (AuraDb * db, const gchar * id,
    gboolean report, GError ** error);

/* {"speakers": [{speaker, sessions, first, last, averages{}, trends{}}]}. */
JsonNode *aura_db_analytics (AuraDb * db, const gchar * speaker,
    const gchar * from, const gchar * to, GError ** error);

/* Inserts an upload's session row, 'queued', owned by this process. */
gboolean aura_db_queue_upload (AuraDb * db, const gchar * id,
    const gchar * title, const gchar * speaker, const gchar * language,
    const gchar * profile, const gchar * source, GError ** error);

/* Marks session @id 'failed' with @message (an upload that could not be
 * analysed), whatever its status. */
gboolean aura_db_fail_session (AuraDb * db, const gchar * id,
    const gchar * message, GError ** error);

G_END_DECLS
#endif /* __AURA_DB_H__ */
