/* AURA — gst-check tests of aurafeedback: scripted aura-metrics in, exact cues,
 * text and report out. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>

#include "gstauraelements.h"
#include "aura-schema.h"

#define S GST_SECOND

/* One second of metrics from stream time @t with speech at @wpm words/min. */
static GstEvent *
metrics_event (gint t, gdouble wpm, gdouble loudness)
{
  GstStructure *s = gst_structure_new (AURA_METRICS_NAME,
      "timestamp", G_TYPE_UINT64, (guint64) t * S,
      "stream-time", G_TYPE_UINT64, (guint64) t * S,
      "running-time", G_TYPE_UINT64, (guint64) t * S,
      "duration", G_TYPE_UINT64, (guint64) S,
      "endtime", G_TYPE_UINT64, (guint64) (t + 1) * S,
      "speech-ratio", G_TYPE_DOUBLE, 0.9,
      "loudness-short-term", G_TYPE_DOUBLE, loudness,
      "pitch-variability-st", G_TYPE_DOUBLE, 3.0,
      "snr-db", G_TYPE_DOUBLE, 35.0,
      "clipping", G_TYPE_DOUBLE, 0.0,
      "pauses", G_TYPE_UINT, (guint) (t % 5 == 0),
      "longest-pause", G_TYPE_DOUBLE, t % 5 == 0 ? 0.6 : 0.0,
      "fillers", G_TYPE_UINT, 0, NULL);

  if (wpm > 0)
    gst_structure_set (s, "wpm", G_TYPE_DOUBLE, wpm, NULL);
  return gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s);
}

typedef struct
{
  GstHarness *h, *text;
  GstBus *bus;
} Ctx;

static Ctx
ctx_new (const gchar * props)
{
  Ctx c;
  GstElement *e = gst_element_factory_make ("aurafeedback", NULL);
  gchar **pairs = g_strsplit (props ? props : "", " ", -1), **p;

  /* "key=value key=value" as gst-launch would set them */
  for (p = pairs; *p; p++) {
    gchar **kv = g_strsplit (*p, "=", 2);
    if (kv[0] && kv[1])
      gst_util_set_object_arg (G_OBJECT (e), kv[0], kv[1]);
    g_strfreev (kv);
  }
  g_strfreev (pairs);
  /* the bus first: the element warns while it starts */
  c.bus = gst_bus_new ();
  gst_element_set_bus (e, c.bus);
  c.h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  c.text = gst_harness_new_with_element (c.h->element, NULL, "text_src");
  gst_harness_set_src_caps_str (c.h, "audio/x-raw, format=S16LE, "
      "layout=interleaved, rate=16000, channels=1");
  return c;
}

static void
ctx_free (Ctx * c)
{
  gst_element_set_bus (c->h->element, NULL);
  gst_object_unref (c->bus);
  gst_harness_teardown (c->text);
  gst_harness_teardown (c->h);
}

/* Pushes @n seconds of metrics from @t0 at @wpm. */
static void
push_seconds (Ctx * c, gint t0, gint n, gdouble wpm)
{
  gint t;

  for (t = t0; t < t0 + n; t++)
    fail_unless (gst_harness_push_event (c->h, metrics_event (t, wpm, -25.0)));
}

/* The aura-feedback messages on the bus, as "time code" strings. */
static gchar *
collect_cues (Ctx * c, gboolean with_message)
{
  GString *out = g_string_new (NULL);
  GstMessage *msg;

  while ((msg = gst_bus_pop_filtered (c->bus, GST_MESSAGE_ELEMENT))) {
    const GstStructure *s = gst_message_get_structure (msg);
    if (gst_structure_has_name (s, AURA_FEEDBACK_NAME)) {
      guint64 ts;
      GError *err = NULL;
      fail_unless (aura_schema_validate (s, &err), "%s",
          err ? err->message : "");
      gst_structure_get_uint64 (s, "timestamp", &ts);
      g_string_append_printf (out, "%s%" G_GUINT64_FORMAT " %s", out->len ?
          "; " : "", ts / S, gst_structure_get_string (s, "code"));
      if (with_message)
        g_string_append_printf (out, " %s",
            gst_structure_get_string (s, "message"));
    }
    gst_message_unref (msg);
  }
  return g_string_free (out, FALSE);
}

GST_START_TEST (test_pace_cue_and_praise_en)
{
  Ctx c = ctx_new ("language=en profile=presentation");
  gchar *cues;

  push_seconds (&c, 0, 10, 190.0);
  push_seconds (&c, 10, 10, 150.0);
  cues = collect_cues (&c, TRUE);
  /* held 5 s (0..5) before it fires at 5 s; fixed from 10 s, praised at 15 s */
  fail_unless_equals_string (cues,
      "5 pace.too-fast You are speaking fast (190 words/min): aim for "
      "130–165.; 15 pace.good Good pace.");
  g_free (cues);
  ctx_free (&c);
}

GST_END_TEST;

GST_START_TEST (test_pace_cue_fr)
{
  Ctx c = ctx_new ("language=fr profile=presentation");
  gchar *cues;

  push_seconds (&c, 0, 8, 185.0);
  cues = collect_cues (&c, TRUE);
  fail_unless_equals_string (cues,
      "5 pace.too-fast Vous parlez vite (185 mots/min) : visez 130–160.");
  g_free (cues);
  ctx_free (&c);
}

GST_END_TEST;

GST_START_TEST (test_rushed_articulation)
{
  Ctx c = ctx_new (NULL);
  gchar *cues;
  gint t;

  /* a fine 150 words/min, but 7.5 syllables per second of speech: the words
   * per minute hide the rush behind long pauses */
  for (t = 0; t < 8; t++) {
    GstEvent *ev = metrics_event (t, 150.0, -25.0);
    GstStructure *s = gst_event_writable_structure (ev);
    gst_structure_set (s, "syllable-rate", G_TYPE_DOUBLE, 7.5, NULL);
    gst_harness_push_event (c.h, ev);
  }
  cues = collect_cues (&c, TRUE);
  fail_unless_equals_string (cues, "5 pace.rushed You rush your syllables "
      "(7.5 per second): articulate more slowly and let pauses do the work.");
  g_free (cues);
  ctx_free (&c);
}

GST_END_TEST;

GST_START_TEST (test_short_problem_does_not_fire)
{
  Ctx c = ctx_new (NULL);
  gchar *cues;

  /* 4 s too fast is shorter than the 5 s hold */
  push_seconds (&c, 0, 4, 200.0);
  push_seconds (&c, 4, 10, 150.0);
  push_seconds (&c, 14, 4, 200.0);
  push_seconds (&c, 18, 4, 150.0);
  cues = collect_cues (&c, FALSE);
  fail_unless_equals_string (cues, "");
  g_free (cues);
  ctx_free (&c);
}

GST_END_TEST;

GST_START_TEST (test_cooldown_refires)
{
  Ctx c = ctx_new ("cooldown=20000000000");
  gchar *cues;

  /* never fixed: once at 5 s, again when the 20 s cool-down has passed */
  push_seconds (&c, 0, 30, 200.0);
  cues = collect_cues (&c, FALSE);
  fail_unless_equals_string (cues, "5 pace.too-fast; 25 pace.too-fast");
  g_free (cues);
  ctx_free (&c);
}

GST_END_TEST;

GST_START_TEST (test_one_live_cue_at_a_time)
{
  Ctx c = ctx_new (NULL);
  gchar *cues;
  gint t;

  /* too slow (a tip) and too quiet (a warning) together: the warning first,
   * the tip once the warning's 4 s are over */
  for (t = 0; t < 14; t++)
    gst_harness_push_event (c.h, metrics_event (t, 100.0, -45.0));
  cues = collect_cues (&c, FALSE);
  fail_unless_equals_string (cues, "5 volume.too-quiet; 9 pace.too-slow");
  g_free (cues);
  ctx_free (&c);
}

GST_END_TEST;

GST_START_TEST (test_deterministic)
{
  gchar *a = NULL, *b = NULL;
  gint run;

  for (run = 0; run < 2; run++) {
    Ctx c = ctx_new ("language=fr");
    gint t;
    for (t = 0; t < 40; t++)
      gst_harness_push_event (c.h, metrics_event (t, 120.0 + 3 * t,
              -30.0 + (t % 7)));
    if (run == 0)
      a = collect_cues (&c, TRUE);
    else
      b = collect_cues (&c, TRUE);
    ctx_free (&c);
  }
  fail_unless (strlen (a) > 0);
  fail_unless_equals_string (a, b);
  g_free (a);
  g_free (b);
}

GST_END_TEST;

GST_START_TEST (test_events_and_text_pad)
{
  Ctx c = ctx_new (NULL);
  GstEvent *ev;
  GstBuffer *buf;
  guint feedback = 0, metrics = 0;
  GstMapInfo map;
  gint t;

  push_seconds (&c, 0, 7, 190.0);
  /* downstream: every metrics event, and the feedback event right after the
   * metrics that caused it */
  while ((ev = gst_harness_try_pull_event (c.h))) {
    const GstStructure *s = gst_event_get_structure (ev);
    if (GST_EVENT_TYPE (ev) == GST_EVENT_CUSTOM_DOWNSTREAM) {
      if (gst_structure_has_name (s, AURA_METRICS_NAME))
        metrics++;
      else if (gst_structure_has_name (s, AURA_FEEDBACK_NAME)) {
        fail_unless_equals_int (metrics, 5);
        feedback++;
      }
    }
    gst_event_unref (ev);
  }
  fail_unless_equals_int (metrics, 7);
  fail_unless_equals_int (feedback, 1);

  /* text: GAPs over 1..5 s, then the cue from 5 s on, a buffer a second */
  for (t = 1; t <= 4; t++) {
    GstClockTime ts, dur;
    do {
      ev = gst_harness_pull_event (c.text);
      fail_unless (ev != NULL);
      if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP)
        break;
      gst_event_unref (ev);
    } while (TRUE);
    gst_event_parse_gap (ev, &ts, &dur);
    fail_unless_equals_uint64 (ts, (guint64) t * S);
    fail_unless_equals_uint64 (dur, S);
    gst_event_unref (ev);
  }
  buf = gst_harness_pull (c.text);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), 5 * S);
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf), S);
  gst_buffer_map (buf, &map, GST_MAP_READ);
  fail_unless (g_strstr_len ((gchar *) map.data, map.size,
          "You are speaking fast") != NULL);
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
  ctx_free (&c);
}

GST_END_TEST;

GST_START_TEST (test_report)
{
  Ctx c = ctx_new ("language=en");
  GstMessage *msg;
  const GstStructure *report = NULL;
  JsonParser *parser = json_parser_new ();
  JsonObject *obj;
  GError *err = NULL;
  gdouble pace, volume;

  push_seconds (&c, 0, 20, 200.0);
  push_seconds (&c, 20, 20, 150.0);
  gst_harness_push_event (c.h, gst_event_new_eos ());
  while ((msg = gst_bus_pop_filtered (c.bus, GST_MESSAGE_ELEMENT))) {
    if (gst_structure_has_name (gst_message_get_structure (msg),
            AURA_REPORT_NAME)) {
      report = gst_structure_copy (gst_message_get_structure (msg));
      gst_message_unref (msg);
      break;
    }
    gst_message_unref (msg);
  }
  fail_unless (report != NULL);
  fail_unless (aura_schema_validate (report, &err), "%s",
      err ? err->message : "");
  /* too fast for 20 of the 40 judged seconds */
  fail_unless (gst_structure_get_double (report, "score-pace", &pace));
  fail_unless (fabs (pace - 50.0) < 0.01, "pace %f", pace);
  fail_unless (gst_structure_get_double (report, "score-volume", &volume));
  fail_unless_equals_float (volume, 100.0);
  fail_unless_equals_string (gst_structure_get_string (report,
          "improvements"), "pace.too-fast");
  fail_unless (strstr (gst_structure_get_string (report, "text"),
          "Session report") != NULL);
  fail_unless (json_parser_load_from_data (parser,
          gst_structure_get_string (report, "json"), -1, NULL));
  obj = json_node_get_object (json_parser_get_root (parser));
  fail_unless_equals_string (json_object_get_string_member (obj, "type"),
      "aura-report");
  fail_unless_equals_int (json_array_get_length (json_object_get_array_member
          (obj, "cue_list")), 2);
  g_object_unref (parser);
  gst_structure_free ((GstStructure *) report);
  ctx_free (&c);
}

GST_END_TEST;

static gchar *
write_rules (const gchar * text)
{
  gchar *path = NULL;
  gint fd = g_file_open_tmp ("aura-rules-XXXXXX.ini", &path, NULL);

  fail_unless (fd >= 0);
  fail_unless (write (fd, text, strlen (text)) == (gssize) strlen (text));
  close (fd);
  return path;
}

GST_START_TEST (test_rules_file_override)
{
  gchar *path = write_rules ("[targets]\nwpm-high=220\n\n[hysteresis]\n"
      "hold=2\n");
  gchar *props = g_strdup_printf ("rules-location=%s", path);
  Ctx c = ctx_new (props);
  gchar *cues;

  /* 200 words/min is fine under this file */
  push_seconds (&c, 0, 10, 200.0);
  push_seconds (&c, 10, 5, 240.0);
  cues = collect_cues (&c, FALSE);
  /* ... 240 is not, and fires after the file's 2 s hold */
  fail_unless_equals_string (cues, "12 pace.too-fast");
  g_free (cues);
  ctx_free (&c);
  g_unlink (path);
  g_free (path);
  g_free (props);
}

GST_END_TEST;

/* Starting with @text as the rules file fails with an error naming @needle. */
static void
check_bad_rules (const gchar * text, const gchar * needle)
{
  gchar *path = write_rules (text);
  GstElement *e = gst_element_factory_make ("aurafeedback", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (e, bus);
  g_object_set (e, "rules-location", path, NULL);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, needle) != NULL, "'%s' lacks '%s'",
      err->message, needle);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_object_unref (e);
  g_unlink (path);
  g_free (path);
}

GST_START_TEST (test_rules_file_errors)
{
  check_bad_rules ("[targets]\nwpm-fast=200\n", "wpm-fast");
  check_bad_rules ("[targets]\nwpm-high=fast\n", "wpm-high");
  check_bad_rules ("[targets]\nwpm-high=9000\n", "wpm-high");
  check_bad_rules ("[colours]\nred=1\n", "colours");
  check_bad_rules ("[targets]\nwpm-low=200\nwpm-high=150\n", "below");
  check_bad_rules ("[targets\nwpm-high=200\n", "line");
}

GST_END_TEST;

GST_START_TEST (test_unknown_language_and_profile)
{
  Ctx c = ctx_new ("language=de");
  GstMessage *msg;
  gchar *cues;
  GstElement *e;

  msg = gst_bus_pop_filtered (c.bus, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL);
  gst_message_unref (msg);
  push_seconds (&c, 0, 6, 190.0);
  cues = collect_cues (&c, TRUE);
  fail_unless (strstr (cues, "You are speaking fast") != NULL, "%s", cues);
  g_free (cues);
  ctx_free (&c);

  e = gst_element_factory_make ("aurafeedback", NULL);
  g_object_set (e, "profile", "karaoke", NULL);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_object_unref (e);
}

GST_END_TEST;

GST_START_TEST (test_passthrough)
{
  Ctx c = ctx_new (NULL);
  GstBuffer *in = gst_harness_create_buffer (c.h, 320), *out;

  GST_BUFFER_PTS (in) = 0;
  gst_buffer_ref (in);
  fail_unless_equals_int (gst_harness_push (c.h, in), GST_FLOW_OK);
  out = gst_harness_pull (c.h);
  fail_unless (out == in);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  ctx_free (&c);
}

GST_END_TEST;

static Suite *
aurafeedback_suite (void)
{
  Suite *s = suite_create ("aurafeedback");
  TCase *tc = tcase_create ("general");

  aura_elements_register_static ();
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pace_cue_and_praise_en);
  tcase_add_test (tc, test_pace_cue_fr);
  tcase_add_test (tc, test_rushed_articulation);
  tcase_add_test (tc, test_short_problem_does_not_fire);
  tcase_add_test (tc, test_cooldown_refires);
  tcase_add_test (tc, test_one_live_cue_at_a_time);
  tcase_add_test (tc, test_deterministic);
  tcase_add_test (tc, test_events_and_text_pad);
  tcase_add_test (tc, test_report);
  tcase_add_test (tc, test_rules_file_override);
  tcase_add_test (tc, test_rules_file_errors);
  tcase_add_test (tc, test_unknown_language_and_profile);
  tcase_add_test (tc, test_passthrough);
  return s;
}

GST_CHECK_MAIN (aurafeedback);
