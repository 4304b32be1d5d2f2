/* AURA — HTTP handlers of the system domain: the one health module (/health
 * and /api/v1/health tell the same checks, at two levels of detail),
 * Prometheus /metrics and the dashboard page. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gio/gio.h>

#include "aura-server-private.h"
#include "aura-live.h"
#include "store/aura-store.h"

typedef struct
{
  gboolean db_ok;
  gint schema_version;
  gchar *db_error;
  gint recording, queued;
  gdouble uptime_s;
} Health;

/* The checks behind both health routes. */
static void
health_check (AuraServer * server, Health * h)
{
  GError *error = NULL;

  h->schema_version = aura_db_schema_version (server->db, &error);
  h->db_ok = h->schema_version >= 0;
  h->db_error = error ? g_strdup (error->message) : NULL;
  g_clear_error (&error);
  h->recording = h->db_ok ? aura_db_count_sessions (server->db,
      "recording") : -1;
  h->queued = h->db_ok ? aura_db_count_sessions (server->db, "queued") : -1;
  h->uptime_s = (g_get_monotonic_time () - server->started_us) / 1e6;
}

static JsonObject *
health_object (const Health * h)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "status", h->db_ok ? "ok" : "degraded");
  json_object_set_string_member (obj, "version", VERSION);
  json_object_set_double_member (obj, "uptime_s", h->uptime_s);
  return obj;
}

void
aura_http_health_minimal (AuraRequest * req)
{
  Health h;

  health_check (req->server, &h);
  aura_send_object (req, h.db_ok ? 200 : 503, health_object (&h));
  g_free (h.db_error);
}

void
aura_http_health (AuraRequest * req)
{
  AuraUploadsStats up;
  Health h;
  JsonObject *obj, *db = json_object_new (), *uploads = json_object_new ();

  health_check (req->server, &h);
  obj = health_object (&h);
  json_object_set_string_member (db, "path", aura_db_get_path
      (req->server->db));
  json_object_set_boolean_member (db, "reachable", h.db_ok);
  json_object_set_int_member (db, "schema_version", h.schema_version);
  if (h.db_error)
    json_object_set_string_member (db, "error", h.db_error);
  json_object_set_object_member (obj, "database", db);
  json_object_set_int_member (obj, "active_sessions", MAX (h.recording, 0));
  json_object_set_int_member (obj, "websocket_clients",
      aura_live_client_count (req->server));
  aura_uploads_get_stats (req->server->uploads, &up);
  json_object_set_int_member (uploads, "waiting", up.waiting);
  json_object_set_int_member (uploads, "running", up.running);
  json_object_set_int_member (uploads, "queued_sessions", MAX (h.queued, 0));
  json_object_set_object_member (obj, "uploads", uploads);
  aura_send_object (req, h.db_ok ? 200 : 503, obj);
  g_free (h.db_error);
}

void
aura_http_prometheus (AuraRequest * req)
{
  AuraServer *server = req->server;
  GString *out = g_string_new (NULL);
  AuraStoreStats store;
  AuraUploadsStats up;
  Health h;

  health_check (server, &h);
  aura_store_get_process_stats (&store);
  aura_uploads_get_stats (server->uploads, &up);
  aura_prom_write_requests (server->prom, out);
  aura_prom_write_gauge (out, "aura_up", "1 when the session database "
      "answers.", h.db_ok ? 1 : 0);
  aura_prom_write_gauge (out, "aura_uptime_seconds", "Seconds since the "
      "server started.", h.uptime_s);
  aura_prom_write_gauge (out, "aura_active_sessions", "Sessions being "
      "recorded in the database, by any process.", MAX (h.recording, 0));
  aura_prom_write_gauge (out, "aura_websocket_clients", "Live WebSocket "
      "clients connected.", aura_live_client_count (server));
  aura_prom_write_counter (out, "aura_analysis_intervals_total",
      "aura-metrics intervals recorded by this process.",
      store.metrics_recorded);
  aura_prom_write_gauge (out, "aura_writer_queue_depth", "Records waiting "
      "for the session writers of this process.", store.queue_depth);
  aura_prom_write_counter (out, "aura_dropped_records_total", "Records the "
      "session writers of this process dropped for lack of queue room.",
      store.records_dropped);
  aura_prom_write_gauge (out, "aura_uploads_waiting", "Uploads waiting for "
      "a worker.", up.waiting);
  aura_prom_write_gauge (out, "aura_uploads_running", "Uploads being "
      "analysed.", up.running);
  aura_prom_write_counter (out, "aura_uploads_completed_total", "Uploads "
      "analysed to the end.", up.completed);
  aura_prom_write_counter (out, "aura_uploads_failed_total", "Uploads that "
      "could not be analysed.", up.failed);
  aura_prom_write_counter (out, "aura_live_records_total", "Records "
      "published to live clients by this process.", aura_live_get_published ());
  soup_server_message_set_status (req->msg, 200, NULL);
  soup_server_message_set_response (req->msg,
      "text/plain; version=0.0.4; charset=utf-8", SOUP_MEMORY_TAKE,
      out->str, out->len);
  g_string_free (out, FALSE);
  g_free (h.db_error);
}

void
aura_http_dashboard (AuraRequest * req)
{
  GBytes *page = g_resources_lookup_data ("/org/aura/dashboard/index.html",
      G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  SoupMessageHeaders *h = soup_server_message_get_response_headers (req->msg);
  gsize len;
  const gchar *data;

  if (page == NULL) {
    aura_send_error (req, 404, "not_found", "The dashboard is not built in");
    return;
  }
  data = g_bytes_get_data (page, &len);
  soup_message_headers_replace (h, "Content-Security-Policy",
      "default-src 'self'; style-src 'self' 'unsafe-inline'; "
      "script-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:");
  soup_message_headers_replace (h, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_status (req->msg, 200, NULL);
  soup_server_message_set_response (req->msg, "text/html; charset=utf-8",
      SOUP_MEMORY_COPY, data, len);
  g_bytes_unref (page);
}
