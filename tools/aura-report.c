/* aura — readable reports from AURA's JSON. See aura-report.h. */
#include "aura-report.h"

#include <json-glib/json-glib.h>

/* Pauses and fillers listed one by one; the rest are counted (all in --json). */
#define MAX_LISTED_PAUSES 20

static gboolean
get_number (JsonObject * obj, const gchar * key, gdouble * out)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  *out = json_node_get_double (node);
  return TRUE;
}

static gdouble
number (JsonObject * obj, const gchar * key)
{
  gdouble v = 0.0;
  get_number (obj, key, &v);
  return v;
}

static gchar *
format_clock (gdouble seconds)
{
  gint minutes = (gint) (seconds / 60.0);
  return g_strdup_printf ("%d:%04.1f", minutes, seconds - 60.0 * minutes);
}

static gchar *
format_optional (JsonObject * obj, const gchar * key, const gchar * unit)
{
  gdouble v;
  if (!get_number (obj, key, &v))
    return g_strdup ("not measurable");
  return g_strdup_printf ("%.1f %s", v, unit);
}

static void
print_loudness (FILE * out, JsonObject * s)
{
  gchar *integrated = format_optional (s, "loudness_integrated", "LUFS");
  gchar *range = format_optional (s, "loudness_range", "LU");

  fprintf (out, "Loudness (EBU R128)\n");
  fprintf (out, "  integrated          %s\n", integrated);
  fprintf (out, "  loudness range      %s\n", range);
  fprintf (out, "  max momentary       %.1f LUFS   max short-term %.1f LUFS\n",
      number (s, "loudness_momentary_max"),
      number (s, "loudness_short_term_max"));
  fprintf (out, "  true peak           %.1f dBTP\n", number (s,
          "true_peak_dbtp"));
  fprintf (out, "  RMS / sample peak   %.1f / %.1f dBFS\n", number (s,
          "rms_dbfs"), number (s, "peak_dbfs"));
  fprintf (out, "  clipping            %.3f %% of samples\n", 100.0 * number (s,
          "clipping"));
  if (number (s, "invalid_samples") > 0)
    fprintf (out, "  invalid samples     %.0f (NaN/Inf, ignored)\n",
        number (s, "invalid_samples"));
  g_free (integrated);
  g_free (range);
}

static void
print_voice (FILE * out, JsonObject * s)
{
  gchar *snr = format_optional (s, "snr_db", "dB");

  fprintf (out, "Voice\n");
  fprintf (out, "  speaking time       %.1f s (%.0f %% of the recording)\n",
      number (s, "speech_time"), 100.0 * number (s, "speech_ratio"));
  fprintf (out, "  noise floor         %.1f dBFS (speech band)\n",
      number (s, "noise_floor_dbfs"));
  fprintf (out, "  signal-to-noise     %s\n", snr);
  g_free (snr);
}

static void
print_pitch_and_pace (FILE * out, JsonObject * s)
{
  gdouble median, p10, p90, var, rate, artic, wpm;

  fprintf (out, "Pitch\n");
  if (get_number (s, "pitch_median_hz", &median)
      && get_number (s, "pitch_p10_hz", &p10)
      && get_number (s, "pitch_p90_hz", &p90))
    fprintf (out, "  median              %.0f Hz (10-90 %%: %.0f-%.0f Hz)\n",
        median, p10, p90);
  else
    fprintf (out, "  median              not measurable (no voiced speech)\n");
  if (get_number (s, "pitch_variability_st", &var))
    fprintf (out, "  variability         %.1f semitones (standard deviation)\n",
        var);
  fprintf (out, "Pace\n");
  if (get_number (s, "speech_rate", &rate)
      && get_number (s, "syllable_rate", &artic)) {
    fprintf (out, "  syllables           %.0f: %.1f per second of speech, "
        "%.1f with pauses\n", number (s, "syllables"), artic, rate);
    if (get_number (s, "wpm", &wpm))
      fprintf (out, "  words per minute    %.0f (estimated, %s)\n", wpm,
          json_object_get_string_member_with_default (s, "language", "?"));
  } else {
    fprintf (out, "  not measurable (no speech)\n");
  }
}

static void
print_spans (FILE * out, JsonArray * list, const gchar * more)
{
  guint n = list ? json_array_get_length (list) : 0, i;

  for (i = 0; i < n && i < MAX_LISTED_PAUSES; i++) {
    JsonObject *p = json_array_get_object_element (list, i);
    gchar *start = format_clock (number (p, "start"));
    fprintf (out, "  %3u  at %-9s %.2f s\n", i + 1, start,
        number (p, "duration"));
    g_free (start);
  }
  if (n > MAX_LISTED_PAUSES)
    fprintf (out, "  ... and %u more (%s)\n", n - MAX_LISTED_PAUSES, more);
}

static void
print_fillers (FILE * out, JsonObject * s)
{
  JsonArray *list = json_object_get_array_member (s, "filler_list");
  gdouble per_minute;

  fprintf (out, "Filled pauses (uh, um, euh)\n");
  if (number (s, "fillers") == 0) {
    fprintf (out, "  none\n");
    return;
  }
  if (get_number (s, "fillers_per_minute", &per_minute))
    fprintf (out, "  %.0f, %.1f per minute of speech\n", number (s, "fillers"),
        per_minute);
  print_spans (out, list, "aura analyze --json lists them all");
}

static void
print_pauses (FILE * out, JsonObject * s)
{
  JsonArray *list = json_object_get_array_member (s, "pause_list");
  guint n = list ? json_array_get_length (list) : 0;

  fprintf (out, "Pauses\n");
  if (n == 0) {
    fprintf (out, "  none\n");
    return;
  }
  fprintf (out, "  %u pauses, %.1f s in all, mean %.2f s, longest %.2f s\n", n,
      number (s, "pause_time"), number (s, "pause_mean"),
      number (s, "longest_pause"));
  print_spans (out, list, "aura analyze --json lists them all");
}

gboolean
aura_report_print_summary (FILE * out, const gchar * input, const gchar * json)
{
  JsonParser *parser = json_parser_new ();
  JsonNode *root;
  JsonObject *s;
  gchar *duration;

  if (!json_parser_load_from_data (parser, json, -1, NULL)) {
    g_object_unref (parser);
    return FALSE;
  }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root)
      || g_strcmp0 (json_object_get_string_member_with_default
          (json_node_get_object (root), "type", ""), "aura-summary") != 0) {
    g_object_unref (parser);
    return FALSE;
  }
  s = json_node_get_object (root);
  duration = format_clock (number (s, "duration") / 1e9);
  fprintf (out, "AURA analysis of %s\n", input);
  fprintf (out, "  duration            %s\n", duration);
  print_loudness (out, s);
  print_voice (out, s);
  print_pauses (out, s);
  print_pitch_and_pace (out, s);
  print_fillers (out, s);
  g_free (duration);
  g_object_unref (parser);
  return TRUE;
}

static JsonNode *
parse_object (const gchar * json)
{
  JsonParser *parser;
  JsonNode *root = NULL;

  if (json == NULL)
    return NULL;
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, json, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_copy (json_parser_get_root (parser));
  g_object_unref (parser);
  return root;
}

void
aura_report_print_coaching (FILE * out, const gchar * report_json)
{
  JsonNode *root = parse_object (report_json);
  JsonObject *r;
  JsonArray *cues;
  guint i, n;

  if (root == NULL)
    return;
  r = json_node_get_object (root);
  cues = json_object_get_array_member (r, "cue_list");
  n = cues ? json_array_get_length (cues) : 0;
  fprintf (out, "Coaching cues (%s, %s)\n",
      json_object_get_string_member_with_default (r, "profile", "?"),
      json_object_get_string_member_with_default (r, "language", "?"));
  if (n == 0)
    fprintf (out, "  none\n");
  for (i = 0; i < n; i++) {
    JsonObject *c = json_array_get_object_element (cues, i);
    gchar *at = format_clock (number (c, "time"));
    fprintf (out, "  at %-9s %-8s %s\n", at,
        json_object_get_string_member_with_default (c, "severity", ""),
        json_object_get_string_member_with_default (c, "message", ""));
    g_free (at);
  }
  fprintf (out, "%s\n", json_object_get_string_member_with_default (r, "text",
          ""));
  if (json_object_get_string_member_with_default (r, "narrative", NULL))
    fprintf (out, "%s\n", json_object_get_string_member (r, "narrative"));
  json_node_unref (root);
}

gchar *
aura_report_merge_json (const gchar * summary_json, const gchar * report_json)
{
  JsonNode *summary = parse_object (summary_json);
  JsonNode *report = parse_object (report_json);
  gchar *text;

  if (summary == NULL) {
    if (report)
      json_node_unref (report);
    return g_strdup (summary_json);
  }
  if (report)
    json_object_set_member (json_node_get_object (summary), "report", report);
  text = json_to_string (summary, FALSE);
  json_node_unref (summary);
  return text;
}
