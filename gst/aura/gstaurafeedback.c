/* AURA — aurafeedback: localized live coaching from auraanalyzer's metrics.
 *
 * This library is free software; you can redistribute it and/or modify it under the
 * terms of the GNU Library General Public License, version 2.1 or later.
 */

/**
 * SECTION:element-aurafeedback
 * @title: aurafeedback
 *
 * Turns the in-band `aura-metrics` events of an upstream #GstAuraAnalyzer into
 * coaching: sparse live cues (`aura-feedback`) with hysteresis, localized through
 * catalogs (en, fr; data/coaching/LANG.ini), with targets that depend on the
 * #GstAuraFeedback:profile and #GstAuraFeedback:language, and an end-of-session
 * `aura-report` (a score per category, strengths, the three most useful
 * improvements). Every cue and the report are posted on the bus and sent
 * downstream as serialized custom events, like the metrics. The audio passes
 * through untouched.
 *
 * The `text_src` pad carries the live cue as timestamped `text/x-raw` (one buffer
 * per metrics interval while a cue is live, a GAP otherwise), for `textoverlay`.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 -m filesrc location=talk.wav ! decodebin ! audioconvert ! auraanalyzer ! aurafeedback language=fr profile=presentation ! fakesink
 * ]|
 * |[
 * gst-launch-1.0 filesrc location=talk.wav ! decodebin ! audioconvert ! auraanalyzer ! aurafeedback name=fb ! autoaudiosink \
 *     fb.text_src ! queue ! txt.text_sink  videotestsrc is-live=true ! textoverlay name=txt ! autovideosink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "gstaurafeedback.h"
#include "aura-schema.h"
#include "feedback/aura-ai-client.h"
#include "feedback/aura-catalog.h"
#include "feedback/aura-narrative.h"
#include "feedback/aura-rules.h"

GST_DEBUG_CATEGORY_STATIC (gst_aura_feedback_debug);
#define GST_CAT_DEFAULT gst_aura_feedback_debug

#define DEFAULT_PROP_LANGUAGE       "en"
#define DEFAULT_PROP_PROFILE        "presentation"
#define DEFAULT_PROP_COOLDOWN       (60 * GST_SECOND)
#define DEFAULT_PROP_POST_MESSAGES  TRUE
#define DEFAULT_PROP_AI_KEY_ENV     "AURA_AI_KEY"
#define DEFAULT_PROP_AI_TIMEOUT     (10 * GST_SECOND)

#define IMPROVEMENTS 3          /* in the report */
#define STRENGTH_SCORE 85.0     /* a category this good is a strength */

enum
{
  PROP_0,
  PROP_LANGUAGE,
  PROP_PROFILE,
  PROP_RULES_LOCATION,
  PROP_COOLDOWN,
  PROP_POST_MESSAGES,
  PROP_AI_URL,
  PROP_AI_MODEL,
  PROP_AI_KEY_ENV,
  PROP_AI_TIMEOUT,
};

struct _GstAuraFeedback
{
  GstElement parent;

  GstPad *sinkpad, *srcpad, *text_srcpad;

  /* properties, protected by the object lock */
  gchar *language, *profile, *rules_location;
  GstClockTime cooldown;
  gboolean post_messages;
  gchar *ai_url, *ai_model, *ai_key_env;
  GstClockTime ai_timeout;

  /* streaming state (the sink pad's streaming thread) */
  AuraRules *rules;
  AuraCatalog *catalog;
  GstSegment segment;
  gboolean text_started;
  GArray *cues;                 /* AuraCue fired in the session */
  AuraAiClient *ai;             /* NULL without an AI service */
  gchar *speaker;               /* of the metrics seen (multi-speaker) */
  gboolean failed;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate text_src_template =
GST_STATIC_PAD_TEMPLATE ("text_src", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("text/x-raw, format = (string) utf8"));

#define gst_aura_feedback_parent_class parent_class
G_DEFINE_TYPE (GstAuraFeedback, gst_aura_feedback, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (aurafeedback, "aurafeedback", GST_RANK_NONE,
    GST_TYPE_AURA_FEEDBACK);

static void gst_aura_feedback_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_aura_feedback_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_aura_feedback_finalize (GObject * object);
static GstStateChangeReturn gst_aura_feedback_change_state (GstElement *
    element, GstStateChange transition);
static GstFlowReturn gst_aura_feedback_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buf);
static gboolean gst_aura_feedback_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);

static void
gst_aura_feedback_class_init (GstAuraFeedbackClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_aura_feedback_set_property;
  gobject_class->get_property = gst_aura_feedback_get_property;
  gobject_class->finalize = gst_aura_feedback_finalize;

  /**
   * GstAuraFeedback:language:
   *
   * Language of the messages and of the pace norms ("en", "fr"; any language
   * with a data/coaching/LANG.ini catalog). A missing catalog falls back to
   * English with a warning.
   */
  g_object_class_install_property (gobject_class, PROP_LANGUAGE,
      g_param_spec_string ("language", "Language",
          "Language of the coaching messages and pace norms (en, fr)",
          DEFAULT_PROP_LANGUAGE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraFeedback:profile:
   *
   * Kind of speaking, which sets the targets: presentation, lecture,
   * conversation, webinar, podcast, broadcast (docs/coaching.md).
   */
  g_object_class_install_property (gobject_class, PROP_PROFILE,
      g_param_spec_string ("profile", "Profile",
          "Kind of speaking that sets the targets: presentation, lecture, "
          "conversation, webinar, podcast, broadcast", DEFAULT_PROP_PROFILE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraFeedback:rules-location:
   *
   * A rules file (GKeyFile with [targets] and [hysteresis] groups) that overrides
   * the built-in targets; an invalid file fails the state change with an error
   * naming the file, group and key.
   */
  g_object_class_install_property (gobject_class, PROP_RULES_LOCATION,
      g_param_spec_string ("rules-location", "Rules location",
          "File overriding the built-in targets and hysteresis (GKeyFile)",
          NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraFeedback:cooldown:
   *
   * Time after which a cue may fire again although the problem was never fixed,
   * in nanoseconds.
   */
  g_object_class_install_property (gobject_class, PROP_COOLDOWN,
      g_param_spec_uint64 ("cooldown", "Cool-down",
          "Time after which an unfixed problem may be cued again (in "
          "nanoseconds)", GST_SECOND, 3600 * GST_SECOND,
          DEFAULT_PROP_COOLDOWN, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraFeedback:post-messages:
   *
   * Post `aura-feedback` and `aura-report` messages on the bus (the in-band
   * events are sent either way).
   */
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post aura-feedback and aura-report messages on the bus",
          DEFAULT_PROP_POST_MESSAGES,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraFeedback:ai-url:
   *
   * OpenAI-compatible chat-completions endpoint that writes the report's
   * narrative from its facts (e.g. http://127.0.0.1:8080/v1/chat/completions).
   * Empty: no AI. The rule-based report is complete without it.
   */
  g_object_class_install_property (gobject_class, PROP_AI_URL,
      g_param_spec_string ("ai-url", "AI URL",
          "Chat-completions endpoint for the report's narrative (empty: none)",
          NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_AI_MODEL,
      g_param_spec_string ("ai-model", "AI model",
          "Model name sent to the AI service", NULL,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraFeedback:ai-key-env:
   *
   * Name of the environment variable that holds the AI service's API key. The
   * key itself is never a property, never logged and never stored.
   */
  g_object_class_install_property (gobject_class, PROP_AI_KEY_ENV,
      g_param_spec_string ("ai-key-env", "AI key variable",
          "Environment variable holding the AI service's API key",
          DEFAULT_PROP_AI_KEY_ENV, G_PARAM_READWRITE |
          GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraFeedback:ai-timeout:
   *
   * Longest time end of stream waits for the narrative, retries included (in
   * nanoseconds); past it the report goes out without one.
   */
  g_object_class_install_property (gobject_class, PROP_AI_TIMEOUT,
      g_param_spec_uint64 ("ai-timeout", "AI timeout",
          "Longest wait for the AI narrative at end of stream (in nanoseconds)",
          100 * GST_MSECOND, 120 * GST_SECOND, DEFAULT_PROP_AI_TIMEOUT,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  gst_element_class_set_static_metadata (element_class,
      "AURA speech coach", "Filter/Analyzer/Audio",
      "Turns aura-metrics into localized live coaching cues, a text stream for "
      "overlays and an end-of-session report", "AURA developers "
      "<aura@example.org>");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class, &text_src_template);
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_aura_feedback_change_state);

  GST_DEBUG_CATEGORY_INIT (gst_aura_feedback_debug, "aurafeedback", 0,
      "AURA speech coach");
}

/* Audio goes sink <-> src only: caps, allocation and other queries proxied to
 * "all the other pads" must not reach the text pad. */
static GstIterator *
gst_aura_feedback_iterate_internal_links (GstPad * pad, GstObject * parent)
{
  GstAuraFeedback *self = GST_AURA_FEEDBACK (parent);
  GstPad *other = pad == self->sinkpad ? self->srcpad :
      pad == self->srcpad ? self->sinkpad : NULL;
  GValue v = G_VALUE_INIT;
  GstIterator *it;

  if (other == NULL)
    return NULL;
  g_value_init (&v, GST_TYPE_PAD);
  g_value_set_object (&v, other);
  it = gst_iterator_new_single (GST_TYPE_PAD, &v);
  g_value_unset (&v);
  return it;
}

static void
gst_aura_feedback_init (GstAuraFeedback * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_aura_feedback_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_aura_feedback_sink_event));
  gst_pad_set_iterate_internal_links_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_aura_feedback_iterate_internal_links));
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_iterate_internal_links_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_aura_feedback_iterate_internal_links));
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->text_srcpad = gst_pad_new_from_static_template (&text_src_template,
      "text_src");
  gst_pad_use_fixed_caps (self->text_srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->text_srcpad);

  self->language = g_strdup (DEFAULT_PROP_LANGUAGE);
  self->profile = g_strdup (DEFAULT_PROP_PROFILE);
  self->cooldown = DEFAULT_PROP_COOLDOWN;
  self->post_messages = DEFAULT_PROP_POST_MESSAGES;
  self->ai_key_env = g_strdup (DEFAULT_PROP_AI_KEY_ENV);
  self->ai_timeout = DEFAULT_PROP_AI_TIMEOUT;
  self->cues = g_array_new (FALSE, FALSE, sizeof (AuraCue));
  gst_segment_init (&self->segment, GST_FORMAT_TIME);
}

static void
gst_aura_feedback_finalize (GObject * object)
{
  GstAuraFeedback *self = GST_AURA_FEEDBACK (object);

  aura_rules_free (self->rules);
  aura_catalog_free (self->catalog);
  g_array_unref (self->cues);
  g_free (self->language);
  g_free (self->profile);
  g_free (self->rules_location);
  g_free (self->speaker);
  g_free (self->ai_url);
  g_free (self->ai_model);
  g_free (self->ai_key_env);
  aura_ai_client_free (self->ai);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_aura_feedback_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstAuraFeedback *self = GST_AURA_FEEDBACK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LANGUAGE:
      g_free (self->language);
      self->language = g_value_dup_string (value);
      break;
    case PROP_PROFILE:
      g_free (self->profile);
      self->profile = g_value_dup_string (value);
      break;
    case PROP_RULES_LOCATION:
      g_free (self->rules_location);
      self->rules_location = g_value_dup_string (value);
      break;
    case PROP_COOLDOWN:
      self->cooldown = g_value_get_uint64 (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    case PROP_AI_URL:
      g_free (self->ai_url);
      self->ai_url = g_value_dup_string (value);
      break;
    case PROP_AI_MODEL:
      g_free (self->ai_model);
      self->ai_model = g_value_dup_string (value);
      break;
    case PROP_AI_KEY_ENV:
      g_free (self->ai_key_env);
      self->ai_key_env = g_value_dup_string (value);
      break;
    case PROP_AI_TIMEOUT:
      self->ai_timeout = g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_aura_feedback_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstAuraFeedback *self = GST_AURA_FEEDBACK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_PROFILE:
      g_value_set_string (value, self->profile);
      break;
    case PROP_RULES_LOCATION:
      g_value_set_string (value, self->rules_location);
      break;
    case PROP_COOLDOWN:
      g_value_set_uint64 (value, self->cooldown);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_AI_URL:
      g_value_set_string (value, self->ai_url);
      break;
    case PROP_AI_MODEL:
      g_value_set_string (value, self->ai_model);
      break;
    case PROP_AI_KEY_ENV:
      g_value_set_string (value, self->ai_key_env);
      break;
    case PROP_AI_TIMEOUT:
      g_value_set_uint64 (value, self->ai_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ------------------------------------------------------------------------ */
/* Session                                                                  */

/* The AI client, when an endpoint is set. A bad setting is a warning, not an
 * error: the rule-based report does not need the AI. */
static void
start_ai (GstAuraFeedback * self)
{
  AuraAiClientConfig config = { 0 };
  GError *error = NULL;
  gchar *url, *model, *key_env;

  GST_OBJECT_LOCK (self);
  url = g_strdup (self->ai_url);
  model = g_strdup (self->ai_model);
  key_env = g_strdup (self->ai_key_env);
  /* one attempt may take the whole deadline; aura_narrative_request() cuts */
  config.timeout_ms = (guint) (self->ai_timeout / GST_MSECOND);
  GST_OBJECT_UNLOCK (self);

  aura_ai_client_free (self->ai);
  self->ai = NULL;
  if (url && *url) {
    config.url = url;
    config.model = model;
    config.api_key_env = key_env;
    self->ai = aura_ai_client_new (&config, &error);
    if (self->ai == NULL) {
      GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
          ("AI coaching disabled: %s", error->message),
          ("the report is written without a narrative"));
      g_error_free (error);
    }
  }
  g_free (url);
  g_free (model);
  g_free (key_env);
}

/* Builds the rules and catalog from the properties; FALSE after an element
 * error (unknown profile, invalid rules file). */
static gboolean
start_session (GstAuraFeedback * self)
{
  AuraTargets targets;
  AuraHysteresis hysteresis;
  gchar *language, *profile, *rules_location;
  gboolean fell_back = FALSE, ok = TRUE;
  GError *error = NULL;

  GST_OBJECT_LOCK (self);
  language = g_strdup (self->language);
  profile = g_strdup (self->profile);
  rules_location = g_strdup (self->rules_location);
  aura_hysteresis_default (&hysteresis);
  hysteresis.cooldown = (gdouble) self->cooldown / GST_SECOND;
  GST_OBJECT_UNLOCK (self);

  if (aura_targets_builtin (profile, language, &targets) != 0) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
        ("Unknown coaching profile '%s'", profile ? profile : "(null)"),
        ("known profiles: presentation, lecture, conversation, webinar, "
            "podcast, broadcast"));
    ok = FALSE;
  } else if (rules_location && *rules_location
      && !aura_rules_file_load (rules_location, &targets, &hysteresis,
          &error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Invalid rules file: %s", error->message), (NULL));
    g_error_free (error);
    ok = FALSE;
  }
  if (ok) {
    aura_rules_free (self->rules);
    self->rules = aura_rules_new (&targets, &hysteresis);
    aura_catalog_free (self->catalog);
    self->catalog = aura_catalog_new (language, &fell_back);
    if (fell_back)
      GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
          ("No coaching catalog for language '%s': using English", language),
          ("add data/coaching/%s.ini to translate", language));
  }
  g_array_set_size (self->cues, 0);
  self->text_started = FALSE;
  self->failed = !ok;
  if (ok)
    start_ai (self);
  g_free (language);
  g_free (profile);
  g_free (rules_location);
  return ok;
}

static GstStateChangeReturn
gst_aura_feedback_change_state (GstElement * element, GstStateChange transition)
{
  GstAuraFeedback *self = GST_AURA_FEEDBACK (element);

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    if (!start_session (self))
      return GST_STATE_CHANGE_FAILURE;
    gst_segment_init (&self->segment, GST_FORMAT_TIME);
  }
  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}

/* ------------------------------------------------------------------------ */
/* Emitting                                                                 */

static void
emit (GstAuraFeedback * self, GstStructure * s)
{
  gboolean post;

  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  GST_OBJECT_UNLOCK (self);
  if (post)
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self), gst_structure_copy (s)));
  gst_pad_push_event (self->srcpad,
      gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s));
}

static gchar *
cue_message (GstAuraFeedback * self, const AuraCue * cue)
{
  const gchar *code = cue->praise ? aura_rule_praise_code (cue->rule) :
      aura_rule_code (cue->rule);
  gdouble value = cue->value;

  /* clipping reads as a percentage in the messages' unit */
  if (cue->rule == AURA_RULE_CLARITY_CLIPPING)
    value *= 100.0;
  return aura_catalog_format (self->catalog, code, value, cue->low, cue->high);
}

static GstStructure *
build_feedback (GstAuraFeedback * self, const AuraCue * cue,
    GstClockTime timestamp)
{
  GstStructure *s = gst_structure_new_empty (AURA_FEEDBACK_NAME);
  gchar *message = cue_message (self, cue);
  GstClockTime duration = (GstClockTime) ((cue->until - cue->time) *
      GST_SECOND);

  gst_structure_set (s,
      "timestamp", G_TYPE_UINT64, timestamp,
      "stream-time", G_TYPE_UINT64,
      gst_segment_to_stream_time (&self->segment, GST_FORMAT_TIME, timestamp),
      "running-time", G_TYPE_UINT64,
      gst_segment_to_running_time (&self->segment, GST_FORMAT_TIME,
          timestamp), "duration", G_TYPE_UINT64, duration,
      "code", G_TYPE_STRING, cue->praise ? aura_rule_praise_code (cue->rule) :
      aura_rule_code (cue->rule),
      "category", G_TYPE_STRING, aura_category_name (cue->category),
      "severity", G_TYPE_STRING, aura_severity_name (cue->severity),
      "praise", G_TYPE_BOOLEAN, cue->praise,
      "language", G_TYPE_STRING, aura_catalog_language (self->catalog),
      "message", G_TYPE_STRING, message, NULL);
  if (!cue->praise && isfinite (cue->value))
    gst_structure_set (s, "value", G_TYPE_DOUBLE, cue->value, NULL);
  if (!cue->praise && isfinite (cue->low))
    gst_structure_set (s, "target-low", G_TYPE_DOUBLE, cue->low, NULL);
  if (!cue->praise && isfinite (cue->high))
    gst_structure_set (s, "target-high", G_TYPE_DOUBLE, cue->high, NULL);
  if (self->speaker)
    gst_structure_set (s, "speaker", G_TYPE_STRING, self->speaker, NULL);
  g_free (message);
  return s;
}

/* The text pad's stream: its own stream-start, fixed caps and the audio's
 * segment, before its first buffer or gap. */
static void
start_text_stream (GstAuraFeedback * self)
{
  gchar *id;

  if (self->text_started)
    return;
  id = gst_pad_create_stream_id (self->text_srcpad, GST_ELEMENT (self), "text");
  gst_pad_push_event (self->text_srcpad, gst_event_new_stream_start (id));
  g_free (id);
  gst_pad_push_event (self->text_srcpad,
      gst_event_new_caps (gst_pad_get_pad_template_caps (self->text_srcpad)));
  gst_pad_push_event (self->text_srcpad,
      gst_event_new_segment (&self->segment));
  self->text_started = TRUE;
}

/* The cue live over [@start, @start + @duration) as text, or a GAP. Flow errors
 * of the text pad are not the audio's: an unlinked text pad is fine. */
static void
push_text (GstAuraFeedback * self, GstClockTime start, GstClockTime duration)
{
  AuraCue cue;
  gdouble t = (gdouble) gst_segment_to_stream_time (&self->segment,
      GST_FORMAT_TIME, start) / GST_SECOND;

  start_text_stream (self);
  if (aura_rules_live (self->rules, t, &cue)) {
    gchar *message = cue_message (self, &cue);
    GstBuffer *buf = gst_buffer_new_wrapped (message, strlen (message));
    GST_BUFFER_PTS (buf) = start;
    GST_BUFFER_DURATION (buf) = duration;
    gst_pad_push (self->text_srcpad, buf);
  } else {
    gst_pad_push_event (self->text_srcpad, gst_event_new_gap (start, duration));
  }
}

/* ------------------------------------------------------------------------ */
/* Metrics in                                                               */

static gboolean
get_double (const GstStructure * s, const gchar * field, gdouble * out)
{
  return gst_structure_get_double (s, field, out);
}

static void
to_rule_input (const GstStructure * s, const GstSegment * segment,
    AuraRuleInput * in)
{
  guint64 ts = 0, dur = 0;
  guint u = 0;

  memset (in, 0, sizeof (*in));
  gst_structure_get_uint64 (s, "stream-time", &ts);
  if (ts == GST_CLOCK_TIME_NONE)
    gst_structure_get_uint64 (s, "timestamp", &ts);
  gst_structure_get_uint64 (s, "duration", &dur);
  in->duration = (gdouble) dur / GST_SECOND;
  in->end = (gdouble) ts / GST_SECOND + in->duration;
  get_double (s, "speech-ratio", &in->speech_ratio);
  in->has_wpm = get_double (s, "wpm", &in->wpm);
  in->has_syllable_rate = get_double (s, "syllable-rate", &in->syllable_rate);
  if (gst_structure_get_uint (s, "pauses", &u))
    in->pauses = u;
  get_double (s, "longest-pause", &in->longest_pause);
  in->loudness_short_term = AURA_DB_FLOOR;
  get_double (s, "loudness-short-term", &in->loudness_short_term);
  in->has_variability = get_double (s, "pitch-variability-st",
      &in->pitch_variability_st);
  if (gst_structure_get_uint (s, "fillers", &u))
    in->fillers = u;
  in->has_snr = get_double (s, "snr-db", &in->snr_db);
  get_double (s, "clipping", &in->clipping);
}

static void
handle_metrics (GstAuraFeedback * self, const GstStructure * s)
{
  AuraRuleInput in;
  AuraCue cue;
  guint64 ts = GST_CLOCK_TIME_NONE, dur = 0;

  /* a participant's chain: its cues and report name the same speaker */
  if (gst_structure_get_string (s, "speaker") &&
      g_strcmp0 (self->speaker, gst_structure_get_string (s, "speaker"))) {
    g_free (self->speaker);
    self->speaker = g_strdup (gst_structure_get_string (s, "speaker"));
  }
  if (self->rules == NULL)
    return;
  to_rule_input (s, &self->segment, &in);
  gst_structure_get_uint64 (s, "timestamp", &ts);
  gst_structure_get_uint64 (s, "duration", &dur);
  if (aura_rules_step (self->rules, &in, &cue)) {
    GstClockTime at = GST_CLOCK_TIME_IS_VALID (ts) ? ts + dur : 0;
    GST_INFO_OBJECT (self, "cue %s at %.2f s", cue.praise ?
        aura_rule_praise_code (cue.rule) : aura_rule_code (cue.rule), cue.time);
    g_array_append_val (self->cues, cue);
    emit (self, build_feedback (self, &cue, at));
  }
  /* the text for the next interval: what is live from this interval's end */
  if (GST_CLOCK_TIME_IS_VALID (ts) && dur > 0)
    push_text (self, ts + dur, dur);
}

/* ------------------------------------------------------------------------ */
/* Report                                                                   */

/* Rules ordered by the time their problem held, longest first. */
static guint
rank_improvements (const AuraRulesReport * rep, AuraRuleId * out, guint max)
{
  gboolean used[AURA_N_RULES] = { FALSE };
  guint n = 0, i;

  while (n < max) {
    gint best = -1;
    for (i = 0; i < AURA_N_RULES; i++)
      if (!used[i] && rep->problem_time[i] > 0.0 && (best < 0
              || rep->problem_time[i] > rep->problem_time[best]))
        best = (gint) i;
    if (best < 0)
      break;
    used[best] = TRUE;
    out[n++] = (AuraRuleId) best;
  }
  return n;
}

/* The last cue of @rule, for the values of its message. */
static const AuraCue *
last_cue (GstAuraFeedback * self, AuraRuleId rule)
{
  gint i;

  for (i = (gint) self->cues->len - 1; i >= 0; i--) {
    const AuraCue *c = &g_array_index (self->cues, AuraCue, i);
    if (c->rule == rule && !c->praise)
      return c;
  }
  return NULL;
}

/* The message of the rule's last cue, or, when it never fired (another cue was
 * live, or the condition never held long enough), of its last measurement. */
static gchar *
improvement_message (GstAuraFeedback * self, const AuraRulesReport * rep,
    AuraRuleId rule)
{
  const AuraCue *c = last_cue (self, rule);
  AuraCue last = { 0 };

  if (c == NULL) {
    last.rule = rule;
    last.value = rep->value[rule];
    last.low = rep->low[rule];
    last.high = rep->high[rule];
    c = &last;
  }
  return cue_message (self, c);
}

static GstStructure *
build_report (GstAuraFeedback * self)
{
  GstStructure *s = gst_structure_new_empty (AURA_REPORT_NAME);
  const AuraCatalog *cat = self->catalog;
  AuraRulesReport rep;
  AuraRuleId best[IMPROVEMENTS];
  guint n_best, i;
  GString *text = g_string_new (NULL), *strengths = g_string_new (NULL),
      *codes = g_string_new (NULL);
  JsonObject *obj, *scores;
  JsonArray *strengths_json, *improvements_json, *cues_json;
  gchar *json, *profile;
  const gchar *colon;

  aura_rules_report (self->rules, &rep);
  GST_OBJECT_LOCK (self);
  profile = g_strdup (self->profile);
  GST_OBJECT_UNLOCK (self);

  colon = aura_catalog_get (cat, "report", "colon");
  g_string_append_printf (text, "%s\n", aura_catalog_get (cat, "report",
          "title"));
  if (rep.overall >= 0.0)
    g_string_append_printf (text, "%s%s %.0f/100\n", aura_catalog_get (cat,
            "report", "overall"), colon, rep.overall);
  gst_structure_set (s, "language", G_TYPE_STRING,
      aura_catalog_language (cat), "profile", G_TYPE_STRING, profile, NULL);
  if (self->speaker)
    gst_structure_set (s, "speaker", G_TYPE_STRING, self->speaker, NULL);
  if (rep.overall >= 0.0)
    gst_structure_set (s, "overall-score", G_TYPE_DOUBLE, rep.overall, NULL);
  scores = json_object_new ();
  strengths_json = json_array_new ();
  for (i = 0; i < AURA_N_CATEGORIES; i++) {
    const gchar *name = aura_category_name (i);
    gchar *field = g_strdup_printf ("score-%s", name);
    const gchar *label = aura_catalog_get (cat, "categories", name);
    if (rep.score[i] >= 0.0) {
      gst_structure_set (s, field, G_TYPE_DOUBLE, rep.score[i], NULL);
      json_object_set_double_member (scores, name, rep.score[i]);
      g_string_append_printf (text, "  %s%s %.0f\n", label, colon,
          rep.score[i]);
      if (rep.score[i] >= STRENGTH_SCORE) {
        g_string_append_printf (strengths, "%s%s", strengths->len ? ", " : "",
            label);
        json_array_add_string_element (strengths_json, name);
      }
    } else {
      json_object_set_null_member (scores, name);
      g_string_append_printf (text, "  %s%s %s\n", label, colon,
          aura_catalog_get (cat, "report", "not-measured"));
    }
    g_free (field);
  }
  g_string_append_printf (text, "%s%s %s\n", aura_catalog_get (cat, "report",
          "strengths"), colon, strengths->len ? strengths->str :
      aura_catalog_get (cat, "report", "none"));
  g_string_append_printf (text, "%s%s", aura_catalog_get (cat, "report",
          "improvements"), colon);
  improvements_json = json_array_new ();
  n_best = rank_improvements (&rep, best, IMPROVEMENTS);
  if (n_best == 0)
    g_string_append_printf (text, " %s", aura_catalog_get (cat, "report",
            "none"));
  for (i = 0; i < n_best; i++) {
    gchar *msg = improvement_message (self, &rep, best[i]);
    JsonObject *item = json_object_new ();
    g_string_append_printf (text, "\n  - %s", msg);
    g_string_append_printf (codes, "%s%s", codes->len ? "," : "",
        aura_rule_code (best[i]));
    json_object_set_string_member (item, "code", aura_rule_code (best[i]));
    json_object_set_string_member (item, "category",
        aura_category_name (aura_rule_category (best[i])));
    json_object_set_string_member (item, "message", msg);
    json_object_set_double_member (item, "problem_time",
        rep.problem_time[best[i]]);
    json_object_set_int_member (item, "cues", rep.fired[best[i]]);
    json_array_add_object_element (improvements_json, item);
    g_free (msg);
  }
  gst_structure_set (s, "strengths", G_TYPE_STRING, strengths->str,
      "improvements", G_TYPE_STRING, codes->str,
      "cues", G_TYPE_UINT, self->cues->len,
      "text", G_TYPE_STRING, text->str, NULL);

  obj = aura_structure_to_json_object (s);
  json_object_set_object_member (obj, "scores", scores);
  json_object_set_array_member (obj, "strength_list", strengths_json);
  json_object_set_array_member (obj, "improvement_list", improvements_json);
  cues_json = json_array_new ();
  for (i = 0; i < self->cues->len; i++) {
    const AuraCue *c = &g_array_index (self->cues, AuraCue, i);
    JsonObject *item = json_object_new ();
    gchar *msg = cue_message (self, c);
    json_object_set_double_member (item, "time", c->time);
    json_object_set_string_member (item, "code", c->praise ?
        aura_rule_praise_code (c->rule) : aura_rule_code (c->rule));
    json_object_set_string_member (item, "severity",
        aura_severity_name (c->severity));
    json_object_set_string_member (item, "message", msg);
    json_array_add_object_element (cues_json, item);
    g_free (msg);
  }
  json_object_set_array_member (obj, "cue_list", cues_json);
  json = aura_json_object_to_string (obj, FALSE);
  gst_structure_set (s, "json", G_TYPE_STRING, json, NULL);
  g_free (json);
  json_object_unref (obj);
  g_string_free (text, TRUE);
  g_string_free (strengths, TRUE);
  g_string_free (codes, TRUE);
  g_free (profile);
  return s;
}

/* Asks the AI service, from a worker thread and within ai-timeout, for the
 * report's narrative; adds it to @report (field and JSON) when it comes. */
static GstStructure *
add_narrative (GstAuraFeedback * self, GstStructure * report)
{
  JsonParser *parser;
  GError *error = NULL;
  GstClockTime timeout;
  gchar *narrative, *json;

  if (self->ai == NULL)
    return report;
  GST_OBJECT_LOCK (self);
  timeout = self->ai_timeout;
  GST_OBJECT_UNLOCK (self);
  narrative = aura_narrative_request (self->ai,
      aura_catalog_get (self->catalog, "language", "name"),
      gst_structure_get_string (report, "json"),
      (guint) (timeout / GST_MSECOND), &error);
  if (narrative == NULL) {
    GST_ELEMENT_WARNING (self, RESOURCE, READ,
        ("AI coaching unavailable: %s", error->message),
        ("the rule-based report is complete without it"));
    g_error_free (error);
    return report;
  }
  gst_structure_set (report, "narrative", G_TYPE_STRING, narrative, NULL);
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, gst_structure_get_string (report,
              "json"), -1, NULL)) {
    JsonNode *root = json_parser_get_root (parser);
    json_object_set_string_member (json_node_get_object (root), "narrative",
        narrative);
    json = json_to_string (root, FALSE);
    gst_structure_set (report, "json", G_TYPE_STRING, json, NULL);
    g_free (json);
  }
  g_object_unref (parser);
  g_free (narrative);
  return report;
}

static GstFlowReturn
gst_aura_feedback_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstAuraFeedback *self = GST_AURA_FEEDBACK (parent);

  /* the text stream starts with the audio: a sink behind text_src must preroll
   * before the first metrics interval is over, or the pipeline would wait for
   * it forever */
  if (!self->text_started) {
    GstClockTime ts = GST_BUFFER_PTS_IS_VALID (buf) ? GST_BUFFER_PTS (buf) :
        self->segment.start;
    start_text_stream (self);
    gst_pad_push_event (self->text_srcpad, gst_event_new_gap (ts, 0));
  }
  return gst_pad_push (self->srcpad, buf);
}

static gboolean
gst_aura_feedback_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstAuraFeedback *self = GST_AURA_FEEDBACK (parent);
  const GstStructure *s;
  gboolean ret;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment (event, &self->segment);
      if (self->text_started)
        gst_pad_push_event (self->text_srcpad, gst_event_ref (event));
      break;
    case GST_EVENT_CUSTOM_DOWNSTREAM:
      s = gst_event_get_structure (event);
      /* the metrics go on downstream first, then what they caused */
      if (s && gst_structure_has_name (s, AURA_METRICS_NAME)) {
        gst_event_ref (event);
        ret = gst_pad_push_event (self->srcpad, event);
        handle_metrics (self, s);
        gst_event_unref (event);
        return ret;
      }
      break;
    case GST_EVENT_EOS:
      if (self->rules)
        emit (self, add_narrative (self, build_report (self)));
      if (self->text_started)
        gst_pad_push_event (self->text_srcpad, gst_event_new_eos ());
      break;
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      if (self->text_started)
        gst_pad_push_event (self->text_srcpad, gst_event_ref (event));
      break;
    default:
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}
