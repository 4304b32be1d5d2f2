/* AURA — the optional AI narrative of the coaching report. See aura-narrative.h. */
#include "aura-narrative.h"

typedef struct
{
  AuraAiClient *client;
  gchar *system_prompt, *user_prompt;
  GCancellable *cancellable;
  GMutex lock;
  GCond done_cond;
  gboolean done;
  gchar *text;
  GError *error;
} Job;

static gpointer
run_job (gpointer data)
{
  Job *job = data;
  GError *error = NULL;
  gchar *text = aura_ai_client_complete (job->client, job->system_prompt,
      job->user_prompt, NULL, job->cancellable, &error);

  g_mutex_lock (&job->lock);
  job->text = text;
  job->error = error;
  job->done = TRUE;
  g_cond_signal (&job->done_cond);
  g_mutex_unlock (&job->lock);
  return NULL;
}

gchar *
aura_narrative_request (AuraAiClient * client, const gchar * language_name,
    const gchar * facts_json, guint deadline_ms, GError ** error)
{
  Job job = { 0 };
  GThread *thread;
  gint64 end = g_get_monotonic_time () + (gint64) deadline_ms * 1000;
  gchar *text;

  job.client = client;
  /* the facts come from the rules; the model only words them */
  job.system_prompt = g_strdup_printf ("You are a concise, encouraging "
      "public-speaking coach. Write 3 to 5 sentences in %s for the speaker, "
      "from the session report given as JSON: what went well, then the most "
      "useful improvements. Use only the facts and numbers in the report; do "
      "not invent any.", language_name);
  job.user_prompt = g_strdup (facts_json);
  job.cancellable = g_cancellable_new ();
  g_mutex_init (&job.lock);
  g_cond_init (&job.done_cond);

  thread = g_thread_new ("aura-narrative", run_job, &job);
  g_mutex_lock (&job.lock);
  while (!job.done)
    if (!g_cond_wait_until (&job.done_cond, &job.lock, end))
      break;
  if (!job.done) {
    /* past the deadline: cancel, and wait for the worker to notice */
    g_mutex_unlock (&job.lock);
    g_cancellable_cancel (job.cancellable);
    g_thread_join (thread);
    thread = NULL;
    g_clear_error (&job.error);
    g_free (job.text);
    job.text = NULL;
    g_set_error (&job.error, AURA_AI_CLIENT_ERROR,
        AURA_AI_CLIENT_ERROR_TIMEOUT, "no narrative within %u ms", deadline_ms);
  } else {
    g_mutex_unlock (&job.lock);
    g_thread_join (thread);
  }
  text = job.text;
  if (job.error)
    g_propagate_error (error, job.error);
  g_object_unref (job.cancellable);
  g_mutex_clear (&job.lock);
  g_cond_clear (&job.done_cond);
  g_free (job.system_prompt);
  g_free (job.user_prompt);
  return text;
}
