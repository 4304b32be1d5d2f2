/* AURA — aurafeedback with an AI service: the narrative when the service
 * answers, the rule-based report alone (and a warning) when it is slow, failing
 * or absent, and never a wait past ai-timeout at end of stream. The service is a
 * SoupServer on 127.0.0.1 started by the test. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <libsoup/soup.h>
#include <string.h>

#include "gstauraelements.h"
#include "aura-schema.h"

#define NARRATIVE "You kept a steady volume. Slow down a little."

typedef struct
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  guint port;
  GMutex lock;
  GCond ready;
  gboolean started;
} Fake;

static void
handle (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  static const char ok[] = "{\"choices\":[{\"message\":{\"role\":"
      "\"assistant\",\"content\":\"" NARRATIVE "\"}}]}";

  if (strcmp (path, "/ok") == 0) {
    soup_server_message_set_status (msg, 200, NULL);
    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_STATIC, ok, strlen (ok));
  } else if (strcmp (path, "/slow") == 0) {
    /* never answers */
    soup_server_message_pause (msg);
  } else {
    soup_server_message_set_status (msg, 500, NULL);
  }
}

static gpointer
serve (gpointer data)
{
  Fake *f = data;
  GSList *uris;

  g_main_context_push_thread_default (f->context);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle, f, NULL);
  fail_unless (soup_server_listen_local (f->server, 0,
          SOUP_SERVER_LISTEN_IPV4_ONLY, NULL));
  uris = soup_server_get_uris (f->server);
  f->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_mutex_lock (&f->lock);
  f->started = TRUE;
  g_cond_signal (&f->ready);
  g_mutex_unlock (&f->lock);
  g_main_loop_run (f->loop);
  soup_server_disconnect (f->server);
  g_object_unref (f->server);
  g_main_context_pop_thread_default (f->context);
  return NULL;
}

static Fake *
fake_start (void)
{
  Fake *f = g_new0 (Fake, 1);

  g_mutex_init (&f->lock);
  g_cond_init (&f->ready);
  f->context = g_main_context_new ();
  f->loop = g_main_loop_new (f->context, FALSE);
  f->thread = g_thread_new ("fake-ai", serve, f);
  g_mutex_lock (&f->lock);
  while (!f->started)
    g_cond_wait (&f->ready, &f->lock);
  g_mutex_unlock (&f->lock);
  return f;
}

static void
fake_stop (Fake * f)
{
  g_main_loop_quit (f->loop);
  g_thread_join (f->thread);
  g_main_loop_unref (f->loop);
  g_main_context_unref (f->context);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->ready);
  g_free (f);
}

/* Runs 30 s of too-fast speech through aurafeedback with @url, then EOS;
 * returns the aura-report and the time EOS took in @eos_us, and whether a
 * warning was posted. */
static GstStructure *
run_session (const gchar * url, gint64 * eos_us, gboolean * warned)
{
  GstElement *e = gst_element_factory_make ("aurafeedback", NULL);
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  GstStructure *report = NULL;
  GstMessage *msg;
  gint64 t0;
  gint t;

  g_object_set (e, "ai-url", url, "ai-model", "test-model",
      "ai-timeout", (guint64) (500 * GST_MSECOND), NULL);
  gst_element_set_bus (e, bus);
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  gst_harness_set_src_caps_str (h, "audio/x-raw, format=S16LE, "
      "layout=interleaved, rate=16000, channels=1");
  for (t = 0; t < 30; t++) {
    GstStructure *s = gst_structure_new (AURA_METRICS_NAME,
        "timestamp", G_TYPE_UINT64, (guint64) t * GST_SECOND,
        "stream-time", G_TYPE_UINT64, (guint64) t * GST_SECOND,
        "duration", G_TYPE_UINT64, GST_SECOND,
        "speech-ratio", G_TYPE_DOUBLE, 0.9,
        "wpm", G_TYPE_DOUBLE, 200.0,
        "loudness-short-term", G_TYPE_DOUBLE, -25.0, NULL);
    gst_harness_push_event (h, gst_event_new_custom
        (GST_EVENT_CUSTOM_DOWNSTREAM, s));
  }
  t0 = g_get_monotonic_time ();
  gst_harness_push_event (h, gst_event_new_eos ());
  *eos_us = g_get_monotonic_time () - t0;
  *warned = FALSE;
  while ((msg = gst_bus_pop (bus))) {
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING)
      *warned = TRUE;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
        && gst_structure_has_name (gst_message_get_structure (msg),
            AURA_REPORT_NAME))
      report = gst_structure_copy (gst_message_get_structure (msg));
    gst_message_unref (msg);
  }
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  fail_unless (report != NULL);
  return report;
}

GST_START_TEST (test_narrative)
{
  Fake *f = fake_start ();
  gchar *url = g_strdup_printf ("http://127.0.0.1:%u/ok", f->port);
  gint64 us;
  gboolean warned;
  GstStructure *r = run_session (url, &us, &warned);
  GError *err = NULL;

  fail_unless (aura_schema_validate (r, &err), "%s", err ? err->message : "");
  fail_unless_equals_string (gst_structure_get_string (r, "narrative"),
      NARRATIVE);
  fail_unless (strstr (gst_structure_get_string (r, "json"),
          "\"narrative\":\"" NARRATIVE "\"") != NULL);
  fail_if (warned);
  gst_structure_free (r);
  g_free (url);
  fake_stop (f);
}

GST_END_TEST;

/* Slow, failing and absent services: the report without a narrative, a warning,
 * and end of stream within the 0.5 s deadline (plus slack). */
static void
check_degraded (const gchar * path, gboolean server)
{
  Fake *f = server ? fake_start () : NULL;
  gchar *url = g_strdup_printf ("http://127.0.0.1:%u%s", f ? f->port : 9u,
      path);
  gint64 us;
  gboolean warned;
  GstStructure *r = run_session (url, &us, &warned);
  gdouble pace;

  fail_unless (gst_structure_get_string (r, "narrative") == NULL);
  fail_unless (warned, "no warning for %s", path);
  fail_unless (us < 1500 * G_TIME_SPAN_MILLISECOND, "EOS took %"
      G_GINT64_FORMAT " us for %s", us, path);
  /* the rule-based report is complete */
  fail_unless (gst_structure_get_double (r, "score-pace", &pace));
  fail_unless (strstr (gst_structure_get_string (r, "improvements"),
          "pace.too-fast") != NULL);
  gst_structure_free (r);
  g_free (url);
  if (f)
    fake_stop (f);
}

GST_START_TEST (test_slow_service)
{
  check_degraded ("/slow", TRUE);
}

GST_END_TEST;

GST_START_TEST (test_failing_service)
{
  check_degraded ("/error", TRUE);
}

GST_END_TEST;

GST_START_TEST (test_absent_service)
{
  check_degraded ("/ok", FALSE);
}

GST_END_TEST;

GST_START_TEST (test_bad_url_is_a_warning)
{
  gint64 us;
  gboolean warned;
  GstStructure *r = run_session ("ftp://example.org/x", &us, &warned);

  fail_unless (warned);
  fail_unless (gst_structure_get_string (r, "narrative") == NULL);
  gst_structure_free (r);
}

GST_END_TEST;

static Suite *
feedback_ai_suite (void)
{
  Suite *s = suite_create ("aurafeedback-ai");
  TCase *tc = tcase_create ("general");

  aura_elements_register_static ();
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_narrative);
  tcase_add_test (tc, test_slow_service);
  tcase_add_test (tc, test_failing_service);
  tcase_add_test (tc, test_absent_service);
  tcase_add_test (tc, test_bad_url_is_a_warning);
  return s;
}

GST_CHECK_MAIN (feedback_ai);
