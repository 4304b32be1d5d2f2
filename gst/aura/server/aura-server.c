/* AURA — the HTTP server core: listening, routing, and what every request
 * goes through (request id, size limits, CORS, bearer token, error shape,
 * structured log line, Prometheus counters). The handlers live in one file
 * per domain: aura-http-sessions.c, -analytics.c, -live.c, -system.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "aura-server-private.h"

typedef enum
{
  ROUTE_PUBLIC = 0,             /* no token ever: /health, the dashboard */
  ROUTE_API = 1 << 0,           /* token when bound beyond loopback */
  ROUTE_WRITE = 1 << 1,         /* token always */
  ROUTE_WEBSOCKET = 1 << 2,     /* token may come as ?access_token= */
} RouteFlags;

typedef struct
{
  const gchar *method;
  const gchar *pattern;         /* "{id}" matches one path segment */
  AuraHandler handler;
  RouteFlags flags;
} Route;

static const Route routes[] = {
  {"GET", "/", aura_http_dashboard, ROUTE_PUBLIC},
  {"GET", "/health", aura_http_health_minimal, ROUTE_PUBLIC},
  {"GET", "/metrics", aura_http_prometheus, ROUTE_API},
  {"GET", "/api/v1/health", aura_http_health, ROUTE_API},
  {"GET", "/api/v1/sessions", aura_http_list_sessions, ROUTE_API},
  {"POST", "/api/v1/sessions", aura_http_create_session,
      ROUTE_API | ROUTE_WRITE},
  {"GET", "/api/v1/sessions/{id}", aura_http_get_session, ROUTE_API},
  {"PATCH", "/api/v1/sessions/{id}", aura_http_patch_session,
      ROUTE_API | ROUTE_WRITE},
  {"DELETE", "/api/v1/sessions/{id}", aura_http_delete_session,
      ROUTE_API | ROUTE_WRITE},
  {"GET", "/api/v1/sessions/{id}/metrics", aura_http_get_metrics, ROUTE_API},
  {"GET", "/api/v1/sessions/{id}/feedback", aura_http_get_feedback,
      ROUTE_API},
  {"GET", "/api/v1/sessions/{id}/report", aura_http_get_report, ROUTE_API},
  {"GET", "/api/v1/sessions/{id}/live", aura_http_live,
      ROUTE_API | ROUTE_WEBSOCKET},
  {"GET", "/api/v1/analytics", aura_http_analytics, ROUTE_API},
};

/* Per-message data, kept as qdata on the SoupServerMessage. */
typedef struct
{
  gint64 start_us;
  gchar *request_id;
  const gchar *route;           /* pattern, "unmatched" or "preflight" */
} RequestData;

static GQuark request_quark;

static void
request_data_free (RequestData * data)
{
  g_free (data->request_id);
  g_free (data);
}

static RequestData *
request_data (SoupServerMessage * msg)
{
  return g_object_get_qdata (G_OBJECT (msg), request_quark);
}

/* ---- responses ---------------------------------------------------------- */

void
aura_send_json (AuraRequest * req, guint status, JsonNode * node)
{
  gsize len;
  gchar *body = json_to_string (node, FALSE);

  len = strlen (body);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, "application/json",
      SOUP_MEMORY_TAKE, body, len);
}

void
aura_send_object (AuraRequest * req, guint status, JsonObject * obj)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), obj);

  /* takes @obj */
  json_object_unref (obj);
  aura_send_json (req, status, node);
  json_node_unref (node);
}

static void
send_error_message (SoupServerMessage * msg, guint status, const gchar * code,
    const gchar * message)
{
  JsonObject *error = json_object_new (), *root = json_object_new ();
  JsonNode *node;
  gchar *body;

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (root, "error", error);
  node = json_node_init_object (json_node_alloc (), root);
  body = json_to_string (node, FALSE);
  json_node_unref (node);
  json_object_unref (root);
  /* libsoup knows no phrase for 426 */
  soup_server_message_set_status (msg, status, status == 426 ?
      "Upgrade Required" : NULL);
  soup_server_message_set_response (msg, "application/json",
      SOUP_MEMORY_TAKE, body, strlen (body));
}

void
aura_send_error (AuraRequest * req, guint status, const gchar * code,
    const gchar * format, ...)
{
  va_list args;
  gchar *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  send_error_message (req->msg, status, code, message);
  g_free (message);
}

void
aura_send_db_error (AuraRequest * req, const GError * error)
{
  if (error->domain == AURA_DB_ERROR) {
    switch (error->code) {
      case AURA_DB_ERROR_NOT_FOUND:
        aura_send_error (req, 404, "not_found", "%s", error->message);
        return;
      case AURA_DB_ERROR_CONFLICT:
        aura_send_error (req, 409, "conflict", "%s", error->message);
        return;
      case AURA_DB_ERROR_INVALID:
        aura_send_error (req, 400, "bad_request", "%s", error->message);
        return;
      case AURA_DB_ERROR_BUSY:
        soup_message_headers_replace (soup_server_message_get_response_headers
            (req->msg), "Retry-After", "1");
        aura_send_error (req, 503, "database_busy", "%s", error->message);
        return;
      default:
        break;
    }
  }
  g_warning ("aura-http: request %s: %s", req->request_id, error->message);
  aura_send_error (req, 500, "internal", "%s", error->message);
}

/* ---- query parameters --------------------------------------------------- */

const gchar *
aura_query_get (AuraRequest * req, const gchar * name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

gboolean
aura_query_uint (AuraRequest * req, const gchar * name, guint min, guint max,
    guint def, guint * out)
{
  const gchar *text = aura_query_get (req, name);
  guint64 value;

  if (text == NULL) {
    *out = def;
    return TRUE;
  }
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL)) {
    aura_send_error (req, 400, "bad_request", "%s must be an integer from %u "
        "to %u", name, min, max);
    return FALSE;
  }
  *out = (guint) value;
  return TRUE;
}

gboolean
aura_query_seconds (AuraRequest * req, const gchar * name, gdouble * out)
{
  const gchar *text = aura_query_get (req, name);
  gchar *end = NULL;
  gdouble value;

  *out = NAN;
  if (text == NULL)
    return TRUE;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value) || value < 0 ||
      value > 1e9) {
    aura_send_error (req, 400, "bad_request", "%s must be a number of seconds "
        "from 0", name);
    return FALSE;
  }
  *out = value;
  return TRUE;
}

gboolean
aura_query_time (AuraRequest * req, const gchar * name, gchar ** out)
{
  const gchar *text = aura_query_get (req, name);

  *out = NULL;
  if (text == NULL)
    return TRUE;
  if (strcmp (name, "to") == 0 && strlen (text) == 10) {
    /* to=2024-05-02 includes that day */
    gchar *end_of_day = g_strconcat (text, "T23:59:59.999999Z", NULL);

    *out = aura_db_normalize_time (end_of_day);
    g_free (end_of_day);
  } else {
    *out = aura_db_normalize_time (text);
  }
  if (*out == NULL) {
    aura_send_error (req, 400, "bad_request", "%s must be an ISO 8601 date "
        "or date-time (e.g. 2024-05-02 or 2024-05-02T09:00:00Z)", name);
    return FALSE;
  }
  return TRUE;
}

gboolean
aura_query_text (AuraRequest * req, const gchar * name, gsize max_len,
    const gchar ** out)
{
  const gchar *text = aura_query_get (req, name);

  *out = text;
  if (text && (strlen (text) > max_len || !g_utf8_validate (text, -1, NULL))) {
    aura_send_error (req, 400, "bad_request", "%s must be UTF-8 text of at "
        "most %" G_GSIZE_FORMAT " bytes", name, max_len);
    return FALSE;
  }
  return TRUE;
}

/* ---- routing ------------------------------------------------------------ */

/* Does @path match @pattern? *@id receives the {id} segment. */
static gboolean
match_pattern (const gchar * pattern, const gchar * path, gchar ** id)
{
  gchar **p = g_strsplit (pattern, "/", -1), **s = g_strsplit (path, "/", -1);
  gboolean ok = g_strv_length (p) == g_strv_length (s);
  guint i;

  *id = NULL;
  for (i = 0; ok && p[i]; i++) {
    if (strcmp (p[i], "{id}") == 0) {
      ok = s[i][0] != '\0' && strlen (s[i]) <= 128 &&
          g_utf8_validate (s[i], -1, NULL);
      if (ok)
        *id = g_strdup (s[i]);
    } else {
      ok = strcmp (p[i], s[i]) == 0;
    }
  }
  g_strfreev (p);
  g_strfreev (s);
  if (!ok)
    g_clear_pointer (id, g_free);
  return ok;
}

/* The route for @method and @path. *@path_known tells a 405 from a 404. */
static const Route *
find_route (const gchar * method, const gchar * path, gchar ** id,
    gboolean * path_known, GString * allow)
{
  const Route *found = NULL;
  gchar *seg;
  guint i;

  *path_known = FALSE;
  for (i = 0; i < G_N_ELEMENTS (routes); i++) {
    if (!match_pattern (routes[i].pattern, path, &seg))
      continue;
    *path_known = TRUE;
    if (allow)
      g_string_append_printf (allow, "%s%s", allow->len ? ", " : "",
          routes[i].method);
    /* HEAD wherever GET (libsoup leaves the body out) */
    if (found == NULL && (strcmp (routes[i].method, method) == 0 ||
            (strcmp (method, "HEAD") == 0 &&
                strcmp (routes[i].method, "GET") == 0))) {
      found = &routes[i];
      *id = seg;
    } else {
      g_free (seg);
    }
  }
  return found;
}

/* ---- what every request goes through ------------------------------------ */

static gboolean
valid_request_id (const gchar * id)
{
  const gchar *p;

  if (id == NULL || *id == '\0' || strlen (id) > 128)
    return FALSE;
  for (p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("-_.:", *p))
      return FALSE;
  return TRUE;
}

static const gchar *
origin_allowed (AuraServer * server, SoupServerMessage * msg)
{
  const gchar *origin = soup_message_headers_get_one
      (soup_server_message_get_request_headers (msg), "Origin");

  if (origin && server->cors_origins &&
      g_strv_contains ((const gchar * const *) server->cors_origins, origin))
    return origin;
  return NULL;
}

static void
add_cors_headers (AuraServer * server, SoupServerMessage * msg)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
  const gchar *origin = origin_allowed (server, msg);

  soup_message_headers_append (h, "Vary", "Origin");
  if (origin == NULL)
    return;
  soup_message_headers_replace (h, "Access-Control-Allow-Origin", origin);
  soup_message_headers_replace (h, "Access-Control-Expose-Headers",
      "X-Request-ID, Retry-After");
}

/* Constant time: the comparison does not tell how much of a guess was
 * right. */
static gboolean
token_equal (const gchar * expected, const gchar * given)
{
  gsize n = strlen (expected), m = strlen (given), i;
  guint diff = n ^ m;

  for (i = 0; i < n; i++)
    diff |= (guchar) expected[i] ^ (guchar) (i < m ? given[i] : 0);
  return diff == 0;
}

static const gchar *
bearer_token (AuraRequest * req, RouteFlags flags)
{
  const gchar *auth = soup_message_headers_get_one
      (soup_server_message_get_request_headers (req->msg), "Authorization");

  if (auth && g_ascii_strncasecmp (auth, "Bearer ", 7) == 0)
    return auth + 7;
  /* browsers cannot set headers on a WebSocket */
  if (flags & ROUTE_WEBSOCKET)
    return aura_query_get (req, "access_token");
  return NULL;
}

static gboolean
authorized (AuraRequest * req, RouteFlags flags)
{
  AuraServer *server = req->server;
  gboolean needed = (flags & ROUTE_WRITE) || ((flags & ROUTE_API) &&
      !server->loopback);
  const gchar *given;

  if (!needed)
    return TRUE;
  if (server->token == NULL) {
    aura_send_error (req, 403, "writes_disabled", "This server was started "
        "without a token: changes are refused (aura serve --token-file)");
    return FALSE;
  }
  given = bearer_token (req, flags);
  if (given == NULL || !token_equal (server->token, given)) {
    soup_message_headers_replace (soup_server_message_get_response_headers
        (req->msg), "WWW-Authenticate", "Bearer realm=\"aura\"");
    aura_send_error (req, 401, "unauthorized", given ? "Wrong bearer token" :
        "This route needs an Authorization: Bearer token");
    return FALSE;
  }
  return TRUE;
}

static void
answer_preflight (AuraRequest * req)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (req->msg);

  if (origin_allowed (req->server, req->msg) == NULL) {
    aura_send_error (req, 403, "cors_forbidden", "Origin not allowed (aura "
        "serve --cors-origin)");
    return;
  }
  soup_message_headers_replace (h, "Access-Control-Allow-Methods",
      "GET, POST, PATCH, DELETE, OPTIONS");
  soup_message_headers_replace (h, "Access-Control-Allow-Headers",
      "Authorization, Content-Type, X-Request-ID");
  soup_message_headers_replace (h, "Access-Control-Max-Age", "600");
  soup_server_message_set_status (req->msg, 204, NULL);
}

/* The route label of a request refused before its handler runs. */
static const gchar *
early_route (const gchar * method, const gchar * path)
{
  gboolean known;
  gchar *id = NULL;
  const Route *route = find_route (method, path, &id, &known, NULL);

  g_free (id);
  return route ? route->pattern : "unmatched";
}

static gboolean
close_later (gpointer data)
{
  g_io_stream_close (data, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void request_finished (SoupServer * soup, SoupServerMessage * msg,
    gpointer user_data);

/* Answers a request refused at its headers now, without reading its body:
 * libsoup 3.2 would read (and keep) the whole body first unless the client
 * asked "Expect: 100-continue". The connection is taken over, the answer
 * written, writing shut down and the connection closed a second later. */
static void
answer_now (AuraServer * server, SoupServerMessage * msg)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
  GBytes *body =
      soup_message_body_flatten (soup_server_message_get_response_body (msg));
  guint status = soup_server_message_get_status (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GString *out = g_string_new (NULL);
  GIOStream *stream;
  GSocket *sock;
  gsize len;
  const gchar *data = g_bytes_get_data (body, &len);
  GSource *src;

  g_string_append_printf (out, "HTTP/1.1 %u %s\r\n", status,
      soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, h);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (out, "%s: %s\r\n", name, value);
  g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\n"
      "Connection: close\r\n\r\n", len);
  g_string_append_len (out, data, len);
  /* a stolen message is not finished by libsoup: count and log it here */
  request_finished (server->soup, msg, server);
  sock = g_object_ref (soup_server_message_get_socket (msg));
  stream = soup_server_message_steal_connection (msg);
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), out->str,
      out->len, NULL, NULL, NULL);
  g_socket_shutdown (sock, FALSE, TRUE, NULL);
  src = g_timeout_source_new_seconds (1);
  g_source_set_callback (src, close_later, stream, g_object_unref);
  g_source_attach (src, g_main_context_get_thread_default ());
  g_source_unref (src);
  g_object_unref (sock);
  g_string_free (out, TRUE);
  g_bytes_unref (body);
}

/* After the headers, before the body: ids, limits. */
static void
early_handler (SoupServer * soup, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  AuraServer *server = user_data;
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  RequestData *data = request_data (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const gchar *given = soup_message_headers_get_one (in, "X-Request-ID");
  goffset length = soup_message_headers_get_content_length (in);
  gsize url_len = strlen (path) + (g_uri_get_query (uri) ?
      strlen (g_uri_get_query (uri)) : 0);

  data->request_id = valid_request_id (given) ? g_strdup (given) :
      g_uuid_string_random ();
  data->route = early_route (soup_server_message_get_method (msg), path);
  soup_message_headers_replace (soup_server_message_get_response_headers
      (msg), "X-Request-ID", data->request_id);
  add_cors_headers (server, msg);

  if (url_len > AURA_SERVER_MAX_URL) {
    send_error_message (msg, 414, "uri_too_long", "The request target is "
        "longer than 4096 bytes");
  } else if (soup_message_headers_get_encoding (in) == SOUP_ENCODING_CHUNKED) {
    send_error_message (msg, 411, "length_required", "Send a Content-Length "
        "(chunked request bodies are not accepted)");
  } else if (length > (goffset) server->max_body) {
    gchar *text = g_strdup_printf ("The body is larger than %" G_GSIZE_FORMAT
        " bytes", server->max_body);

    send_error_message (msg, 413, "too_large", text);
    g_free (text);
  }
  if (soup_server_message_get_status (msg) != 0 &&
      !(soup_message_headers_get_expectations (in) & SOUP_EXPECTATION_CONTINUE))
    answer_now (server, msg);
}

static void
main_handler (SoupServer * soup, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  AuraRequest req = { user_data, msg, soup_server_message_get_method (msg),
    path, query, NULL, NULL
  };
  RequestData *data = request_data (msg);
  GString *allow = g_string_new (NULL);
  gboolean path_known;
  const Route *route;

  req.request_id = data->request_id;
  if (strcmp (req.method, "OPTIONS") == 0) {
    data->route = "preflight";
    answer_preflight (&req);
    g_string_free (allow, TRUE);
    return;
  }
  route = find_route (req.method, path, &req.id, &path_known, allow);
  if (route == NULL) {
    /* the path is echoed in JSON: valid UTF-8 only */
    gchar *shown = g_utf8_make_valid (path, -1);

    data->route = "unmatched";
    if (path_known) {
      soup_message_headers_replace (soup_server_message_get_response_headers
          (msg), "Allow", allow->str);
      aura_send_error (&req, 405, "method_not_allowed", "%s is not allowed "
          "on %s (allowed: %s)", req.method, shown, allow->str);
    } else {
      aura_send_error (&req, 404, "not_found", "No route %s", shown);
    }
    g_free (shown);
  } else {
    data->route = route->pattern;
    if (authorized (&req, route->flags))
      route->handler (&req);
  }
  g_string_free (allow, TRUE);
  g_free (req.id);
}

static void
request_started (SoupServer * soup, SoupServerMessage * msg, gpointer user_data)
{
  RequestData *data = g_new0 (RequestData, 1);

  data->start_us = g_get_monotonic_time ();
  data->route = "unmatched";
  g_object_set_qdata_full (G_OBJECT (msg), request_quark, data,
      (GDestroyNotify) request_data_free);
}

static void
request_finished (SoupServer * soup, SoupServerMessage * msg,
    gpointer user_data)
{
  AuraServer *server = user_data;
  RequestData *data = request_data (msg);
  guint status = soup_server_message_get_status (msg);
  /* NULL for a request line libsoup could not parse */
  GUri *uri = soup_server_message_get_uri (msg);
  gdouble seconds;

  if (data == NULL)
    return;
  seconds = (g_get_monotonic_time () - data->start_us) / 1e6;
  aura_prom_observe_request (server->prom, soup_server_message_get_method
      (msg), data->route, status, seconds);
  g_log_structured (AURA_HTTP_LOG_DOMAIN, G_LOG_LEVEL_INFO,
      "AURA_REQUEST_ID", data->request_id ? data->request_id : "-",
      "MESSAGE", "request_id=%s method=%s path=%s route=%s status=%u "
      "duration_ms=%.2f", data->request_id ? data->request_id : "-",
      soup_server_message_get_method (msg), uri ? g_uri_get_path (uri) : "-",
      data->route, status, seconds * 1e3);
}

/* ---- life --------------------------------------------------------------- */

static gboolean
listen_on (AuraServer * server, GError ** error)
{
  GInetAddress *addr = g_inet_address_new_from_string (server->address);
  GSocketAddress *sockaddr;
  GSList *listeners;
  gboolean ok;

  if (addr == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "\"%s\" is not an IP address", server->address);
    return FALSE;
  }
  sockaddr = g_inet_socket_address_new (addr, server->port);
  ok = soup_server_listen (server->soup, sockaddr, 0, error);
  g_object_unref (sockaddr);
  g_object_unref (addr);
  if (!ok)
    return FALSE;
  /* the port from the socket: soup_server_get_uris() leaks an address in
   * libsoup 3.2 */
  listeners = soup_server_get_listeners (server->soup);
  if (listeners) {
    GSocketAddress *local = g_socket_get_local_address (listeners->data,
        NULL);

    if (local) {
      server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS
          (local));
      g_object_unref (local);
    }
  }
  g_slist_free (listeners);
  return TRUE;
}

static void
copy_config (AuraServer * server, const AuraServerConfig * cfg)
{
  server->address = g_strdup (cfg->address ? cfg->address :
      AURA_SERVER_DEFAULT_ADDRESS);
  server->token = cfg->token && *cfg->token ? g_strdup (cfg->token) : NULL;
  server->cors_origins = g_strdupv ((gchar **) cfg->cors_origins);
  server->port = cfg->port;
  server->max_body = cfg->max_body ? cfg->max_body :
      AURA_SERVER_DEFAULT_MAX_BODY;
  server->max_ws_clients = cfg->max_ws_clients ? cfg->max_ws_clients :
      AURA_SERVER_DEFAULT_MAX_CLIENTS;
  server->keepalive_s = cfg->keepalive_s ? cfg->keepalive_s : 15;
  server->follow_ms = cfg->follow_ms ? cfg->follow_ms : 250;
}

AuraServer *
aura_server_new (const AuraServerConfig * cfg, GError ** error)
{
  AuraServer *server;
  GInetAddress *addr;

  g_return_val_if_fail (cfg != NULL && cfg->db_path != NULL, NULL);
  if (request_quark == 0)
    request_quark = g_quark_from_static_string ("aura-request-data");

  server = g_new0 (AuraServer, 1);
  copy_config (server, cfg);
  addr = g_inet_address_new_from_string (server->address);
  server->loopback = addr && g_inet_address_get_is_loopback (addr);
  g_clear_object (&addr);
  if (!server->loopback && server->token == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
        "Refusing to serve on %s without a token: every route beyond "
        "loopback needs one (--token-file or AURA_API_TOKEN)", server->address);
    aura_server_free (server);
    return NULL;
  }
  server->db = aura_db_open (cfg->db_path, error);
  if (server->db == NULL) {
    aura_server_free (server);
    return NULL;
  }
  server->context = g_main_context_ref_thread_default ();
  server->prom = aura_prom_new ();
  server->uploads = aura_uploads_new (server->db, cfg->upload_workers ?
      cfg->upload_workers : AURA_SERVER_DEFAULT_WORKERS, cfg->upload_queue ?
      cfg->upload_queue : AURA_SERVER_DEFAULT_UPLOAD_QUEUE);
  server->started_us = g_get_monotonic_time ();
  server->soup = soup_server_new ("server-header", "aura/" VERSION " ", NULL);
  g_signal_connect (server->soup, "request-started",
      G_CALLBACK (request_started), server);
  g_signal_connect (server->soup, "request-finished",
      G_CALLBACK (request_finished), server);
  g_signal_connect (server->soup, "request-aborted",
      G_CALLBACK (request_finished), server);
  soup_server_add_early_handler (server->soup, NULL, early_handler, server,
      NULL);
  soup_server_add_handler (server->soup, NULL, main_handler, server, NULL);
  /* the main handler accepts or refuses the upgrade first */
  soup_server_add_websocket_handler (server->soup, NULL, NULL, NULL,
      aura_live_websocket_cb, server, NULL);
  if (!listen_on (server, error)) {
    aura_server_free (server);
    return NULL;
  }
  return server;
}

guint
aura_server_get_port (AuraServer * server)
{
  return server->port;
}

void
aura_server_free (AuraServer * server)
{
  if (server == NULL)
    return;
  if (server->soup) {
    aura_live_close_all (server);
    soup_server_disconnect (server->soup);
    g_object_unref (server->soup);
  }
  aura_uploads_free (server->uploads);
  aura_prom_free (server->prom);
  aura_db_close (server->db);
  if (server->context)
    g_main_context_unref (server->context);
  g_free (server->address);
  g_free (server->token);
  g_strfreev (server->cors_origins);
  g_free (server);
}

/* ---- in a thread of its own --------------------------------------------- */

struct _AuraServerThread
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  AuraServer *server;
  const AuraServerConfig *config;
  GError *error;
  GMutex lock;
  GCond cond;
  gboolean ready;
};

static gpointer
server_thread (gpointer data)
{
  AuraServerThread *t = data;

  g_main_context_push_thread_default (t->context);
  t->server = aura_server_new (t->config, &t->error);
  g_mutex_lock (&t->lock);
  t->ready = TRUE;
  g_cond_signal (&t->cond);
  g_mutex_unlock (&t->lock);
  if (t->server) {
    g_main_loop_run (t->loop);
    aura_server_free (t->server);
    /* let the sources the server leaves behind finish */
    while (g_main_context_iteration (t->context, FALSE));
  }
  g_main_context_pop_thread_default (t->context);
  return NULL;
}

static void
thread_free (AuraServerThread * t)
{
  g_main_loop_unref (t->loop);
  g_main_context_unref (t->context);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->cond);
  g_free (t);
}

AuraServerThread *
aura_server_thread_start (const AuraServerConfig * config, GError ** error)
{
  AuraServerThread *t = g_new0 (AuraServerThread, 1);

  t->context = g_main_context_new ();
  t->loop = g_main_loop_new (t->context, FALSE);
  t->config = config;
  g_mutex_init (&t->lock);
  g_cond_init (&t->cond);
  t->thread = g_thread_new ("aura-http", server_thread, t);
  g_mutex_lock (&t->lock);
  while (!t->ready)
    g_cond_wait (&t->cond, &t->lock);
  g_mutex_unlock (&t->lock);
  t->config = NULL;
  if (t->server == NULL) {
    g_thread_join (t->thread);
    g_propagate_error (error, t->error);
    thread_free (t);
    return NULL;
  }
  return t;
}

guint
aura_server_thread_get_port (AuraServerThread * t)
{
  return aura_server_get_port (t->server);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
aura_server_thread_stop (AuraServerThread * t)
{
  if (t == NULL)
    return;
  g_main_context_invoke (t->context, quit_loop, t->loop);
  g_thread_join (t->thread);
  thread_free (t);
}
