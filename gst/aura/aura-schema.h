/* AURA — the one schema of AURA's structures: which fields each message carries,
 * their types, which may be missing, and their JSON form (DESIGN.md, principle 3).
 */
#ifndef __AURA_SCHEMA_H__
#define __AURA_SCHEMA_H__

#include <gst/gst.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS
#define AURA_METRICS_NAME "aura-metrics"
#define AURA_SUMMARY_NAME "aura-summary"
#define AURA_FEEDBACK_NAME "aura-feedback"
#define AURA_REPORT_NAME "aura-report"
/* dBFS, dBTP and LUFS values are floored here: digital silence and anything
 * quieter read as this value, never -inf. */
#define AURA_DB_FLOOR (-120.0)
    typedef enum
{
  AURA_FIELD_REQUIRED = 0,
  /* absent from the structure, null in JSON, when it cannot be measured */
  AURA_FIELD_NULLABLE = 1 << 0,
  /* a GstClockTime: GST_CLOCK_TIME_NONE becomes null in JSON */
  AURA_FIELD_CLOCK_TIME = 1 << 1,
} AuraFieldFlags;

typedef struct
{
  const gchar *name;
  GType type;
  AuraFieldFlags flags;
} AuraField;

/* Fields of the structure named @name, in their documented order, or NULL. */
const AuraField *aura_schema_fields (const gchar * name, guint * n_fields);

/* JSON object for an AURA structure: "type" (the structure name), then every
 * schema field with '-' turned into '_'. Fields outside the schema are left out. */
JsonObject *aura_structure_to_json_object (const GstStructure * s);
gchar *aura_json_object_to_string (JsonObject * obj, gboolean pretty);

/* Checks @s against the schema: every required field present with its type, every
 * present field of the right type. Returns FALSE and sets @error otherwise. */
gboolean aura_schema_validate (const GstStructure * s, GError ** error);

G_END_DECLS
#endif /* __AURA_SCHEMA_H__ */
