/* AURA — bus-reader: embeds AURA in a program, prints what its elements say.
 *
 * This library is free software; you can redistribute it and/or modify it
 * under the terms of the GNU Library General Public License, version 2.1 or
 * later.
 */

/*
 *
 *   bus-reader FILE|URI [en|fr]
 *
 * Builds
 *
 *   uridecodebin ! audioconvert ! audioresample ! auraanalyzer
 *     ! aurafeedback ! fakesink
 *
 * and prints, from the bus, every aura-metrics (time, loudness, speech,
 * pitch, pace), aura-feedback (the live cues), the aura-summary and the
 * aura-report; a pad probe on the sink counts the same structures arriving
 * in-band, as serialized custom events. The plugin is found through
 * GST_PLUGIN_PATH (the build tree's build/gst/aura) or in the GStreamer
 * plugin directory when installed. Field names, types and units:
 * docs/metrics.md and docs/coaching.md.
 *
 * Exit status: 0 when the stream ended with metrics, 1 on an error (or no
 * metrics), 2 on bad usage.
 */

#include <stdio.h>
#include <string.h>

#include <gst/gst.h>

typedef struct
{
  GMainLoop *loop;
  GstElement *convert;
  guint metrics;
  gboolean report;
  gint status;
  /* in-band events seen by the probe (streaming thread), atomic */
  gint events_metrics;
  gint events_feedback;
  gint events_summary;
  gint events_report;
} App;

/* uridecodebin only exposes audio (caps=audio/x-raw): link the first pad */
static void
on_pad_added (G_GNUC_UNUSED GstElement * decodebin, GstPad * pad,
    gpointer user_data)
{
  App *app = user_data;
  GstPad *sink = gst_element_get_static_pad (app->convert, "sink");

  if (!gst_pad_is_linked (sink)
      && gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    fprintf (stderr, "bus-reader: could not link %s\n", GST_PAD_NAME (pad));
  gst_object_unref (sink);
}

/* downstream events reaching the sink, in stream order with the audio */
static GstPadProbeReturn
on_event (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  App *app = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  const GstStructure *s;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CUSTOM_DOWNSTREAM)
    return GST_PAD_PROBE_OK;
  s = gst_event_get_structure (event);
  if (gst_structure_has_name (s, "aura-metrics"))
    g_atomic_int_inc (&app->events_metrics);
  else if (gst_structure_has_name (s, "aura-feedback"))
    g_atomic_int_inc (&app->events_feedback);
  else if (gst_structure_has_name (s, "aura-summary"))
    g_atomic_int_inc (&app->events_summary);
  else if (gst_structure_has_name (s, "aura-report"))
    g_atomic_int_inc (&app->events_report);
  return GST_PAD_PROBE_OK;
}

/* seconds of the structure's stream-time (else timestamp), -1 if none */
static gdouble
structure_time (const GstStructure * s)
{
  guint64 t;

  if ((gst_structure_get_uint64 (s, "stream-time", &t)
          || gst_structure_get_uint64 (s, "timestamp", &t))
      && GST_CLOCK_TIME_IS_VALID (t))
    return (gdouble) t / GST_SECOND;
  return -1.0;
}

/* a gdouble field with DIGITS decimals; a value that could not be measured
 * is absent from the structure: "-" */
static void
append_double (GString * out, const GstStructure * s, const gchar * label,
    const gchar * field, gint digits, const gchar * unit)
{
  gdouble v;

  if (gst_structure_get_double (s, field, &v))
    g_string_append_printf (out, "  %s %.*f%s", label, digits, v, unit);
  else
    g_string_append_printf (out, "  %s -", label);
}

static void
print_metrics (const GstStructure * s)
{
  GString *out = g_string_new (NULL);
  guint pauses = 0, fillers = 0;
  gboolean speaking = FALSE;

  g_string_append_printf (out, "metrics %7.1f s", structure_time (s));
  append_double (out, s, "short-term", "loudness-short-term", 1, " LUFS");
  append_double (out, s, "speech", "speech-ratio", 2, "");
  append_double (out, s, "pitch", "pitch-hz", 0, " Hz");
  append_double (out, s, "wpm", "wpm", 0, "");
  gst_structure_get_uint (s, "pauses", &pauses);
  gst_structure_get_uint (s, "fillers", &fillers);
  gst_structure_get_boolean (s, "speaking", &speaking);
  g_string_append_printf (out, "  pauses %u  fillers %u%s", pauses, fillers,
      speaking ? "  speaking" : "");
  printf ("%s\n", out->str);
  g_string_free (out, TRUE);
}

static void
print_feedback (const GstStructure * s)
{
  printf ("cue     %7.1f s  %s (%s): %s\n", structure_time (s),
      gst_structure_get_string (s, "code"),
      gst_structure_get_string (s, "severity"),
      gst_structure_get_string (s, "message"));
}

static void
print_summary (const GstStructure * s)
{
  GString *out = g_string_new ("summary");
  guint64 duration = 0;
  guint pauses = 0, fillers = 0, intervals = 0;

  gst_structure_get_uint64 (s, "duration", &duration);
  g_string_append_printf (out, " %.1f s", (gdouble) duration / GST_SECOND);
  append_double (out, s, "integrated", "loudness-integrated", 1, " LUFS");
  append_double (out, s, "range", "loudness-range", 1, " LU");
  append_double (out, s, "speech", "speech-ratio", 2, "");
  append_double (out, s, "pitch", "pitch-median-hz", 0, " Hz");
  append_double (out, s, "wpm", "wpm", 0, "");
  gst_structure_get_uint (s, "pauses", &pauses);
  gst_structure_get_uint (s, "fillers", &fillers);
  gst_structure_get_uint (s, "intervals", &intervals);
  g_string_append_printf (out, "  pauses %u  fillers %u  intervals %u",
      pauses, fillers, intervals);
  printf ("%s\n", out->str);
  g_string_free (out, TRUE);
}

static void
print_report (const GstStructure * s)
{
  gdouble overall;

  if (gst_structure_get_double (s, "overall-score", &overall))
    printf ("report  overall %.0f/100\n", overall);
  else
    printf ("report  overall -\n");
  printf ("%s\n", gst_structure_get_string (s, "text"));
}

/* the bus watch: runs in the main loop's thread, never a streaming thread */
static gboolean
on_message (G_GNUC_UNUSED GstBus * bus, GstMessage * msg, gpointer user_data)
{
  App *app = user_data;
  GError *err = NULL;
  gchar *debug = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *s = gst_message_get_structure (msg);

      if (gst_structure_has_name (s, "aura-metrics")) {
        app->metrics++;
        print_metrics (s);
      } else if (gst_structure_has_name (s, "aura-feedback")) {
        print_feedback (s);
      } else if (gst_structure_has_name (s, "aura-summary")) {
        print_summary (s);
      } else if (gst_structure_has_name (s, "aura-report")) {
        app->report = TRUE;
        print_report (s);
      }
      break;
    }
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, &debug);
      fprintf (stderr, "bus-reader: warning from %s: %s\n",
          GST_OBJECT_NAME (msg->src), err->message);
      g_clear_error (&err);
      g_free (debug);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &debug);
      fprintf (stderr, "bus-reader: error from %s: %s\n%s\n",
          GST_OBJECT_NAME (msg->src), err->message, debug ? debug : "");
      g_clear_error (&err);
      g_free (debug);
      app->status = 1;
      g_main_loop_quit (app->loop);
      break;
    case GST_MESSAGE_EOS:
      g_main_loop_quit (app->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static GstElement *
make (const gchar * factory)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL)
    fprintf (stderr, "bus-reader: no element %s%s\n", factory,
        g_str_has_prefix (factory, "aura") ? " (set GST_PLUGIN_PATH to the "
        "directory of libgstaura.so, e.g. build/gst/aura)" : "");
  else
    gst_object_ref_sink (e);    /* ours until added to the pipeline */
  return e;
}

/* prints the ERROR message a failed state change left on the bus */
static void
print_pending_error (GstElement * pipeline, App * app)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  if (msg != NULL) {
    on_message (bus, msg, app);
    gst_message_unref (msg);
  } else {
    fprintf (stderr, "bus-reader: the pipeline could not start\n");
  }
  gst_object_unref (bus);
}

int
main (int argc, char **argv)
{
  App app = { 0 };
  GstElement *pipeline, *decode, *resample, *analyzer, *feedback, *sink;
  GstCaps *caps;
  GstPad *pad;
  GstBus *bus;
  GError *err = NULL;
  gchar *uri;
  const gchar *lang;

  /* a line at a time, also into a pipe: the output follows the stream */
  setvbuf (stdout, NULL, _IOLBF, 0);
  gst_init (&argc, &argv);
  if (argc < 2 || argc > 3) {
    fprintf (stderr, "usage: bus-reader FILE|URI [en|fr]\n");
    return 2;
  }
  lang = argc == 3 ? argv[2] : "en";
  if (gst_uri_is_valid (argv[1]))
    uri = g_strdup (argv[1]);
  else if ((uri = gst_filename_to_uri (argv[1], &err)) == NULL) {
    fprintf (stderr, "bus-reader: %s: %s\n", argv[1], err->message);
    g_clear_error (&err);
    return 2;
  }

  pipeline = gst_pipeline_new ("bus-reader");
  decode = make ("uridecodebin");
  app.convert = make ("audioconvert");
  resample = make ("audioresample");
  analyzer = make ("auraanalyzer");
  feedback = make ("aurafeedback");
  sink = make ("fakesink");
  if (!decode || !app.convert || !resample || !analyzer || !feedback || !sink)
    goto no_element;

  /* only the audio is decoded, also from a video file */
  caps = gst_caps_new_empty_simple ("audio/x-raw");
  g_object_set (decode, "uri", uri, "caps", caps, "expose-all-streams", FALSE,
      NULL);
  gst_caps_unref (caps);
  g_object_set (analyzer, "language", lang, NULL);
  g_object_set (feedback, "language", lang, NULL);
  /* as fast as the file can be read: no clock */
  g_object_set (sink, "sync", FALSE, NULL);

  gst_bin_add_many (GST_BIN (pipeline), decode, app.convert, resample,
      analyzer, feedback, sink, NULL);
  /* the pipeline holds them now */
  gst_object_unref (decode);
  gst_object_unref (app.convert);
  gst_object_unref (resample);
  gst_object_unref (analyzer);
  gst_object_unref (feedback);
  gst_object_unref (sink);
  if (!gst_element_link_many (app.convert, resample, analyzer, feedback, sink,
          NULL)) {
    fprintf (stderr, "bus-reader: could not link the elements\n");
    gst_object_unref (pipeline);
    g_free (uri);
    return 1;
  }
  g_signal_connect (decode, "pad-added", G_CALLBACK (on_pad_added), &app);

  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_event, &app,
      NULL);
  gst_object_unref (pad);

  app.loop = g_main_loop_new (NULL, FALSE);
  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_bus_add_watch (bus, on_message, &app);
  gst_object_unref (bus);

  if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    print_pending_error (pipeline, &app);
    app.status = 1;
  } else {
    g_main_loop_run (app.loop);
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_main_loop_unref (app.loop);

  printf ("events  in-band at the sink: %d aura-metrics, %d aura-feedback, "
      "%d aura-summary, %d aura-report\n",
      g_atomic_int_get (&app.events_metrics),
      g_atomic_int_get (&app.events_feedback),
      g_atomic_int_get (&app.events_summary),
      g_atomic_int_get (&app.events_report));
  if (app.status == 0 && app.metrics == 0) {
    fprintf (stderr, "bus-reader: %s: no aura-metrics\n", uri);
    app.status = 1;
  }
  g_free (uri);
  gst_deinit ();
  return app.status;

/* ERRORS */
no_element:
  {
    gst_clear_object (&decode);
    gst_clear_object (&app.convert);
    gst_clear_object (&resample);
    gst_clear_object (&analyzer);
    gst_clear_object (&feedback);
    gst_clear_object (&sink);
    gst_object_unref (pipeline);
    g_free (uri);
    return 1;
  }
}
