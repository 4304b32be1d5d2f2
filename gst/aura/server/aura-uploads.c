/* AURA — analysing uploaded recordings.
 *
 * The HTTP thread checks the type (GStreamer's typefinders, on the bytes, not
 * the client's Content-Type), writes a temporary file and inserts the session
 * row 'queued'; a GThreadPool of `workers` threads runs each job's pipeline
 * to its end. At most `limit` jobs wait or run: past that, 503.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/base/gsttypefindhelper.h>

#include "aura-uploads.h"
#include "aura-file-pipeline.h"
#include "feedback/aura-rules.h"

GST_DEBUG_CATEGORY_STATIC (aura_uploads_debug);
#define GST_CAT_DEFAULT aura_uploads_debug

typedef struct
{
  gchar *id, *path, *language, *profile, *request_id;
  gdouble progress;             /* under the uploads' lock */
} Job;

struct _AuraUploads
{
  AuraDb *db;
  GThreadPool *pool;
  guint limit;
  GMutex lock;
  GHashTable *jobs;             /* id -> Job, waiting or running */
  guint running;
  guint64 completed, failed;
};

GQuark
aura_uploads_error_quark (void)
{
  return g_quark_from_static_string ("aura-uploads-error-quark");
}

static void
job_free (Job * job)
{
  g_free (job->id);
  g_free (job->path);
  g_free (job->language);
  g_free (job->profile);
  g_free (job->request_id);
  g_free (job);
}

/* Media types of containers that may carry an audio track; any audio/ and
 * video/ type passes as well (a video-only file fails at analysis with "no
 * audio stream"). */
static const gchar *const container_types[] = {
  "application/ogg", "application/x-id3", "application/x-apetag",
  "application/mxf", "application/x-3gp", "application/vnd.rn-realmedia",
  "video/mpegts", NULL
};

gchar *
aura_uploads_media_type (GBytes * data)
{
  GstTypeFindProbability prob = GST_TYPE_FIND_NONE;
  gsize size;
  const guint8 *bytes = g_bytes_get_data (data, &size);
  GstCaps *caps;
  gchar *type = NULL;

  if (size == 0)
    return NULL;
  caps = gst_type_find_helper_for_data (NULL, bytes, size, &prob);
  if (caps && !gst_caps_is_empty (caps) && !gst_caps_is_any (caps)) {
    const gchar *name = gst_structure_get_name (gst_caps_get_structure (caps,
            0));

    if (g_str_has_prefix (name, "audio/") || g_str_has_prefix (name, "video/")
        || g_strv_contains (container_types, name))
      type = g_strdup (name);
    GST_DEBUG ("typefind: %s (probability %d)", name, prob);
  }
  if (caps)
    gst_caps_unref (caps);
  return type;
}

static void
mark_failed (AuraUploads * uploads, Job * job, const gchar * error)
{
  GError *err = NULL;

  GST_WARNING ("upload %s (request %s) failed: %s", job->id, job->request_id,
      error);
  g_log_structured ("aura-http", G_LOG_LEVEL_MESSAGE, "AURA_REQUEST_ID",
      job->request_id, "MESSAGE", "request_id=%s upload=%s failed: %s",
      job->request_id, job->id, error);
  if (!aura_db_fail_session (uploads->db, job->id, error, &err)) {
    g_warning ("aura: upload %s failed (%s) and could not be marked "
        "failed: %s", job->id, error, err->message);
    g_clear_error (&err);
  }
}

/* Position / duration, or -1 when either is unknown. */
static gdouble
pipeline_progress (GstElement * pipeline, gint64 * position)
{
  gint64 pos = -1, dur = -1;

  if (!gst_element_query_position (pipeline, GST_FORMAT_TIME, &pos))
    pos = -1;
  *position = pos;
  if (pos < 0 || !gst_element_query_duration (pipeline, GST_FORMAT_TIME,
          &dur) || dur <= 0)
    return -1;
  return CLAMP ((gdouble) pos / dur, 0.0, 1.0);
}

static void
set_progress (AuraUploads * uploads, Job * job, gdouble progress)
{
  g_mutex_lock (&uploads->lock);
  job->progress = progress;
  g_mutex_unlock (&uploads->lock);
}

/* Runs the pipeline to EOS; the error message, or NULL on success. A failed
 * job's session is marked 'failed' before the pipeline stops, so that no
 * reader ever sees the 'interrupted' of a stop before end of stream. */
static gchar *
run_pipeline (AuraUploads * uploads, Job * job, GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 last_pos = -1, pos, last_move = g_get_monotonic_time ();
  gchar *error = NULL;
  gboolean done = FALSE;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    error = g_strdup ("cannot start the analysis pipeline");
  while (!done && error == NULL) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 250 * GST_MSECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    gdouble progress = pipeline_progress (pipeline, &pos);

    if (progress >= 0)
      set_progress (uploads, job, progress);
    if (pos != last_pos) {
      last_pos = pos;
      last_move = g_get_monotonic_time ();
    } else if (g_get_monotonic_time () - last_move > (last_pos < 0 ?
            AURA_UPLOADS_START_US : AURA_UPLOADS_STALL_US)) {
      /* e.g. a demuxer error lost while decodebin autoplugs */
      error = g_strdup_printf ("the analysis stalled (no progress for %d s)",
          (gint) ((last_pos < 0 ? AURA_UPLOADS_START_US :
                  AURA_UPLOADS_STALL_US) / G_USEC_PER_SEC));
    }
    if (msg == NULL)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      error = g_strdup (err->message);
      g_error_free (err);
    } else {
      done = TRUE;
    }
    gst_message_unref (msg);
  }
  if (error)
    mark_failed (uploads, job, error);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  return error;
}

static gchar *
analyse (AuraUploads * uploads, Job * job)
{
  AuraFileOptions opt = { 0.0, 0.0, job->language, job->profile };
  GError *err = NULL;
  GstElement *sink, *pipeline;
  gchar *uri, *error;

  uri = gst_filename_to_uri (job->path, &err);
  sink = gst_element_factory_make ("aurasessionsink", NULL);
  if (uri == NULL || sink == NULL) {
    error = g_strdup (err ? err->message : "aurasessionsink is missing");
    g_clear_error (&err);
    if (sink)
      gst_object_unref (sink);
    g_free (uri);
    mark_failed (uploads, job, error);
    return error;
  }
  g_object_set (sink, "location", aura_db_get_path (uploads->db),
      "session-id", job->id, NULL);
  pipeline = aura_file_pipeline_new (uri, &opt, sink, &err);
  g_free (uri);
  if (pipeline == NULL) {
    error = g_strdup (err->message);
    g_error_free (err);
    mark_failed (uploads, job, error);
    return error;
  }
  error = run_pipeline (uploads, job, pipeline);
  gst_object_unref (pipeline);
  return error;
}

static void
worker (gpointer data, gpointer user_data)
{
  AuraUploads *uploads = user_data;
  Job *job = data;
  gchar *error;

  g_mutex_lock (&uploads->lock);
  uploads->running++;
  g_mutex_unlock (&uploads->lock);

  GST_INFO ("analysing upload %s (request %s)", job->id, job->request_id);
  error = analyse (uploads, job);
  g_unlink (job->path);

  g_mutex_lock (&uploads->lock);
  uploads->running--;
  if (error)
    uploads->failed++;
  else
    uploads->completed++;
  g_hash_table_remove (uploads->jobs, job->id);
  g_mutex_unlock (&uploads->lock);
  g_free (error);
}

AuraUploads *
aura_uploads_new (AuraDb * db, guint workers, guint limit)
{
  AuraUploads *uploads = g_new0 (AuraUploads, 1);

  GST_DEBUG_CATEGORY_INIT (aura_uploads_debug, "aurauploads", 0,
      "AURA HTTP uploads");
  uploads->db = db;
  uploads->limit = MAX (limit, 1);
  g_mutex_init (&uploads->lock);
  uploads->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) job_free);
  uploads->pool = g_thread_pool_new (worker, uploads, MAX (workers, 1), TRUE,
      NULL);
  return uploads;
}

void
aura_uploads_free (AuraUploads * uploads)
{
  if (uploads == NULL)
    return;
  /* running jobs finish, waiting ones are dropped (left 'queued') with their
   * temporary files */
  g_thread_pool_free (uploads->pool, TRUE, TRUE);
  {
    GHashTableIter iter;
    gpointer job;

    g_hash_table_iter_init (&iter, uploads->jobs);
    while (g_hash_table_iter_next (&iter, NULL, &job))
      g_unlink (((Job *) job)->path);
  }
  g_hash_table_unref (uploads->jobs);
  g_mutex_clear (&uploads->lock);
  g_free (uploads);
}

static gboolean
check_info (const AuraUploadInfo * info, GError ** error)
{
  AuraTargets targets;

  if (info->language && g_strcmp0 (info->language, "en") != 0 &&
      g_strcmp0 (info->language, "fr") != 0) {
    g_set_error (error, AURA_UPLOADS_ERROR, AURA_UPLOADS_ERROR_INVALID,
        "language must be en or fr");
    return FALSE;
  }
  if (info->profile && aura_targets_builtin (info->profile, "en", &targets) < 0) {
    g_set_error (error, AURA_UPLOADS_ERROR, AURA_UPLOADS_ERROR_INVALID,
        "unknown profile (presentation, lecture, conversation, webinar, "
        "podcast, broadcast)");
    return FALSE;
  }
  return TRUE;
}

/* Writes @data to a new private temporary file; its path or NULL. */
static gchar *
store_temporary (GBytes * data, GError ** error)
{
  gchar *path = NULL;
  gsize size;
  const guint8 *bytes = g_bytes_get_data (data, &size);
  gint fd = g_file_open_tmp ("aura-upload-XXXXXX", &path, error);

  if (fd < 0)
    return NULL;
  close (fd);
  if (!g_file_set_contents_full (path, (const gchar *) bytes, size,
          G_FILE_SET_CONTENTS_NONE, 0600, error)) {
    g_unlink (path);
    g_free (path);
    return NULL;
  }
  return path;
}

gchar *
aura_uploads_submit (AuraUploads * uploads, GBytes * data,
    const AuraUploadInfo * info, GError ** error)
{
  GError *err = NULL;
  gchar *type, *path;
  Job *job;
  gboolean full;

  if (!check_info (info, error))
    return NULL;
  g_mutex_lock (&uploads->lock);
  full = g_hash_table_size (uploads->jobs) >= uploads->limit;
  g_mutex_unlock (&uploads->lock);
  if (full) {
    g_set_error (error, AURA_UPLOADS_ERROR, AURA_UPLOADS_ERROR_FULL,
        "%u uploads are already waiting or being analysed", uploads->limit);
    return NULL;
  }
  type = aura_uploads_media_type (data);
  if (type == NULL) {
    g_set_error (error, AURA_UPLOADS_ERROR, AURA_UPLOADS_ERROR_TYPE,
        "the upload is neither audio nor a media file with an audio track");
    return NULL;
  }
  g_free (type);
  path = store_temporary (data, &err);
  if (path == NULL) {
    g_set_error (error, AURA_UPLOADS_ERROR, AURA_UPLOADS_ERROR_FAILED,
        "cannot store the upload: %s", err->message);
    g_error_free (err);
    return NULL;
  }

  job = g_new0 (Job, 1);
  job->id = g_uuid_string_random ();
  job->path = path;
  job->language = g_strdup (info->language);
  job->profile = g_strdup (info->profile);
  job->request_id = g_strdup (info->request_id ? info->request_id : "-");
  if (!aura_db_queue_upload (uploads->db, job->id, info->title, info->speaker,
          info->language, info->profile, info->filename, &err)) {
    g_set_error (error, AURA_UPLOADS_ERROR, AURA_UPLOADS_ERROR_FAILED,
        "cannot record the upload: %s", err->message);
    g_error_free (err);
    g_unlink (path);
    job_free (job);
    return NULL;
  }
  g_mutex_lock (&uploads->lock);
  g_hash_table_insert (uploads->jobs, job->id, job);
  g_mutex_unlock (&uploads->lock);
  g_thread_pool_push (uploads->pool, job, NULL);
  return g_strdup (job->id);
}

gboolean
aura_uploads_get_progress (AuraUploads * uploads, const gchar * id,
    gdouble * progress)
{
  Job *job;

  g_mutex_lock (&uploads->lock);
  job = g_hash_table_lookup (uploads->jobs, id);
  if (job)
    *progress = job->progress;
  g_mutex_unlock (&uploads->lock);
  return job != NULL;
}

void
aura_uploads_get_stats (AuraUploads * uploads, AuraUploadsStats * stats)
{
  g_mutex_lock (&uploads->lock);
  stats->running = uploads->running;
  stats->waiting = g_hash_table_size (uploads->jobs) - uploads->running;
  stats->completed = uploads->completed;
  stats->failed = uploads->failed;
  g_mutex_unlock (&uploads->lock);
}
