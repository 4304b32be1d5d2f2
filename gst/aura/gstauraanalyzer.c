/* AURA — auraanalyzer: measures how a person speaks.
 *
 * This library is free software; you can redistribute it and/or modify it under the
 * terms of the GNU Library General Public License, version 2.1 or later.
 */

/**
 * SECTION:element-auraanalyzer
 * @title: auraanalyzer
 *
 * Measures how a person speaks: sample level, loudness (ITU-R BS.1770-4 / EBU R128:
 * momentary, short-term, integrated, loudness range, true peak), clipping, voice
 * activity against an adaptive noise floor, signal-to-noise ratio and pauses.
 *
 * The audio passes through untouched. Every #GstAuraAnalyzer:interval the element
 * posts an `aura-metrics` element message (timing fields as `level`'s: `timestamp`,
 * `stream-time`, `running-time`, `duration`, `endtime`), and at end of stream an
 * `aura-summary` whose `json` field holds the whole summary, the list of pauses
 * included. Each of these structures also travels downstream as a serialized custom
 * downstream event, right after the audio it describes, so elements further down
 * (aurafeedback, aurasessionsink) read them in stream order without the bus.
 *
 * A value that cannot be measured (integrated loudness before any gated block,
 * signal-to-noise ratio without speech) is left out of the structure and written as
 * `null` in JSON; levels are floored at -120 dB. docs/metrics.md defines every field.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -m filesrc location=talk.wav ! decodebin ! audioconvert ! auraanalyzer ! fakesink
 * ]| prints one aura-metrics message a second and an aura-summary at the end.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "gstauraanalyzer.h"
#include "aura-schema.h"
#include "dsp/aura-analysis.h"

GST_DEBUG_CATEGORY_STATIC (gst_aura_analyzer_debug);
#define GST_CAT_DEFAULT gst_aura_analyzer_debug

#define DEFAULT_PROP_INTERVAL       (GST_SECOND)
#define DEFAULT_PROP_POST_MESSAGES  TRUE
#define DEFAULT_PROP_MIN_PAUSE      (250 * GST_MSECOND)
#define DEFAULT_PROP_TRUE_PEAK      TRUE
#define DEFAULT_PROP_PITCH_FLOOR    AURA_ANALYSIS_PITCH_FLOOR
#define DEFAULT_PROP_PITCH_CEILING  AURA_ANALYSIS_PITCH_CEILING
#define DEFAULT_PROP_WINDOW         (10 * GST_SECOND)
#define DEFAULT_PROP_LANGUAGE       "en"

#define MIN_INTERVAL        (10 * GST_MSECOND)
#define MAX_INTERVAL        (3600 * GST_SECOND)
#define MIN_MIN_PAUSE       (50 * GST_MSECOND)
#define MAX_MIN_PAUSE       (10 * GST_SECOND)
#define MIN_WINDOW          (2 * GST_SECOND)
#define MAX_WINDOW          (60 * GST_SECOND)

/* A buffer whose timestamp is further than this from where the previous one ended
 * is a discontinuity even without the DISCONT flag. */
#define TIMESTAMP_TOLERANCE (40 * GST_MSECOND)
/* A GAP longer than this is not analysed as silence: the clock restarts after it. */
#define MAX_SILENT_GAP      (60 * GST_SECOND)

struct _GstAuraAnalyzer
{
  GstAudioFilter parent;

  /* properties, protected by the object lock */
  GstClockTime interval;
  gboolean post_messages;
  GstClockTime min_pause;
  gboolean true_peak;
  gdouble pitch_floor, pitch_ceiling;
  GstClockTime window;
  gchar *language;
  gchar *speaker;               /* NULL: not tagged */

  /* streaming state: touched only by the streaming thread (and start/stop) */
  AuraAnalysis *analysis;
  gint rate;                    /* of the configured caps, 0 before */
  GstClockTime min_pause_applied;
  gdouble pitch_floor_applied, pitch_ceiling_applied;
  GstClockTime window_applied;
  gdouble syllables_per_word;   /* of the language; 0 if unknown */
  GstClockTime interval_applied;
  gboolean need_discont;        /* the next data restarts the clock */
  gboolean need_series;         /* the next data starts a new interval series */
  GstClockTime series_start;    /* timestamp of frame 0 of the interval series */
  guint64 series_frames;        /* frames since series_start */
  guint64 interval_start_frame; /* first frame of the open interval */
  guint64 interval_index;
  GstClockTime session_start;
  GstClockTime session_duration;
  guint intervals, discontinuities;
  gboolean warned_invalid;
  gboolean hold_events;         /* after a flush, until the next SEGMENT */
  GArray *pauses;               /* AuraPause, seconds of stream time */
  GArray *fillers;              /* AuraSpan, seconds of stream time */
  GQueue pending_events;        /* metrics events waiting for their audio to pass */
};

enum
{
  PROP_0,
  PROP_INTERVAL,
  PROP_POST_MESSAGES,
  PROP_MIN_PAUSE,
  PROP_TRUE_PEAK,
  PROP_PITCH_FLOOR,
  PROP_PITCH_CEILING,
  PROP_WINDOW,
  PROP_LANGUAGE,
  PROP_SPEAKER,
};

#define ALLOWED_CAPS \
  "audio/x-raw, format = (string) { S16LE, S32LE, F32LE, F64LE }, " \
  "layout = (string) interleaved, rate = (int) [ 8000, 192000 ], " \
  "channels = (int) [ 1, 8 ]"

#define gst_aura_analyzer_parent_class parent_class
G_DEFINE_TYPE (GstAuraAnalyzer, gst_aura_analyzer, GST_TYPE_AUDIO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (auraanalyzer, "auraanalyzer", GST_RANK_NONE,
    GST_TYPE_AURA_ANALYZER);

static void gst_aura_analyzer_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_aura_analyzer_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_aura_analyzer_finalize (GObject * object);
static gboolean gst_aura_analyzer_setup (GstAudioFilter * filter,
    const GstAudioInfo * info);
static gboolean gst_aura_analyzer_start (GstBaseTransform * trans);
static gboolean gst_aura_analyzer_stop (GstBaseTransform * trans);
static gboolean gst_aura_analyzer_sink_event (GstBaseTransform * trans,
    GstEvent * event);
static GstFlowReturn gst_aura_analyzer_transform_ip (GstBaseTransform * trans,
    GstBuffer * buf);
static void apply_speech_settings (GstAuraAnalyzer * self);

static void
gst_aura_analyzer_class_init (GstAuraAnalyzerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstAudioFilterClass *filter_class = GST_AUDIO_FILTER_CLASS (klass);
  GstCaps *caps;

  gobject_class->set_property = gst_aura_analyzer_set_property;
  gobject_class->get_property = gst_aura_analyzer_get_property;
  gobject_class->finalize = gst_aura_analyzer_finalize;

  /**
   * GstAuraAnalyzer:interval:
   *
   * Time between two `aura-metrics` messages, in nanoseconds. A change takes effect
   * at the end of the interval in progress.
   */
  g_object_class_install_property (gobject_class, PROP_INTERVAL,
      g_param_spec_uint64 ("interval", "Interval",
          "Interval of time between aura-metrics messages (in nanoseconds)",
          MIN_INTERVAL, MAX_INTERVAL, DEFAULT_PROP_INTERVAL,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraAnalyzer:post-messages:
   *
   * Post `aura-metrics` and `aura-summary` element messages on the bus. The
   * in-band events are sent either way.
   */
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post aura-metrics and aura-summary element messages on the bus",
          DEFAULT_PROP_POST_MESSAGES,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraAnalyzer:min-pause:
   *
   * Shortest silence between two stretches of speech that counts as a pause, in
   * nanoseconds. Shorter gaps (stops, breaths between words) belong to speech.
   */
  g_object_class_install_property (gobject_class, PROP_MIN_PAUSE,
      g_param_spec_uint64 ("min-pause", "Minimum pause",
          "Shortest silence between two stretches of speech that counts as a "
          "pause (in nanoseconds)", MIN_MIN_PAUSE, MAX_MIN_PAUSE,
          DEFAULT_PROP_MIN_PAUSE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraAnalyzer:true-peak:
   *
   * Measure the true peak (4x oversampled, ITU-R BS.1770-4 Annex 2). When FALSE,
   * `true-peak-dbtp` holds the sample peak. Takes effect at the next caps.
   */
  g_object_class_install_property (gobject_class, PROP_TRUE_PEAK,
      g_param_spec_boolean ("true-peak", "True peak",
          "Measure the true (inter-sample) peak by 4x oversampling; when false, "
          "true-peak-dbtp reports the sample peak", DEFAULT_PROP_TRUE_PEAK,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraAnalyzer:pitch-floor:
   *
   * Lowest F0 looked for, in Hz. Must stay below #GstAuraAnalyzer:pitch-ceiling;
   * an inconsistent pair is refused with a warning and the previous one kept.
   */
  g_object_class_install_property (gobject_class, PROP_PITCH_FLOOR,
      g_param_spec_double ("pitch-floor", "Pitch floor",
          "Lowest fundamental frequency looked for (Hz)", 40.0, 400.0,
          DEFAULT_PROP_PITCH_FLOOR,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraAnalyzer:pitch-ceiling:
   *
   * Highest F0 looked for, in Hz.
   */
  g_object_class_install_property (gobject_class, PROP_PITCH_CEILING,
      g_param_spec_double ("pitch-ceiling", "Pitch ceiling",
          "Highest fundamental frequency looked for (Hz)", 100.0, 800.0,
          DEFAULT_PROP_PITCH_CEILING,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraAnalyzer:window:
   *
   * Span, in nanoseconds, of the sliding window behind `pitch-variability-st`,
   * `syllable-rate`, `speech-rate` and `wpm`.
   */
  g_object_class_install_property (gobject_class, PROP_WINDOW,
      g_param_spec_uint64 ("window", "Window",
          "Sliding window of the monotony and pace measurements (in nanoseconds)",
          MIN_WINDOW, MAX_WINDOW, DEFAULT_PROP_WINDOW,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraAnalyzer:language:
   *
   * Language of the speech ("en" or "fr"): sets the syllables-per-word factor
   * that turns the syllable rate into words per minute. Another language leaves
   * `wpm` unmeasured (with a warning); every other measurement is
   * language-independent.
   */
  g_object_class_install_property (gobject_class, PROP_LANGUAGE,
      g_param_spec_string ("language", "Language",
          "Language of the speech (en, fr), for words per minute",
          DEFAULT_PROP_LANGUAGE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  /**
   * GstAuraAnalyzer:speaker:
   *
   * Who speaks on this stream, for sessions with several participants (one
   * analyzer per participant, e.g. per webrtcbin pad or RTP SSRC, all into
   * one aurasessionsink through a funnel): added as the `speaker` field of
   * every aura-metrics and of the aura-summary. NULL (default): not added.
   */
  g_object_class_install_property (gobject_class, PROP_SPEAKER,
      g_param_spec_string ("speaker", "Speaker",
          "Name of the participant speaking on this stream (multi-speaker "
          "sessions)", NULL,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING |
          G_PARAM_STATIC_STRINGS));

  gst_element_class_set_static_metadata (element_class,
      "AURA speech analyzer", "Filter/Analyzer/Audio",
      "Measures loudness (EBU R128), voice activity, noise, pauses, pitch and "
      "monotony, pace and filled pauses of speech, and posts them as "
      "aura-metrics messages and in-band events",
      "AURA developers <aura@example.org>");

  caps = gst_caps_from_string (ALLOWED_CAPS);
  gst_audio_filter_class_add_pad_templates (filter_class, caps);
  gst_caps_unref (caps);

  trans_class->start = GST_DEBUG_FUNCPTR (gst_aura_analyzer_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_aura_analyzer_stop);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_aura_analyzer_sink_event);
  trans_class->transform_ip =
      GST_DEBUG_FUNCPTR (gst_aura_analyzer_transform_ip);
  trans_class->passthrough_on_same_caps = TRUE;
  trans_class->transform_ip_on_passthrough = TRUE;
  filter_class->setup = GST_DEBUG_FUNCPTR (gst_aura_analyzer_setup);

  GST_DEBUG_CATEGORY_INIT (gst_aura_analyzer_debug, "auraanalyzer", 0,
      "AURA speech analyzer");
}

static void
gst_aura_analyzer_init (GstAuraAnalyzer * self)
{
  self->interval = DEFAULT_PROP_INTERVAL;
  self->post_messages = DEFAULT_PROP_POST_MESSAGES;
  self->min_pause = DEFAULT_PROP_MIN_PAUSE;
  self->true_peak = DEFAULT_PROP_TRUE_PEAK;
  self->pitch_floor = DEFAULT_PROP_PITCH_FLOOR;
  self->pitch_ceiling = DEFAULT_PROP_PITCH_CEILING;
  self->window = DEFAULT_PROP_WINDOW;
  self->language = g_strdup (DEFAULT_PROP_LANGUAGE);
  self->fillers = g_array_new (FALSE, FALSE, sizeof (AuraSpan));
  self->pauses = g_array_new (FALSE, FALSE, sizeof (AuraPause));
  g_queue_init (&self->pending_events);
  gst_base_transform_set_gap_aware (GST_BASE_TRANSFORM (self), TRUE);
}

static void
gst_aura_analyzer_finalize (GObject * object)
{
  GstAuraAnalyzer *self = GST_AURA_ANALYZER (object);

  g_queue_clear_full (&self->pending_events, (GDestroyNotify) gst_event_unref);
  g_array_unref (self->pauses);
  g_array_unref (self->fillers);
  g_free (self->language);
  g_free (self->speaker);
  aura_analysis_free (self->analysis);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_aura_analyzer_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstAuraAnalyzer *self = GST_AURA_ANALYZER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_INTERVAL:
      self->interval = g_value_get_uint64 (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    case PROP_MIN_PAUSE:
      self->min_pause = g_value_get_uint64 (value);
      break;
    case PROP_TRUE_PEAK:
      self->true_peak = g_value_get_boolean (value);
      break;
    case PROP_PITCH_FLOOR:
      self->pitch_floor = g_value_get_double (value);
      break;
    case PROP_PITCH_CEILING:
      self->pitch_ceiling = g_value_get_double (value);
      break;
    case PROP_WINDOW:
      self->window = g_value_get_uint64 (value);
      break;
    case PROP_LANGUAGE:
      g_free (self->language);
      self->language = g_value_dup_string (value);
      break;
    case PROP_SPEAKER:
      g_free (self->speaker);
      self->speaker = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_aura_analyzer_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstAuraAnalyzer *self = GST_AURA_ANALYZER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_INTERVAL:
      g_value_set_uint64 (value, self->interval);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_MIN_PAUSE:
      g_value_set_uint64 (value, self->min_pause);
      break;
    case PROP_TRUE_PEAK:
      g_value_set_boolean (value, self->true_peak);
      break;
    case PROP_PITCH_FLOOR:
      g_value_set_double (value, self->pitch_floor);
      break;
    case PROP_PITCH_CEILING:
      g_value_set_double (value, self->pitch_ceiling);
      break;
    case PROP_WINDOW:
      g_value_set_uint64 (value, self->window);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_SPEAKER:
      g_value_set_string (value, self->speaker);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ------------------------------------------------------------------------ */
/* Session state                                                            */

static void
reset_session (GstAuraAnalyzer * self)
{
  GST_OBJECT_LOCK (self);
  self->min_pause_applied = self->min_pause;
  GST_OBJECT_UNLOCK (self);

  aura_analysis_free (self->analysis);
  self->analysis = aura_analysis_new ((double) self->min_pause_applied /
      GST_SECOND);
  /* the engine starts at its defaults: force the first application */
  self->pitch_floor_applied = AURA_ANALYSIS_PITCH_FLOOR;
  self->pitch_ceiling_applied = AURA_ANALYSIS_PITCH_CEILING;
  self->window_applied = (GstClockTime) (AURA_ANALYSIS_WINDOW * GST_SECOND);
  self->syllables_per_word = -1.0;
  if (self->analysis)
    apply_speech_settings (self);
  self->rate = 0;
  self->need_discont = TRUE;
  self->need_series = TRUE;
  self->series_start = GST_CLOCK_TIME_NONE;
  self->series_frames = 0;
  self->interval_start_frame = 0;
  self->interval_index = 0;
  self->session_start = GST_CLOCK_TIME_NONE;
  self->session_duration = 0;
  self->intervals = 0;
  self->discontinuities = 0;
  self->warned_invalid = FALSE;
  self->hold_events = FALSE;
  g_array_set_size (self->pauses, 0);
  g_array_set_size (self->fillers, 0);
  g_queue_clear_full (&self->pending_events, (GDestroyNotify) gst_event_unref);
}

static gboolean
gst_aura_analyzer_start (GstBaseTransform * trans)
{
  GstAuraAnalyzer *self = GST_AURA_ANALYZER (trans);

  reset_session (self);
  if (self->analysis == NULL)
    goto no_memory;
  return TRUE;

  /* ERRORS */
no_memory:
  {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
        ("Could not allocate the analysis state"), (NULL));
    return FALSE;
  }
}

static gboolean
gst_aura_analyzer_stop (GstBaseTransform * trans)
{
  GstAuraAnalyzer *self = GST_AURA_ANALYZER (trans);

  aura_analysis_free (self->analysis);
  self->analysis = NULL;
  g_queue_clear_full (&self->pending_events, (GDestroyNotify) gst_event_unref);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Messages and events                                                      */

static GstClockTime
frames_to_time (GstAuraAnalyzer * self, guint64 frames)
{
  return gst_util_uint64_scale_int_round (frames, GST_SECOND, self->rate);
}

/* The speaker property as the `speaker` field (multi-speaker sessions). */
static void
tag_speaker (GstAuraAnalyzer * self, GstStructure * s)
{
  GST_OBJECT_LOCK (self);
  if (self->speaker && *self->speaker)
    gst_structure_set (s, "speaker", G_TYPE_STRING, self->speaker, NULL);
  GST_OBJECT_UNLOCK (self);
}

static void
emit_structure (GstAuraAnalyzer * self, GstStructure * s)
{
  gboolean post;

  tag_speaker (self, s);
  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  GST_OBJECT_UNLOCK (self);

  if (post)
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self), gst_structure_copy (s)));
  /* sent once the audio it describes has gone downstream */
  g_queue_push_tail (&self->pending_events,
      gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM, s));
}

static void
push_pending_events (GstAuraAnalyzer * self)
{
  GstEvent *event;

  if (self->hold_events)
    return;
  while ((event = g_queue_pop_head (&self->pending_events)) != NULL)
    gst_pad_push_event (GST_BASE_TRANSFORM_SRC_PAD (self), event);
}

static void
set_timing (GstAuraAnalyzer * self, GstStructure * s, GstClockTime timestamp,
    GstClockTime duration)
{
  GstSegment *segment = &GST_BASE_TRANSFORM (self)->segment;

  gst_structure_set (s,
      "timestamp", G_TYPE_UINT64, timestamp,
      "stream-time", G_TYPE_UINT64,
      gst_segment_to_stream_time (segment, GST_FORMAT_TIME, timestamp),
      "running-time", G_TYPE_UINT64,
      gst_segment_to_running_time (segment, GST_FORMAT_TIME, timestamp),
      "duration", G_TYPE_UINT64, duration,
      "endtime", G_TYPE_UINT64, timestamp + duration, NULL);
}

static gdouble
lufs_or_floor (gdouble lufs)
{
  return isfinite (lufs) && lufs > AURA_DB_FLOOR ? lufs : AURA_DB_FLOOR;
}

static void
set_prosody_fields (GstAuraAnalyzer * self, GstStructure * s,
    const AuraProsodyInterval * p)
{
  if (p->has_pitch)
    gst_structure_set (s, "pitch-hz", G_TYPE_DOUBLE, p->pitch_median_hz,
        "pitch-min-hz", G_TYPE_DOUBLE, p->pitch_min_hz,
        "pitch-max-hz", G_TYPE_DOUBLE, p->pitch_max_hz, NULL);
  if (p->has_variability)
    gst_structure_set (s, "pitch-variability-st", G_TYPE_DOUBLE,
        p->variability_st, NULL);
  gst_structure_set (s, "voiced-ratio", G_TYPE_DOUBLE,
      p->speech_frames ? (gdouble) p->voiced_frames / p->speech_frames : 0.0,
      NULL);
  if (p->has_pace) {
    gst_structure_set (s, "syllable-rate", G_TYPE_DOUBLE, p->syllable_rate,
        "speech-rate", G_TYPE_DOUBLE, p->speech_rate, NULL);
    if (self->syllables_per_word > 0.0)
      gst_structure_set (s, "wpm", G_TYPE_DOUBLE,
          p->speech_rate * 60.0 / self->syllables_per_word, NULL);
  }
  gst_structure_set (s, "syllables", G_TYPE_UINT, p->syllables,
      "fillers", G_TYPE_UINT, p->fillers, NULL);
}

static GstStructure *
build_metrics (GstAuraAnalyzer * self, const AuraIntervalResult * r,
    GstClockTime timestamp, GstClockTime duration)
{
  const AuraVadInterval *v = &r->vad;
  GstStructure *s = gst_structure_new_empty (AURA_METRICS_NAME);

  set_timing (self, s, timestamp, duration);
  gst_structure_set (s,
      "rms-dbfs", G_TYPE_DOUBLE, aura_levels_rms_db (&r->levels),
      "peak-dbfs", G_TYPE_DOUBLE, aura_levels_peak_db (&r->levels),
      "true-peak-dbtp", G_TYPE_DOUBLE, aura_amplitude_to_db (r->true_peak),
      "clipping", G_TYPE_DOUBLE, aura_levels_clip_ratio (&r->levels),
      "invalid-samples", G_TYPE_UINT64, r->levels.invalid,
      "loudness-momentary", G_TYPE_DOUBLE, lufs_or_floor (r->momentary_lufs),
      "loudness-short-term", G_TYPE_DOUBLE, lufs_or_floor (r->short_term_lufs),
      NULL);
  if (r->has_integrated)
    gst_structure_set (s, "loudness-integrated", G_TYPE_DOUBLE,
        r->integrated_lufs, NULL);
  if (r->has_range)
    gst_structure_set (s, "loudness-range", G_TYPE_DOUBLE, r->range_lu, NULL);
  gst_structure_set (s,
      "speech-ratio", G_TYPE_DOUBLE,
      v->frames ? (gdouble) v->speech_frames / v->frames : 0.0,
      "speaking", G_TYPE_BOOLEAN, v->speaking,
      "noise-floor-dbfs", G_TYPE_DOUBLE, v->noise_floor_db, NULL);
  if (v->active_frames > 0)
    gst_structure_set (s, "snr-db", G_TYPE_DOUBLE,
        10.0 * log10 (v->active_power) - v->noise_floor_db, NULL);
  gst_structure_set (s,
      "pauses", G_TYPE_UINT, v->pauses,
      "pause-time", G_TYPE_DOUBLE, v->pause_time,
      "longest-pause", G_TYPE_DOUBLE, v->longest_pause, NULL);
  set_prosody_fields (self, s, &r->prosody);
  return s;
}

/* Moves the pauses and filled pauses found so far into the session lists. */
static void
collect_pauses (GstAuraAnalyzer * self)
{
  AuraPause batch[32];
  AuraSpan spans[32];
  size_t n;

  while ((n = aura_analysis_take_pauses (self->analysis, batch,
              G_N_ELEMENTS (batch))) > 0)
    g_array_append_vals (self->pauses, batch, n);
  while ((n = aura_analysis_take_fillers (self->analysis, spans,
              G_N_ELEMENTS (spans))) > 0)
    g_array_append_vals (self->fillers, spans, n);
}

/* Posts the open interval if it holds any audio, and opens the next one. */
static void
finish_interval (GstAuraAnalyzer * self)
{
  AuraIntervalResult r;
  GstClockTime timestamp, duration;

  if (self->series_frames == self->interval_start_frame)
    return;
  collect_pauses (self);
  aura_analysis_take_interval (self->analysis, &r);
  timestamp =
      self->series_start + frames_to_time (self, self->interval_start_frame);
  duration =
      frames_to_time (self, self->series_frames) - frames_to_time (self,
      self->interval_start_frame);
  emit_structure (self, build_metrics (self, &r, timestamp, duration));

  self->intervals++;
  self->session_duration += duration;
  self->interval_start_frame = self->series_frames;
  self->interval_index++;
}

/* Forgets the open interval without posting it: after a flush its event could
 * no longer go downstream in order, and a message alone would break the rule that
 * metrics travel both ways. The session totals keep its audio. */
static void
drop_interval (GstAuraAnalyzer * self)
{
  AuraIntervalResult r;

  collect_pauses (self);
  aura_analysis_take_interval (self->analysis, &r);
  self->session_duration += frames_to_time (self, self->series_frames) -
      frames_to_time (self, self->interval_start_frame);
  self->interval_start_frame = self->series_frames;
}

/* Frame (from the series start) at which the open interval ends. */
static guint64
interval_end_frame (GstAuraAnalyzer * self)
{
  guint64 end = gst_util_uint64_scale_round ((self->interval_index + 1) *
      self->interval_applied, self->rate, GST_SECOND);

  /* an interval always holds at least one frame */
  return MAX (end, self->interval_start_frame + 1);
}

static gdouble
stream_seconds (GstAuraAnalyzer * self, GstClockTime timestamp)
{
  GstSegment *segment = &GST_BASE_TRANSFORM (self)->segment;
  GstClockTime st = gst_segment_to_stream_time (segment, GST_FORMAT_TIME,
      timestamp);

  return (gdouble) (GST_CLOCK_TIME_IS_VALID (st) ? st : timestamp) / GST_SECOND;
}

/* Starts a new interval series at @timestamp; with @discont, the analysis clock
 * restarts there too (what lies between is unknown, so no pause spans it). */
static void
restart_series (GstAuraAnalyzer * self, GstClockTime timestamp,
    gboolean discont)
{
  finish_interval (self);
  GST_OBJECT_LOCK (self);
  self->interval_applied = self->interval;
  GST_OBJECT_UNLOCK (self);
  self->series_start = timestamp;
  self->series_frames = 0;
  self->interval_start_frame = 0;
  self->interval_index = 0;
  if (discont)
    aura_analysis_set_time (self->analysis, stream_seconds (self, timestamp));
  if (!GST_CLOCK_TIME_IS_VALID (self->session_start))
    self->session_start = timestamp;
  self->need_series = FALSE;
  self->need_discont = FALSE;
}

/* Pitch range, window and language: applied at start and whenever they change. */
static void
apply_speech_settings (GstAuraAnalyzer * self)
{
  gdouble floor_hz, ceiling_hz, spw;
  GstClockTime window;
  gchar *language;

  GST_OBJECT_LOCK (self);
  floor_hz = self->pitch_floor;
  ceiling_hz = self->pitch_ceiling;
  window = self->window;
  language = g_strdup (self->language);
  GST_OBJECT_UNLOCK (self);

  if (floor_hz != self->pitch_floor_applied
      || ceiling_hz != self->pitch_ceiling_applied) {
    if (aura_analysis_set_pitch_range (self->analysis, floor_hz,
            ceiling_hz) == 0)
      GST_INFO_OBJECT (self, "pitch range %.0f-%.0f Hz", floor_hz, ceiling_hz);
    else
      GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
          ("pitch-floor (%.0f Hz) must be below pitch-ceiling (%.0f Hz)",
              floor_hz, ceiling_hz), ("keeping the previous pitch range"));
    self->pitch_floor_applied = floor_hz;
    self->pitch_ceiling_applied = ceiling_hz;
  }
  if (window != self->window_applied) {
    aura_analysis_set_window (self->analysis, (gdouble) window / GST_SECOND);
    self->window_applied = window;
  }
  spw = aura_syllables_per_word (language);
  if (spw != self->syllables_per_word && spw == 0.0)
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("Unknown language '%s': words per minute are not measured",
            language ? language : "(null)"),
        ("known languages: en, fr; syllable rates are still measured"));
  self->syllables_per_word = spw;
  g_free (language);
}

static void
apply_live_properties (GstAuraAnalyzer * self)
{
  GstClockTime min_pause, interval;

  GST_OBJECT_LOCK (self);
  min_pause = self->min_pause;
  interval = self->interval;
  GST_OBJECT_UNLOCK (self);

  if (min_pause != self->min_pause_applied) {
    aura_analysis_set_min_pause (self->analysis,
        (gdouble) min_pause / GST_SECOND);
    self->min_pause_applied = min_pause;
  }
  apply_speech_settings (self);
  /* a new interval starts a new series where the open interval ends */
  if (interval != self->interval_applied
      && self->series_frames == self->interval_start_frame)
    restart_series (self, self->series_start +
        frames_to_time (self, self->series_frames), FALSE);
}

/* Feeds @frames frames (or silence if @data is NULL), cut at interval ends. */
static void
analyse_frames (GstAuraAnalyzer * self, const guint8 * data, guint64 frames,
    gsize bpf)
{
  while (frames > 0) {
    guint64 room = interval_end_frame (self) - self->series_frames;
    guint64 take = MIN (frames, room);

    if (data) {
      aura_analysis_process (self->analysis, data, take);
      data += take * bpf;
    } else {
      aura_analysis_silence (self->analysis, take);
    }
    self->series_frames += take;
    frames -= take;
    if (self->series_frames == interval_end_frame (self)) {
      finish_interval (self);
      apply_live_properties (self);
    }
  }
  collect_pauses (self);
}

/* Restarts the series where the stream does not continue where it left off. */
static void
check_continuity (GstAuraAnalyzer * self, GstClockTime timestamp,
    gboolean discont_flag)
{
  GstClockTime expected = GST_CLOCK_TIME_NONE;
  gboolean jump = FALSE;

  if (GST_CLOCK_TIME_IS_VALID (self->series_start))
    expected = self->series_start + frames_to_time (self, self->series_frames);
  if (!GST_CLOCK_TIME_IS_VALID (timestamp))
    timestamp = GST_CLOCK_TIME_IS_VALID (expected) ? expected : 0;
  if (GST_CLOCK_TIME_IS_VALID (expected)) {
    GstClockTimeDiff diff = GST_CLOCK_DIFF (expected, timestamp);
    jump = ABS (diff) > (GstClockTimeDiff) TIMESTAMP_TOLERANCE;
  }

  if (self->need_discont || discont_flag || jump) {
    if (GST_CLOCK_TIME_IS_VALID (expected) && (discont_flag || jump)) {
      GST_DEBUG_OBJECT (self, "discontinuity: expected %" GST_TIME_FORMAT
          ", got %" GST_TIME_FORMAT, GST_TIME_ARGS (expected),
          GST_TIME_ARGS (timestamp));
      self->discontinuities++;
    }
    restart_series (self, timestamp, TRUE);
  } else if (self->need_series) {
    restart_series (self, timestamp, FALSE);
  }
}

static void
warn_invalid_once (GstAuraAnalyzer * self, guint64 invalid_before)
{
  if (self->warned_invalid
      || aura_analysis_invalid_samples (self->analysis) == invalid_before)
    return;
  self->warned_invalid = TRUE;
  GST_ELEMENT_WARNING (self, STREAM, FORMAT,
      ("The audio contains NaN or infinite samples"),
      ("They are ignored and counted in invalid-samples; the measurements "
          "use the other samples"));
}

static GstFlowReturn
gst_aura_analyzer_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstAuraAnalyzer *self = GST_AURA_ANALYZER (trans);
  GstAudioFilter *filter = GST_AUDIO_FILTER (trans);
  gsize bpf = GST_AUDIO_INFO_BPF (&filter->info);
  GstMapInfo map;
  guint64 frames, invalid_before;

  /* the events of earlier buffers follow their audio */
  push_pending_events (self);

  if (self->rate == 0 || bpf == 0)
    goto not_negotiated;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    goto map_failed;
  frames = map.size / bpf;
  if (frames == 0 || GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP)) {
    /* nothing to measure; a GAP buffer is silence of its duration */
    if (frames > 0) {
      check_continuity (self, GST_BUFFER_PTS (buf),
          GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT));
      analyse_frames (self, NULL, frames, bpf);
    }
    gst_buffer_unmap (buf, &map);
    return GST_FLOW_OK;
  }

  check_continuity (self, GST_BUFFER_PTS (buf),
      GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT));
  invalid_before = aura_analysis_invalid_samples (self->analysis);
  analyse_frames (self, map.data, frames, bpf);
  warn_invalid_once (self, invalid_before);
  gst_buffer_unmap (buf, &map);
  return GST_FLOW_OK;

  /* ERRORS */
not_negotiated:
  {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("auraanalyzer received a buffer before its caps were negotiated"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
map_failed:
  {
    GST_ELEMENT_ERROR (self, RESOURCE, READ, (NULL),
        ("Could not map the input buffer for reading"));
    return GST_FLOW_ERROR;
  }
}

/* ------------------------------------------------------------------------ */
/* Caps                                                                     */

static AuraChannelWeight
channel_weight (GstAudioChannelPosition pos)
{
  switch (pos) {
    case GST_AUDIO_CHANNEL_POSITION_LFE1:
    case GST_AUDIO_CHANNEL_POSITION_LFE2:
      return AURA_CHANNEL_WEIGHT_NONE;
    case GST_AUDIO_CHANNEL_POSITION_REAR_LEFT:
    case GST_AUDIO_CHANNEL_POSITION_REAR_RIGHT:
    case GST_AUDIO_CHANNEL_POSITION_SIDE_LEFT:
    case GST_AUDIO_CHANNEL_POSITION_SIDE_RIGHT:
    case GST_AUDIO_CHANNEL_POSITION_SURROUND_LEFT:
    case GST_AUDIO_CHANNEL_POSITION_SURROUND_RIGHT:
      return AURA_CHANNEL_WEIGHT_SURROUND;
    default:
      return AURA_CHANNEL_WEIGHT_FRONT;
  }
}

static gboolean
gst_aura_analyzer_setup (GstAudioFilter * filter, const GstAudioInfo * info)
{
  GstAuraAnalyzer *self = GST_AURA_ANALYZER (filter);
  AuraChannelWeight weights[AURA_LOUDNESS_MAX_CHANNELS];
  AuraSampleFormat format;
  gint channels = GST_AUDIO_INFO_CHANNELS (info), i;
  gboolean true_peak;

  switch (GST_AUDIO_INFO_FORMAT (info)) {
    case GST_AUDIO_FORMAT_S16LE:
      format = AURA_SAMPLE_S16;
      break;
    case GST_AUDIO_FORMAT_S32LE:
      format = AURA_SAMPLE_S32;
      break;
    case GST_AUDIO_FORMAT_F32LE:
      format = AURA_SAMPLE_F32;
      break;
    case GST_AUDIO_FORMAT_F64LE:
      format = AURA_SAMPLE_F64;
      break;
    default:
      goto bad_format;
  }
  if (channels < 1 || channels > AURA_LOUDNESS_MAX_CHANNELS)
    goto bad_format;
  for (i = 0; i < channels; i++)
    weights[i] = channels > 1 ? channel_weight (info->position[i]) :
        AURA_CHANNEL_WEIGHT_FRONT;

  if (self->analysis == NULL)
    goto bad_format;
  /* a caps change closes the open interval; session totals carry over, and the
   * series clock moves on by the time counted at the old rate */
  if (self->rate != 0) {
    finish_interval (self);
    if (GST_CLOCK_TIME_IS_VALID (self->series_start))
      self->series_start += frames_to_time (self, self->series_frames);
    self->series_frames = 0;
    self->interval_start_frame = 0;
    self->interval_index = 0;
    self->need_series = TRUE;
  }
  GST_OBJECT_LOCK (self);
  true_peak = self->true_peak;
  GST_OBJECT_UNLOCK (self);
  if (aura_analysis_configure (self->analysis, format,
          GST_AUDIO_INFO_RATE (info), channels, weights, true_peak) != 0)
    goto bad_format;
  self->rate = GST_AUDIO_INFO_RATE (info);
  GST_INFO_OBJECT (self, "analysing %s, %d Hz, %d channels",
      gst_audio_format_to_string (GST_AUDIO_INFO_FORMAT (info)), self->rate,
      channels);
  return TRUE;

  /* ERRORS */
bad_format:
  {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("Unsupported audio format: %s, %d Hz, %d channels",
            gst_audio_format_to_string (GST_AUDIO_INFO_FORMAT (info)),
            GST_AUDIO_INFO_RATE (info), channels));
    return FALSE;
  }
}

/* ------------------------------------------------------------------------ */
/* Events                                                                   */

/* [{start, end, duration}] in seconds: the summary's pause_list and filler_list. */
static JsonArray *
spans_to_json (const AuraSpan * spans, guint n)
{
  JsonArray *list = json_array_new ();
  guint i;

  for (i = 0; i < n; i++) {
    JsonObject *item = json_object_new ();
    json_object_set_double_member (item, "start", spans[i].start);
    json_object_set_double_member (item, "end", spans[i].end);
    json_object_set_double_member (item, "duration",
        spans[i].end - spans[i].start);
    json_array_add_object_element (list, item);
  }
  return list;
}

static void
set_prosody_summary (GstAuraAnalyzer * self, GstStructure * s,
    const AuraSessionResult * ses)
{
  const AuraProsodySession *p = &ses->prosody;
  const AuraVadSession *v = &ses->vad;
  gdouble span = v->has_speech ? v->speech_end - v->speech_start : 0.0;
  gchar *language;

  if (p->has_pitch)
    gst_structure_set (s, "pitch-median-hz", G_TYPE_DOUBLE, p->pitch_median_hz,
        "pitch-p10-hz", G_TYPE_DOUBLE, p->pitch_p10_hz,
        "pitch-p90-hz", G_TYPE_DOUBLE, p->pitch_p90_hz, NULL);
  if (p->has_variability)
    gst_structure_set (s, "pitch-variability-st", G_TYPE_DOUBLE,
        p->variability_st, NULL);
  gst_structure_set (s,
      "voiced-ratio", G_TYPE_DOUBLE, p->speech_frames ?
      (gdouble) p->voiced_frames / p->speech_frames : 0.0,
      "syllables", G_TYPE_UINT, (guint) p->syllables, NULL);
  if (v->speech_time > 0.0 && span > 0.0) {
    gst_structure_set (s,
        "syllable-rate", G_TYPE_DOUBLE, p->syllables / v->speech_time,
        "speech-rate", G_TYPE_DOUBLE, p->syllables / span, NULL);
    if (self->syllables_per_word > 0.0)
      gst_structure_set (s, "wpm", G_TYPE_DOUBLE,
          p->syllables / span * 60.0 / self->syllables_per_word, NULL);
  }
  GST_OBJECT_LOCK (self);
  language = g_strdup (self->language ? self->language : "");
  GST_OBJECT_UNLOCK (self);
  gst_structure_set (s, "language", G_TYPE_STRING, language,
      "fillers", G_TYPE_UINT, (guint) p->fillers, NULL);
  g_free (language);
  if (v->speech_time > 0.0)
    gst_structure_set (s, "fillers-per-minute", G_TYPE_DOUBLE,
        p->fillers * 60.0 / v->speech_time, NULL);
}

static GstStructure *
build_summary (GstAuraAnalyzer * self)
{
  AuraSessionResult ses;
  const AuraVadSession *v = &ses.vad;
  GstStructure *s = gst_structure_new_empty (AURA_SUMMARY_NAME);
  gdouble seconds = (gdouble) self->session_duration / GST_SECOND;
  gdouble noise_db;
  JsonObject *obj;
  gchar *json;

  aura_analysis_get_session (self->analysis, &ses);
  noise_db = aura_amplitude_to_db (sqrt (v->noise_power));
  set_timing (self, s, GST_CLOCK_TIME_IS_VALID (self->session_start) ?
      self->session_start : 0, self->session_duration);
  gst_structure_set (s,
      "rms-dbfs", G_TYPE_DOUBLE, aura_levels_rms_db (&ses.levels),
      "peak-dbfs", G_TYPE_DOUBLE, aura_levels_peak_db (&ses.levels),
      "true-peak-dbtp", G_TYPE_DOUBLE, aura_amplitude_to_db (ses.true_peak),
      "clipping", G_TYPE_DOUBLE, aura_levels_clip_ratio (&ses.levels),
      "clipped-samples", G_TYPE_UINT64, ses.levels.clipped,
      "invalid-samples", G_TYPE_UINT64, ses.levels.invalid, NULL);
  if (ses.has_integrated)
    gst_structure_set (s, "loudness-integrated", G_TYPE_DOUBLE,
        ses.integrated_lufs, NULL);
  if (ses.has_range)
    gst_structure_set (s, "loudness-range", G_TYPE_DOUBLE, ses.range_lu, NULL);
  gst_structure_set (s,
      "loudness-momentary-max", G_TYPE_DOUBLE,
      lufs_or_floor (ses.momentary_max_lufs),
      "loudness-short-term-max", G_TYPE_DOUBLE,
      lufs_or_floor (ses.short_term_max_lufs),
      "speech-ratio", G_TYPE_DOUBLE,
      seconds > 0 ? MIN (1.0, v->speech_time / seconds) : 0.0,
      "speech-time", G_TYPE_DOUBLE, v->speech_time, NULL);
  if (v->has_speech)
    gst_structure_set (s, "speech-start", G_TYPE_DOUBLE, v->speech_start,
        "speech-end", G_TYPE_DOUBLE, v->speech_end, NULL);
  gst_structure_set (s, "noise-floor-dbfs", G_TYPE_DOUBLE, noise_db, NULL);
  if (v->active_frames > 0)
    gst_structure_set (s, "snr-db", G_TYPE_DOUBLE,
        10.0 * log10 (v->active_power) - noise_db, NULL);
  gst_structure_set (s,
      "pauses", G_TYPE_UINT, (guint) self->pauses->len,
      "pause-time", G_TYPE_DOUBLE, v->pause_time, NULL);
  if (self->pauses->len > 0)
    gst_structure_set (s, "pause-mean", G_TYPE_DOUBLE,
        v->pause_time / self->pauses->len, NULL);
  gst_structure_set (s, "longest-pause", G_TYPE_DOUBLE, v->longest_pause, NULL);
  set_prosody_summary (self, s, &ses);
  gst_structure_set (s,
      "intervals", G_TYPE_UINT, self->intervals,
      "discontinuities", G_TYPE_UINT, self->discontinuities, NULL);
  tag_speaker (self, s);

  obj = aura_structure_to_json_object (s);
  json_object_set_array_member (obj, "pause_list",
      spans_to_json ((const AuraSpan *) self->pauses->data, self->pauses->len));
  json_object_set_array_member (obj, "filler_list",
      spans_to_json ((const AuraSpan *) self->fillers->data,
          self->fillers->len));
  json = aura_json_object_to_string (obj, FALSE);
  gst_structure_set (s, "json", G_TYPE_STRING, json, NULL);
  g_free (json);
  json_object_unref (obj);
  return s;
}

static void
handle_eos (GstAuraAnalyzer * self)
{
  if (self->analysis == NULL || self->rate == 0)
    return;
  aura_analysis_finish (self->analysis);
  finish_interval (self);
  collect_pauses (self);
  emit_structure (self, build_summary (self));
  push_pending_events (self);
}

static void
handle_gap (GstAuraAnalyzer * self, GstEvent * event)
{
  GstClockTime timestamp, duration;
  GstAudioFilter *filter = GST_AUDIO_FILTER (self);

  if (self->rate == 0)
    return;
  gst_event_parse_gap (event, &timestamp, &duration);
  if (!GST_CLOCK_TIME_IS_VALID (timestamp))
    return;
  if (!GST_CLOCK_TIME_IS_VALID (duration) || duration > MAX_SILENT_GAP) {
    /* unknown or very long: measure nothing, restart the clock afterwards */
    finish_interval (self);
    self->need_discont = TRUE;
    return;
  }
  check_continuity (self, timestamp, FALSE);
  analyse_frames (self, NULL, gst_util_uint64_scale_int_round (duration,
          self->rate, GST_SECOND), GST_AUDIO_INFO_BPF (&filter->info));
}

static gboolean
gst_aura_analyzer_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstAuraAnalyzer *self = GST_AURA_ANALYZER (trans);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      handle_eos (self);
      break;
    case GST_EVENT_GAP:
      push_pending_events (self);
      handle_gap (self, event);
      break;
    case GST_EVENT_FLUSH_STOP:
      /* a seek: the clock restarts; the interval it cut is dropped, but the events
       * of intervals already posted are kept and follow the new segment, so no
       * metrics posted on the bus are missing downstream */
      if (self->analysis && self->rate != 0)
        drop_interval (self);
      self->hold_events = TRUE;
      self->need_discont = TRUE;
      break;
    case GST_EVENT_SEGMENT:{
      gboolean ret;
      push_pending_events (self);
      self->need_discont = TRUE;
      ret = GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
      self->hold_events = FALSE;
      push_pending_events (self);
      return ret;
    }
    default:
      if (GST_EVENT_IS_SERIALIZED (event))
        push_pending_events (self);
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}
