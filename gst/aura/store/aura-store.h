/* AURA — the session store: AURA's records in an SQLite database (GLib and
 * SQLite only, no GStreamer). See docs/sessions.md.
 */
#ifndef __AURA_STORE_H__
#define __AURA_STORE_H__

#include <glib.h>

G_BEGIN_DECLS
/* Schema version written to PRAGMA user_version. */
#define AURA_STORE_SCHEMA_VERSION 3
/* Records the queue holds before metrics and feedback are dropped. */
#define AURA_STORE_DEFAULT_QUEUE_SIZE 4096
/* Longest time a queued record waits before the writer commits it. */
#define AURA_STORE_COMMIT_INTERVAL_US G_USEC_PER_SEC
#define AURA_STORE_BUSY_TIMEOUT_MS 5000
#define AURA_STORE_ERROR (aura_store_error_quark ())
    typedef enum
{
  AURA_STORE_ERROR_OPEN,        /* cannot open or create the file */
  AURA_STORE_ERROR_READ_ONLY,   /* the file or its directory is not writable */
  AURA_STORE_ERROR_NOT_A_DATABASE,
  AURA_STORE_ERROR_LOCKED,      /* busy past the busy timeout */
  AURA_STORE_ERROR_VERSION,     /* written by a newer AURA */
  AURA_STORE_ERROR_EXISTS,      /* the session id is already stored */
  AURA_STORE_ERROR_FAILED,
} AuraStoreError;

typedef enum
{
  AURA_RECORD_METRICS,          /* table metrics, t and json */
  AURA_RECORD_FEEDBACK,         /* table feedback, t, code and json */
  AURA_RECORD_SUMMARY,          /* table summaries, json (one per speaker) */
  AURA_RECORD_REPORT,           /* table reports, json (one per speaker) */
  AURA_RECORD_CONVERSATION,     /* table conversations (one per session) */
} AuraRecordKind;

typedef enum
{
  AURA_SESSION_RECORDING,
  AURA_SESSION_COMPLETED,
  AURA_SESSION_INTERRUPTED,
  AURA_SESSION_QUEUED,          /* an upload waiting for a worker (schema 2) */
  AURA_SESSION_FAILED,          /* an upload that could not be analysed */
} AuraSessionStatus;

/* What this process's stores are doing, for monitoring. */
typedef struct
{
  guint64 metrics_recorded;     /* aura-metrics records accepted, all stores */
  guint64 records_dropped;      /* records dropped for lack of queue room */
  guint queue_depth;            /* records waiting for writers now */
  guint sessions_recording;     /* stores in a session now */
} AuraStoreStats;

typedef struct
{
  const gchar *id;              /* required */
  const gchar *title, *speaker, *language, *profile;    /* may be NULL */
  const gchar *json_location;   /* JSON lines copy, NULL for none */
  guint queue_size;             /* 0: AURA_STORE_DEFAULT_QUEUE_SIZE */
} AuraSessionInfo;

typedef struct _AuraStore AuraStore;

GQuark aura_store_error_quark (void);
/* Now in the form of started_at: 2024-05-02T09:14:03.512345Z (UTC). */
gchar *aura_store_now_iso8601 (void);
const gchar *aura_session_status_name (AuraSessionStatus status);

/* Opens or creates the database at @path (WAL, busy timeout, schema migrated to
 * AURA_STORE_SCHEMA_VERSION) and marks the sessions of dead processes
 * 'interrupted'. Errors name @path and the cause. */
AuraStore *aura_store_open (const gchar * path, GError ** error);

/* Inserts the session row ('recording') and starts the writer thread. One
 * session at a time per store. */
gboolean aura_store_session_begin (AuraStore * store,
    const AuraSessionInfo * info, GError ** error);

/* Sets the language and profile of the session row (NULL: unchanged). Queued,
 * never dropped. */
void aura_store_session_set_meta (AuraStore * store, const gchar * language,
    const gchar * profile);

/* Queues a record: @t in stream seconds (ignored for summaries and reports),
 * @code for feedback, @json a compact JSON object. Never blocks on SQLite.
 * Returns FALSE when the record was dropped (queue full, or no session);
 * summaries and reports are never dropped for lack of room. */
gboolean aura_store_add_record (AuraStore * store, AuraRecordKind kind,
    gdouble t, const gchar * code, const gchar * json);

/* The same for one of several speakers of the session (@speaker NULL: the
 * session's single speaker). */
gboolean aura_store_add_speaker_record (AuraStore * store,
    AuraRecordKind kind, gdouble t, const gchar * code, const gchar * speaker,
    const gchar * json);

/* Process-wide counters of every store (thread-safe). */
void aura_store_get_process_stats (AuraStoreStats * stats);

/* Records dropped so far in this session. */
guint64 aura_store_get_dropped (AuraStore * store);

/* TRUE once the writer failed (the session then records nothing more). */
gboolean aura_store_has_failed (AuraStore * store);

/* Commits every queued record, then the session's status, end time and drop
 * count; stops the writer. Returns FALSE with the writer's first error, if
 * any. */
gboolean aura_store_session_end (AuraStore * store, AuraSessionStatus status,
    GError ** error);

gboolean aura_store_in_session (AuraStore * store);

/* The stored status of session @id ("completed", "failed", ...), NULL if
 * there is none. Not while a session is being recorded (the writer owns the
 * connection then). */
gchar *aura_store_read_status (AuraStore * store, const gchar * id);

/* Ends a running session as 'interrupted' and closes the database. */
void aura_store_close (AuraStore * store);

G_END_DECLS
#endif /* __AURA_STORE_H__ */
