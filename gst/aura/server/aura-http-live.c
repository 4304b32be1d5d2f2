/* AURA — the live WebSocket: GET /api/v1/sessions/{id}/live.
 *
 * A session recorded by this process (aurasessionsink here, or an upload's
 * worker) reaches its clients through the live hub as each record is made. A
 * session recorded by another process is followed in the database: new rows
 * every follow_ms (they are there once its writer commits, within a second).
 * Either way a client gets {"type":"hello"}, the records from the time it
 * connected, and {"type":"end"} before a normal close. libsoup pings every
 * keepalive_s; a client that lets more than LIVE_MAX_PENDING records pile up
 * is closed (1008) rather than allowed to hold memory or the recording.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "aura-server-private.h"
#include "aura-live.h"

#define LIVE_MAX_PENDING 64

typedef struct
{
  AuraServer *server;
  SoupWebsocketConnection *conn;
  gchar *id;
  AuraLiveSubscription *sub;
  GSource *follow;
  gint64 last_metrics, last_feedback;
} LiveClient;

guint
aura_live_client_count (AuraServer * server)
{
  return g_list_length (server->live_clients);
}

static void
send_node (LiveClient * c, JsonNode * node)
{
  gchar *text = json_to_string (node, FALSE);

  if (soup_websocket_connection_get_state (c->conn) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (c->conn, text);
  g_free (text);
}

static void
send_object (LiveClient * c, JsonObject * obj)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), obj);

  /* takes @obj */
  json_object_unref (obj);
  send_node (c, node);
  json_node_unref (node);
}

static void
send_status (LiveClient * c, const gchar * type, const gchar * status)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "type", type);
  json_object_set_string_member (obj, "session_id", c->id);
  json_object_set_string_member (obj, "status", status);
  send_object (c, obj);
}

static void
stop_feeds (LiveClient * c)
{
  g_clear_pointer (&c->sub, aura_live_unsubscribe);
  if (c->follow) {
    g_source_destroy (c->follow);
    g_clear_pointer (&c->follow, g_source_unref);
  }
}

static void
end_session (LiveClient * c, const gchar * status)
{
  stop_feeds (c);
  send_status (c, "end", status);
  soup_websocket_connection_close (c->conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
      "end of session");
}

/* From the hub, in the server's main context. */
static void
on_live (AuraLiveEvent event, const gchar * json, gpointer user_data)
{
  LiveClient *c = user_data;

  switch (event) {
    case AURA_LIVE_RECORD:
      if (soup_websocket_connection_get_state (c->conn) ==
          SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (c->conn, json);
      break;
    case AURA_LIVE_END:
      end_session (c, json ? json : "completed");
      break;
    case AURA_LIVE_OVERFLOW:
      stop_feeds (c);
      soup_websocket_connection_close (c->conn,
          SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "client too slow");
      break;
  }
}

static void
send_records (LiveClient * c, AuraDbRecords kind, gint64 * last)
{
  JsonArray *records = aura_db_get_records (c->server->db, kind, c->id, NAN,
      NAN, NULL, *last, last, NULL);
  guint i;

  if (records == NULL)
    return;
  for (i = 0; i < json_array_get_length (records); i++)
    send_node (c, json_array_get_element (records, i));
  json_array_unref (records);
}

/* The session's status now, NULL when it is gone. A database busy or failing
 * for a moment reads as "recording": following goes on and asks again. */
static gchar *
session_status (LiveClient * c)
{
  GError *error = NULL;
  JsonObject *obj = aura_db_get_session (c->server->db, c->id, FALSE, &error);
  gchar *status = NULL;

  if (obj) {
    status = g_strdup (json_object_get_string_member (obj, "status"));
    json_object_unref (obj);
  } else if (!g_error_matches (error, AURA_DB_ERROR, AURA_DB_ERROR_NOT_FOUND)) {
    status = g_strdup ("recording");
  }
  g_clear_error (&error);
  return status;
}

/* @name of @obj when it is an object. */
static void
send_member (LiveClient * c, JsonObject * obj, const gchar * name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node && JSON_NODE_HOLDS_OBJECT (node))
    send_object (c, json_object_ref (json_node_get_object (node)));
}

/* What the hub sends at the end of a recording: every speaker's summary and
 * report (or the single speaker's), then the conversation. */
static void
send_documents (LiveClient * c)
{
  JsonObject *session = aura_db_get_session (c->server->db, c->id, TRUE,
      NULL);
  JsonArray *speakers;
  guint i;

  if (session == NULL)
    return;
  speakers = json_object_get_array_member (session, "speakers");
  for (i = 0; speakers && i < json_array_get_length (speakers); i++) {
    JsonObject *sp = json_array_get_object_element (speakers, i);

    send_member (c, sp, "summary");
    send_member (c, sp, "report");
  }
  if (speakers == NULL || json_array_get_length (speakers) == 0) {
    send_member (c, session, "summary");
    send_member (c, session, "report");
  }
  send_member (c, session, "conversation");
  json_object_unref (session);
}

static gboolean
still_running (const gchar * status)
{
  return g_strcmp0 (status, "recording") == 0 ||
      g_strcmp0 (status, "queued") == 0;
}

/* Another process records the session: new rows from the database. */
static gboolean
follow_tick (gpointer user_data)
{
  LiveClient *c = user_data;
  gchar *status = session_status (c);

  send_records (c, AURA_DB_METRICS, &c->last_metrics);
  send_records (c, AURA_DB_FEEDBACK, &c->last_feedback);
  if (!still_running (status)) {
    /* its last rows were committed with the status: send them all */
    send_records (c, AURA_DB_METRICS, &c->last_metrics);
    send_records (c, AURA_DB_FEEDBACK, &c->last_feedback);
    send_documents (c);
    g_clear_pointer (&c->follow, g_source_unref);
    end_session (c, status ? status : "deleted");
    g_free (status);
    return G_SOURCE_REMOVE;
  }
  g_free (status);
  return G_SOURCE_CONTINUE;
}

static void
start_following (LiveClient * c)
{
  /* from now on: the history is at .../metrics and .../feedback */
  g_clear_pointer (&c->follow, g_source_unref);
  c->last_metrics = aura_db_last_rowid (c->server->db, AURA_DB_METRICS);
  c->last_feedback = aura_db_last_rowid (c->server->db, AURA_DB_FEEDBACK);
  c->follow = g_timeout_source_new (c->server->follow_ms);
  g_source_set_callback (c->follow, follow_tick, c, NULL);
  g_source_attach (c->follow, c->server->context);
}

static void
on_closed (SoupWebsocketConnection * conn, gpointer user_data)
{
  LiveClient *c = user_data;

  stop_feeds (c);
  c->server->live_clients = g_list_remove (c->server->live_clients, c);
  g_signal_handlers_disconnect_by_data (conn, c);
  g_object_unref (c->conn);
  g_free (c->id);
  g_free (c);
}

/* Upgrade accepted: the connection is ours. */
void
aura_live_websocket_cb (SoupServer * soup, SoupServerMessage * msg,
    const char *path, SoupWebsocketConnection * conn, gpointer user_data)
{
  AuraServer *server = user_data;
  LiveClient *c = g_new0 (LiveClient, 1);
  gchar **parts = g_strsplit (path, "/", -1);
  gchar *status;

  /* /api/v1/sessions/{id}/live: the router checked the shape */
  c->server = server;
  c->conn = g_object_ref (conn);
  c->id = g_strdup (g_strv_length (parts) == 6 ? parts[4] : "");
  g_strfreev (parts);
  server->live_clients = g_list_prepend (server->live_clients, c);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), c);
  soup_websocket_connection_set_keepalive_interval (conn, server->keepalive_s);

  /* the feeds start before the hello goes out: a client that reacts to the
   * hello cannot make records the feeds then miss. Subscribing comes before
   * asking whether it records here, so that an end in between is delivered. */
  status = session_status (c);
  c->sub = aura_live_subscribe (c->id, server->context, LIVE_MAX_PENDING,
      on_live, c);
  if (!aura_live_is_recording (c->id)) {
    g_clear_pointer (&c->sub, aura_live_unsubscribe);
    if (still_running (status))
      start_following (c);
  }
  send_status (c, "hello", status ? status : "deleted");
  if (c->sub == NULL && c->follow == NULL)
    end_session (c, status ? status : "deleted");
  g_free (status);
}

/* Before the upgrade (main handler): refuse what should not connect. */
void
aura_http_live (AuraRequest * req)
{
  AuraServer *server = req->server;
  SoupMessageHeaders *in = soup_server_message_get_request_headers (req->msg);
  const gchar *origin = soup_message_headers_get_one (in, "Origin");
  const gchar *host = soup_message_headers_get_one (in, "Host");
  GError *error = NULL;
  JsonObject *obj;
  gchar *self_origin;
  gboolean same_origin;

  /* a page from elsewhere may not read live data without being allowed */
  /* the page's own origin, also behind an HTTPS reverse proxy */
  self_origin = g_strdup_printf ("://%s", host ? host : "");
  same_origin = origin == NULL || ((g_str_has_prefix (origin, "http://") ||
          g_str_has_prefix (origin, "https://")) &&
      g_str_has_suffix (origin, self_origin) &&
      strlen (origin) == strlen (self_origin) + (origin[4] == 's' ? 5 : 4));
  g_free (self_origin);
  if (!same_origin && (server->cors_origins == NULL ||
          !g_strv_contains ((const gchar * const *) server->cors_origins,
              origin))) {
    aura_send_error (req, 403, "cors_forbidden", "Origin %s may not open "
        "live connections (aura serve --cors-origin)", origin);
    return;
  }
  obj = aura_db_get_session (server->db, req->id, FALSE, &error);
  if (obj == NULL) {
    aura_send_db_error (req, error);
    g_error_free (error);
    return;
  }
  json_object_unref (obj);
  if (aura_live_client_count (server) >= server->max_ws_clients) {
    soup_message_headers_replace (soup_server_message_get_response_headers
        (req->msg), "Retry-After", "10");
    aura_send_error (req, 503, "too_many_clients", "%u live clients already "
        "connected", server->max_ws_clients);
    return;
  }
  if (!soup_websocket_server_check_handshake (req->msg, NULL, NULL, NULL,
          &error)) {
    soup_message_headers_replace (soup_server_message_get_response_headers
        (req->msg), "Upgrade", "websocket");
    aura_send_error (req, 426, "upgrade_required", "This route is a "
        "WebSocket: %s", error->message);
    g_error_free (error);
    return;
  }
  /* status left unset: libsoup answers 101 and calls the callback above */
}

void
aura_live_close_all (AuraServer * server)
{
  GList *l, *copy = g_list_copy (server->live_clients);

  for (l = copy; l; l = l->next) {
    LiveClient *c = l->data;

    stop_feeds (c);
    soup_websocket_connection_close (c->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
        "server stopping");
  }
  g_list_free (copy);
}
