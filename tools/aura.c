/* aura — the AURA command-line tool.
 *
 *   aura analyze FILE|URI [--json] [--lang en|fr] [--profile P]
 *                         [--min-pause SECONDS] [--interval SECONDS]
 *   aura serve [--db PATH] [--address A] [--port N] ...   (aura-serve.c)
 *   aura live [--device NAME] [--port N] ..., aura devices  (aura-live.c)
 *
 * Runs `uridecodebin ! audioconvert ! audioresample ! auraanalyzer !
 * aurafeedback ! fakesink` over a recording and prints a readable report, or with
 * --json exactly one JSON object: the aura-summary (DESIGN.md) with the coaching
 * report under "report" (its cues in report.cue_list). Exit status: 0 success, 1 runtime failure
 * (unreadable input, no audio), 2 bad usage. Errors are one line on stderr naming
 * the input and the cause.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "gstauraelements.h"
#include "aura-file-pipeline.h"
#include "aura-report.h"
#include "aura-serve.h"
#include "aura-live.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  const gchar *input;
  gchar *error;
  gchar *summary_json;
  gchar *report_json;
  gboolean progress;
  gint exit_code;
} AnalyzeRun;

static void
fail (AnalyzeRun * run, const gchar * message)
{
  if (run->error == NULL)
    run->error = g_strdup (message);
  run->exit_code = EXIT_RUNTIME;
  g_main_loop_quit (run->loop);
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  AnalyzeRun *run = user_data;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *err = NULL;
      gst_message_parse_error (msg, &err, NULL);
      fail (run, err->message);
      g_error_free (err);
      break;
    }
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *s = gst_message_get_structure (msg);
      if (gst_structure_has_name (s, "aura-summary")) {
        g_free (run->summary_json);
        run->summary_json = g_strdup (gst_structure_get_string (s, "json"));
      } else if (gst_structure_has_name (s, "aura-report")) {
        g_free (run->report_json);
        run->report_json = g_strdup (gst_structure_get_string (s, "json"));
      }
      break;
    }
    case GST_MESSAGE_EOS:
      g_main_loop_quit (run->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
show_progress (gpointer user_data)
{
  AnalyzeRun *run = user_data;
  gint64 pos = 0, dur = 0;
  const gint width = 40;
  gint filled;
  gchar bar[64];

  if (!gst_element_query_position (run->pipeline, GST_FORMAT_TIME, &pos)
      || !gst_element_query_duration (run->pipeline, GST_FORMAT_TIME, &dur)
      || dur <= 0)
    return G_SOURCE_CONTINUE;
  filled = (gint) CLAMP (width * (gdouble) pos / dur, 0, width);
  memset (bar, '#', filled);
  memset (bar + filled, '-', width - filled);
  bar[width] = '\0';
  fprintf (stderr, "\r[%s] %3d%%  %d:%02d / %d:%02d", bar,
      (gint) (100.0 * pos / dur), (gint) (pos / GST_SECOND / 60),
      (gint) (pos / GST_SECOND % 60), (gint) (dur / GST_SECOND / 60),
      (gint) (dur / GST_SECOND % 60));
  fflush (stderr);
  return G_SOURCE_CONTINUE;
}

/* uridecodebin ! audioconvert ! audioresample ! auraanalyzer ! aurafeedback !
 * fakesink (aura-file-pipeline.h) */
typedef struct
{
  gboolean json;
  gdouble min_pause, interval;
  gchar *language, *profile;
} AnalyzeOptions;

static gint
run_analyze (const gchar * input, const AnalyzeOptions * opt)
{
  AnalyzeRun run = { 0 };
  GError *error = NULL;
  gchar *uri = aura_input_to_uri (input, &error);
  AuraFileOptions fopt = { opt->min_pause, opt->interval, opt->language,
    opt->profile
  };
  GstBus *bus;
  guint progress_id = 0;

  run.input = input;
  if (uri == NULL) {
    fprintf (stderr, "aura: %s: %s\n", input, error->message);
    g_error_free (error);
    return EXIT_RUNTIME;
  }
  run.loop = g_main_loop_new (NULL, FALSE);
  run.pipeline = aura_file_pipeline_new (uri, &fopt, NULL, &error);
  g_free (uri);
  if (run.pipeline == NULL) {
    fprintf (stderr, "aura: %s: cannot build the pipeline: %s\n", input,
        error->message);
    g_error_free (error);
    return EXIT_RUNTIME;
  }
  bus = gst_element_get_bus (run.pipeline);
  gst_bus_add_watch (bus, on_bus_message, &run);
  run.progress = isatty (STDERR_FILENO);
  if (run.progress)
    progress_id = g_timeout_add (200, show_progress, &run);

  if (gst_element_set_state (run.pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    /* the element that failed said why on the bus */
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (msg) {
      on_bus_message (bus, msg, &run);
      gst_message_unref (msg);
    }
    fail (&run, "cannot start the pipeline");
  } else {
    g_main_loop_run (run.loop);
  }

  if (progress_id)
    g_source_remove (progress_id);
  if (run.progress)
    fprintf (stderr, "\r%*s\r", 70, "");
  gst_element_set_state (run.pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (run.pipeline);
  g_main_loop_unref (run.loop);

  if (run.error == NULL && run.summary_json == NULL) {
    run.error = g_strdup ("no audio was analysed");
    run.exit_code = EXIT_RUNTIME;
  }
  if (run.error) {
    fprintf (stderr, "aura: %s: %s\n", input, run.error);
  } else if (opt->json) {
    gchar *all = aura_report_merge_json (run.summary_json, run.report_json);
    /* raw UTF-8: g_print would convert to the C locale's charset */
    fputs (all, stdout);
    fputc ('\n', stdout);
    g_free (all);
  } else if (!aura_report_print_summary (stdout, input, run.summary_json)) {
    fprintf (stderr, "aura: %s: the analyzer produced an unreadable summary\n",
        input);
    run.exit_code = EXIT_RUNTIME;
  } else if (run.report_json) {
    aura_report_print_coaching (stdout, run.report_json);
  }
  g_free (run.error);
  g_free (run.summary_json);
  g_free (run.report_json);
  return run.exit_code;
}

static gint
cmd_analyze (gint argc, gchar ** argv)
{
  AnalyzeOptions opt = { FALSE, 0.0, 0.0, NULL, NULL };
  gchar **inputs = NULL;
  GOptionEntry entries[] = {
    {"json", 0, 0, G_OPTION_ARG_NONE, &opt.json,
        "Print the aura-summary as one JSON object", NULL},
    {"lang", 0, 0, G_OPTION_ARG_STRING, &opt.language,
          "Language of the speech, for words per minute (en, fr; default en)",
        "LANG"},
    {"profile", 0, 0, G_OPTION_ARG_STRING, &opt.profile,
          "Kind of speaking, for the coaching targets: presentation, lecture, "
          "conversation, webinar, podcast, broadcast (default presentation)",
        "PROFILE"},
    {"min-pause", 0, 0, G_OPTION_ARG_DOUBLE, &opt.min_pause,
        "Shortest silence counted as a pause (default 0.25)", "SECONDS"},
    {"interval", 0, 0, G_OPTION_ARG_DOUBLE, &opt.interval,
        "Seconds between two aura-metrics (default 1)", "SECONDS"},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL,
        "FILE|URI"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("FILE|URI - analyse a recording");
  GError *error = NULL;
  gint ret;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "aura analyze: %s\n", error->message);
    g_error_free (error);
    g_option_context_free (ctx);
    return EXIT_USAGE;
  }
  g_option_context_free (ctx);
  if (inputs == NULL || inputs[0] == NULL || inputs[1] != NULL) {
    fprintf (stderr, "aura analyze: expected exactly one FILE or URI "
        "(see aura analyze --help)\n");
    g_strfreev (inputs);
    return EXIT_USAGE;
  }
  if ((opt.min_pause != 0 && (opt.min_pause < 0.05 || opt.min_pause > 10))
      || (opt.interval != 0 && (opt.interval < 0.01 || opt.interval > 3600))
      || (opt.language && g_strcmp0 (opt.language, "en") != 0
          && g_strcmp0 (opt.language, "fr") != 0)) {
    fprintf (stderr, "aura analyze: --min-pause must be 0.05..10 s, --interval "
        "0.01..3600 s and --lang en or fr\n");
    g_strfreev (inputs);
    g_free (opt.language);
    g_free (opt.profile);
    return EXIT_USAGE;
  }
  ret = run_analyze (inputs[0], &opt);
  g_strfreev (inputs);
  g_free (opt.language);
  g_free (opt.profile);
  return ret;
}

static void
usage (FILE * out)
{
  fprintf (out, "Usage: aura COMMAND [OPTIONS]\n\n"
      "Commands:\n"
      "  analyze FILE|URI [--json] [--lang en|fr] [--profile P]\n"
      "                              analyse a recording and print a report\n"
      "  live [--device NAME] [--lang fr] [--profile P] [--port N] [--db PATH]\n"
      "                              coach from the microphone, save the session\n"
      "  devices                     list the capture devices\n"
      "  serve [--db PATH] [--address A] [--port N] [--token-file F]\n"
      "                              serve the session API and dashboard\n\n"
      "aura COMMAND --help shows the options of a command.\n");
}

int
main (int argc, char **argv)
{
  gint ret;

  if (argc < 2) {
    usage (stderr);
    return EXIT_USAGE;
  }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0) {
    usage (stdout);
    return 0;
  }
  if (strcmp (argv[1], "--version") == 0) {
    printf ("aura %s\n", VERSION);
    return 0;
  }
  gst_init (NULL, NULL);
  aura_elements_register_static ();
  if (strcmp (argv[1], "analyze") == 0) {
    ret = cmd_analyze (argc - 1, argv + 1);
  } else if (strcmp (argv[1], "serve") == 0) {
    ret = aura_cmd_serve (argc - 1, argv + 1);
  } else if (strcmp (argv[1], "live") == 0) {
    ret = aura_cmd_live (argc - 1, argv + 1);
  } else if (strcmp (argv[1], "devices") == 0) {
    ret = aura_cmd_devices (argc - 1, argv + 1);
  } else {
    fprintf (stderr, "aura: unknown command '%s'\n", argv[1]);
    usage (stderr);
    ret = EXIT_USAGE;
  }
  gst_deinit ();
  return ret;
}
