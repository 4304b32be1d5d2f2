/* aura live — coach from the microphone:
 *
 *   SOURCE ! audioconvert ! audioresample ! auraanalyzer ! aurafeedback !
 *       aurasessionsink location=DB http-port=PORT
 *
 * with one status line refreshed in place on a terminal (loudness bar, words
 * per minute, speaking or not, the current cue; one line per interval when
 * stdout is not a terminal). Ctrl-C sends end-of-stream: the analyzer and the
 * coach finish, the session is saved 'completed' and the report is printed.
 *
 * aura devices — the capture devices GstDeviceMonitor sees.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gst/gst.h>

#include "aura-live.h"
#include "aura-report.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

typedef struct
{
  gchar *device, *source, *language, *profile, *db, *title, *speaker;
  gint port;
} LiveOptions;

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  gboolean tty, stopping;
  gchar *cue;                   /* the current cue's message */
  gchar *summary_json, *report_json, *error, *session_id;
  gint http_port;
} LiveRun;

/* ---- devices ------------------------------------------------------------ */

static GList *
list_sources (GstDeviceMonitor ** monitor_out)
{
  GstDeviceMonitor *monitor = gst_device_monitor_new ();
  GList *devices;

  gst_device_monitor_add_filter (monitor, "Audio/Source", NULL);
  if (!gst_device_monitor_start (monitor)) {
    gst_object_unref (monitor);
    *monitor_out = NULL;
    return NULL;
  }
  devices = gst_device_monitor_get_devices (monitor);
  *monitor_out = monitor;
  return devices;
}

gint
aura_cmd_devices (gint argc, gchar ** argv)
{
  GstDeviceMonitor *monitor;
  GList *devices = list_sources (&monitor), *l;

  if (argc > 1) {
    fprintf (stderr, "aura devices: no arguments expected\n");
    g_list_free_full (devices, gst_object_unref);
    return EXIT_USAGE;
  }
  if (devices == NULL)
    printf ("No capture device found (aura live uses autoaudiosrc).\n");
  for (l = devices; l; l = l->next) {
    GstDevice *d = l->data;
    gchar *name = gst_device_get_display_name (d);
    GstStructure *props = gst_device_get_properties (d);
    const gchar *api = props ? gst_structure_get_string (props,
        "device.api") : NULL;

    printf ("%s%s%s%s\n", name, api ? "  (" : "", api ? api : "",
        api ? ")" : "");
    if (props)
      gst_structure_free (props);
    g_free (name);
  }
  g_list_free_full (devices, gst_object_unref);
  if (monitor) {
    gst_device_monitor_stop (monitor);
    gst_object_unref (monitor);
  }
  return 0;
}

/* The capture element of device @name (its display name), or NULL. */
static GstElement *
device_source (const gchar * name)
{
  GstDeviceMonitor *monitor;
  GList *devices = list_sources (&monitor), *l;
  GstElement *e = NULL;

  for (l = devices; l && e == NULL; l = l->next) {
    gchar *display = gst_device_get_display_name (l->data);

    if (g_strcmp0 (display, name) == 0)
      e = gst_device_create_element (l->data, "source");
    g_free (display);
  }
  g_list_free_full (devices, gst_object_unref);
  if (monitor) {
    gst_device_monitor_stop (monitor);
    gst_object_unref (monitor);
  }
  return e;
}

/* ---- the live line ------------------------------------------------------ */

static void
print_status (LiveRun * run, const GstStructure * s)
{
  gdouble lufs = -70, wpm = -1, ratio = 0;
  gboolean speaking = FALSE;
  gchar bar[21];
  gint filled;

  gst_structure_get_double (s, "loudness-short-term", &lufs);
  gst_structure_get_double (s, "wpm", &wpm);
  gst_structure_get_double (s, "speech-ratio", &ratio);
  gst_structure_get_boolean (s, "speaking", &speaking);
  /* -50 LUFS empty, -10 LUFS full */
  filled = (gint) CLAMP ((lufs + 50.0) / 2.0, 0, 20);
  memset (bar, '#', filled);
  memset (bar + filled, '-', 20 - filled);
  bar[20] = '\0';
  if (run->tty)
    printf ("\r\033[K");
  printf ("[%s] %6.1f LUFS  ", bar, lufs);
  if (wpm >= 0)
    printf ("%3.0f wpm  ", wpm);
  else
    printf ("  - wpm  ");
  printf ("%s", speaking ? "speaking" : "silent  ");
  if (run->cue)
    printf ("  | %s", run->cue);
  if (!run->tty)
    printf ("\n");
  fflush (stdout);
}

static void
on_element (LiveRun * run, const GstStructure * s)
{
  if (gst_structure_has_name (s, "aura-metrics")) {
    print_status (run, s);
  } else if (gst_structure_has_name (s, "aura-feedback")) {
    g_free (run->cue);
    run->cue = g_strdup (gst_structure_get_string (s, "message"));
  } else if (gst_structure_has_name (s, "aura-summary")) {
    g_free (run->summary_json);
    run->summary_json = g_strdup (gst_structure_get_string (s, "json"));
  } else if (gst_structure_has_name (s, "aura-report")) {
    g_free (run->report_json);
    run->report_json = g_strdup (gst_structure_get_string (s, "json"));
  } else if (gst_structure_has_name (s, "aura-session")) {
    g_free (run->session_id);
    run->session_id = g_strdup (gst_structure_get_string (s, "session-id"));
    if (gst_structure_get_int (s, "http-port", &run->http_port))
      fprintf (stderr, "aura live: dashboard at http://127.0.0.1:%d/\n",
          run->http_port);
  }
}

static gboolean
on_bus (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  LiveRun *run = user_data;
  GError *err = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT:
      on_element (run, gst_message_get_structure (msg));
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, NULL);
      if (run->error == NULL)
        run->error = g_strdup (err->message);
      g_error_free (err);
      g_main_loop_quit (run->loop);
      break;
    case GST_MESSAGE_EOS:
      g_main_loop_quit (run->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* Ctrl-C: end of stream, so that the report and the session are complete;
 * a second Ctrl-C stops at once. */
static gboolean
on_interrupt (gpointer user_data)
{
  LiveRun *run = user_data;

  if (run->stopping) {
    g_main_loop_quit (run->loop);
    return G_SOURCE_REMOVE;
  }
  run->stopping = TRUE;
  fprintf (stderr, "%saura live: finishing the session...\n",
      run->tty ? "\n" : "");
  gst_element_send_event (run->pipeline, gst_event_new_eos ());
  return G_SOURCE_CONTINUE;
}

/* ---- the pipeline ------------------------------------------------------- */

static GstElement *
build_pipeline (const LiveOptions * opt, GError ** error)
{
  GstElement *pipeline, *src, *analyzer, *feedback, *sink;
  gchar *desc =
      g_strdup_printf ("%s ! audioconvert name=conv ! audioresample ! "
      "auraanalyzer name=analyzer ! aurafeedback name=feedback ! "
      "aurasessionsink name=sink",
      opt->source ? opt->source : "autoaudiosrc name=source");

  pipeline = gst_parse_launch (desc, error);
  g_free (desc);
  if (pipeline == NULL)
    return NULL;
  if (opt->device && opt->source == NULL) {
    GstElement *old = gst_bin_get_by_name (GST_BIN (pipeline), "source");
    GstElement *next = gst_bin_get_by_name (GST_BIN (pipeline),
        "conv");

    src = device_source (opt->device);
    if (src == NULL) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
          "no capture device named \"%s\" (see aura devices)", opt->device);
      gst_object_unref (old);
      gst_object_unref (next);
      gst_object_unref (pipeline);
      return NULL;
    }
    gst_bin_remove (GST_BIN (pipeline), old);
    gst_bin_add (GST_BIN (pipeline), src);
    gst_element_link (src, next);
    gst_object_unref (old);
    gst_object_unref (next);
  }
  analyzer = gst_bin_get_by_name (GST_BIN (pipeline), "analyzer");
  feedback = gst_bin_get_by_name (GST_BIN (pipeline), "feedback");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  if (opt->language) {
    g_object_set (analyzer, "language", opt->language, NULL);
    g_object_set (feedback, "language", opt->language, NULL);
  }
  if (opt->profile)
    g_object_set (feedback, "profile", opt->profile, NULL);
  g_object_set (sink, "location", opt->db, "http-port", opt->port, NULL);
  if (opt->title)
    g_object_set (sink, "title", opt->title, NULL);
  if (opt->speaker)
    g_object_set (sink, "speaker", opt->speaker, NULL);
  gst_object_unref (analyzer);
  gst_object_unref (feedback);
  gst_object_unref (sink);
  return pipeline;
}

static gint
run_live (const LiveOptions * opt)
{
  LiveRun run = { 0 };
  GError *error = NULL;
  GstBus *bus;
  guint sigint;

  run.pipeline = build_pipeline (opt, &error);
  if (run.pipeline == NULL) {
    fprintf (stderr, "aura live: %s\n", error->message);
    g_error_free (error);
    return EXIT_RUNTIME;
  }
  run.loop = g_main_loop_new (NULL, FALSE);
  run.tty = isatty (STDOUT_FILENO);
  bus = gst_element_get_bus (run.pipeline);
  gst_bus_add_watch (bus, on_bus, &run);
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &run);
  if (gst_element_set_state (run.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    if (msg) {
      on_bus (bus, msg, &run);
      gst_message_unref (msg);
    }
    if (run.error == NULL)
      run.error = g_strdup ("cannot start the pipeline");
  } else {
    fprintf (stderr, "aura live: listening (Ctrl-C to finish); session "
        "database %s\n", opt->db);
    g_main_loop_run (run.loop);
  }
  g_source_remove (sigint);
  gst_element_set_state (run.pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (run.pipeline);
  g_main_loop_unref (run.loop);
  if (run.tty)
    printf ("\n");

  if (run.error)
    fprintf (stderr, "aura live: %s\n", run.error);
  else if (run.report_json)
    aura_report_print_coaching (stdout, run.report_json);
  if (run.session_id && run.error == NULL)
    fprintf (stderr, "aura live: session %s saved in %s\n", run.session_id,
        opt->db);
  g_free (run.cue);
  g_free (run.summary_json);
  g_free (run.report_json);
  g_free (run.session_id);
  if (run.error) {
    g_free (run.error);
    return EXIT_RUNTIME;
  }
  return 0;
}

gint
aura_cmd_live (gint argc, gchar ** argv)
{
  LiveOptions opt = { NULL, NULL, NULL, NULL, NULL, NULL, NULL, -1 };
  GOptionEntry entries[] = {
    {"device", 0, 0, G_OPTION_ARG_STRING, &opt.device,
        "Capture device, by the name aura devices shows (default: the "
          "system's default input)", "NAME"},
    {"lang", 0, 0, G_OPTION_ARG_STRING, &opt.language,
        "Language of the speech and of the cues (en, fr)", "LANG"},
    {"profile", 0, 0, G_OPTION_ARG_STRING, &opt.profile,
          "presentation, lecture, conversation, webinar, podcast, broadcast",
        "PROFILE"},
    {"port", 0, 0, G_OPTION_ARG_INT, &opt.port,
        "Serve the dashboard on 127.0.0.1 at this port (0: any free port; "
          "default: off)", "N"},
    {"db", 0, 0, G_OPTION_ARG_FILENAME, &opt.db,
        "Session database (default aura-sessions.db)", "PATH"},
    {"title", 0, 0, G_OPTION_ARG_STRING, &opt.title, "Session title", "T"},
    {"speaker", 0, 0, G_OPTION_ARG_STRING, &opt.speaker, "Speaker name", "S"},
    {"source", 0, 0, G_OPTION_ARG_STRING, &opt.source,
        "A gst-launch description in place of the microphone (e.g. "
          "\"filesrc location=talk.wav ! decodebin\")", "PIPELINE"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- coach from the microphone");
  GError *error = NULL;
  gint ret = EXIT_USAGE;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "aura live: %s\n", error->message);
    g_error_free (error);
  } else if (argc > 1) {
    fprintf (stderr, "aura live: unexpected argument '%s'\n", argv[1]);
  } else if (opt.port < -1 || opt.port > 65535 || (opt.language &&
          g_strcmp0 (opt.language, "en") && g_strcmp0 (opt.language, "fr"))) {
    fprintf (stderr, "aura live: --port must be 0..65535 and --lang en or "
        "fr\n");
  } else {
    if (opt.db == NULL)
      opt.db = g_strdup ("aura-sessions.db");
    ret = run_live (&opt);
  }
  g_option_context_free (ctx);
  g_free (opt.device);
  g_free (opt.source);
  g_free (opt.language);
  g_free (opt.profile);
  g_free (opt.db);
  g_free (opt.title);
  g_free (opt.speaker);
  return ret;
}
