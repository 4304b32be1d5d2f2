/* AURA — aurasessionsink: records a coaching session into an SQLite database.
 *
 * This library is free software; you can redistribute it and/or modify it under the
 * terms of the GNU Library General Public License, version 2.1 or later.
 */

/**
 * SECTION:element-aurasessionsink
 * @title: aurasessionsink
 *
 * Stores a session: the in-band `aura-metrics` and `aura-feedback` events, the
 * `aura-summary` of #GstAuraAnalyzer and the `aura-report` of #GstAuraFeedback,
 * as JSON rows of an SQLite database (docs/sessions.md), and optionally as JSON
 * lines. Buffers are discarded.
 *
 * The streaming thread never touches SQLite: records are queued (at most
 * #GstAuraSessionSink:queue-size metrics and feedback records; past that they are
 * dropped, counted in the session row and warned about once) and a writer
 * thread commits them in one transaction at least once a second. At end of
 * stream every record and the 'completed' status are committed before the EOS
 * message is posted. A session stopped without EOS is 'interrupted'; one left
 * 'recording' by a crashed process is marked 'interrupted' the next time a
 * database is opened.
 *
 * On start the element posts an element message `aura-session` with the
 * `session-id` and the `location` (and `http-port` when it serves).
 *
 * With #GstAuraSessionSink:http-port set, the element also serves the HTTP API
 * of docs/api.md over its database on 127.0.0.1 while it runs: the dashboard,
 * and the session's records live on `/api/v1/sessions/ID/live` (WebSocket) as
 * they reach the element. That server is read-only (no token).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -m filesrc location=talk.wav ! decodebin ! audioconvert ! auraanalyzer ! aurafeedback ! aurasessionsink location=talks.db title="Monday talk"
 * ]|
 * |[
 * gst-launch-1.0 -e autoaudiosrc ! audioconvert ! audioresample ! auraanalyzer ! aurafeedback ! aurasessionsink location=talks.db http-port=8080
 * ]| Live coaching from the microphone, watched at http://127.0.0.1:8080/
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include <json-glib/json-glib.h>

#include "gstaurasessionsink.h"
#include "aura-schema.h"
#include "store/aura-store.h"
#include "aura-speakers.h"
#include "server/aura-live.h"
#include "server/aura-server.h"

GST_DEBUG_CATEGORY_STATIC (gst_aura_session_sink_debug);
#define GST_CAT_DEFAULT gst_aura_session_sink_debug

#define DEFAULT_PROP_LOCATION    "aura-sessions.db"
#define DEFAULT_PROP_QUEUE_SIZE  AURA_STORE_DEFAULT_QUEUE_SIZE
#define DEFAULT_PROP_HTTP_PORT   -1

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_SESSION_ID,
  PROP_TITLE,
  PROP_SPEAKER,
  PROP_JSON_LOCATION,
  PROP_QUEUE_SIZE,
  PROP_DROPPED,
  PROP_HTTP_PORT,
};

struct _GstAuraSessionSink
{
  GstBaseSink parent;

  /* properties, protected by the object lock */
  gchar *location, *session_id, *title, *speaker, *json_location;
  gboolean session_id_set;      /* by the application, else generated */
  guint queue_size;
  gint http_port;

  /* set in start/stop; used by the streaming thread in between */
  AuraStore *store;
  gchar *live_id;               /* the session id for the live hub */
  AuraServerThread *server;
  AuraSpeakers *speakers;       /* summaries of named speakers */
  gboolean warned_drop;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define gst_aura_session_sink_parent_class parent_class
G_DEFINE_TYPE (GstAuraSessionSink, gst_aura_session_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE (aurasessionsink, "aurasessionsink",
    GST_RANK_NONE, GST_TYPE_AURA_SESSION_SINK);

static void gst_aura_session_sink_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_aura_session_sink_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static void gst_aura_session_sink_finalize (GObject * object);
static gboolean gst_aura_session_sink_start (GstBaseSink * sink);
static gboolean gst_aura_session_sink_stop (GstBaseSink * sink);
static gboolean gst_aura_session_sink_event (GstBaseSink * sink,
    GstEvent * event);
static GstFlowReturn gst_aura_session_sink_render (GstBaseSink * sink,
    GstBuffer * buffer);

static void
gst_aura_session_sink_class_init (GstAuraSessionSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->set_property = gst_aura_session_sink_set_property;
  gobject_class->get_property = gst_aura_session_sink_get_property;
  gobject_class->finalize = gst_aura_session_sink_finalize;

  /**
   * GstAuraSessionSink:location:
   *
   * The SQLite database, created with its directory's permissions if missing.
   */
  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "SQLite database the session is stored in", DEFAULT_PROP_LOCATION,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraSessionSink:session-id:
   *
   * Identifier of the session row. Unset, a new random UUID is made at each
   * start, readable from then on (and in the `aura-session` message).
   */
  g_object_class_install_property (gobject_class, PROP_SESSION_ID,
      g_param_spec_string ("session-id", "Session ID",
          "Identifier of the session (default: a new UUID at each start)",
          NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_TITLE,
      g_param_spec_string ("title", "Title", "Title of the session", NULL,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_SPEAKER,
      g_param_spec_string ("speaker", "Speaker", "Who speaks in the session",
          NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraSessionSink:json-location:
   *
   * Optional file the same records are appended to as JSON lines, one object
   * per line with a "session_id" member, between an `aura-session` line and an
   * `aura-session-end` line.
   */
  g_object_class_install_property (gobject_class, PROP_JSON_LOCATION,
      g_param_spec_string ("json-location", "JSON lines location",
          "File the records are also appended to as JSON lines (empty: none)",
          NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraSessionSink:queue-size:
   *
   * Metrics and feedback records waiting for the writer past which new ones
   * are dropped (and counted in the session's `dropped`).
   */
  g_object_class_install_property (gobject_class, PROP_QUEUE_SIZE,
      g_param_spec_uint ("queue-size", "Queue size",
          "Records waiting for the writer past which new ones are dropped", 2,
          1 << 20, DEFAULT_PROP_QUEUE_SIZE, G_PARAM_READWRITE |
          GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraSessionSink:dropped:
   *
   * Records dropped so far in the current session because the queue was full.
   */
  g_object_class_install_property (gobject_class, PROP_DROPPED,
      g_param_spec_uint64 ("dropped", "Dropped",
          "Records dropped in the current session (queue full)", 0,
          G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraSessionSink:http-port:
   *
   * Serve the HTTP API, live WebSocket and dashboard over the database on
   * 127.0.0.1 at this port while the element runs: -1 off, 0 any free port
   * (posted in the `aura-session` message as `http-port`).
   */
  g_object_class_install_property (gobject_class, PROP_HTTP_PORT,
      g_param_spec_int ("http-port", "HTTP port",
          "Serve the HTTP API and dashboard on 127.0.0.1 at this port "
          "(-1 off, 0 any free port)", -1, 65535, DEFAULT_PROP_HTTP_PORT,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  gst_element_class_set_static_metadata (element_class,
      "AURA session recorder", "Sink",
      "Stores AURA metrics, cues, summary and report of a session in an "
      "SQLite database", "AURA developers <aura@example.org>");
  gst_element_class_add_static_pad_template (element_class, &sink_template);

  basesink_class->start = GST_DEBUG_FUNCPTR (gst_aura_session_sink_start);
  basesink_class->stop = GST_DEBUG_FUNCPTR (gst_aura_session_sink_stop);
  basesink_class->event = GST_DEBUG_FUNCPTR (gst_aura_session_sink_event);
  basesink_class->render = GST_DEBUG_FUNCPTR (gst_aura_session_sink_render);

  GST_DEBUG_CATEGORY_INIT (gst_aura_session_sink_debug, "aurasessionsink", 0,
      "AURA session recorder");
}

static void
gst_aura_session_sink_init (GstAuraSessionSink * self)
{
  self->location = g_strdup (DEFAULT_PROP_LOCATION);
  self->queue_size = DEFAULT_PROP_QUEUE_SIZE;
  self->http_port = DEFAULT_PROP_HTTP_PORT;
  gst_base_sink_set_sync (GST_BASE_SINK (self), FALSE);
}

static void
gst_aura_session_sink_finalize (GObject * object)
{
  GstAuraSessionSink *self = GST_AURA_SESSION_SINK (object);

  aura_store_close (self->store);
  g_free (self->location);
  g_free (self->session_id);
  g_free (self->title);
  g_free (self->speaker);
  g_free (self->json_location);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_aura_session_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstAuraSessionSink *self = GST_AURA_SESSION_SINK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_free (self->location);
      self->location = g_value_dup_string (value);
      break;
    case PROP_SESSION_ID:
      g_free (self->session_id);
      self->session_id = g_value_dup_string (value);
      self->session_id_set = self->session_id && *self->session_id;
      break;
    case PROP_TITLE:
      g_free (self->title);
      self->title = g_value_dup_string (value);
      break;
    case PROP_SPEAKER:
      g_free (self->speaker);
      self->speaker = g_value_dup_string (value);
      break;
    case PROP_JSON_LOCATION:
      g_free (self->json_location);
      self->json_location = g_value_dup_string (value);
      break;
    case PROP_QUEUE_SIZE:
      self->queue_size = g_value_get_uint (value);
      break;
    case PROP_HTTP_PORT:
      self->http_port = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_aura_session_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstAuraSessionSink *self = GST_AURA_SESSION_SINK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SPEAKER:
      g_value_set_string (value, self->speaker);
      break;
    case PROP_JSON_LOCATION:
      g_value_set_string (value, self->json_location);
      break;
    case PROP_QUEUE_SIZE:
      g_value_set_uint (value, self->queue_size);
      break;
    case PROP_HTTP_PORT:
      g_value_set_int (value, self->http_port);
      break;
    case PROP_DROPPED:
      g_value_set_uint64 (value, self->store ?
          aura_store_get_dropped (self->store) : 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* The read-only HTTP API on 127.0.0.1:@port over @location. */
static gboolean
start_server (GstAuraSessionSink * self, const gchar * location, gint port,
    GstStructure * announce)
{
  AuraServerConfig config = { 0, };
  GError *error = NULL;

  config.db_path = location;
  config.port = port;
  self->server = aura_server_thread_start (&config, &error);
  if (self->server == NULL) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
        ("Could not serve the session API on 127.0.0.1:%d: %s", port,
            error->message), (NULL));
    g_error_free (error);
    return FALSE;
  }
  port = aura_server_thread_get_port (self->server);
  GST_INFO_OBJECT (self, "serving http://127.0.0.1:%d/", port);
  gst_structure_set (announce, "http-port", G_TYPE_INT, port, NULL);
  return TRUE;
}

static gboolean
gst_aura_session_sink_start (GstBaseSink * sink)
{
  GstAuraSessionSink *self = GST_AURA_SESSION_SINK (sink);
  AuraSessionInfo info = { NULL, };
  GError *error = NULL;
  gchar *location, *id;
  AuraStore *store;
  GstStructure *announce;
  gint http_port;
  gboolean ok;

  GST_OBJECT_LOCK (self);
  if (!self->session_id_set) {
    g_free (self->session_id);
    self->session_id = g_uuid_string_random ();
  }
  location = g_strdup (self->location ? self->location : "");
  id = g_strdup (self->session_id);
  info.id = id;
  info.title = self->title;
  info.speaker = self->speaker;
  info.json_location = self->json_location;
  info.queue_size = self->queue_size;
  http_port = self->http_port;
  GST_OBJECT_UNLOCK (self);

  if (*location == '\0') {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("No session database location set"), (NULL));
    goto fail;
  }

  store = aura_store_open (location, &error);
  if (store == NULL) {
    /* the store's message names the path and the cause */
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE, ("%s", error->message),
        ("session database location: %s", location));
    goto fail;
  }

  /* the strings of @info stay valid: properties are only mutable in READY */
  GST_OBJECT_LOCK (self);
  ok = aura_store_session_begin (store, &info, &error);
  GST_OBJECT_UNLOCK (self);
  if (!ok) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
        ("Could not begin session \"%s\" in \"%s\": %s", id, location,
            error->message), ("%s", error->message));
    aura_store_close (store);
    goto fail;
  }
  self->store = store;
  self->warned_drop = FALSE;
  self->live_id = g_strdup (id);
  self->speakers = aura_speakers_new ();
  aura_live_begin (id);
  GST_INFO_OBJECT (self, "recording session %s into %s", id, location);

  announce = gst_structure_new ("aura-session", "session-id", G_TYPE_STRING,
      id, "location", G_TYPE_STRING, location, NULL);
  if (http_port >= 0 && !start_server (self, location, http_port, announce)) {
    gst_structure_free (announce);
    gst_aura_session_sink_stop (sink);
    goto fail;
  }
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), announce));
  g_free (location);
  g_free (id);
  return TRUE;

fail:
  g_clear_error (&error);
  g_free (location);
  g_free (id);
  return FALSE;
}

static gboolean
gst_aura_session_sink_stop (GstBaseSink * sink)
{
  GstAuraSessionSink *self = GST_AURA_SESSION_SINK (sink);
  GError *error = NULL;
  gchar *status;

  if (self->store == NULL)
    return TRUE;
  if (aura_store_in_session (self->store)) {
    GST_INFO_OBJECT (self, "stopped before end of stream: interrupted");
    if (!aura_store_session_end (self->store, AURA_SESSION_INTERRUPTED, &error)) {
      GST_ELEMENT_WARNING (self, RESOURCE, WRITE,
          ("Could not finish the session: %s", error->message), (NULL));
      g_clear_error (&error);
    }
    /* what the database says: an upload's worker may have marked it failed */
    status = aura_store_read_status (self->store, self->live_id);
    aura_live_end (self->live_id, status ? status : "interrupted");
    g_free (status);
  }
  g_clear_pointer (&self->server, aura_server_thread_stop);
  aura_store_close (self->store);
  self->store = NULL;
  g_clear_pointer (&self->live_id, g_free);
  g_clear_pointer (&self->speakers, aura_speakers_free);
  return TRUE;
}

/* Stream time in seconds of an AURA structure, NAN if it has none. */
static gdouble
structure_time (const GstStructure * s)
{
  guint64 t = GST_CLOCK_TIME_NONE;

  if (!gst_structure_get_uint64 (s, "stream-time", &t) ||
      !GST_CLOCK_TIME_IS_VALID (t))
    gst_structure_get_uint64 (s, "timestamp", &t);
  return GST_CLOCK_TIME_IS_VALID (t) ? (gdouble) t / GST_SECOND : NAN;
}

/* A summary or report as an object: its `json` field, with "type" set, or
 * the structure's own fields when that field is missing or invalid. */
static JsonObject *
document_object (GstAuraSessionSink * self, const GstStructure * s)
{
  const gchar *text = gst_structure_get_string (s, "json");
  JsonParser *parser = json_parser_new ();
  JsonObject *obj = NULL;

  if (text && json_parser_load_from_data (parser, text, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    obj = json_object_ref (json_node_get_object (json_parser_get_root
            (parser)));
    if (!json_object_has_member (obj, "type"))
      json_object_set_string_member (obj, "type", gst_structure_get_name (s));
  } else {
    GST_WARNING_OBJECT (self, "%s without a valid json field: storing its "
        "fields", gst_structure_get_name (s));
    obj = aura_structure_to_json_object (s);
  }
  g_object_unref (parser);
  return obj;
}

/* The record as live clients get it: "t" (as in the API's record lists)
 * put in front of the stored object, without parsing it again. */
static void
publish_live (GstAuraSessionSink * self, gdouble t, const gchar * json)
{
  gchar num[G_ASCII_DTOSTR_BUF_SIZE];
  gchar *with_t;

  /* nobody listening: no string to build */
  if (json[0] != '{' || !aura_live_has_subscribers (self->live_id))
    return;
  if (isfinite (t))
    g_ascii_dtostr (num, sizeof (num), t);
  else
    g_strlcpy (num, "null", sizeof (num));
  with_t = g_strdup_printf ("{\"t\":%s%s%s", num, json[1] == '}' ? "" : ",",
      json + 1);
  aura_live_publish (self->live_id, with_t);
  g_free (with_t);
}

/* With two speakers or more: the conversation across them, stored, sent to
 * live clients and posted as an `aura-conversation` message (field `json`). */
static void
record_conversation (GstAuraSessionSink * self)
{
  JsonObject *obj = aura_speakers_conversation (self->speakers);
  gchar *json;

  if (obj == NULL)
    return;
  json = aura_json_object_to_string (obj, FALSE);
  json_object_unref (obj);
  aura_store_add_record (self->store, AURA_RECORD_CONVERSATION, NAN, NULL,
      json);
  publish_live (self, NAN, json);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("aura-conversation", "json", G_TYPE_STRING, json,
              NULL)));
  GST_INFO_OBJECT (self, "conversation of %u speakers: %s",
      aura_speakers_count (self->speakers), json);
  g_free (json);
}

static void
record (GstAuraSessionSink * self, const GstStructure * s)
{
  const gchar *name = gst_structure_get_name (s), *speaker;
  AuraRecordKind kind;
  JsonObject *obj;
  gchar *json;
  gboolean ok;

  if (gst_structure_has_name (s, AURA_METRICS_NAME))
    kind = AURA_RECORD_METRICS;
  else if (gst_structure_has_name (s, AURA_FEEDBACK_NAME))
    kind = AURA_RECORD_FEEDBACK;
  else if (gst_structure_has_name (s, AURA_SUMMARY_NAME))
    kind = AURA_RECORD_SUMMARY;
  else if (gst_structure_has_name (s, AURA_REPORT_NAME))
    kind = AURA_RECORD_REPORT;
  else
    return;

  if (self->store == NULL || !aura_store_in_session (self->store)) {
    GST_DEBUG_OBJECT (self, "no session: %s not recorded", name);
    return;
  }

  if (kind == AURA_RECORD_FEEDBACK || kind == AURA_RECORD_REPORT)
    aura_store_session_set_meta (self->store,
        gst_structure_get_string (s, "language"),
        gst_structure_get_string (s, "profile"));

  if (kind == AURA_RECORD_METRICS || kind == AURA_RECORD_FEEDBACK)
    obj = aura_structure_to_json_object (s);
  else
    obj = document_object (self, s);
  speaker = gst_structure_get_string (s, "speaker");
  /* a named speaker's summary: their speech, for the conversation */
  if (kind == AURA_RECORD_SUMMARY && speaker)
    aura_speakers_add_summary (self->speakers, speaker, obj);
  json = aura_json_object_to_string (obj, FALSE);
  json_object_unref (obj);
  ok = aura_store_add_speaker_record (self->store, kind, structure_time (s),
      gst_structure_get_string (s, "code"), speaker, json);
  publish_live (self, structure_time (s), json);
  g_free (json);

  if (!ok && aura_store_has_failed (self->store)) {
    GST_DEBUG_OBJECT (self, "writer failed: %s not recorded", name);
  } else if (!ok && !self->warned_drop) {
    self->warned_drop = TRUE;
    GST_ELEMENT_WARNING (self, RESOURCE, WRITE,
        ("Session database writer is too slow: dropping records"),
        ("queue of %u records full, %s dropped; drops are counted in "
            "sessions.dropped", self->queue_size, name));
  }
}

static gboolean
gst_aura_session_sink_finish (GstAuraSessionSink * self)
{
  GError *error = NULL;
  gchar *location;

  if (self->store == NULL || !aura_store_in_session (self->store))
    return TRUE;
  record_conversation (self);
  if (aura_store_session_end (self->store, AURA_SESSION_COMPLETED, &error)) {
    aura_live_end (self->live_id, "completed");
    return TRUE;
  }
  aura_live_end (self->live_id, "interrupted");

  GST_OBJECT_LOCK (self);
  location = g_strdup (self->location);
  GST_OBJECT_UNLOCK (self);
  GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
      ("Could not write the session to \"%s\": %s", location, error->message),
      (NULL));
  g_free (location);
  g_clear_error (&error);
  return FALSE;
}

static gboolean
gst_aura_session_sink_event (GstBaseSink * sink, GstEvent * event)
{
  GstAuraSessionSink *self = GST_AURA_SESSION_SINK (sink);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CUSTOM_DOWNSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM_OOB:
      record (self, gst_event_get_structure (event));
      break;
    case GST_EVENT_EOS:
      /* every record on disk before the EOS message is posted */
      gst_aura_session_sink_finish (self);
      break;
    default:
      break;
  }
  return GST_BASE_SINK_CLASS (parent_class)->event (sink, event);
}

static GstFlowReturn
gst_aura_session_sink_render (GstBaseSink * sink, GstBuffer * buffer)
{
  /* audio and anything else: only the events are stored */
  return GST_FLOW_OK;
}
