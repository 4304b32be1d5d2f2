/* AURA — analysing uploaded recordings: typefinding, a temporary file, and a
 * bounded pool of workers each running the analysis pipeline into the
 * session database (aura-file-pipeline.h ! aurasessionsink). */
#ifndef __AURA_UPLOADS_H__
#define __AURA_UPLOADS_H__

#include <glib.h>

#include "store/aura-db.h"

G_BEGIN_DECLS
#define AURA_UPLOADS_ERROR (aura_uploads_error_quark ())
/* A job whose stream position stops advancing this long has failed; one
 * that has reported no position at all, after this shorter time. */
#define AURA_UPLOADS_STALL_US (60 * G_USEC_PER_SEC)
#define AURA_UPLOADS_START_US (15 * G_USEC_PER_SEC)
    typedef enum
{
  AURA_UPLOADS_ERROR_FULL,      /* the queue is full: 503 */
  AURA_UPLOADS_ERROR_TYPE,      /* not audio, nor media with audio: 415 */
  AURA_UPLOADS_ERROR_INVALID,   /* a bad field: 400 */
  AURA_UPLOADS_ERROR_FAILED,    /* could not store it: 500 */
} AuraUploadsError;

typedef struct
{
  const gchar *title, *speaker, *language, *profile;
  const gchar *filename;        /* the client's name for it, stored as source */
  const gchar *request_id;      /* of the POST, in the worker's log lines */
} AuraUploadInfo;

typedef struct
{
  guint waiting, running;
  guint64 completed, failed;
} AuraUploadsStats;

typedef struct _AuraUploads AuraUploads;

GQuark aura_uploads_error_quark (void);

AuraUploads *aura_uploads_new (AuraDb * db, guint workers, guint limit);
/* Waits for the running jobs; waiting ones are left 'queued' (the next open
 * of the database marks them interrupted). */
void aura_uploads_free (AuraUploads * uploads);

/* Checks @data's type, stores it and queues its analysis: the new session id
 * (its row 'queued'), or NULL with an AURA_UPLOADS_ERROR. */
gchar *aura_uploads_submit (AuraUploads * uploads, GBytes * data,
    const AuraUploadInfo * info, GError ** error);

/* Progress 0..1 of a job waiting or running in this process; FALSE when
 * there is none with that id. */
gboolean aura_uploads_get_progress (AuraUploads * uploads, const gchar * id,
    gdouble * progress);

void aura_uploads_get_stats (AuraUploads * uploads, AuraUploadsStats * stats);

/* The caps' media type if @data looks like audio or a media container, else
 * NULL. */
gchar *aura_uploads_media_type (GBytes * data);

G_END_DECLS
#endif /* __AURA_UPLOADS_H__ */
