/* AURA — the schema of AURA's structures. See aura-schema.h and
 * docs/metrics.md, which documents each field. */
#include "aura-schema.h"

#include <gio/gio.h>
#include <math.h>

#define TIMING_FIELDS \
  {"timestamp", G_TYPE_UINT64, AURA_FIELD_CLOCK_TIME}, \
  {"stream-time", G_TYPE_UINT64, AURA_FIELD_CLOCK_TIME}, \
  {"running-time", G_TYPE_UINT64, AURA_FIELD_CLOCK_TIME}, \
  {"duration", G_TYPE_UINT64, AURA_FIELD_CLOCK_TIME}, \
  {"endtime", G_TYPE_UINT64, AURA_FIELD_CLOCK_TIME}

static const AuraField metrics_fields[] = {
  TIMING_FIELDS,
  {"rms-dbfs", G_TYPE_DOUBLE, 0},
  {"peak-dbfs", G_TYPE_DOUBLE, 0},
  {"true-peak-dbtp", G_TYPE_DOUBLE, 0},
  {"clipping", G_TYPE_DOUBLE, 0},
  {"invalid-samples", G_TYPE_UINT64, 0},
  {"loudness-momentary", G_TYPE_DOUBLE, 0},
  {"loudness-short-term", G_TYPE_DOUBLE, 0},
  {"loudness-integrated", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"loudness-range", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"speech-ratio", G_TYPE_DOUBLE, 0},
  {"speaking", G_TYPE_BOOLEAN, 0},
  {"noise-floor-dbfs", G_TYPE_DOUBLE, 0},
  {"snr-db", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"pauses", G_TYPE_UINT, 0},
  {"pause-time", G_TYPE_DOUBLE, 0},
  {"longest-pause", G_TYPE_DOUBLE, 0},
  {"pitch-hz", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"pitch-min-hz", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"pitch-max-hz", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"pitch-variability-st", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"voiced-ratio", G_TYPE_DOUBLE, 0},
  {"syllable-rate", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"speech-rate", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"wpm", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"syllables", G_TYPE_UINT, 0},
  {"fillers", G_TYPE_UINT, 0},
  {"speaker", G_TYPE_STRING, AURA_FIELD_NULLABLE},
};

static const AuraField summary_fields[] = {
  TIMING_FIELDS,
  {"rms-dbfs", G_TYPE_DOUBLE, 0},
  {"peak-dbfs", G_TYPE_DOUBLE, 0},
  {"true-peak-dbtp", G_TYPE_DOUBLE, 0},
  {"clipping", G_TYPE_DOUBLE, 0},
  {"clipped-samples", G_TYPE_UINT64, 0},
  {"invalid-samples", G_TYPE_UINT64, 0},
  {"loudness-integrated", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"loudness-range", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"loudness-momentary-max", G_TYPE_DOUBLE, 0},
  {"loudness-short-term-max", G_TYPE_DOUBLE, 0},
  {"speech-ratio", G_TYPE_DOUBLE, 0},
  {"speech-time", G_TYPE_DOUBLE, 0},
  {"speech-start", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"speech-end", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"noise-floor-dbfs", G_TYPE_DOUBLE, 0},
  {"snr-db", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"pauses", G_TYPE_UINT, 0},
  {"pause-time", G_TYPE_DOUBLE, 0},
  {"pause-mean", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"longest-pause", G_TYPE_DOUBLE, 0},
  {"pitch-median-hz", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"pitch-p10-hz", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"pitch-p90-hz", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"pitch-variability-st", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"voiced-ratio", G_TYPE_DOUBLE, 0},
  {"syllables", G_TYPE_UINT, 0},
  {"syllable-rate", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"speech-rate", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"wpm", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"language", G_TYPE_STRING, 0},
  {"fillers", G_TYPE_UINT, 0},
  {"fillers-per-minute", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"intervals", G_TYPE_UINT, 0},
  {"discontinuities", G_TYPE_UINT, 0},
  {"speaker", G_TYPE_STRING, AURA_FIELD_NULLABLE},
};

static const AuraField feedback_fields[] = {
  {"timestamp", G_TYPE_UINT64, AURA_FIELD_CLOCK_TIME},
  {"stream-time", G_TYPE_UINT64, AURA_FIELD_CLOCK_TIME},
  {"running-time", G_TYPE_UINT64, AURA_FIELD_CLOCK_TIME},
  {"duration", G_TYPE_UINT64, AURA_FIELD_CLOCK_TIME},
  {"code", G_TYPE_STRING, 0},
  {"category", G_TYPE_STRING, 0},
  {"severity", G_TYPE_STRING, 0},
  {"praise", G_TYPE_BOOLEAN, 0},
  {"language", G_TYPE_STRING, 0},
  {"message", G_TYPE_STRING, 0},
  {"value", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"target-low", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"target-high", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"speaker", G_TYPE_STRING, AURA_FIELD_NULLABLE},
};

static const AuraField report_fields[] = {
  {"language", G_TYPE_STRING, 0},
  {"profile", G_TYPE_STRING, 0},
  {"overall-score", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"score-pace", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"score-pauses", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"score-volume", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"score-monotony", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"score-fillers", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"score-clarity", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"score-talk-time", G_TYPE_DOUBLE, AURA_FIELD_NULLABLE},
  {"strengths", G_TYPE_STRING, 0},
  {"improvements", G_TYPE_STRING, 0},
  {"cues", G_TYPE_UINT, 0},
  {"text", G_TYPE_STRING, 0},
  {"narrative", G_TYPE_STRING, AURA_FIELD_NULLABLE},
  {"speaker", G_TYPE_STRING, AURA_FIELD_NULLABLE},
};

const AuraField *
aura_schema_fields (const gchar * name, guint * n_fields)
{
  if (g_strcmp0 (name, AURA_METRICS_NAME) == 0) {
    *n_fields = G_N_ELEMENTS (metrics_fields);
    return metrics_fields;
  }
  if (g_strcmp0 (name, AURA_SUMMARY_NAME) == 0) {
    *n_fields = G_N_ELEMENTS (summary_fields);
    return summary_fields;
  }
  if (g_strcmp0 (name, AURA_FEEDBACK_NAME) == 0) {
    *n_fields = G_N_ELEMENTS (feedback_fields);
    return feedback_fields;
  }
  if (g_strcmp0 (name, AURA_REPORT_NAME) == 0) {
    *n_fields = G_N_ELEMENTS (report_fields);
    return report_fields;
  }
  *n_fields = 0;
  return NULL;
}

static gchar *
json_key (const gchar * field)
{
  return g_strdelimit (g_strdup (field), "-", '_');
}

static void
set_member (JsonObject * obj, const AuraField * f, const GValue * v)
{
  gchar *key = json_key (f->name);

  if (v == NULL) {
    json_object_set_null_member (obj, key);
  } else if (f->type == G_TYPE_DOUBLE) {
    gdouble d = g_value_get_double (v);
    /* JSON has no NaN or Inf; aura_schema_validate() reports such a value */
    if (isfinite (d))
      json_object_set_double_member (obj, key, d);
    else
      json_object_set_null_member (obj, key);
  } else if (f->type == G_TYPE_UINT64) {
    guint64 u = g_value_get_uint64 (v);
    if ((f->flags & AURA_FIELD_CLOCK_TIME) && u == GST_CLOCK_TIME_NONE)
      json_object_set_null_member (obj, key);
    else
      json_object_set_int_member (obj, key, (gint64) MIN (u, G_MAXINT64));
  } else if (f->type == G_TYPE_UINT) {
    json_object_set_int_member (obj, key, g_value_get_uint (v));
  } else if (f->type == G_TYPE_INT) {
    json_object_set_int_member (obj, key, g_value_get_int (v));
  } else if (f->type == G_TYPE_BOOLEAN) {
    json_object_set_boolean_member (obj, key, g_value_get_boolean (v));
  } else if (f->type == G_TYPE_STRING) {
    json_object_set_string_member (obj, key, g_value_get_string (v));
  }
  g_free (key);
}

JsonObject *
aura_structure_to_json_object (const GstStructure * s)
{
  JsonObject *obj = json_object_new ();
  const AuraField *fields;
  guint n, i;

  json_object_set_string_member (obj, "type", gst_structure_get_name (s));
  fields = aura_schema_fields (gst_structure_get_name (s), &n);
  for (i = 0; i < n; i++) {
    const GValue *v = gst_structure_get_value (s, fields[i].name);
    if (v != NULL && G_VALUE_TYPE (v) != fields[i].type)
      continue;                 /* aura_schema_validate() reports these */
    if (v == NULL && !(fields[i].flags & AURA_FIELD_NULLABLE))
      continue;
    set_member (obj, &fields[i], v);
  }
  return obj;
}

gchar *
aura_json_object_to_string (JsonObject * obj, gboolean pretty)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  gchar *text;

  json_node_set_object (node, obj);
  text = json_to_string (node, pretty);
  json_node_unref (node);
  return text;
}

gboolean
aura_schema_validate (const GstStructure * s, GError ** error)
{
  const AuraField *fields;
  guint n, i;

  fields = aura_schema_fields (gst_structure_get_name (s), &n);
  if (fields == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "unknown structure '%s'", gst_structure_get_name (s));
    return FALSE;
  }
  for (i = 0; i < n; i++) {
    const GValue *v = gst_structure_get_value (s, fields[i].name);
    if (v == NULL) {
      if (fields[i].flags & AURA_FIELD_NULLABLE)
        continue;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
          "%s: missing field '%s'", gst_structure_get_name (s), fields[i].name);
      return FALSE;
    }
    if (G_VALUE_TYPE (v) != fields[i].type) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
          "%s: field '%s' is %s, expected %s", gst_structure_get_name (s),
          fields[i].name, G_VALUE_TYPE_NAME (v), g_type_name (fields[i].type));
      return FALSE;
    }
    if (fields[i].type == G_TYPE_DOUBLE && !isfinite (g_value_get_double (v))) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
          "%s: field '%s' is not finite", gst_structure_get_name (s),
          fields[i].name);
      return FALSE;
    }
  }
  return TRUE;
}
