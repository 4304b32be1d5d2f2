/* AURA — the analysis pipeline of a recording, shared by `aura analyze` and
 * the HTTP API's uploads:
 *
 *   uridecodebin ! audioconvert ! audioresample ! auraanalyzer name=analyzer !
 *       aurafeedback name=feedback ! SINK
 *
 * uridecodebin is linked by hand: the first audio stream only (a video file's
 * sound track), and a clear "no audio stream" error when there is none.
 */
#ifndef __AURA_FILE_PIPELINE_H__
#define __AURA_FILE_PIPELINE_H__

#include <gst/gst.h>

G_BEGIN_DECLS typedef struct
{
  gdouble min_pause, interval;  /* seconds, 0: the element's default */
  const gchar *language, *profile;      /* NULL: the element's default */
} AuraFileOptions;

/* A file name or a URI as a URI. */
gchar *aura_input_to_uri (const gchar * input, GError ** error);

/* The pipeline over @uri ending in @sink (floating reference taken; NULL: a
 * fakesink sync=false). */
GstElement *aura_file_pipeline_new (const gchar * uri,
    const AuraFileOptions * options, GstElement * sink, GError ** error);

/* Adds one more such chain to @pipeline, its analyzer's speaker set to
 * @speaker (NULL: unset): several recordings of one session, one per
 * participant. */
gboolean aura_file_pipeline_add (GstElement * pipeline, const gchar * uri,
    const AuraFileOptions * options, const gchar * speaker, GstElement * sink,
    GError ** error);

G_END_DECLS
#endif /* __AURA_FILE_PIPELINE_H__ */
