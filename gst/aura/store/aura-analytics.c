/* AURA — per-speaker progress across sessions (GET /api/v1/analytics).
 *
 * For each speaker: the mean of each indicator over their sessions that have
 * it, and its trend, the least-squares slope per session (in session order),
 * so "wpm trend -4.0" reads "4 words/min slower at each session". A session
 * without a value for an indicator (no summary yet, not measurable) is left
 * out of that indicator only.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "aura-db-private.h"

/* Indicator name in the JSON, and where it is stored. */
static const struct
{
  const gchar *name;
  const gchar *column;
} indicators[] = {
  {"wpm", "json_extract (m.json, '$.wpm')"},
  {"fillers_per_minute", "json_extract (m.json, '$.fillers_per_minute')"},
  {"pitch_variability_st", "json_extract (m.json, '$.pitch_variability_st')"},
  {"loudness_integrated", "json_extract (m.json, '$.loudness_integrated')"},
  {"speech_ratio", "json_extract (m.json, '$.speech_ratio')"},
  {"overall_score", "json_extract (r.json, '$.overall_score')"},
};

#define N_INDICATORS G_N_ELEMENTS (indicators)

typedef struct
{
  /* per indicator: count, sums for the mean and the slope over x = index */
  gdouble n[N_INDICATORS], sx[N_INDICATORS], sy[N_INDICATORS];
  gdouble sxx[N_INDICATORS], sxy[N_INDICATORS];
  guint sessions;
  gchar *speaker, *first, *last;
} Speaker;

static void
speaker_add (Speaker * sp, sqlite3_stmt * stmt)
{
  gdouble x = sp->sessions;
  guint i;

  if (sp->first == NULL)
    sp->first = g_strdup ((const gchar *) sqlite3_column_text (stmt, 1));
  g_free (sp->last);
  sp->last = g_strdup ((const gchar *) sqlite3_column_text (stmt, 1));
  for (i = 0; i < N_INDICATORS; i++) {
    gdouble y;

    if (sqlite3_column_type (stmt, 2 + i) == SQLITE_NULL)
      continue;
    y = sqlite3_column_double (stmt, 2 + i);
    if (!isfinite (y))
      continue;
    sp->n[i] += 1;
    sp->sx[i] += x;
    sp->sy[i] += y;
    sp->sxx[i] += x * x;
    sp->sxy[i] += x * y;
  }
  sp->sessions++;
}

static void
set_number_or_null (JsonObject * obj, const gchar * name, gboolean valid,
    gdouble value)
{
  if (valid && isfinite (value))
    json_object_set_double_member (obj, name, value);
  else
    json_object_set_null_member (obj, name);
}

static JsonObject *
speaker_to_json (const Speaker * sp)
{
  JsonObject *obj = json_object_new (), *avg = json_object_new ();
  JsonObject *trend = json_object_new ();
  guint i;

  json_object_set_string_member (obj, "speaker", sp->speaker);
  json_object_set_int_member (obj, "sessions", sp->sessions);
  json_object_set_string_member (obj, "first", sp->first);
  json_object_set_string_member (obj, "last", sp->last);
  for (i = 0; i < N_INDICATORS; i++) {
    gdouble n = sp->n[i];
    gdouble den = n * sp->sxx[i] - sp->sx[i] * sp->sx[i];

    set_number_or_null (avg, indicators[i].name, n > 0, sp->sy[i] / n);
    set_number_or_null (trend, indicators[i].name, n >= 2 && den > 0,
        (n * sp->sxy[i] - sp->sx[i] * sp->sy[i]) / den);
  }
  json_object_set_object_member (obj, "averages", avg);
  json_object_set_object_member (obj, "trends", trend);
  return obj;
}

static void
speaker_clear (Speaker * sp)
{
  g_free (sp->speaker);
  g_free (sp->first);
  g_free (sp->last);
  memset (sp, 0, sizeof (*sp));
}

static gchar *
analytics_sql (void)
{
  /* a participant of a multi-speaker session counts as that speaker */
  GString *sql = g_string_new ("SELECT COALESCE (NULLIF (m.speaker, ''), "
      "s.speaker) AS who, s.started_at");
  guint i;

  for (i = 0; i < N_INDICATORS; i++)
    g_string_append_printf (sql, ", %s", indicators[i].column);
  g_string_append (sql, " FROM sessions s"
      " LEFT JOIN summaries m ON m.session_id = s.id"
      " LEFT JOIN reports r ON r.session_id = s.id"
      "  AND r.speaker = COALESCE (m.speaker, '')"
      " WHERE s.status = 'completed'"
      " AND (?2 IS NULL OR s.started_at >= ?2)"
      " AND (?3 IS NULL OR s.started_at <= ?3)"
      " AND who IS NOT NULL AND (?1 IS NULL OR who = ?1)"
      " ORDER BY who, s.started_at, s.id");
  return g_string_free (sql, FALSE);
}

JsonNode *
aura_db_analytics (AuraDb * db, const gchar * speaker, const gchar * from,
    const gchar * to, GError ** error)
{
  gchar *sql = analytics_sql ();
  JsonArray *speakers = json_array_new ();
  JsonObject *result;
  JsonNode *node;
  Speaker sp = { {0,}, };
  sqlite3_stmt *stmt;
  gint rc = SQLITE_ERROR;

  g_mutex_lock (&db->lock);
  stmt = aura_db_prepare (db, sql, error);
  if (stmt) {
    aura_db_bind_text (stmt, 1, speaker);
    aura_db_bind_text (stmt, 2, from);
    aura_db_bind_text (stmt, 3, to);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
      const gchar *name = (const gchar *) sqlite3_column_text (stmt, 0);

      if (sp.speaker && g_strcmp0 (sp.speaker, name) != 0) {
        json_array_add_object_element (speakers, speaker_to_json (&sp));
        speaker_clear (&sp);
      }
      if (sp.speaker == NULL)
        sp.speaker = g_strdup (name);
      speaker_add (&sp, stmt);
    }
    if (rc != SQLITE_DONE)
      aura_db_set_error (db, error, rc, "computing analytics");
    sqlite3_finalize (stmt);
  }
  g_mutex_unlock (&db->lock);
  g_free (sql);

  if (rc != SQLITE_DONE) {
    speaker_clear (&sp);
    json_array_unref (speakers);
    return NULL;
  }
  if (sp.speaker)
    json_array_add_object_element (speakers, speaker_to_json (&sp));
  speaker_clear (&sp);
  result = json_object_new ();
  json_object_set_array_member (result, "speakers", speakers);
  node = json_node_init_object (json_node_alloc (), result);
  json_object_unref (result);
  return node;
}
