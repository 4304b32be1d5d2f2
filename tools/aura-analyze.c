/* aura analyze FILE|URI... [--json] [--lang en|fr] [--profile P]
 *              [--min-pause SECONDS] [--interval SECONDS] [--speaker NAME]...
 *
 * Runs `uridecodebin ! audioconvert ! audioresample ! auraanalyzer !
 * aurafeedback ! fakesink` over a recording (aura-file-pipeline.h) and prints a
 * readable report, or with --json exactly one JSON object: the aura-summary
 * (DESIGN.md) with the coaching report under "report".
 *
 * Several inputs are the participants of one conversation (one recording per
 * participant, on a common time line): one chain each in one pipeline, each
 * analyzer with its speaker name (--speaker, in order, else the file name),
 * then the conversation across them (aura-speakers.h). With --json the object
 * is {"speakers": [summary + report + "speaker", ...], "conversation": {...}}.
 *
 * Exit status: 0 success, 1 runtime failure (unreadable input, no audio), 2 bad
 * usage. Errors are one line on stderr naming the input and the cause.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "aura-analyze.h"
#include "aura-file-pipeline.h"
#include "aura-report.h"
#include "aura-speakers.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

typedef struct
{
  gboolean json;
  gdouble min_pause, interval;
  gchar *language, *profile;
  gchar **speakers;
} AnalyzeOptions;

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  guint n;                      /* inputs */
  gchar **inputs, **names;      /* names: NULL for a single input */
  gchar **summary_json, **report_json;  /* per input */
  gchar *error;
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

/* The input a message's structure is about, by its speaker field. */
static guint
input_of (AnalyzeRun * run, const GstStructure * s)
{
  const gchar *speaker = gst_structure_get_string (s, "speaker");
  guint i;

  for (i = 0; run->names && speaker && i < run->n; i++)
    if (g_strcmp0 (run->names[i], speaker) == 0)
      return i;
  return 0;
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  AnalyzeRun *run = user_data;
  const GstStructure *s;
  GError *err = NULL;
  guint i;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, NULL);
      fail (run, err->message);
      g_error_free (err);
      break;
    case GST_MESSAGE_ELEMENT:
      s = gst_message_get_structure (msg);
      i = input_of (run, s);
      if (gst_structure_has_name (s, "aura-summary")) {
        g_free (run->summary_json[i]);
        run->summary_json[i] = g_strdup (gst_structure_get_string (s, "json"));
      } else if (gst_structure_has_name (s, "aura-report")) {
        g_free (run->report_json[i]);
        run->report_json[i] = g_strdup (gst_structure_get_string (s, "json"));
      }
      break;
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

/* One chain per input in one pipeline. */
static GstElement *
build_pipeline (AnalyzeRun * run, const AnalyzeOptions * opt)
{
  AuraFileOptions fopt = { opt->min_pause, opt->interval, opt->language,
    opt->profile
  };
  GstElement *pipeline = gst_pipeline_new ("aura-analyze");
  GError *error = NULL;
  guint i;

  for (i = 0; i < run->n; i++) {
    gchar *uri = aura_input_to_uri (run->inputs[i], &error);

    if (uri == NULL || !aura_file_pipeline_add (pipeline, uri, &fopt,
            run->names ? run->names[i] : NULL, NULL, &error)) {
      fprintf (stderr, "aura: %s: %s\n", run->inputs[i], error->message);
      g_error_free (error);
      g_free (uri);
      gst_object_unref (pipeline);
      return NULL;
    }
    g_free (uri);
  }
  return pipeline;
}

static void
run_pipeline (AnalyzeRun * run)
{
  GstBus *bus = gst_element_get_bus (run->pipeline);
  guint progress_id = 0;

  gst_bus_add_watch (bus, on_bus_message, run);
  run->progress = isatty (STDERR_FILENO);
  if (run->progress)
    progress_id = g_timeout_add (200, show_progress, run);
  if (gst_element_set_state (run->pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    /* the element that failed said why on the bus */
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    if (msg) {
      on_bus_message (bus, msg, run);
      gst_message_unref (msg);
    }
    fail (run, "cannot start the pipeline");
  } else {
    g_main_loop_run (run->loop);
  }
  if (progress_id)
    g_source_remove (progress_id);
  if (run->progress)
    fprintf (stderr, "\r%*s\r", 70, "");
  gst_element_set_state (run->pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
}

static JsonObject *
parse_object (const gchar * json)
{
  JsonParser *parser = json_parser_new ();
  JsonObject *obj = NULL;

  if (json && json_parser_load_from_data (parser, json, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    obj = json_object_ref (json_node_get_object (json_parser_get_root
            (parser)));
  g_object_unref (parser);
  return obj;
}

/* The conversation across the inputs (NULL with one input). */
static JsonObject *
conversation (AnalyzeRun * run)
{
  AuraSpeakers *sp = aura_speakers_new ();
  JsonObject *conv;
  guint i;

  for (i = 0; i < run->n; i++) {
    JsonObject *summary = parse_object (run->summary_json[i]);

    if (summary) {
      aura_speakers_add_summary (sp, run->names[i], summary);
      json_object_unref (summary);
    }
  }
  conv = aura_speakers_conversation (sp);
  aura_speakers_free (sp);
  return conv;
}

static void
print_conversation (FILE * out, JsonObject * conv)
{
  JsonArray *speakers = json_object_get_array_member (conv, "speakers");
  guint i;

  fprintf (out, "Conversation\n");
  fprintf (out, "  %-20s %10s %8s %7s %18s\n", "speaker", "talk time",
      "share", "turns", "longest monologue");
  for (i = 0; i < json_array_get_length (speakers); i++) {
    JsonObject *s = json_array_get_object_element (speakers, i);

    fprintf (out, "  %-20s %9.1fs %7.0f%% %7" G_GINT64_FORMAT " %17.1fs\n",
        json_object_get_string_member (s, "speaker"),
        json_object_get_double_member (s, "talk_time"),
        100.0 * json_object_get_double_member (s, "talk_share"),
        json_object_get_int_member (s, "turns"),
        json_object_get_double_member (s, "longest_monologue"));
  }
  fprintf (out, "  turns %" G_GINT64_FORMAT ", overlaps %" G_GINT64_FORMAT
      " (%.1f s, %.0f%%), silence %.1f s (%.0f%%)\n",
      json_object_get_int_member (conv, "turns"),
      json_object_get_int_member (conv, "overlaps"),
      json_object_get_double_member (conv, "overlap_time"),
      100.0 * json_object_get_double_member (conv, "overlap_share"),
      json_object_get_double_member (conv, "silence_time"),
      100.0 * json_object_get_double_member (conv, "silence_share"));
}

/* {"speakers": [...], "conversation": {...}} for several inputs. */
static void
print_session_json (AnalyzeRun * run, JsonObject * conv)
{
  JsonObject *root = json_object_new ();
  JsonArray *speakers = json_array_new ();
  JsonNode *node;
  gchar *text;
  guint i;

  for (i = 0; i < run->n; i++) {
    gchar *merged = aura_report_merge_json (run->summary_json[i],
        run->report_json[i]);
    JsonObject *obj = parse_object (merged);

    if (obj) {
      json_object_set_string_member (obj, "speaker", run->names[i]);
      json_array_add_object_element (speakers, obj);
    }
    g_free (merged);
  }
  json_object_set_array_member (root, "speakers", speakers);
  if (conv)
    json_object_set_object_member (root, "conversation",
        json_object_ref (conv));
  else
    json_object_set_null_member (root, "conversation");
  node = json_node_init_object (json_node_alloc (), root);
  text = json_to_string (node, FALSE);
  /* raw UTF-8: g_print would convert to the C locale's charset */
  fputs (text, stdout);
  fputc ('\n', stdout);
  g_free (text);
  json_node_unref (node);
  json_object_unref (root);
}

static void
print_results (AnalyzeRun * run, const AnalyzeOptions * opt)
{
  JsonObject *conv = run->n > 1 ? conversation (run) : NULL;
  guint i;

  if (opt->json && run->n == 1) {
    gchar *all = aura_report_merge_json (run->summary_json[0],
        run->report_json[0]);

    fputs (all, stdout);
    fputc ('\n', stdout);
    g_free (all);
  } else if (opt->json) {
    print_session_json (run, conv);
  } else {
    for (i = 0; i < run->n; i++) {
      if (run->n > 1)
        printf ("%s== %s ==\n", i ? "\n" : "", run->names[i]);
      if (!aura_report_print_summary (stdout, run->inputs[i],
              run->summary_json[i])) {
        fprintf (stderr, "aura: %s: the analyzer produced an unreadable "
            "summary\n", run->inputs[i]);
        run->exit_code = EXIT_RUNTIME;
      } else if (run->report_json[i]) {
        aura_report_print_coaching (stdout, run->report_json[i]);
      }
    }
    if (conv) {
      printf ("\n");
      print_conversation (stdout, conv);
    }
  }
  if (conv)
    json_object_unref (conv);
}

/* Speaker names: --speaker in order, else each input's base name. */
static gchar **
speaker_names (gchar ** inputs, gchar ** given)
{
  guint n = g_strv_length (inputs), i;
  gchar **names = g_new0 (gchar *, n + 1);

  for (i = 0; i < n; i++) {
    if (given && i < g_strv_length (given)) {
      names[i] = g_strdup (given[i]);
    } else {
      gchar *base = g_path_get_basename (inputs[i]);
      gchar *dot = strrchr (base, '.');

      if (dot && dot != base)
        *dot = '\0';
      names[i] = base;
    }
  }
  return names;
}

static gint
run_analyze (gchar ** inputs, const AnalyzeOptions * opt)
{
  AnalyzeRun run = { 0 };
  guint i;

  run.n = g_strv_length (inputs);
  run.inputs = inputs;
  run.names = run.n > 1 ? speaker_names (inputs, opt->speakers) : NULL;
  run.summary_json = g_new0 (gchar *, run.n + 1);
  run.report_json = g_new0 (gchar *, run.n + 1);
  run.loop = g_main_loop_new (NULL, FALSE);
  run.pipeline = build_pipeline (&run, opt);
  if (run.pipeline == NULL) {
    run.exit_code = EXIT_RUNTIME;
  } else {
    run_pipeline (&run);
    gst_object_unref (run.pipeline);
    for (i = 0; i < run.n && run.error == NULL; i++)
      if (run.summary_json[i] == NULL)
        fail (&run, "no audio was analysed");
    if (run.error)
      fprintf (stderr, "aura: %s: %s\n", run.n == 1 ? inputs[0] :
          "the inputs", run.error);
    else
      print_results (&run, opt);
  }
  g_main_loop_unref (run.loop);
  g_free (run.error);
  g_strfreev (run.names);
  g_strfreev (run.summary_json);
  g_strfreev (run.report_json);
  return run.exit_code;
}

static gboolean
check_options (const AnalyzeOptions * opt, gchar ** inputs)
{
  if (inputs == NULL || inputs[0] == NULL) {
    fprintf (stderr, "aura analyze: expected a FILE or URI (see aura analyze "
        "--help)\n");
    return FALSE;
  }
  if ((opt->min_pause != 0 && (opt->min_pause < 0.05 || opt->min_pause > 10))
      || (opt->interval != 0 && (opt->interval < 0.01
              || opt->interval > 3600)) || (opt->language
          && g_strcmp0 (opt->language, "en") != 0
          && g_strcmp0 (opt->language, "fr") != 0)) {
    fprintf (stderr, "aura analyze: --min-pause must be 0.05..10 s, "
        "--interval 0.01..3600 s and --lang en or fr\n");
    return FALSE;
  }
  if (opt->speakers && g_strv_length (opt->speakers) > g_strv_length (inputs)) {
    fprintf (stderr, "aura analyze: more --speaker names than inputs\n");
    return FALSE;
  }
  return TRUE;
}

gint
aura_cmd_analyze (gint argc, gchar ** argv)
{
  AnalyzeOptions opt = { FALSE, 0.0, 0.0, NULL, NULL, NULL };
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
    {"speaker", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt.speakers,
        "Name of the speaker of each input, in order (several inputs: one "
          "conversation; default the file names)", "NAME"},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL,
        "FILE|URI..."},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("FILE|URI... - analyse a "
      "recording (several: the participants of one conversation)");
  GError *error = NULL;
  gint ret = EXIT_USAGE;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "aura analyze: %s\n", error->message);
    g_error_free (error);
  } else if (check_options (&opt, inputs)) {
    ret = run_analyze (inputs, &opt);
  }
  g_option_context_free (ctx);
  g_strfreev (inputs);
  g_strfreev (opt.speakers);
  g_free (opt.language);
  g_free (opt.profile);
  return ret;
}
