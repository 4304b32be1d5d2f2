/* AURA — what the HTTP handlers (one file per domain: sessions, analytics,
 * live, system) share with the server core. */
#ifndef __AURA_SERVER_PRIVATE_H__
#define __AURA_SERVER_PRIVATE_H__

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "aura-server.h"
#include "aura-prom.h"
#include "aura-uploads.h"
#include "store/aura-db.h"

G_BEGIN_DECLS
#define AURA_HTTP_LOG_DOMAIN "aura-http"
/* Longest request target (path and query) accepted. */
#define AURA_SERVER_MAX_URL 4096
    struct _AuraServer
{
  /* configuration (copies) */
  gchar *address, *token;
  gchar **cors_origins;
  guint port;
  gboolean loopback;            /* bound to a loopback address */
  gsize max_body;
  guint max_ws_clients, keepalive_s, follow_ms;

  GMainContext *context;
  SoupServer *soup;
  AuraDb *db;
  AuraProm *prom;
  AuraUploads *uploads;
  gint64 started_us;
  GList *live_clients;          /* AuraLiveClient, in the main context */
};

typedef struct
{
  AuraServer *server;
  SoupServerMessage *msg;
  const gchar *method;
  const gchar *path;
  GHashTable *query;            /* may be NULL */
  const gchar *request_id;
  gchar *id;                    /* the {id} path segment, if any */
} AuraRequest;

typedef void (*AuraHandler) (AuraRequest * req);

/* Responses: JSON bodies, and the one error shape
 * {"error": {"code": "not_found", "message": "..."}}. */
void aura_send_json (AuraRequest * req, guint status, JsonNode * node);
/* Takes @obj. */
void aura_send_object (AuraRequest * req, guint status, JsonObject * obj);
void
aura_send_error (AuraRequest * req, guint status, const gchar * code,
    const gchar * format, ...)
G_GNUC_PRINTF (4, 5);
/* The error of an AuraDb call as a response (404, 409, 400, 503, 500). */
     void aura_send_db_error (AuraRequest * req, const GError * error);

/* Query parameters; on a bad value they answer 400 and return FALSE. */
     const gchar *aura_query_get (AuraRequest * req, const gchar * name);
     gboolean aura_query_uint (AuraRequest * req, const gchar * name, guint min,
    guint max, guint def, guint * out);
     gboolean aura_query_seconds (AuraRequest * req, const gchar * name,
    gdouble * out);
     gboolean aura_query_time (AuraRequest * req, const gchar * name,
    gchar ** out);
     gboolean aura_query_text (AuraRequest * req, const gchar * name,
    gsize max_len, const gchar ** out);

/* The handlers, by domain. */
     void aura_http_list_sessions (AuraRequest * req);
     void aura_http_create_session (AuraRequest * req);
     void aura_http_get_session (AuraRequest * req);
     void aura_http_patch_session (AuraRequest * req);
     void aura_http_delete_session (AuraRequest * req);
     void aura_http_get_metrics (AuraRequest * req);
     void aura_http_get_feedback (AuraRequest * req);
     void aura_http_get_report (AuraRequest * req);
     void aura_http_analytics (AuraRequest * req);
     void aura_http_live (AuraRequest * req);
     void aura_http_health_minimal (AuraRequest * req);
     void aura_http_health (AuraRequest * req);
     void aura_http_prometheus (AuraRequest * req);
     void aura_http_dashboard (AuraRequest * req);

/* The live WebSocket (aura-http-live.c). */
     void aura_live_websocket_cb (SoupServer * soup, SoupServerMessage * msg,
    const char *path, SoupWebsocketConnection * conn, gpointer user_data);
     guint aura_live_client_count (AuraServer * server);
     void aura_live_close_all (AuraServer * server);

G_END_DECLS
#endif /* __AURA_SERVER_PRIVATE_H__ */
