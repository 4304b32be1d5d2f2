/* AURA — the analysis pipeline of a recording (see aura-file-pipeline.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "aura-file-pipeline.h"

gchar *
aura_input_to_uri (const gchar * input, GError ** error)
{
  if (gst_uri_is_valid (input))
    return g_strdup (input);
  return gst_filename_to_uri (input, error);
}

static gboolean
is_audio_pad (GstPad * pad)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  gboolean audio;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  audio = caps && !gst_caps_is_empty (caps) &&
      g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps,
              0)), "audio/");
  if (caps)
    gst_caps_unref (caps);
  return audio;
}

static void
on_pad_added (GstElement * decodebin, GstPad * pad, gpointer user_data)
{
  GstPad *sinkpad = user_data;

  /* the first audio stream is analysed; video and other audio tracks are not */
  if (!gst_pad_is_linked (sinkpad) && is_audio_pad (pad))
    gst_pad_link (pad, sinkpad);
}

static void
on_no_more_pads (GstElement * decodebin, gpointer user_data)
{
  GstPad *sinkpad = user_data;

  /* posted from a streaming thread: the application stops the pipeline */
  if (!gst_pad_is_linked (sinkpad))
    GST_ELEMENT_ERROR (decodebin, STREAM, WRONG_TYPE,
        ("no audio stream in the input"), (NULL));
}

static void
unref_pad (gpointer data, GClosure * closure)
{
  gst_object_unref (data);
}

static GstElement *
make_element (const gchar * factory, const gchar * name, GError ** error)
{
  GstElement *e = gst_element_factory_make (factory, name);

  if (e == NULL)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "GStreamer element '%s' is missing (install gstreamer1.0-plugins-base)",
        factory);
  return e;
}

static void
apply_options (GstElement * analyzer, GstElement * feedback,
    const AuraFileOptions * opt)
{
  if (opt == NULL)
    return;
  if (opt->min_pause > 0)
    g_object_set (analyzer, "min-pause",
        (guint64) (opt->min_pause * GST_SECOND), NULL);
  if (opt->interval > 0)
    g_object_set (analyzer, "interval",
        (guint64) (opt->interval * GST_SECOND), NULL);
  if (opt->language) {
    g_object_set (analyzer, "language", opt->language, NULL);
    g_object_set (feedback, "language", opt->language, NULL);
  }
  if (opt->profile)
    g_object_set (feedback, "profile", opt->profile, NULL);
}

gboolean
aura_file_pipeline_add (GstElement * pipeline, const gchar * uri,
    const AuraFileOptions * opt, const gchar * speaker, GstElement * sink,
    GError ** error)
{
  const gchar *factories[] = { "uridecodebin", "audioconvert",
    "audioresample", "auraanalyzer", "aurafeedback"
  };
  GstElement *e[G_N_ELEMENTS (factories) + 1];
  GstPad *convpad;
  guint i;

  if (sink == NULL) {
    sink = make_element ("fakesink", NULL, error);
    if (sink == NULL)
      return FALSE;
    g_object_set (sink, "sync", FALSE, NULL);
  }
  gst_bin_add (GST_BIN (pipeline), sink);
  for (i = 0; i < G_N_ELEMENTS (factories); i++) {
    e[i] = make_element (factories[i], NULL, error);
    if (e[i] == NULL)
      return FALSE;
    gst_bin_add (GST_BIN (pipeline), e[i]);
  }
  e[G_N_ELEMENTS (factories)] = sink;
  if (!gst_element_link_many (e[1], e[2], e[3], e[4], e[5], NULL)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "cannot link audioconvert ! audioresample ! auraanalyzer ! "
        "aurafeedback ! %s", GST_ELEMENT_NAME (sink));
    return FALSE;
  }
  g_object_set (e[0], "uri", uri, NULL);
  apply_options (e[3], e[4], opt);
  if (speaker)
    g_object_set (e[3], "speaker", speaker, NULL);

  /* the pad lives as long as the pipeline, which owns the handlers */
  convpad = gst_element_get_static_pad (e[1], "sink");
  g_signal_connect_data (e[0], "pad-added", G_CALLBACK (on_pad_added),
      gst_object_ref (convpad), unref_pad, 0);
  g_signal_connect_data (e[0], "no-more-pads", G_CALLBACK (on_no_more_pads),
      convpad, unref_pad, 0);
  return TRUE;
}

GstElement *
aura_file_pipeline_new (const gchar * uri, const AuraFileOptions * opt,
    GstElement * sink, GError ** error)
{
  GstElement *pipeline = gst_pipeline_new ("aura-analyze");

  if (!aura_file_pipeline_add (pipeline, uri, opt, NULL, sink, error)) {
    gst_object_unref (pipeline);
    return NULL;
  }
  return pipeline;
}
