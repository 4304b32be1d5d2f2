/* dump-metrics — runs
 *
 *   filesrc location=FILE ! decodebin ! audioconvert ! auraanalyzer ! fakesink
 *
 * with the AURA elements linked in statically, and prints what auraanalyzer
 * produced, one record a line, for tests/schema/validate.py:
 *
 *   bus <json>           every aura-metrics / aura-summary element message, in bus
 *                        order, as aura_structure_to_json_object() writes it
 *   summary-json <json>  the `json` field of the aura-summary message, verbatim
 *   error <text>         a contract the structures broke (see below)
 *
 * It checks itself what JSON cannot show: each structure passes
 * aura_schema_validate(), carries no field outside the schema table (which the
 * JSON would silently drop), and travels downstream as a custom event equal to
 * the bus message, in the same order, after the audio it describes.
 *
 *   dump-metrics FILE [PROPERTY=VALUE ...]   properties of auraanalyzer
 *   dump-metrics --fields                    prints the schema table instead:
 *       field STRUCTURE NAME GTYPE nullable|required clock-time|-
 *
 * Exit status: 0 when no error line was printed, 1 otherwise, 2 on bad usage.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include <gst/gst.h>

#include "aura-schema.h"
#include "gstauraelements.h"

/* How far an event's endtime may lie past the end of the audio already pushed
 * (rounding of the element's frame clock against the buffer timestamps). */
#define ENDTIME_TOLERANCE (2 * GST_MSECOND)

typedef struct
{
  GMutex lock;
  GPtrArray *events;            /* GstStructure copies, in stream order */
  GstClockTime audio_end;       /* end of the latest buffer seen at the sink */
  GPtrArray *late;              /* gchar*: events that overtook their audio */
} Probe;

static guint n_errors;

static void
report_error (const gchar * format, ...)
{
  va_list args;
  gchar *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  /* one line, whatever the text */
  g_strdelimit (text, "\r\n", ' ');
  printf ("error %s\n", text);
  fflush (stdout);
  g_free (text);
  n_errors++;
}

static gboolean
is_aura_structure (const GstStructure * s)
{
  return s != NULL && (gst_structure_has_name (s, AURA_METRICS_NAME)
      || gst_structure_has_name (s, AURA_SUMMARY_NAME));
}

static GstPadProbeReturn
sink_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Probe *probe = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
    if (GST_BUFFER_PTS_IS_VALID (buf) && GST_BUFFER_DURATION_IS_VALID (buf)) {
      g_mutex_lock (&probe->lock);
      probe->audio_end = GST_BUFFER_PTS (buf) + GST_BUFFER_DURATION (buf);
      g_mutex_unlock (&probe->lock);
    }
  } else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
    const GstStructure *s = gst_event_get_structure (event);

    if (GST_EVENT_TYPE (event) == GST_EVENT_CUSTOM_DOWNSTREAM
        && is_aura_structure (s)) {
      guint64 endtime;

      g_mutex_lock (&probe->lock);
      g_ptr_array_add (probe->events, gst_structure_copy (s));
      if (gst_structure_has_name (s, AURA_METRICS_NAME)
          && gst_structure_get_uint64 (s, "endtime", &endtime)
          && GST_CLOCK_TIME_IS_VALID (probe->audio_end)
          && endtime > probe->audio_end + ENDTIME_TOLERANCE)
        g_ptr_array_add (probe->late, g_strdup_printf ("event %u (endtime %"
                G_GUINT64_FORMAT " ns) reached the sink before its audio "
                "(audio pushed up to %" G_GUINT64_FORMAT " ns)",
                probe->events->len - 1, endtime, probe->audio_end));
      g_mutex_unlock (&probe->lock);
    }
  }
  return GST_PAD_PROBE_OK;
}

/* Every field of @s must be in the schema table (the JSON drops the others);
 * the summary's `json` is the JSON itself. */
static void
check_known_fields (const GstStructure * s, guint index)
{
  const gchar *name = gst_structure_get_name (s);
  const AuraField *fields;
  guint n_fields, n, i, j;

  fields = aura_schema_fields (name, &n_fields);
  n = gst_structure_n_fields (s);
  for (i = 0; i < n; i++) {
    const gchar *field = gst_structure_nth_field_name (s, i);
    gboolean known = FALSE;

    if (gst_structure_has_name (s, AURA_SUMMARY_NAME)
        && strcmp (field, "json") == 0)
      continue;
    for (j = 0; j < n_fields && !known; j++)
      known = strcmp (field, fields[j].name) == 0;
    if (!known)
      report_error ("message %u (%s): field '%s' is not in the schema table "
          "of aura-schema.c, so the JSON leaves it out", index, name, field);
  }
}

static void
print_bus_structure (const GstStructure * s, guint index)
{
  GError *error = NULL;
  JsonObject *obj;
  gchar *text;

  if (!aura_schema_validate (s, &error)) {
    report_error ("message %u: aura_schema_validate: %s", index,
        error->message);
    g_clear_error (&error);
  }
  check_known_fields (s, index);

  obj = aura_structure_to_json_object (s);
  text = aura_json_object_to_string (obj, FALSE);
  printf ("bus %s\n", text);
  g_free (text);
  json_object_unref (obj);

  if (gst_structure_has_name (s, AURA_SUMMARY_NAME)) {
    const gchar *json = gst_structure_get_string (s, "json");
    if (json == NULL)
      report_error ("message %u: aura-summary has no string field 'json'",
          index);
    else if (strchr (json, '\n') != NULL)
      report_error ("message %u: the aura-summary json spans several lines",
          index);
    else
      printf ("summary-json %s\n", json);
  }
  fflush (stdout);
}

static void
compare_events (GPtrArray * messages, Probe * probe)
{
  guint i;

  if (messages->len != probe->events->len)
    report_error ("%u aura messages on the bus but %u aura events reached the "
        "sink", messages->len, probe->events->len);
  for (i = 0; i < MIN (messages->len, probe->events->len); i++) {
    const GstStructure *m = g_ptr_array_index (messages, i);
    const GstStructure *e = g_ptr_array_index (probe->events, i);

    if (!gst_structure_is_equal (m, e)) {
      gchar *ms = gst_structure_to_string (m);
      gchar *es = gst_structure_to_string (e);
      report_error ("bus message %u and in-band event %u differ: %s vs %s", i,
          i, ms, es);
      g_free (ms);
      g_free (es);
      break;
    }
  }
  for (i = 0; i < probe->late->len; i++)
    report_error ("%s", (const gchar *) g_ptr_array_index (probe->late, i));
}

/* The field table of aura-schema.c, for the test to compare with the JSON Schema
 * files. */
static int
print_fields (void)
{
  const gchar *names[] = { AURA_METRICS_NAME, AURA_SUMMARY_NAME };
  guint i, j, n;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    const AuraField *fields = aura_schema_fields (names[i], &n);
    for (j = 0; j < n; j++)
      printf ("field %s %s %s %s %s\n", names[i], fields[j].name,
          g_type_name (fields[j].type),
          (fields[j].flags & AURA_FIELD_NULLABLE) ? "nullable" : "required",
          (fields[j].flags & AURA_FIELD_CLOCK_TIME) ? "clock-time" : "-");
  }
  return 0;
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *src, *analyzer, *sink;
  GError *error = NULL;
  GPtrArray *messages;
  Probe probe;
  GstBus *bus;
  GstPad *pad;
  gboolean done = FALSE;
  gint i;

  gst_init (&argc, &argv);
  if (argc < 2) {
    g_printerr ("usage: dump-metrics FILE [PROPERTY=VALUE ...] | --fields\n");
    return 2;
  }
  if (strcmp (argv[1], "--fields") == 0)
    return print_fields ();
  if (!aura_elements_register_static ()) {
    g_printerr ("dump-metrics: cannot register the AURA elements\n");
    return 1;
  }

  pipeline = gst_parse_launch ("filesrc name=src ! decodebin ! audioconvert "
      "! auraanalyzer name=analyzer ! fakesink name=sink sync=false", &error);
  if (pipeline == NULL) {
    g_printerr ("dump-metrics: cannot build the pipeline: %s\n",
        error->message);
    return 1;
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  analyzer = gst_bin_get_by_name (GST_BIN (pipeline), "analyzer");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", argv[1], NULL);
  for (i = 2; i < argc; i++) {
    gchar **kv = g_strsplit (argv[i], "=", 2);
    if (kv[0] == NULL || kv[1] == NULL
        || g_object_class_find_property (G_OBJECT_GET_CLASS (analyzer),
            kv[0]) == NULL) {
      g_printerr ("dump-metrics: bad property setting '%s'\n", argv[i]);
      return 2;
    }
    gst_util_set_object_arg (G_OBJECT (analyzer), kv[0], kv[1]);
    g_strfreev (kv);
  }

  g_mutex_init (&probe.lock);
  probe.events = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  probe.late = g_ptr_array_new_with_free_func (g_free);
  probe.audio_end = GST_CLOCK_TIME_NONE;
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, sink_probe, &probe, NULL);
  gst_object_unref (pad);

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("dump-metrics: %s: cannot start the pipeline\n", argv[1]);
    return 1;
  }
  while (!done) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
        GST_MESSAGE_ERROR | GST_MESSAGE_WARNING | GST_MESSAGE_EOS |
        GST_MESSAGE_ELEMENT);

    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_ERROR:{
        gchar *debug = NULL;
        gst_message_parse_error (msg, &error, &debug);
        g_printerr ("dump-metrics: %s: %s (%s)\n", argv[1], error->message,
            debug ? debug : "");
        return 1;
      }
      case GST_MESSAGE_WARNING:{
        gchar *debug = NULL;
        gst_message_parse_warning (msg, &error, &debug);
        g_printerr ("dump-metrics: warning: %s (%s)\n", error->message,
            debug ? debug : "");
        g_clear_error (&error);
        g_free (debug);
        break;
      }
      case GST_MESSAGE_ELEMENT:{
        const GstStructure *s = gst_message_get_structure (msg);
        if (GST_MESSAGE_SRC (msg) == GST_OBJECT (analyzer)
            && is_aura_structure (s)) {
          print_bus_structure (s, messages->len);
          g_ptr_array_add (messages, gst_structure_copy (s));
        }
        break;
      }
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  compare_events (messages, &probe);

  g_ptr_array_unref (messages);
  g_ptr_array_unref (probe.events);
  g_ptr_array_unref (probe.late);
  g_mutex_clear (&probe.lock);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (analyzer);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  gst_deinit ();
  return n_errors ? 1 : 0;
}
