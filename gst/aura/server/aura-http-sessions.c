/* AURA — HTTP handlers for sessions: list, read, change, delete, their
 * metrics, feedback and report, and uploads of recordings to analyse. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "aura-server-private.h"

#define MAX_TEXT 256            /* title, speaker: bytes */

void
aura_http_list_sessions (AuraRequest * req)
{
  AuraSessionQuery q = { 0, };
  gchar *from = NULL, *to = NULL;
  GError *error = NULL;
  JsonNode *node;

  if (!aura_query_uint (req, "limit", 1, AURA_DB_MAX_LIMIT,
          AURA_DB_DEFAULT_LIMIT, &q.limit) ||
      !aura_query_uint (req, "offset", 0, 1000000, 0, &q.offset) ||
      !aura_query_text (req, "speaker", MAX_TEXT, &q.speaker) ||
      !aura_query_time (req, "from", &from) ||
      !aura_query_time (req, "to", &to))
    goto out;
  q.from = from;
  q.to = to;
  node = aura_db_list_sessions (req->server->db, &q, &error);
  if (node) {
    aura_send_json (req, 200, node);
    json_node_unref (node);
  } else {
    aura_send_db_error (req, error);
    g_error_free (error);
  }
out:
  g_free (from);
  g_free (to);
}

void
aura_http_get_session (AuraRequest * req)
{
  GError *error = NULL;
  JsonObject *obj = aura_db_get_session (req->server->db, req->id, TRUE,
      &error);
  gdouble progress;

  if (obj == NULL) {
    aura_send_db_error (req, error);
    g_error_free (error);
    return;
  }
  if (aura_uploads_get_progress (req->server->uploads, req->id, &progress))
    json_object_set_double_member (obj, "progress", progress);
  else
    json_object_set_null_member (obj, "progress");
  aura_send_object (req, 200, obj);
}

/* The request body as a JSON object, or NULL after answering 400. */
static JsonObject *
body_object (AuraRequest * req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  GBytes *bytes = soup_message_body_flatten (body);
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;
  JsonObject *obj = NULL;
  gsize len;
  const gchar *data = g_bytes_get_data (bytes, &len);

  if (len == 0 || !json_parser_load_from_data (parser, data, len, &error)) {
    aura_send_error (req, 400, "bad_json", "The body is not JSON: %s",
        error ? error->message : "it is empty");
  } else if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    aura_send_error (req, 400, "bad_json", "The body must be a JSON object");
  } else {
    obj = json_object_ref (json_node_get_object (json_parser_get_root
            (parser)));
  }
  g_clear_error (&error);
  g_object_unref (parser);
  g_bytes_unref (bytes);
  return obj;
}

/* A string member of @obj, bounded; FALSE after answering 400. */
static gboolean
text_member (AuraRequest * req, JsonObject * obj, const gchar * name,
    const gchar ** out)
{
  JsonNode *node = json_object_get_member (obj, name);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING &&
      strlen (json_node_get_string (node)) <= MAX_TEXT) {
    *out = json_node_get_string (node);
    return TRUE;
  }
  aura_send_error (req, 400, "bad_request", "\"%s\" must be a string of at "
      "most %d bytes", name, MAX_TEXT);
  return FALSE;
}

void
aura_http_patch_session (AuraRequest * req)
{
  JsonObject *obj = body_object (req);
  const gchar *title, *speaker;
  GList *members, *l;
  GError *error = NULL;
  gboolean ok = TRUE;

  if (obj == NULL)
    return;
  members = json_object_get_members (obj);
  for (l = members; ok && l; l = l->next) {
    if (g_strcmp0 (l->data, "title") != 0 && g_strcmp0 (l->data,
            "speaker") != 0) {
      aura_send_error (req, 400, "bad_request", "Unknown field \"%s\": only "
          "title and speaker can change", (const gchar *) l->data);
      ok = FALSE;
    }
  }
  g_list_free (members);
  if (ok && text_member (req, obj, "title", &title) &&
      text_member (req, obj, "speaker", &speaker)) {
    if (aura_db_update_session (req->server->db, req->id, title, speaker,
            &error)) {
      aura_http_get_session (req);
    } else {
      aura_send_db_error (req, error);
      g_error_free (error);
    }
  }
  json_object_unref (obj);
}

void
aura_http_delete_session (AuraRequest * req)
{
  GError *error = NULL;

  if (aura_db_delete_session (req->server->db, req->id, &error)) {
    soup_server_message_set_status (req->msg, 204, NULL);
  } else {
    aura_send_db_error (req, error);
    g_error_free (error);
  }
}

/* "a,b,c" as a vector of field names, or NULL after answering 400. */
static gchar **
parse_fields (AuraRequest * req, const gchar * text)
{
  gchar **fields = g_strsplit (text, ",", -1);
  guint i, n = g_strv_length (fields);
  const gchar *p;

  for (i = 0; i < n && n <= AURA_DB_MAX_FIELDS; i++) {
    if (fields[i][0] == '\0' || strlen (fields[i]) > 64)
      break;
    for (p = fields[i]; *p && (g_ascii_isalnum (*p) || *p == '_'); p++);
    if (*p)
      break;
  }
  if (n == 0 || n > AURA_DB_MAX_FIELDS || i < n) {
    aura_send_error (req, 400, "bad_request", "fields must be a comma-"
        "separated list of at most %d names ([A-Za-z0-9_])",
        AURA_DB_MAX_FIELDS);
    g_strfreev (fields);
    return NULL;
  }
  return fields;
}

static void
send_records (AuraRequest * req, AuraDbRecords kind)
{
  const gchar *fields_text = aura_query_get (req, "fields");
  gchar **fields = NULL;
  gdouble from, to;
  GError *error = NULL;
  JsonArray *records;
  JsonObject *obj;

  if (!aura_query_seconds (req, "from", &from) ||
      !aura_query_seconds (req, "to", &to))
    return;
  if (fields_text && (fields = parse_fields (req, fields_text)) == NULL)
    return;
  records = aura_db_get_records (req->server->db, kind, req->id, from, to,
      (const gchar * const *) fields, 0, NULL, &error);
  g_strfreev (fields);
  if (records == NULL) {
    aura_send_db_error (req, error);
    g_error_free (error);
    return;
  }
  obj = json_object_new ();
  json_object_set_string_member (obj, "session_id", req->id);
  json_object_set_array_member (obj, kind == AURA_DB_METRICS ? "metrics" :
      "feedback", records);
  aura_send_object (req, 200, obj);
}

void
aura_http_get_metrics (AuraRequest * req)
{
  send_records (req, AURA_DB_METRICS);
}

void
aura_http_get_feedback (AuraRequest * req)
{
  send_records (req, AURA_DB_FEEDBACK);
}

void
aura_http_get_report (AuraRequest * req)
{
  GError *error = NULL;
  JsonObject *obj = aura_db_get_document (req->server->db, req->id, TRUE,
      &error);

  if (obj) {
    aura_send_object (req, 200, obj);
  } else {
    aura_send_db_error (req, error);
    g_error_free (error);
  }
}

/* ---- uploads ------------------------------------------------------------ */

typedef struct
{
  GBytes *file;
  gchar *filename;
  GHashTable *fields;           /* name -> value, owned */
} Upload;

static void
upload_clear (Upload * up)
{
  g_clear_pointer (&up->file, g_bytes_unref);
  g_clear_pointer (&up->filename, g_free);
  g_clear_pointer (&up->fields, g_hash_table_unref);
}

static const gchar *const upload_fields[] = { "title", "speaker", "language",
  "profile", "filename", NULL
};

/* A multipart/form-data body: part "file" and the text fields. */
static gboolean
read_multipart (AuraRequest * req, GBytes * body, Upload * up)
{
  SoupMessageHeaders *in = soup_server_message_get_request_headers (req->msg);
  SoupMultipart *mp = soup_multipart_new_from_message (in, body);
  gint i;

  if (mp == NULL) {
    aura_send_error (req, 400, "bad_request", "Malformed multipart body");
    return FALSE;
  }
  for (i = 0; i < soup_multipart_get_length (mp); i++) {
    SoupMessageHeaders *headers;
    GBytes *part;
    GHashTable *params = NULL;
    const gchar *name = NULL;

    if (!soup_multipart_get_part (mp, i, &headers, &part) ||
        !soup_message_headers_get_content_disposition (headers, NULL, &params))
      continue;
    name = g_hash_table_lookup (params, "name");
    if (g_strcmp0 (name, "file") == 0 && up->file == NULL) {
      up->file = g_bytes_ref (part);
      up->filename = g_strdup (g_hash_table_lookup (params, "filename"));
    } else if (name && g_strv_contains (upload_fields, name)) {
      gsize len;
      const gchar *data = g_bytes_get_data (part, &len);

      g_hash_table_replace (up->fields, g_strdup (name), g_strndup (data, len));
    }
    g_hash_table_destroy (params);
  }
  soup_multipart_free (mp);
  if (up->file == NULL) {
    aura_send_error (req, 400, "bad_request", "The form has no \"file\" "
        "part");
    return FALSE;
  }
  return TRUE;
}

/* The fields are bounded UTF-8 text. */
static gboolean
check_fields (AuraRequest * req, Upload * up)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, up->fields);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    if (strlen (value) > MAX_TEXT || !g_utf8_validate (value, -1, NULL)) {
      aura_send_error (req, 400, "bad_request", "%s must be UTF-8 text of "
          "at most %d bytes", (const gchar *) key, MAX_TEXT);
      return FALSE;
    }
  }
  if (up->filename && (strlen (up->filename) > MAX_TEXT ||
          !g_utf8_validate (up->filename, -1, NULL)))
    g_clear_pointer (&up->filename, g_free);
  return TRUE;
}

static void
answer_upload_error (AuraRequest * req, const GError * error)
{
  switch (error->code) {
    case AURA_UPLOADS_ERROR_FULL:
      soup_message_headers_replace (soup_server_message_get_response_headers
          (req->msg), "Retry-After", "30");
      aura_send_error (req, 503, "queue_full", "%s: try again later",
          error->message);
      break;
    case AURA_UPLOADS_ERROR_TYPE:
      aura_send_error (req, 415, "unsupported_media", "%s", error->message);
      break;
    case AURA_UPLOADS_ERROR_INVALID:
      aura_send_error (req, 400, "bad_request", "%s", error->message);
      break;
    default:
      aura_send_error (req, 500, "internal", "%s", error->message);
      break;
  }
}

static void
queue_upload (AuraRequest * req, Upload * up)
{
  AuraUploadInfo info = { 0, };
  GError *error = NULL;
  JsonObject *obj;
  gchar *id, *location;

  info.title = g_hash_table_lookup (up->fields, "title");
  info.speaker = g_hash_table_lookup (up->fields, "speaker");
  info.language = g_hash_table_lookup (up->fields, "language");
  info.profile = g_hash_table_lookup (up->fields, "profile");
  info.filename = up->filename ? up->filename :
      g_hash_table_lookup (up->fields, "filename");
  info.request_id = req->request_id;
  id = aura_uploads_submit (req->server->uploads, up->file, &info, &error);
  if (id == NULL) {
    answer_upload_error (req, error);
    g_error_free (error);
    return;
  }
  location = g_strdup_printf ("/api/v1/sessions/%s", id);
  obj = json_object_new ();
  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "status", "queued");
  json_object_set_string_member (obj, "location", location);
  soup_message_headers_replace (soup_server_message_get_response_headers
      (req->msg), "Location", location);
  aura_send_object (req, 202, obj);
  g_free (location);
  g_free (id);
}

void
aura_http_create_session (AuraRequest * req)
{
  SoupMessageHeaders *in = soup_server_message_get_request_headers (req->msg);
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  const gchar *type = soup_message_headers_get_content_type (in, NULL);
  Upload up = { NULL, };
  GBytes *bytes = soup_message_body_flatten (body);
  guint i;

  up.fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (g_bytes_get_size (bytes) == 0) {
    aura_send_error (req, 400, "bad_request", "The body is empty: send an "
        "audio file (raw, or as the \"file\" part of a form)");
  } else if (g_strcmp0 (type, "multipart/form-data") == 0) {
    if (read_multipart (req, bytes, &up) && check_fields (req, &up))
      queue_upload (req, &up);
  } else {
    /* a raw body: the fields come as query parameters */
    up.file = g_bytes_ref (bytes);
    for (i = 0; upload_fields[i]; i++) {
      const gchar *value = aura_query_get (req, upload_fields[i]);

      if (value)
        g_hash_table_replace (up.fields, g_strdup (upload_fields[i]),
            g_strdup (value));
    }
    if (check_fields (req, &up))
      queue_upload (req, &up);
  }
  g_bytes_unref (bytes);
  upload_clear (&up);
}
