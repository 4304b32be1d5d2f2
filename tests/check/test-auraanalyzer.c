/* AURA — gst-check tests of the auraanalyzer element, through GstHarness.
 *
 * The element is linked in whole and registered statically
 * (aura_elements_register_static()), so no plugin file is needed.
 *
 * Every aura-metrics / aura-summary structure seen on the bus or in an event is
 * checked with aura_schema_validate().
 *
 * Some tests guard bugs this suite found (their comments say which).
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/audio/audio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "gstauraelements.h"
#include "aura-schema.h"

#define MS (GST_MSECOND)
#define DB_MINUS_20 0.1         /* -20 dBFS peak */
#define SINE_RMS_DB(peak_db) ((peak_db) - 3.0103)

/* ------------------------------------------------------------------------ */
/* Signals: a sample is a pure function of (frame, channel), so the way the   */
/* audio is cut into buffers never changes it.                               */

typedef gdouble (*SampleFunc) (guint64 frame, guint ch, gint rate,
    gpointer user_data);

typedef struct
{
  gdouble amp, freq, phase;
} SineParams;

static gdouble
sine_sample (guint64 frame, guint ch, gint rate, gpointer user_data)
{
  const SineParams *p = user_data;
  return p->amp * sin (2.0 * G_PI * p->freq * (gdouble) frame / rate +
      p->phase);
}

static gdouble
square_sample (guint64 frame, guint ch, gint rate, gpointer user_data)
{
  const SineParams *p = user_data;
  gdouble s = sin (2.0 * G_PI * p->freq * ((gdouble) frame + 0.5) / rate);
  return s >= 0.0 ? p->amp : -p->amp;
}

static gdouble
silence_sample (guint64 frame, guint ch, gint rate, gpointer user_data)
{
  return 0.0;
}

/* uniform in [-1, 1), deterministic (splitmix64 of the position) */
static gdouble
noise_sample (guint64 frame, guint ch)
{
  guint64 z = frame * 8 + ch + G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  z ^= z >> 31;
  return (gdouble) (z >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/* Synthetic speech: harmonic tone bursts ("syllables", f0 = 140 Hz, 8 harmonics,
 * 4 Hz amplitude modulation, 10 ms ramps) of peak at most @level (about 4 dB
 * under it in practice) over a white noise floor of RMS @noise_rms. */
typedef struct
{
  gdouble start, end;           /* seconds */
} Burst;

typedef struct
{
  const Burst *bursts;
  guint n_bursts;
  gdouble level;
  gdouble noise_rms;
} SpeechParams;

static gdouble
speech_sample (guint64 frame, guint ch, gint rate, gpointer user_data)
{
  const SpeechParams *p = user_data;
  gdouble t = (gdouble) frame / rate;
  gdouble v = p->noise_rms * sqrt (3.0) * noise_sample (frame, ch);
  guint i, k;

  for (i = 0; i < p->n_bursts; i++) {
    const Burst *b = &p->bursts[i];
    gdouble env, tone = 0.0;
    if (t < b->start || t >= b->end)
      continue;
    env = MIN (1.0, MIN ((t - b->start) / 0.01, (b->end - t) / 0.01));
    env *= 0.75 + 0.25 * sin (2.0 * G_PI * 4.0 * (t - b->start));
    for (k = 1; k <= 8; k++)
      tone += sin (2.0 * G_PI * 140.0 * k * t) / k;
    v += p->level * env * tone / 2.7178571;     /* H(8): peak <= level */
  }
  return v;
}

/* A base signal with some samples replaced (NaN, Inf, ...). */
typedef struct
{
  guint64 frame;
  guint ch;
  gdouble value;
} Injection;

typedef struct
{
  SampleFunc base;
  gpointer base_data;
  const Injection *inj;
  guint n_inj;
} InjectParams;

static gdouble
inject_sample (guint64 frame, guint ch, gint rate, gpointer user_data)
{
  const InjectParams *p = user_data;
  guint i;

  for (i = 0; i < p->n_inj; i++)
    if (p->inj[i].frame == frame && p->inj[i].ch == ch)
      return p->inj[i].value;
  return p->base (frame, ch, rate, p->base_data);
}

/* ------------------------------------------------------------------------ */
/* Harness context                                                          */

typedef struct
{
  GstHarness *h;
  GstBus *bus;
  GstElement *analyzer;         /* the auraanalyzer (inside the bin, if any) */
  GstAudioInfo info;
  GMutex log_lock;
  GString *log;                 /* what reached the harness sink pad, in order */
  /* bus, drained by drain_bus() */
  GPtrArray *msg_all;           /* every aura-metrics message */
  GPtrArray *msg_unread;        /* those not yet returned by pop_metrics() */
  GstStructure *msg_summary;    /* the aura-summary message */
  guint n_warnings, n_errors;
  GError *first_warning;
  /* events pulled by pull_events() */
  GPtrArray *ev_all;            /* every aura-metrics event */
} Ctx;

static GstPadProbeReturn
log_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Ctx *c = user_data;
  gchar ch = 0;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    ch = 'B';
  } else if (GST_PAD_PROBE_INFO_TYPE (info) &
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
    switch (GST_EVENT_TYPE (ev)) {
      case GST_EVENT_CUSTOM_DOWNSTREAM:
        if (gst_event_has_name (ev, AURA_METRICS_NAME))
          ch = 'M';
        else if (gst_event_has_name (ev, AURA_SUMMARY_NAME))
          ch = 'S';
        else
          ch = '?';
        break;
      case GST_EVENT_EOS:
        ch = 'E';
        break;
      case GST_EVENT_GAP:
        ch = 'G';
        break;
      default:
        break;
    }
  }
  if (ch) {
    g_mutex_lock (&c->log_lock);
    g_string_append_c (c->log, ch);
    g_mutex_unlock (&c->log_lock);
  }
  return GST_PAD_PROBE_OK;
}

static Ctx *
ctx_new_full (const gchar * launch, gboolean parse)
{
  Ctx *c = g_new0 (Ctx, 1);

  c->h = parse ? gst_harness_new_parse (launch) : gst_harness_new (launch);
  fail_unless (c->h != NULL);
  c->bus = gst_bus_new ();
  gst_element_set_bus (c->h->element, c->bus);
  if (parse) {
    c->analyzer = gst_bin_get_by_name (GST_BIN (c->h->element), "a");
    fail_unless (c->analyzer != NULL, "name the analyzer 'a' in %s", launch);
  } else {
    c->analyzer = gst_object_ref (c->h->element);
  }
  g_mutex_init (&c->log_lock);
  c->log = g_string_new (NULL);
  c->msg_all = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_structure_free);
  c->msg_unread = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_structure_free);
  c->ev_all = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_structure_free);
  gst_pad_add_probe (c->h->sinkpad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, log_probe, c, NULL);
  return c;
}

static Ctx *
ctx_new (void)
{
  return ctx_new_full ("auraanalyzer", FALSE);
}

static void
ctx_set_format (Ctx * c, GstAudioFormat format, gint rate, gint channels)
{
  gst_audio_info_set_format (&c->info, format, rate, channels, NULL);
  gst_harness_set_src_caps (c->h, gst_audio_info_to_caps (&c->info));
}

/* A caps event alone (no new segment), as a renegotiation upstream sends. */
static void
push_caps (Ctx * c, const GstAudioInfo * info)
{
  GstCaps *caps = gst_audio_info_to_caps (info);
  fail_unless (gst_harness_push_event (c->h, gst_event_new_caps (caps)));
  gst_caps_unref (caps);
}

static gchar *
ctx_log (Ctx * c)
{
  gchar *s;
  g_mutex_lock (&c->log_lock);
  s = g_strdup (c->log->str);
  g_mutex_unlock (&c->log_lock);
  return s;
}

static void
ctx_free (Ctx * c)
{
  gst_object_unref (c->analyzer);
  gst_harness_teardown (c->h);
  gst_bus_set_flushing (c->bus, TRUE);
  gst_object_unref (c->bus);
  g_string_free (c->log, TRUE);
  g_mutex_clear (&c->log_lock);
  g_ptr_array_unref (c->msg_all);
  g_ptr_array_unref (c->msg_unread);
  g_ptr_array_unref (c->ev_all);
  if (c->msg_summary)
    gst_structure_free (c->msg_summary);
  g_clear_error (&c->first_warning);
  g_free (c);
}

static void
write_sample (GstAudioFormat format, guint8 * dst, gdouble v)
{
  switch (format) {
    case GST_AUDIO_FORMAT_S16LE:{
      gdouble s = CLAMP (round (v * 32768.0), -32768.0, 32767.0);
      gint16 i = (gint16) s;
      i = GINT16_TO_LE (i);
      memcpy (dst, &i, 2);
      break;
    }
    case GST_AUDIO_FORMAT_S32LE:{
      gdouble s = CLAMP (round (v * 2147483648.0), -2147483648.0,
          2147483647.0);
      gint32 i = (gint32) s;
      i = GINT32_TO_LE (i);
      memcpy (dst, &i, 4);
      break;
    }
    case GST_AUDIO_FORMAT_F32LE:{
      gfloat f = (gfloat) v;
      memcpy (dst, &f, 4);
      break;
    }
    case GST_AUDIO_FORMAT_F64LE:
      memcpy (dst, &v, 8);
      break;
    default:
      g_assert_not_reached ();
  }
}

/* Buffer of @frames frames from @first_frame of the signal; no timestamps. */
static GstBuffer *
make_buffer (const GstAudioInfo * info, guint64 first_frame, guint frames,
    SampleFunc f, gpointer user_data)
{
  gint channels = GST_AUDIO_INFO_CHANNELS (info);
  gint bps = GST_AUDIO_INFO_BPS (info);
  GstBuffer *buf = gst_buffer_new_allocate (NULL,
      (gsize) frames * GST_AUDIO_INFO_BPF (info), NULL);
  GstMapInfo map;
  guint i;
  gint ch;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (i = 0; i < frames; i++)
    for (ch = 0; ch < channels; ch++)
      write_sample (GST_AUDIO_INFO_FORMAT (info),
          map.data + ((gsize) i * channels + ch) * bps,
          f (first_frame + i, ch, GST_AUDIO_INFO_RATE (info), user_data));
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* Pushes frames [@first_frame, @first_frame + @n_frames) of the signal in buffers
 * of @chunk frames; the buffer holding frame k has PTS
 * @pts + (k - @first_frame) / rate, or none if @pts is GST_CLOCK_TIME_NONE. */
static void
push_audio (Ctx * c, guint64 first_frame, guint64 n_frames, guint chunk,
    GstClockTime pts, SampleFunc f, gpointer user_data)
{
  gint rate = GST_AUDIO_INFO_RATE (&c->info);
  guint64 done = 0;

  while (done < n_frames) {
    guint take = (guint) MIN (chunk, n_frames - done);
    GstBuffer *buf = make_buffer (&c->info, first_frame + done, take, f,
        user_data);
    GstFlowReturn ret;

    if (GST_CLOCK_TIME_IS_VALID (pts)) {
      GstClockTime t0 = pts + gst_util_uint64_scale_int_round (done,
          GST_SECOND, rate);
      GstClockTime t1 = pts + gst_util_uint64_scale_int_round (done + take,
          GST_SECOND, rate);
      GST_BUFFER_PTS (buf) = t0;
      GST_BUFFER_DURATION (buf) = t1 - t0;
    }
    ret = gst_harness_push (c->h, buf);
    fail_unless_equals_int (ret, GST_FLOW_OK);
    done += take;
  }
}

/* ------------------------------------------------------------------------ */
/* Messages and events                                                      */

static void
assert_valid (const GstStructure * s)
{
  GError *err = NULL;
  gboolean ok = aura_schema_validate (s, &err);
  gchar *str = gst_structure_to_string (s);

  fail_unless (ok, "schema: %s in %s", err ? err->message : "?", str);
  g_clear_error (&err);

  /* invariants of every AURA structure */
  {
    guint64 ts, dur, end;
    gdouble rms, peak, tp, clip, ratio, ptime, longest;
    guint pauses;

    gst_structure_get (s, "timestamp", G_TYPE_UINT64, &ts, "duration",
        G_TYPE_UINT64, &dur, "endtime", G_TYPE_UINT64, &end, "rms-dbfs",
        G_TYPE_DOUBLE, &rms, "peak-dbfs", G_TYPE_DOUBLE, &peak,
        "true-peak-dbtp", G_TYPE_DOUBLE, &tp, "clipping", G_TYPE_DOUBLE, &clip,
        "speech-ratio", G_TYPE_DOUBLE, &ratio, "pause-time", G_TYPE_DOUBLE,
        &ptime, "longest-pause", G_TYPE_DOUBLE, &longest, "pauses",
        G_TYPE_UINT, &pauses, NULL);
    fail_unless (end == ts + dur, "endtime != timestamp + duration: %s", str);
    fail_unless (rms >= -120.0 && peak >= -120.0 && tp >= -120.0, "%s", str);
    fail_unless (peak >= rms - 1e-6, "peak below rms: %s", str);
    fail_unless (tp >= peak - 0.05, "true peak below sample peak: %s", str);
    fail_unless (clip >= 0.0 && clip <= 1.0, "clipping: %s", str);
    fail_unless (ratio >= 0.0 && ratio <= 1.0, "speech-ratio: %s", str);
    fail_unless (longest >= 0.0 && longest <= ptime + 1e-9, "%s", str);
    if (pauses == 0)
      fail_unless (ptime == 0.0 && longest == 0.0, "no pause, time: %s", str);
    else
      fail_unless (longest > 0.0, "pauses without time: %s", str);
  }
  g_free (str);
}

/* Takes every message off the bus: AURA structures (validated, source checked)
 * are kept in the context, warnings and errors counted. */
static void
drain_bus (Ctx * c)
{
  GstMessage *msg;

  while ((msg = gst_bus_pop (c->bus)) != NULL) {
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_ELEMENT:{
        const GstStructure *s = gst_message_get_structure (msg);
        fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (c->analyzer),
            "element message from %s", GST_MESSAGE_SRC_NAME (msg));
        assert_valid (s);
        if (gst_structure_has_name (s, AURA_METRICS_NAME)) {
          g_ptr_array_add (c->msg_all, gst_structure_copy (s));
          g_ptr_array_add (c->msg_unread, gst_structure_copy (s));
        } else if (gst_structure_has_name (s, AURA_SUMMARY_NAME)) {
          fail_unless (c->msg_summary == NULL, "two aura-summary messages");
          c->msg_summary = gst_structure_copy (s);
        } else {
          fail ("unexpected element message %s", gst_structure_get_name (s));
        }
        break;
      }
      case GST_MESSAGE_WARNING:
        if (c->n_warnings++ == 0)
          gst_message_parse_warning (msg, &c->first_warning, NULL);
        break;
      case GST_MESSAGE_ERROR:
        c->n_errors++;
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
}

/* The aura-metrics messages posted since the last call, in order. */
static GPtrArray *
pop_metrics (Ctx * c)
{
  GPtrArray *arr = c->msg_unread;

  drain_bus (c);
  arr = c->msg_unread;
  c->msg_unread = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_structure_free);
  return arr;
}

static guint
count_warnings (Ctx * c)
{
  drain_bus (c);
  return c->n_warnings;
}

/* Pulls every event that reached the harness sink pad so far. Returns the AURA
 * structures (validated), and in @order one letter per event: 'M' metrics,
 * 'S' summary, 'E' EOS, 'G' gap, 'x' any other event. */
static GPtrArray *
pull_events (Ctx * c, GString * order)
{
  GPtrArray *arr = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_structure_free);
  GstEvent *ev;

  while ((ev = gst_harness_try_pull_event (c->h)) != NULL) {
    gchar letter = 'x';
    if (GST_EVENT_TYPE (ev) == GST_EVENT_CUSTOM_DOWNSTREAM) {
      const GstStructure *s = gst_event_get_structure (ev);
      if (gst_structure_has_name (s, AURA_METRICS_NAME)
          || gst_structure_has_name (s, AURA_SUMMARY_NAME)) {
        assert_valid (s);
        g_ptr_array_add (arr, gst_structure_copy (s));
        letter = gst_structure_has_name (s, AURA_METRICS_NAME) ? 'M' : 'S';
        if (letter == 'M')
          g_ptr_array_add (c->ev_all, gst_structure_copy (s));
      }
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS) {
      letter = 'E';
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP) {
      letter = 'G';
    }
    if (order)
      g_string_append_c (order, letter);
    gst_event_unref (ev);
  }
  return arr;
}

static void
push_eos (Ctx * c)
{
  fail_unless (gst_harness_push_event (c->h, gst_event_new_eos ()));
}

static gdouble
get_d (const GstStructure * s, const gchar * field)
{
  gdouble v = NAN;
  fail_unless (gst_structure_get_double (s, field, &v),
      "%s: no double '%s'", gst_structure_get_name (s), field);
  return v;
}

static guint64
get_u64 (const GstStructure * s, const gchar * field)
{
  guint64 v = 0;
  fail_unless (gst_structure_get_uint64 (s, field, &v),
      "%s: no guint64 '%s'", gst_structure_get_name (s), field);
  return v;
}

static guint
get_u (const GstStructure * s, const gchar * field)
{
  guint v = 0;
  fail_unless (gst_structure_get_uint (s, field, &v),
      "%s: no guint '%s'", gst_structure_get_name (s), field);
  return v;
}

static gboolean
get_b (const GstStructure * s, const gchar * field)
{
  gboolean v = FALSE;
  fail_unless (gst_structure_get_boolean (s, field, &v),
      "%s: no boolean '%s'", gst_structure_get_name (s), field);
  return v;
}

#define assert_near(s, field, expected, tol) G_STMT_START {                  \
  gdouble _v = get_d ((s), (field)), _e = (expected), _t = (tol);            \
  fail_unless (fabs (_v - _e) <= _t,                                         \
      "%s %s = %.4f, expected %.4f +- %.4f", gst_structure_get_name (s),     \
      (field), _v, _e, _t);                                                  \
} G_STMT_END

#define assert_time(s, field, expected) G_STMT_START {                       \
  guint64 _v = get_u64 ((s), (field)), _e = (expected);                      \
  fail_unless (_v == _e, "%s %s = %" GST_TIME_FORMAT ", expected %"          \
      GST_TIME_FORMAT, gst_structure_get_name (s), (field),                  \
      GST_TIME_ARGS (_v), GST_TIME_ARGS (_e));                               \
} G_STMT_END

/* timestamp, duration, endtime; stream-time and running-time for a segment
 * with @seg_start, @seg_time, @seg_base. */
static void
assert_timing_seg (const GstStructure * s, GstClockTime ts, GstClockTime dur,
    GstClockTime seg_start, GstClockTime seg_time, GstClockTime seg_base)
{
  assert_time (s, "timestamp", ts);
  assert_time (s, "duration", dur);
  assert_time (s, "endtime", ts + dur);
  assert_time (s, "stream-time", ts - seg_start + seg_time);
  assert_time (s, "running-time", ts - seg_start + seg_base);
}

static void
assert_timing (const GstStructure * s, GstClockTime ts, GstClockTime dur)
{
  assert_timing_seg (s, ts, dur, 0, 0, 0);
}

static gboolean
structures_equal (GPtrArray * a, GPtrArray * b)
{
  guint i;

  if (a->len != b->len)
    return FALSE;
  for (i = 0; i < a->len; i++)
    if (!gst_structure_is_equal (g_ptr_array_index (a, i),
            g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

static guint
sum_u (GPtrArray * arr, const gchar * field)
{
  guint sum = 0, i;
  for (i = 0; i < arr->len; i++)
    sum += get_u (g_ptr_array_index (arr, i), field);
  return sum;
}

#define M(arr, i) ((const GstStructure *) g_ptr_array_index ((arr), (i)))

/* Parses the summary's json field; checks its type, that every schema field has
 * the structure's value (null for an absent nullable one) and that pause_list
 * is an array of {start, end, duration}. Returns the root object (ref'd). */
static JsonObject *
check_summary_json (const GstStructure * summary)
{
  const gchar *json = gst_structure_get_string (summary, "json");
  JsonParser *parser = json_parser_new ();
  GError *err = NULL;
  JsonNode *root;
  JsonObject *obj;
  JsonArray *list;
  const AuraField *fields;
  guint n, i;

  fail_unless (json != NULL, "aura-summary has no json string");
  GST_INFO ("summary json: %s", json);
  fail_unless (json_parser_load_from_data (parser, json, -1, &err),
      "json does not parse: %s: %s", err ? err->message : "?", json);
  root = json_parser_get_root (parser);
  fail_unless (JSON_NODE_HOLDS_OBJECT (root));
  obj = json_object_ref (json_node_get_object (root));
  g_object_unref (parser);

  fail_unless_equals_string (json_object_get_string_member (obj, "type"),
      AURA_SUMMARY_NAME);

  fields = aura_schema_fields (AURA_SUMMARY_NAME, &n);
  fail_unless (fields != NULL);
  for (i = 0; i < n; i++) {
    gchar *key = g_strdelimit (g_strdup (fields[i].name), "-", '_');
    const GValue *v = gst_structure_get_value (summary, fields[i].name);
    JsonNode *node;

    fail_unless (json_object_has_member (obj, key), "json lacks %s", key);
    node = json_object_get_member (obj, key);
    if (v == NULL) {
      fail_unless (fields[i].flags & AURA_FIELD_NULLABLE);
      fail_unless (JSON_NODE_HOLDS_NULL (node), "json %s should be null", key);
    } else if (fields[i].type == G_TYPE_DOUBLE) {
      fail_unless (fabs (json_node_get_double (node) -
              g_value_get_double (v)) < 1e-9, "json %s = %f, structure %f",
          key, json_node_get_double (node), g_value_get_double (v));
    } else if (fields[i].type == G_TYPE_UINT64) {
      fail_unless ((guint64) json_node_get_int (node) ==
          g_value_get_uint64 (v), "json %s differs", key);
    } else if (fields[i].type == G_TYPE_UINT) {
      fail_unless ((guint) json_node_get_int (node) == g_value_get_uint (v),
          "json %s differs", key);
    }
    g_free (key);
  }

  fail_unless (json_object_has_member (obj, "pause_list"));
  list = json_object_get_array_member (obj, "pause_list");
  fail_unless (list != NULL, "pause_list is not an array");
  fail_unless_equals_int (json_array_get_length (list),
      get_u (summary, "pauses"));
  for (i = 0; i < json_array_get_length (list); i++) {
    JsonObject *p = json_array_get_object_element (list, i);
    gdouble start = json_object_get_double_member (p, "start");
    gdouble end = json_object_get_double_member (p, "end");
    gdouble dur = json_object_get_double_member (p, "duration");
    fail_unless (end > start);
    fail_unless (fabs (dur - (end - start)) < 1e-9);
  }
  return obj;
}

/* The whole run over: EOS, then the messages and events. Checks that the
 * events carried the same metrics as the messages (over the whole run) and that
 * the summary event came right before EOS. Returns the metrics messages not
 * returned before and the summary (NULL if none). */
static void
finish_and_collect (Ctx * c, GPtrArray ** metrics, GstStructure ** summary)
{
  GString *order = g_string_new (NULL);
  GPtrArray *events;

  push_eos (c);
  *metrics = pop_metrics (c);
  *summary = c->msg_summary;
  c->msg_summary = NULL;
  events = pull_events (c, order);
  fail_unless (structures_equal (c->ev_all, c->msg_all),
      "events and messages differ (%u events, %u messages)", c->ev_all->len,
      c->msg_all->len);
  if (*summary) {
    const GstStructure *last = M (events, events->len - 1);
    fail_unless (g_str_has_suffix (order->str, "SE"),
        "summary event must come right before EOS: %s", order->str);
    fail_unless (gst_structure_is_equal (last, *summary));
  } else {
    fail_unless (g_str_has_suffix (order->str, "E"), "no EOS: %s", order->str);
    fail_if (strchr (order->str, 'S'), "summary event without message");
  }
  g_ptr_array_unref (events);
  g_string_free (order, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Metadata and properties                                                  */

GST_START_TEST (test_metadata)
{
  GstElementFactory *factory = gst_element_factory_find ("auraanalyzer");
  GstElement *e;
  const GList *templates;
  GstCaps *expected;
  guint n = 0;

  fail_unless (factory != NULL);
  fail_unless_equals_string (gst_element_factory_get_metadata (factory,
          GST_ELEMENT_METADATA_LONGNAME), "AURA speech analyzer");
  fail_unless_equals_string (gst_element_factory_get_metadata (factory,
          GST_ELEMENT_METADATA_KLASS), "Filter/Analyzer/Audio");
  fail_unless (gst_element_factory_get_metadata (factory,
          GST_ELEMENT_METADATA_DESCRIPTION) != NULL);
  fail_unless (gst_element_factory_get_metadata (factory,
          GST_ELEMENT_METADATA_AUTHOR) != NULL);
  fail_unless_equals_int (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE
          (factory)), GST_RANK_NONE);
  fail_unless_equals_string (gst_plugin_feature_get_plugin_name
      (GST_PLUGIN_FEATURE (factory)), "aura");

  expected = gst_caps_from_string ("audio/x-raw, "
      "format = (string) { S16LE, S32LE, F32LE, F64LE }, "
      "layout = (string) interleaved, rate = (int) [ 8000, 192000 ], "
      "channels = (int) [ 1, 8 ]");
  for (templates = gst_element_factory_get_static_pad_templates (factory);
      templates; templates = templates->next) {
    GstStaticPadTemplate *t = templates->data;
    GstCaps *caps = gst_static_pad_template_get_caps (t);
    fail_unless_equals_int (t->presence, GST_PAD_ALWAYS);
    fail_unless (gst_caps_is_equal (caps, expected),
        "%s template caps differ", t->name_template);
    gst_caps_unref (caps);
    n++;
  }
  fail_unless_equals_int (n, 2);
  gst_caps_unref (expected);

  e = gst_element_factory_create (factory, NULL);
  fail_unless (e != NULL);
  fail_unless (GST_IS_AUDIO_FILTER (e));
  {
    GstPad *sink = gst_element_get_static_pad (e, "sink");
    GstPad *src = gst_element_get_static_pad (e, "src");
    fail_unless (sink != NULL && src != NULL);
    gst_object_unref (sink);
    gst_object_unref (src);
  }
  gst_object_unref (e);
  gst_object_unref (factory);
}

GST_END_TEST;

static void
check_uint64_pspec (GObjectClass * klass, const gchar * name, guint64 min,
    guint64 max, guint64 def, GParamFlags mutable_flag)
{
  GParamSpec *ps = g_object_class_find_property (klass, name);
  GParamSpecUInt64 *u;

  fail_unless (ps != NULL, "no property %s", name);
  fail_unless (G_IS_PARAM_SPEC_UINT64 (ps), "%s is not guint64", name);
  u = G_PARAM_SPEC_UINT64 (ps);
  fail_unless (u->minimum == min, "%s minimum %" G_GUINT64_FORMAT, name,
      u->minimum);
  fail_unless (u->maximum == max, "%s maximum %" G_GUINT64_FORMAT, name,
      u->maximum);
  fail_unless (u->default_value == def, "%s default", name);
  fail_unless ((ps->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE);
  fail_unless (ps->flags & mutable_flag, "%s mutable flag", name);
}

static void
check_bool_pspec (GObjectClass * klass, const gchar * name, gboolean def,
    GParamFlags mutable_flag)
{
  GParamSpec *ps = g_object_class_find_property (klass, name);

  fail_unless (ps != NULL, "no property %s", name);
  fail_unless (G_IS_PARAM_SPEC_BOOLEAN (ps), "%s is not boolean", name);
  fail_unless (G_PARAM_SPEC_BOOLEAN (ps)->default_value == def);
  fail_unless ((ps->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE);
  fail_unless (ps->flags & mutable_flag, "%s mutable flag", name);
}

GST_START_TEST (test_properties)
{
  GstElement *e = gst_element_factory_make ("auraanalyzer", NULL);
  GObjectClass *klass = G_OBJECT_GET_CLASS (e);
  guint64 interval, min_pause;
  gboolean post, tp;

  check_uint64_pspec (klass, "interval", 10 * MS, 3600 * GST_SECOND,
      GST_SECOND, GST_PARAM_MUTABLE_PLAYING);
  check_uint64_pspec (klass, "min-pause", 50 * MS, 10 * GST_SECOND,
      250 * MS, GST_PARAM_MUTABLE_PLAYING);
  check_bool_pspec (klass, "post-messages", TRUE, GST_PARAM_MUTABLE_PLAYING);
  check_bool_pspec (klass, "true-peak", TRUE, GST_PARAM_MUTABLE_READY);

  /* defaults, read back */
  g_object_get (e, "interval", &interval, "min-pause", &min_pause,
      "post-messages", &post, "true-peak", &tp, NULL);
  fail_unless (interval == GST_SECOND);
  fail_unless (min_pause == 250 * MS);
  fail_unless (post == TRUE);
  fail_unless (tp == TRUE);

  /* valid values, bounds included */
  g_object_set (e, "interval", (guint64) (10 * MS), "min-pause",
      (guint64) (50 * MS), "post-messages", FALSE, "true-peak", FALSE, NULL);
  g_object_get (e, "interval", &interval, "min-pause", &min_pause,
      "post-messages", &post, "true-peak", &tp, NULL);
  fail_unless (interval == 10 * MS);
  fail_unless (min_pause == 50 * MS);
  fail_unless (post == FALSE);
  fail_unless (tp == FALSE);
  g_object_set (e, "interval", (guint64) (3600 * GST_SECOND), "min-pause",
      (guint64) (10 * GST_SECOND), NULL);
  g_object_get (e, "interval", &interval, "min-pause", &min_pause, NULL);
  fail_unless (interval == 3600 * GST_SECOND);
  fail_unless (min_pause == 10 * GST_SECOND);
  g_object_set (e, "interval", (guint64) (500 * MS), "min-pause",
      (guint64) (400 * MS), NULL);

  /* out of range: refused by the GParamSpec (g_warning), value unchanged */
  ASSERT_WARNING (g_object_set (e, "interval", (guint64) (9 * MS), NULL));
  ASSERT_WARNING (g_object_set (e, "interval",
          (guint64) (3600 * GST_SECOND + 1), NULL));
  ASSERT_WARNING (g_object_set (e, "interval", (guint64) 0, NULL));
  ASSERT_WARNING (g_object_set (e, "min-pause", (guint64) (49 * MS), NULL));
  ASSERT_WARNING (g_object_set (e, "min-pause",
          (guint64) (10 * GST_SECOND + 1), NULL));
  g_object_get (e, "interval", &interval, "min-pause", &min_pause, NULL);
  fail_unless (interval == 500 * MS, "interval changed to %" G_GUINT64_FORMAT,
      interval);
  fail_unless (min_pause == 400 * MS, "min-pause changed to %"
      G_GUINT64_FORMAT, min_pause);

  /* the speech settings */
  check_uint64_pspec (klass, "window", 2 * GST_SECOND, 60 * GST_SECOND,
      10 * GST_SECOND, GST_PARAM_MUTABLE_PLAYING);
  {
    GParamSpec *ps = g_object_class_find_property (klass, "pitch-floor");
    GParamSpecDouble *pd = G_PARAM_SPEC_DOUBLE (ps);
    gchar *language;
    gdouble floor_hz, ceiling_hz;

    fail_unless (pd->minimum == 40.0 && pd->maximum == 400.0
        && pd->default_value == 60.0);
    pd = G_PARAM_SPEC_DOUBLE (g_object_class_find_property (klass,
            "pitch-ceiling"));
    fail_unless (pd->minimum == 100.0 && pd->maximum == 800.0
        && pd->default_value == 500.0);
    g_object_get (e, "language", &language, NULL);
    fail_unless_equals_string (language, "en");
    g_free (language);
    g_object_set (e, "pitch-floor", 75.0, "pitch-ceiling", 600.0,
        "language", "fr", NULL);
    g_object_get (e, "pitch-floor", &floor_hz, "pitch-ceiling", &ceiling_hz,
        "language", &language, NULL);
    fail_unless (floor_hz == 75.0 && ceiling_hz == 600.0);
    fail_unless_equals_string (language, "fr");
    g_free (language);
    g_object_get (e, "speaker", &language, NULL);
    fail_unless (language == NULL);
    g_object_set (e, "speaker", "Ann", NULL);
    g_object_get (e, "speaker", &language, NULL);
    fail_unless_equals_string (language, "Ann");
    g_free (language);
    ASSERT_WARNING (g_object_set (e, "pitch-floor", 30.0, NULL));
    ASSERT_WARNING (g_object_set (e, "pitch-ceiling", 900.0, NULL));
  }

  /* no other property than GstBaseTransform's and these nine */
  {
    guint n, i, ours = 0;
    GParamSpec **specs = g_object_class_list_properties (klass, &n);
    for (i = 0; i < n; i++)
      if (specs[i]->owner_type == G_OBJECT_TYPE (e))
        ours++;
    fail_unless_equals_int (ours, 9);
    g_free (specs);
  }
  gst_object_unref (e);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Caps                                                                     */

GST_START_TEST (test_caps_accepted)
{
  static const GstAudioFormat formats[] = { GST_AUDIO_FORMAT_S16LE,
    GST_AUDIO_FORMAT_S32LE, GST_AUDIO_FORMAT_F32LE, GST_AUDIO_FORMAT_F64LE
  };
  static const gint rates[] = { 8000, 16000, 44100, 48000, 96000, 192000 };
  static const gint channels[] = { 1, 2, 6, 8 };
  SineParams sine = { 0.5, 1000.0, 0.0 };       /* -6.02 dBFS peak */
  guint f, r, ch;

  for (f = 0; f < G_N_ELEMENTS (formats); f++)
    for (r = 0; r < G_N_ELEMENTS (rates); r++)
      for (ch = 0; ch < G_N_ELEMENTS (channels); ch++) {
        Ctx *c = ctx_new ();
        GstPad *sink = gst_element_get_static_pad (c->analyzer, "sink");
        GPtrArray *metrics;
        GstStructure *summary;
        GstCaps *caps;
        const gchar *what;

        g_object_set (c->analyzer, "interval", (guint64) (100 * MS), NULL);
        gst_audio_info_set_format (&c->info, formats[f], rates[r],
            channels[ch], NULL);
        caps = gst_audio_info_to_caps (&c->info);
        what = gst_audio_format_to_string (formats[f]);
        fail_unless (gst_pad_query_accept_caps (sink, caps),
            "%s %d Hz %d ch refused", what, rates[r], channels[ch]);
        gst_harness_set_src_caps (c->h, caps);
        /* 100 ms: one interval; 1 kHz fits it exactly at every rate */
        push_audio (c, 0, rates[r] / 10, 4096, 0, sine_sample, &sine);
        finish_and_collect (c, &metrics, &summary);
        fail_unless_equals_int (metrics->len, 1);
        fail_unless (summary != NULL);
        assert_timing (M (metrics, 0), 0, 100 * MS);
        assert_near (M (metrics, 0), "peak-dbfs", -6.0206, 0.05);
        assert_near (M (metrics, 0), "rms-dbfs", SINE_RMS_DB (-6.0206), 0.05);
        assert_near (M (metrics, 0), "clipping", 0.0, 0.0);
        fail_unless_equals_int (get_u64 (M (metrics, 0), "invalid-samples"), 0);
        assert_near (summary, "peak-dbfs", -6.0206, 0.05);
        assert_time (summary, "duration", 100 * MS);
        fail_unless_equals_int (gst_harness_buffers_received (c->h),
            (rates[r] / 10 + 4095) / 4096);
        g_ptr_array_unref (metrics);
        gst_structure_free (summary);
        gst_object_unref (sink);
        ctx_free (c);
      }
}

GST_END_TEST;

GST_START_TEST (test_caps_refused)
{
  static const gchar *refused[] = {
    "audio/x-raw, format=S24LE, layout=interleaved, rate=48000, channels=2",
    "audio/x-raw, format=U8, layout=interleaved, rate=48000, channels=2",
    "audio/x-raw, format=S16BE, layout=interleaved, rate=48000, channels=2",
    "audio/x-raw, format=S16LE, layout=non-interleaved, rate=48000, "
        "channels=2",
    "audio/x-raw, format=F32LE, layout=interleaved, rate=4000, channels=1",
    "audio/x-raw, format=F32LE, layout=interleaved, rate=192001, channels=1",
    "audio/x-raw, format=S16LE, layout=interleaved, rate=48000, channels=9, "
        "channel-mask=(bitmask)0",
    "audio/x-raw, format=S16LE, layout=interleaved, rate=48000, channels=0",
    "audio/x-alaw, rate=8000, channels=1",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (refused); i++) {
    Ctx *c = ctx_new ();
    GstPad *sink = gst_element_get_static_pad (c->analyzer, "sink");
    GstCaps *caps = gst_caps_from_string (refused[i]);
    GstBuffer *buf;

    fail_unless (caps != NULL, "bad caps string %s", refused[i]);
    fail_if (gst_pad_query_accept_caps (sink, caps), "accepted %s", refused[i]);
    /* a sticky event: the push itself may report success, the data may not */
    gst_harness_push_event (c->h, gst_event_new_caps (caps));
    gst_caps_unref (caps);
    fail_if (gst_pad_has_current_caps (sink), "caps set: %s", refused[i]);
    {
      GstSegment seg;
      gst_segment_init (&seg, GST_FORMAT_TIME);
      gst_harness_push_event (c->h, gst_event_new_segment (&seg));
    }
    buf = gst_buffer_new_allocate (NULL, 4800, NULL);
    gst_buffer_memset (buf, 0, 0, 4800);
    GST_BUFFER_PTS (buf) = 0;
    fail_unless_equals_int (gst_harness_push (c->h, buf),
        GST_FLOW_NOT_NEGOTIATED);
    fail_unless_equals_int (gst_harness_buffers_received (c->h), 0);
    gst_object_unref (sink);
    ctx_free (c);
  }
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Passthrough                                                              */

GST_START_TEST (test_passthrough)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.3 };
  GstClockTime min_lat, max_lat;
  gboolean live;
  GstQuery *q;
  guint i;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  fail_unless (gst_base_transform_is_passthrough (GST_BASE_TRANSFORM
          (c->analyzer)));
  for (i = 0; i < 30; i++) {
    GstBuffer *in = make_buffer (&c->info, i * 4800, 4800, sine_sample, &sine);
    GstBuffer *out;
    gsize size = gst_buffer_get_size (in);
    guint8 *copy = g_malloc (size);
    GstMapInfo map;

    GST_BUFFER_PTS (in) = i * 100 * MS;
    GST_BUFFER_DURATION (in) = 100 * MS;
    GST_BUFFER_OFFSET (in) = i * 4800;
    gst_buffer_extract (in, 0, copy, size);
    gst_buffer_ref (in);
    fail_unless_equals_int (gst_harness_push (c->h, in), GST_FLOW_OK);
    out = gst_harness_pull (c->h);
    fail_unless (out == in, "not the same GstBuffer");
    fail_unless (GST_BUFFER_PTS (out) == i * 100 * MS);
    fail_unless (GST_BUFFER_DURATION (out) == 100 * MS);
    fail_unless (GST_BUFFER_OFFSET (out) == i * 4800);
    fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
    fail_unless_equals_int (map.size, size);
    fail_unless (memcmp (map.data, copy, size) == 0, "bytes changed");
    gst_buffer_unmap (out, &map);
    g_free (copy);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }

  /* no latency of its own */
  gst_harness_set_upstream_latency (c->h, 20 * MS);
  fail_unless_equals_uint64 (gst_harness_query_latency (c->h), 20 * MS);
  q = gst_query_new_latency ();
  fail_unless (gst_element_query (c->analyzer, q));
  gst_query_parse_latency (q, &live, &min_lat, &max_lat);
  fail_unless_equals_uint64 (min_lat, 20 * MS);
  gst_query_unref (q);
  ctx_free (c);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Message content                                                          */

static void
run_sine (GstAudioFormat format)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  JsonObject *json;
  guint i;

  ctx_set_format (c, format, 48000, 2);
  push_audio (c, 0, 3 * 48000, 1024, 0, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);

  fail_unless_equals_int (metrics->len, 3);
  for (i = 0; i < 3; i++) {
    const GstStructure *s = M (metrics, i);
    assert_timing (s, i * GST_SECOND, GST_SECOND);
    assert_near (s, "rms-dbfs", -23.0103, 0.05);
    assert_near (s, "peak-dbfs", -20.0, 0.05);
    assert_near (s, "true-peak-dbtp", -20.0, 0.1);
    assert_near (s, "clipping", 0.0, 0.0);
    fail_unless_equals_int (get_u64 (s, "invalid-samples"), 0);
    /* BS.1770: a 1 kHz sine of -20 dBFS peak in both channels is -20 LUFS */
    assert_near (s, "loudness-momentary", -20.0, 0.15);
    assert_near (s, "loudness-short-term", i < 2 ? -120.0 : -20.0,
        i < 2 ? 200.0 : 0.15);
    fail_unless (gst_structure_has_field (s, "loudness-integrated"));
    assert_near (s, "loudness-integrated", -20.0, 0.15);
  }
  /* the short-term window is 3 s: full only at the end of the third interval */
  assert_near (M (metrics, 2), "loudness-short-term", -20.0, 0.15);

  fail_unless (summary != NULL);
  assert_timing (summary, 0, 3 * GST_SECOND);
  assert_near (summary, "rms-dbfs", -23.0103, 0.05);
  assert_near (summary, "peak-dbfs", -20.0, 0.05);
  assert_near (summary, "true-peak-dbtp", -20.0, 0.1);
  assert_near (summary, "clipping", 0.0, 0.0);
  fail_unless_equals_int (get_u64 (summary, "clipped-samples"), 0);
  fail_unless_equals_int (get_u64 (summary, "invalid-samples"), 0);
  assert_near (summary, "loudness-integrated", -20.0, 0.15);
  assert_near (summary, "loudness-momentary-max", -20.0, 0.15);
  assert_near (summary, "loudness-short-term-max", -20.0, 0.15);
  assert_near (summary, "loudness-range", 0.0, 0.5);
  fail_unless_equals_int (get_u (summary, "intervals"), 3);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  fail_unless_equals_int (get_u (summary, "pauses"), 0);
  json = check_summary_json (summary);
  json_object_unref (json);

  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_START_TEST (test_sine_levels_s16)
{
  run_sine (GST_AUDIO_FORMAT_S16LE);
}

GST_END_TEST;

GST_START_TEST (test_sine_levels_f32)
{
  run_sine (GST_AUDIO_FORMAT_F32LE);
}

GST_END_TEST;

GST_START_TEST (test_sine_levels_s32_f64)
{
  run_sine (GST_AUDIO_FORMAT_S32LE);
  run_sine (GST_AUDIO_FORMAT_F64LE);
}

GST_END_TEST;

GST_START_TEST (test_clipped_square)
{
  static const GstAudioFormat formats[] = { GST_AUDIO_FORMAT_S16LE,
    GST_AUDIO_FORMAT_F32LE
  };
  guint f;

  for (f = 0; f < G_N_ELEMENTS (formats); f++) {
    Ctx *c = ctx_new ();
    SineParams sq = { 1.0, 100.0, 0.0 };
    GPtrArray *metrics;
    GstStructure *summary;

    ctx_set_format (c, formats[f], 48000, 2);
    push_audio (c, 0, 2 * 48000, 4800, 0, square_sample, &sq);
    finish_and_collect (c, &metrics, &summary);
    fail_unless_equals_int (metrics->len, 2);
    assert_near (M (metrics, 0), "clipping", 1.0, 1e-9);
    assert_near (M (metrics, 1), "clipping", 1.0, 1e-9);
    fail_unless (get_d (M (metrics, 0), "clipping") > 0.4);
    assert_near (M (metrics, 0), "peak-dbfs", 0.0, 0.01);
    assert_near (M (metrics, 0), "rms-dbfs", 0.0, 0.01);
    assert_near (summary, "clipping", 1.0, 1e-9);
    fail_unless_equals_int (get_u64 (summary, "clipped-samples"),
        2 * 48000 * 2);
    g_ptr_array_unref (metrics);
    gst_structure_free (summary);
    ctx_free (c);
  }

  /* half the samples over full scale (F32 allows it): clipping 0.5 */
  {
    Ctx *c = ctx_new ();
    SineParams sq = { 1.5, 100.0, 0.0 };
    SineParams quiet = { 0.5, 100.0, 0.0 };
    GPtrArray *metrics;
    GstStructure *summary;

    ctx_set_format (c, GST_AUDIO_FORMAT_F32LE, 48000, 1);
    push_audio (c, 0, 24000, 4800, 0, square_sample, &sq);
    push_audio (c, 24000, 24000, 4800, 500 * MS, square_sample, &quiet);
    finish_and_collect (c, &metrics, &summary);
    fail_unless_equals_int (metrics->len, 1);
    assert_near (M (metrics, 0), "clipping", 0.5, 1e-9);
    assert_near (M (metrics, 0), "peak-dbfs", 20.0 * log10 (1.5), 0.01);
    fail_unless_equals_int (get_u64 (summary, "clipped-samples"), 24000);
    g_ptr_array_unref (metrics);
    gst_structure_free (summary);
    ctx_free (c);
  }
}

GST_END_TEST;

/* A 12 kHz sine at 48 kHz, 45 degrees off: the samples reach 0.707 of the peak. */
GST_START_TEST (test_true_peak_property)
{
  gboolean tp;

  for (tp = 0; tp <= 1; tp++) {
    Ctx *c = ctx_new ();
    SineParams sine = { 0.5, 12000.0, G_PI / 4 };
    GPtrArray *metrics;
    GstStructure *summary;

    /* true-peak is taken at the next caps: set it before */
    g_object_set (c->analyzer, "true-peak", tp, NULL);
    ctx_set_format (c, GST_AUDIO_FORMAT_F32LE, 48000, 1);
    push_audio (c, 0, 48000, 4800, 0, sine_sample, &sine);
    finish_and_collect (c, &metrics, &summary);
    fail_unless_equals_int (metrics->len, 1);
    assert_near (M (metrics, 0), "peak-dbfs", -9.0309, 0.01);
    if (tp) {
      assert_near (M (metrics, 0), "true-peak-dbtp", -6.0206, 0.5);
      assert_near (summary, "true-peak-dbtp", -6.0206, 0.5);
    } else {
      assert_near (M (metrics, 0), "true-peak-dbtp",
          get_d (M (metrics, 0), "peak-dbfs"), 0.01);
      assert_near (summary, "true-peak-dbtp", -9.0309, 0.01);
    }
    g_ptr_array_unref (metrics);
    gst_structure_free (summary);
    ctx_free (c);
  }
}

GST_END_TEST;

GST_START_TEST (test_interval_500ms)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 440.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  guint i;

  g_object_set (c->analyzer, "interval", (guint64) (500 * MS), NULL);
  ctx_set_format (c, GST_AUDIO_FORMAT_F32LE, 44100, 2);
  push_audio (c, 0, 3 * 44100, 1000, 0, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 6);
  for (i = 0; i < 6; i++) {
    assert_timing (M (metrics, i), i * 500 * MS, 500 * MS);
    assert_near (M (metrics, i), "rms-dbfs", -23.0103, 0.05);
  }
  fail_unless_equals_int (get_u (summary, "intervals"), 6);
  assert_timing (summary, 0, 3 * GST_SECOND);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* An interval that does not divide the second into whole frames: timestamps
 * still advance by exactly the interval, rounded to the frame. */
GST_START_TEST (test_interval_odd)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 440.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  guint i;
  GstClockTime sum = 0;

  g_object_set (c->analyzer, "interval", (guint64) (333 * MS), NULL);
  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 44100, 1);
  push_audio (c, 0, 44100, 777, 0, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  /* 0, 333, 666, 999 ms (the last one 1 ms long, closed at EOS) */
  fail_unless_equals_int (metrics->len, 4);
  for (i = 0; i < 4; i++) {
    GstClockTime ts = get_u64 (M (metrics, i), "timestamp");
    GstClockTime want =
        gst_util_uint64_scale_int_round (gst_util_uint64_scale_round (i * 333 *
            MS, 44100, GST_SECOND),
        GST_SECOND, 44100);
    fail_unless (ts == want, "interval %u at %" GST_TIME_FORMAT, i,
        GST_TIME_ARGS (ts));
    fail_unless (ts == sum, "intervals must be contiguous");
    sum += get_u64 (M (metrics, i), "duration");
  }
  fail_unless (sum == GST_SECOND);
  assert_time (summary, "duration", GST_SECOND);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_segment_times)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  GstSegment seg;
  guint i;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = 10 * GST_SECOND;
  seg.position = 10 * GST_SECOND;
  seg.time = 1 * GST_SECOND;
  seg.base = 5 * GST_SECOND;
  fail_unless (gst_harness_push_event (c->h, gst_event_new_segment (&seg)));
  push_audio (c, 0, 3 * 48000, 4800, 10 * GST_SECOND, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 3);
  for (i = 0; i < 3; i++)
    assert_timing_seg (M (metrics, i), (10 + i) * GST_SECOND, GST_SECOND,
        10 * GST_SECOND, 1 * GST_SECOND, 5 * GST_SECOND);
  assert_timing_seg (summary, 10 * GST_SECOND, 3 * GST_SECOND,
      10 * GST_SECOND, 1 * GST_SECOND, 5 * GST_SECOND);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* Digital silence: levels at the floor, unmeasurable values absent / null. */
GST_START_TEST (test_silence_nullable)
{
  Ctx *c = ctx_new ();
  GPtrArray *metrics;
  GstStructure *summary;
  JsonObject *json;
  guint i;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 16000, 1);
  push_audio (c, 0, 2 * 16000, 1600, 0, silence_sample, NULL);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 2);
  for (i = 0; i < 2; i++) {
    const GstStructure *s = M (metrics, i);
    assert_near (s, "rms-dbfs", -120.0, 0.0);
    assert_near (s, "peak-dbfs", -120.0, 0.0);
    assert_near (s, "true-peak-dbtp", -120.0, 0.0);
    assert_near (s, "loudness-momentary", -120.0, 0.0);
    assert_near (s, "loudness-short-term", -120.0, 0.0);
    assert_near (s, "speech-ratio", 0.0, 0.0);
    fail_if (get_b (s, "speaking"));
    fail_if (gst_structure_has_field (s, "loudness-integrated"));
    fail_if (gst_structure_has_field (s, "loudness-range"));
    fail_if (gst_structure_has_field (s, "snr-db"));
    fail_unless_equals_int (get_u (s, "pauses"), 0);
  }
  fail_if (gst_structure_has_field (summary, "loudness-integrated"));
  fail_if (gst_structure_has_field (summary, "speech-start"));
  fail_if (gst_structure_has_field (summary, "speech-end"));
  fail_if (gst_structure_has_field (summary, "snr-db"));
  fail_if (gst_structure_has_field (summary, "pause-mean"));
  assert_near (summary, "speech-time", 0.0, 0.0);
  assert_near (summary, "speech-ratio", 0.0, 0.0);
  assert_near (summary, "loudness-momentary-max", -120.0, 0.0);
  json = check_summary_json (summary);  /* checks those are null */
  fail_unless (json_object_get_null_member (json, "snr_db"));
  fail_unless (json_object_get_null_member (json, "loudness_integrated"));
  json_object_unref (json);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Events                                                                   */

/* The expected order of buffers and events on the src pad when @n_buffers of
 * @buf_ms each are pushed with an @interval_ms interval, then EOS: each metrics
 * event right after the buffer that completed its interval. */
static gchar *
expected_order (guint n_buffers, guint buf_ms, guint interval_ms)
{
  GString *s = g_string_new (NULL);
  guint i, next = interval_ms;

  for (i = 1; i <= n_buffers; i++) {
    g_string_append_c (s, 'B');
    while (i * buf_ms >= next) {
      g_string_append_c (s, 'M');
      next += interval_ms;
    }
  }
  if (n_buffers * buf_ms > next - interval_ms)
    g_string_append_c (s, 'M'); /* the partial one, at EOS */
  g_string_append (s, "SE");
  return g_string_free (s, FALSE);
}

GST_START_TEST (test_event_order)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *events, *msgs;
  GString *order = g_string_new (NULL);
  gchar *log, *want;
  guint i;

  g_object_set (c->analyzer, "interval", (guint64) (500 * MS), NULL);
  ctx_set_format (c, GST_AUDIO_FORMAT_F32LE, 48000, 1);

  /* step by step: 5 buffers of 100 ms complete the first interval... */
  for (i = 0; i < 5; i++)
    push_audio (c, i * 4800, 4800, 4800, i * 100 * MS, sine_sample, &sine);
  msgs = pop_metrics (c);
  fail_unless_equals_int (msgs->len, 1);        /* posted at once */
  events = pull_events (c, NULL);
  fail_unless_equals_int (events->len, 0);      /* the event waits... */
  g_ptr_array_unref (events);
  log = ctx_log (c);
  fail_unless_equals_string (log, "BBBBB");
  g_free (log);

  /* ...for the next buffer, which it precedes */
  push_audio (c, 5 * 4800, 4800, 4800, 500 * MS, sine_sample, &sine);
  events = pull_events (c, NULL);
  fail_unless_equals_int (events->len, 1);
  fail_unless (gst_structure_is_equal (M (events, 0), M (msgs, 0)));
  assert_timing (M (events, 0), 0, 500 * MS);
  g_ptr_array_unref (events);
  g_ptr_array_unref (msgs);
  log = ctx_log (c);
  fail_unless_equals_string (log, "BBBBBMB");
  g_free (log);

  for (i = 6; i < 10; i++)
    push_audio (c, i * 4800, 4800, 4800, i * 100 * MS, sine_sample, &sine);
  push_eos (c);
  log = ctx_log (c);
  fail_unless_equals_string (log, "BBBBBMBBBBBMSE");
  g_free (log);
  events = pull_events (c, order);
  fail_unless_equals_int (events->len, 2);
  assert_timing (M (events, 0), 500 * MS, 500 * MS);
  fail_unless (gst_structure_has_name (M (events, 1), AURA_SUMMARY_NAME));
  fail_unless (g_str_has_suffix (order->str, "MSE"), "%s", order->str);
  g_ptr_array_unref (events);
  g_string_free (order, TRUE);
  ctx_free (c);

  /* buffers that straddle interval ends: 150 ms buffers, 500 ms intervals */
  c = ctx_new ();
  g_object_set (c->analyzer, "interval", (guint64) (500 * MS), NULL);
  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 17 * 7200, 7200, 0, sine_sample, &sine);
  push_eos (c);
  want = expected_order (17, 150, 500);
  log = ctx_log (c);
  fail_unless_equals_string (log, want);
  g_free (log);
  g_free (want);
  ctx_free (c);
}

GST_END_TEST;

/* Serialized events other than EOS (a tag, a custom one) flush the queued
 * metrics first, so the metrics event stays right after its audio. */
GST_START_TEST (test_event_order_serialized)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GString *order = g_string_new (NULL);
  GPtrArray *events;
  GstTagList *tags;

  ctx_set_format (c, GST_AUDIO_FORMAT_F32LE, 48000, 1);
  push_audio (c, 0, 48000, 4800, 0, sine_sample, &sine);
  tags = gst_tag_list_new (GST_TAG_TITLE, "x", NULL);
  fail_unless (gst_harness_push_event (c->h, gst_event_new_tag (tags)));
  events = pull_events (c, order);
  fail_unless_equals_int (events->len, 1);
  /* stream-start, caps, segment, then metrics before the tag */
  fail_unless (g_str_has_suffix (order->str, "Mx"), "%s", order->str);
  g_ptr_array_unref (events);
  g_string_free (order, TRUE);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_events_through_queue)
{
  Ctx *c = ctx_new_full ("auraanalyzer name=a interval=500000000 ! queue",
      TRUE);
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics, *ev_metrics;
  GstStructure *summary = NULL;
  GstEvent *ev;
  gboolean eos = FALSE;
  gchar *log, *want;
  guint i;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 17 * 7200, 7200, 0, sine_sample, &sine);
  push_eos (c);

  ev_metrics = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_structure_free);
  /* the queue's thread delivers: wait for EOS (gst_harness_pull_event blocks) */
  while (!eos && (ev = gst_harness_pull_event (c->h)) != NULL) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS) {
      eos = TRUE;
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_CUSTOM_DOWNSTREAM) {
      const GstStructure *s = gst_event_get_structure (ev);
      assert_valid (s);
      if (gst_structure_has_name (s, AURA_METRICS_NAME)) {
        fail_unless (summary == NULL, "metrics after the summary");
        g_ptr_array_add (ev_metrics, gst_structure_copy (s));
      } else {
        summary = gst_structure_copy (s);
      }
    }
    gst_event_unref (ev);
  }
  fail_unless (eos);
  fail_unless (summary != NULL, "no aura-summary event through the queue");
  fail_unless_equals_int (ev_metrics->len, 6);
  for (i = 0; i < 5; i++)
    assert_timing (M (ev_metrics, i), i * 500 * MS, 500 * MS);
  assert_timing (M (ev_metrics, 5), 2500 * MS, 50 * MS);
  fail_unless_equals_int (gst_harness_buffers_received (c->h), 17);

  want = expected_order (17, 150, 500);
  log = ctx_log (c);
  fail_unless_equals_string (log, want);
  g_free (log);
  g_free (want);

  /* the bus of the bin carries the same structures */
  metrics = pop_metrics (c);
  fail_unless (structures_equal (metrics, ev_metrics));
  g_ptr_array_unref (metrics);
  g_ptr_array_unref (ev_metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_post_messages_false)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GString *order = g_string_new (NULL);
  GPtrArray *events;

  g_object_set (c->analyzer, "post-messages", FALSE, NULL);
  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 2 * 48000, 4800, 0, sine_sample, &sine);
  push_eos (c);
  drain_bus (c);
  fail_unless_equals_int (c->msg_all->len, 0);
  fail_unless (c->msg_summary == NULL);
  events = pull_events (c, order);
  fail_unless_equals_int (events->len, 3);
  assert_timing (M (events, 0), 0, GST_SECOND);
  assert_timing (M (events, 1), GST_SECOND, GST_SECOND);
  fail_unless (gst_structure_has_name (M (events, 2), AURA_SUMMARY_NAME));
  assert_near (M (events, 0), "rms-dbfs", -23.0103, 0.05);
  fail_unless (g_str_has_suffix (order->str, "MMSE"), "%s", order->str);
  g_ptr_array_unref (events);
  g_string_free (order, TRUE);
  ctx_free (c);
}

GST_END_TEST;

/* interval changed while playing: takes effect at the end of the interval in
 * progress */
GST_START_TEST (test_interval_change_live)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  guint i;

  ctx_set_format (c, GST_AUDIO_FORMAT_F32LE, 48000, 1);
  push_audio (c, 0, 24000, 4800, 0, sine_sample, &sine);
  g_object_set (c->analyzer, "interval", (guint64) (250 * MS), NULL);
  push_audio (c, 24000, 72000, 4800, 500 * MS, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 5);
  assert_timing (M (metrics, 0), 0, GST_SECOND);
  for (i = 1; i < 5; i++)
    assert_timing (M (metrics, i), GST_SECOND + (i - 1) * 250 * MS, 250 * MS);
  fail_unless_equals_int (get_u (summary, "intervals"), 5);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  assert_time (summary, "duration", 2 * GST_SECOND);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Summary and pauses                                                       */

/* Speech A: syllables 1.0-1.3, 1.4-1.7, 1.8-2.1; a 1.0 s silence; speech B:
 * 3.1-3.4, 3.5-3.8, 3.9-4.2; 1 s of leading and trailing silence. */
static const Burst speech_bursts[] = {
  {1.0, 1.3}, {1.4, 1.7}, {1.8, 2.1},
  {3.1, 3.4}, {3.5, 3.8}, {3.9, 4.2},
};

static Ctx *
run_speech_interval (guint64 min_pause, guint64 interval,
    GPtrArray ** metrics, GstStructure ** summary)
{
  Ctx *c = ctx_new ();
  SpeechParams sp = { speech_bursts, G_N_ELEMENTS (speech_bursts),
    DB_MINUS_20, 0.001
  };

  if (min_pause)
    g_object_set (c->analyzer, "min-pause", min_pause, NULL);
  if (interval)
    g_object_set (c->analyzer, "interval", interval, NULL);
  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 5.2 * 48000, 1024, 0, speech_sample, &sp);
  finish_and_collect (c, metrics, summary);
  return c;
}

static Ctx *
run_speech (guint64 min_pause, GPtrArray ** metrics, GstStructure ** summary)
{
  return run_speech_interval (min_pause, 0, metrics, summary);
}

/* Short intervals put speech onsets and offsets at interval ends; the intervals
 * still add up to the summary (speech-ratio <= 1 is checked on each). */
GST_START_TEST (test_speech_short_intervals)
{
  static const guint64 intervals[] = { 10 * MS, 30 * MS, 70 * MS, 100 * MS,
    250 * MS
  };
  guint k, i;

  for (k = 0; k < G_N_ELEMENTS (intervals); k++) {
    GPtrArray *metrics;
    GstStructure *summary;
    Ctx *c = run_speech_interval (0, intervals[k], &metrics, &summary);
    gdouble speech = 0.0, total = 0.0;
    guint pauses = 0;

    for (i = 0; i < metrics->len; i++) {
      gdouble dur = get_u64 (M (metrics, i), "duration") / (gdouble) GST_SECOND;
      speech += get_d (M (metrics, i), "speech-ratio") * dur;
      total += dur;
      pauses += get_u (M (metrics, i), "pauses");
    }
    fail_unless (fabs (total - 5.2) < 1e-6);
    fail_unless_equals_int (pauses, 1);
    fail_unless_equals_int (get_u (summary, "pauses"), 1);
    assert_near (summary, "longest-pause", 1.0, 0.06);
    /* per interval a gap is speech until it reaches min-pause (hangover): the
     * sum exceeds the summary's speech-time by at most that, once per gap
     * of min-pause or more (the pause and the end) */
    fail_unless (speech >= get_d (summary, "speech-time") - 0.03 &&
        speech <= get_d (summary, "speech-time") + 2 * 0.25 + 0.03,
        "interval %" GST_TIME_FORMAT ": sum of speech %.3f s, speech-time "
        "%.3f s", GST_TIME_ARGS (intervals[k]), speech,
        get_d (summary, "speech-time"));
    g_ptr_array_unref (metrics);
    gst_structure_free (summary);
    ctx_free (c);
  }
}

GST_END_TEST;

GST_START_TEST (test_summary_pause)
{
  GPtrArray *metrics;
  GstStructure *summary;
  Ctx *c = run_speech (0, &metrics, &summary);
  JsonObject *json;
  JsonArray *list;
  JsonObject *p;
  guint i;

  fail_unless_equals_int (metrics->len, 6);
  fail_unless (summary != NULL);
  json = check_summary_json (summary);
  list = json_object_get_array_member (json, "pause_list");
  fail_unless_equals_int (json_array_get_length (list), 1);
  p = json_array_get_object_element (list, 0);
  fail_unless (fabs (json_object_get_double_member (p, "duration") - 1.0) <=
      0.06, "pause of %.3f s", json_object_get_double_member (p, "duration"));
  fail_unless (fabs (json_object_get_double_member (p, "start") - 2.1) <= 0.06,
      "pause starts at %.3f", json_object_get_double_member (p, "start"));
  fail_unless (fabs (json_object_get_double_member (p, "end") - 3.1) <= 0.06,
      "pause ends at %.3f", json_object_get_double_member (p, "end"));
  json_object_unref (json);

  fail_unless_equals_int (get_u (summary, "pauses"), 1);
  assert_near (summary, "pause-time", 1.0, 0.06);
  assert_near (summary, "pause-mean", 1.0, 0.06);
  assert_near (summary, "longest-pause", 1.0, 0.06);
  /* leading and trailing silence are no pauses; speech spans 1.0 .. 4.2 */
  assert_near (summary, "speech-start", 1.0, 0.06);
  assert_near (summary, "speech-end", 4.2, 0.06);
  assert_near (summary, "speech-time", 2.2, 0.12);
  assert_near (summary, "speech-ratio", 2.2 / 5.2, 0.03);
  fail_unless (get_d (summary, "snr-db") > 30.0, "snr %.1f",
      get_d (summary, "snr-db"));
  /* white noise of -60 dBFS in two uncorrelated channels: about -71 dBFS in the
   * speech band (150-4000 Hz of 24 kHz, -7.9 dB) of the mono mix (-3 dB) */
  assert_near (summary, "noise-floor-dbfs", -70.9, 3.0);
  assert_timing (summary, 0, 5200 * MS);

  /* the pause ends in [3, 4): that interval reports it */
  fail_unless_equals_int (sum_u (metrics, "pauses"), 1);
  fail_unless_equals_int (get_u (M (metrics, 3), "pauses"), 1);
  assert_near (M (metrics, 3), "longest-pause", 1.0, 0.06);
  assert_near (M (metrics, 3), "pause-time", 1.0, 0.06);
  /* interval 0 is silence, interval 1 speech, interval 2 the pause */
  assert_near (M (metrics, 0), "speech-ratio", 0.0, 0.0);
  fail_if (get_b (M (metrics, 0), "speaking"));
  assert_near (M (metrics, 1), "speech-ratio", 1.0, 0.06);
  fail_unless (get_b (M (metrics, 1), "speaking"));
  assert_near (M (metrics, 2), "speech-ratio", 0.1, 0.06);
  assert_near (M (metrics, 5), "speech-ratio", 0.0, 0.0);
  for (i = 0; i < metrics->len; i++)
    if (get_d (M (metrics, i), "speech-ratio") > 0.5)
      fail_unless (gst_structure_has_field (M (metrics, i), "snr-db"));

  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_min_pause_property)
{
  GPtrArray *metrics;
  GstStructure *summary;
  Ctx *c;
  JsonObject *json;

  /* 1.5 s: the 1 s silence is no pause */
  c = run_speech (1500 * MS, &metrics, &summary);
  fail_unless_equals_int (get_u (summary, "pauses"), 0);
  fail_if (gst_structure_has_field (summary, "pause-mean"));
  json = check_summary_json (summary);
  json_object_unref (json);
  assert_near (summary, "speech-time", 3.2, 0.12);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);

  /* 50 ms: the 100 ms gaps between syllables are pauses too (4 + 1) */
  c = run_speech (50 * MS, &metrics, &summary);
  fail_unless_equals_int (get_u (summary, "pauses"), 5);
  assert_near (summary, "longest-pause", 1.0, 0.06);
  json = check_summary_json (summary);
  json_object_unref (json);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Bad input                                                                */

static void
run_invalid (GstAudioFormat format)
{
  static const Injection inj[] = {
    {100, 0, NAN}, {100, 1, INFINITY}, {2000, 0, -INFINITY},
    {60000, 1, NAN}, {60001, 0, NAN},
  };
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  InjectParams ip = { sine_sample, &sine, inj, G_N_ELEMENTS (inj) };
  GPtrArray *metrics;
  GstStructure *summary;
  guint i;

  ctx_set_format (c, format, 48000, 2);
  push_audio (c, 0, 2 * 48000, 4800, 0, inject_sample, &ip);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 2);
  fail_unless_equals_int (get_u64 (M (metrics, 0), "invalid-samples"), 3);
  fail_unless_equals_int (get_u64 (M (metrics, 1), "invalid-samples"), 2);
  fail_unless_equals_int (get_u64 (summary, "invalid-samples"), 5);
  for (i = 0; i < 2; i++) {
    /* measured on the other samples; assert_valid checked they are finite */
    assert_near (M (metrics, i), "rms-dbfs", -23.0103, 0.05);
    assert_near (M (metrics, i), "peak-dbfs", -20.0, 0.05);
    /* a sample replaced by 0 is a step: the oversampled peak overshoots */
    assert_near (M (metrics, i), "true-peak-dbtp", -20.0, 1.0);
    assert_near (M (metrics, i), "clipping", 0.0, 0.0);
    assert_near (M (metrics, i), "loudness-momentary", -20.0, 0.3);
  }
  assert_near (summary, "rms-dbfs", -23.0103, 0.05);
  assert_near (summary, "loudness-integrated", -20.0, 0.3);
  /* one warning, however many invalid samples */
  fail_unless_equals_int (count_warnings (c), 1);
  fail_unless (g_error_matches (c->first_warning, GST_STREAM_ERROR,
          GST_STREAM_ERROR_FORMAT), "warning %s", c->first_warning->message);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_START_TEST (test_invalid_f32)
{
  run_invalid (GST_AUDIO_FORMAT_F32LE);
}

GST_END_TEST;

GST_START_TEST (test_invalid_f64)
{
  run_invalid (GST_AUDIO_FORMAT_F64LE);
}

GST_END_TEST;

/* A buffer made only of NaN: its interval has no valid sample. */
GST_START_TEST (test_invalid_only)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  SineParams nan_sig = { NAN, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;

  ctx_set_format (c, GST_AUDIO_FORMAT_F32LE, 16000, 1);
  push_audio (c, 0, 16000, 1600, 0, sine_sample, &nan_sig);
  push_audio (c, 16000, 16000, 1600, GST_SECOND, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 2);
  fail_unless_equals_int (get_u64 (M (metrics, 0), "invalid-samples"), 16000);
  assert_near (M (metrics, 0), "rms-dbfs", -120.0, 0.0);
  assert_near (M (metrics, 0), "peak-dbfs", -120.0, 0.0);
  assert_near (M (metrics, 1), "rms-dbfs", -23.0103, 0.05);
  fail_unless_equals_int (get_u64 (summary, "invalid-samples"), 16000);
  assert_near (summary, "rms-dbfs", -23.0103, 0.05);
  fail_unless_equals_int (count_warnings (c), 1);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* Regression: F64 samples finite but beyond the float range (|x| > 3.4e38) once
 * became +-Inf in the conversion and made levels and loudness infinite. Samples
 * beyond AURA_MAX_SAMPLE (+120 dBFS) are now invalid like NaN: ignored, counted. */
GST_START_TEST (test_f64_beyond_float_range)
{
  static const Injection inj[] = {
    {1000, 0, 1e300}, {1001, 0, -1e39},
  };
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  InjectParams ip = { sine_sample, &sine, inj, G_N_ELEMENTS (inj) };
  GstMessage *msg;
  GString *problems = g_string_new (NULL);
  guint n = 0;

  ctx_set_format (c, GST_AUDIO_FORMAT_F64LE, 48000, 1);
  push_audio (c, 0, 2 * 48000, 4800, 0, inject_sample, &ip);
  push_eos (c);
  while ((msg = gst_bus_pop_filtered (c->bus, GST_MESSAGE_ELEMENT)) != NULL) {
    const GstStructure *s = gst_message_get_structure (msg);
    GError *err = NULL;
    if (!aura_schema_validate (s, &err)) {
      gchar *str = gst_structure_to_string (s);
      g_string_append_printf (problems, "\n  #%u %s in %s", n, err->message,
          str);
      g_free (str);
      g_clear_error (&err);
    } else if (gst_structure_has_name (s, AURA_METRICS_NAME)) {
      /* finite, and right: the sine without the two samples */
      gdouble rms = get_d (s, "rms-dbfs"), lm = get_d (s, "loudness-momentary");
      if (fabs (rms + 23.01) > 0.1 || fabs (lm + 23.0) > 1.0)
        g_string_append_printf (problems, "\n  #%u rms-dbfs %.2f, "
            "loudness-momentary %.2f (expected -23.01, about -23)", n, rms, lm);
    }
    n++;
    gst_message_unref (msg);
  }
  fail_unless_equals_int (n, 3);
  fail_unless (problems->len == 0, "out-of-float-range F64 samples:%s",
      problems->str);
  g_string_free (problems, TRUE);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_zero_length_buffer)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  GstBuffer *empty;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 24000, 4800, 0, sine_sample, &sine);
  /* empty buffers: at the right place, without timestamp, far away, DISCONT */
  empty = gst_buffer_new ();
  GST_BUFFER_PTS (empty) = 500 * MS;
  fail_unless_equals_int (gst_harness_push (c->h, empty), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (c->h, gst_buffer_new ()),
      GST_FLOW_OK);
  empty = gst_buffer_new ();
  GST_BUFFER_PTS (empty) = 100 * GST_SECOND;
  GST_BUFFER_FLAG_SET (empty, GST_BUFFER_FLAG_DISCONT);
  fail_unless_equals_int (gst_harness_push (c->h, empty), GST_FLOW_OK);
  /* less than one frame (3 bytes of a 4-byte frame) */
  empty = gst_buffer_new_allocate (NULL, 3, NULL);
  gst_buffer_memset (empty, 0, 0x7f, 3);
  GST_BUFFER_PTS (empty) = 500 * MS;
  fail_unless_equals_int (gst_harness_push (c->h, empty), GST_FLOW_OK);
  push_audio (c, 24000, 24000, 4800, 500 * MS, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (gst_harness_buffers_received (c->h), 5 + 4 + 5);
  fail_unless_equals_int (metrics->len, 1);
  assert_timing (M (metrics, 0), 0, GST_SECOND);
  assert_near (M (metrics, 0), "rms-dbfs", -23.0103, 0.05);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  fail_unless_equals_int (get_u (summary, "intervals"), 1);
  assert_timing (summary, 0, GST_SECOND);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_no_timestamps)
{
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  Ctx *c = ctx_new ();
  guint i;

  /* none at all: the clock starts at 0 and follows the samples */
  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 2.5 * 48000, 4800, GST_CLOCK_TIME_NONE, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 3);
  assert_timing (M (metrics, 0), 0, GST_SECOND);
  assert_timing (M (metrics, 1), GST_SECOND, GST_SECOND);
  assert_timing (M (metrics, 2), 2 * GST_SECOND, 500 * MS);
  assert_timing (summary, 0, 2500 * MS);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);

  /* only the first buffer has one (5 s): the others follow it */
  c = ctx_new ();
  ctx_set_format (c, GST_AUDIO_FORMAT_F32LE, 48000, 1);
  push_audio (c, 0, 4800, 4800, 5 * GST_SECOND, sine_sample, &sine);
  push_audio (c, 4800, 2 * 48000 - 4800, 4800, GST_CLOCK_TIME_NONE,
      sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 2);
  for (i = 0; i < 2; i++)
    assert_timing (M (metrics, i), (5 + i) * GST_SECOND, GST_SECOND);
  assert_timing (summary, 5 * GST_SECOND, 2 * GST_SECOND);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* Timestamps within 40 ms of the expected ones are no discontinuity. */
GST_START_TEST (test_timestamp_jitter)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  guint i;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 1);
  for (i = 0; i < 20; i++) {
    GstClockTime jitter = (i % 3) * 15 * MS;    /* 0, 15, 30 ms late */
    push_audio (c, i * 4800, 4800, 4800, i * 100 * MS + jitter, sine_sample,
        &sine);
  }
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 2);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  assert_timing (M (metrics, 1), GST_SECOND, GST_SECOND);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_discont_flag)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  GstBuffer *buf;
  guint i;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  for (i = 0; i < 30; i++) {
    buf = make_buffer (&c->info, i * 4800, 4800, sine_sample, &sine);
    GST_BUFFER_PTS (buf) = i * 100 * MS;
    GST_BUFFER_DURATION (buf) = 100 * MS;
    /* the first buffer of a stream usually carries DISCONT: not counted */
    if (i == 0 || i == 15)
      GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    fail_unless_equals_int (gst_harness_push (c->h, buf), GST_FLOW_OK);
    if (i == 15) {
      /* the open interval [1, 1.5) was closed by the DISCONT buffer */
      GPtrArray *m = pop_metrics (c);
      fail_unless_equals_int (m->len, 2);
      assert_timing (M (m, 1), GST_SECOND, 500 * MS);
      g_ptr_array_unref (m);
    }
  }
  finish_and_collect (c, &metrics, &summary);
  /* [1.5, 2.5) and [2.5, 3.0) */
  fail_unless_equals_int (metrics->len, 2);
  assert_timing (M (metrics, 0), 1500 * MS, GST_SECOND);
  assert_timing (M (metrics, 1), 2500 * MS, 500 * MS);
  assert_near (M (metrics, 0), "rms-dbfs", -23.0103, 0.05);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 1);
  fail_unless_equals_int (get_u (summary, "intervals"), 4);
  assert_timing (summary, 0, 3 * GST_SECOND);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* Speech before and after a 5 s forward jump, with silence on both sides of it:
 * with the jump ignored it would make a pause. */
static const Burst jump_bursts[] = {
  {0.3, 0.6}, {0.7, 1.0},       /* then silence 1.0 .. 1.5, the jump */
  {1.8, 2.1}, {2.2, 2.5},       /* content time; stream time + 5 s */
};

GST_START_TEST (test_forward_jump)
{
  Ctx *c = ctx_new ();
  SpeechParams sp = { jump_bursts, G_N_ELEMENTS (jump_bursts), DB_MINUS_20,
    0.001
  };
  GPtrArray *metrics;
  GstStructure *summary;
  JsonObject *json;
  GPtrArray *m;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 72000, 4800, 0, speech_sample, &sp);
  m = pop_metrics (c);
  fail_unless_equals_int (m->len, 1);
  g_ptr_array_unref (m);
  /* content 1.5 .. 3.0 s at stream time 6.5 .. 8.0 s */
  push_audio (c, 72000, 4800, 4800, 6500 * MS, speech_sample, &sp);
  m = pop_metrics (c);
  fail_unless_equals_int (m->len, 1);   /* the partial interval, at once */
  assert_timing (M (m, 0), GST_SECOND, 500 * MS);
  g_ptr_array_unref (m);
  push_audio (c, 76800, 67200, 4800, 6600 * MS, speech_sample, &sp);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 2);
  assert_timing (M (metrics, 0), 6500 * MS, GST_SECOND);
  assert_timing (M (metrics, 1), 7500 * MS, 500 * MS);

  fail_unless_equals_int (get_u (summary, "discontinuities"), 1);
  fail_unless_equals_int (get_u (summary, "intervals"), 4);
  assert_timing (summary, 0, 3 * GST_SECOND);
  /* no pause across the jump */
  fail_unless_equals_int (get_u (summary, "pauses"), 0);
  assert_near (summary, "longest-pause", 0.0, 0.0);
  json = check_summary_json (summary);
  fail_unless_equals_int (json_array_get_length (json_object_get_array_member
          (json, "pause_list")), 0);
  json_object_unref (json);
  /* times are stream times: the speech after the jump ends at 7.5 s */
  assert_near (summary, "speech-start", 0.3, 0.06);
  assert_near (summary, "speech-end", 7.5, 0.06);
  assert_near (summary, "speech-time", 1.4, 0.15);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_backward_jump)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;

  ctx_set_format (c, GST_AUDIO_FORMAT_F32LE, 48000, 2);
  push_audio (c, 0, 72000, 4800, 0, sine_sample, &sine);
  /* back to 0.5 s */
  push_audio (c, 72000, 72000, 4800, 500 * MS, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 4);
  assert_timing (M (metrics, 0), 0, GST_SECOND);
  assert_timing (M (metrics, 1), GST_SECOND, 500 * MS);
  assert_timing (M (metrics, 2), 500 * MS, GST_SECOND);
  assert_timing (M (metrics, 3), 1500 * MS, 500 * MS);
  assert_near (M (metrics, 2), "rms-dbfs", -23.0103, 0.05);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 1);
  fail_unless_equals_int (get_u (summary, "intervals"), 4);
  assert_time (summary, "timestamp", 0);
  assert_time (summary, "duration", 3 * GST_SECOND);
  assert_near (summary, "rms-dbfs", -23.0103, 0.05);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* Speech 0.2-0.5, 0.6-0.9; GAP 1.0 .. 3.0; speech 3.2-3.5, 3.6-3.9. */
static const Burst gap_bursts[] = {
  {0.2, 0.5}, {0.6, 0.9}, {3.2, 3.5}, {3.6, 3.9},
};

GST_START_TEST (test_gap_event)
{
  Ctx *c = ctx_new ();
  SpeechParams sp = { gap_bursts, G_N_ELEMENTS (gap_bursts), DB_MINUS_20,
    0.001
  };
  GPtrArray *metrics;
  GstStructure *summary;
  GPtrArray *m;
  gchar *log;
  guint i;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 48000, 4800, 0, speech_sample, &sp);
  fail_unless (gst_harness_push_event (c->h,
          gst_event_new_gap (GST_SECOND, 2 * GST_SECOND)));
  /* the two intervals inside the gap are posted at once */
  m = pop_metrics (c);
  fail_unless_equals_int (m->len, 3);
  g_ptr_array_unref (m);
  push_audio (c, 3 * 48000, 48000, 4800, 3 * GST_SECOND, speech_sample, &sp);
  /* the gap's metrics follow the GAP event, before the next audio */
  log = ctx_log (c);
  fail_unless (g_str_has_prefix (log, "BBBBBBBBBBMGMMB"), "%s", log);
  g_free (log);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 1);
  assert_timing (M (metrics, 0), 3 * GST_SECOND, GST_SECOND);
  g_ptr_array_unref (metrics);

  /* all of it: re-run the checks on the summary */
  fail_unless_equals_int (get_u (summary, "intervals"), 4);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  assert_timing (summary, 0, 4 * GST_SECOND);
  /* the gap is silence: the speech on either side makes one pause 0.9 .. 3.2 */
  fail_unless_equals_int (get_u (summary, "pauses"), 1);
  assert_near (summary, "longest-pause", 2.3, 0.06);
  gst_structure_free (summary);
  ctx_free (c);

  /* again, to look at the gap intervals themselves */
  c = ctx_new ();
  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 48000, 4800, 0, speech_sample, &sp);
  fail_unless (gst_harness_push_event (c->h,
          gst_event_new_gap (GST_SECOND, 2 * GST_SECOND)));
  push_audio (c, 3 * 48000, 48000, 4800, 3 * GST_SECOND, speech_sample, &sp);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 4);
  for (i = 0; i < 4; i++)
    assert_timing (M (metrics, i), i * GST_SECOND, GST_SECOND);
  for (i = 1; i < 3; i++) {
    assert_near (M (metrics, i), "speech-ratio", 0.0, 0.0);
    fail_if (get_b (M (metrics, i), "speaking"));
    assert_near (M (metrics, i), "rms-dbfs", -120.0, 0.0);
    assert_near (M (metrics, i), "peak-dbfs", -120.0, 0.0);
  }
  /* 0.2-0.9 is speech (the 100 ms gap inside it included); the 0.1 s of
   * silence after it is still provisionally speech when the interval closes */
  assert_near (M (metrics, 0), "speech-ratio", 0.8, 0.06);
  /* the same in [3, 4): it closes with the last buffer, before EOS */
  assert_near (M (metrics, 3), "speech-ratio", 0.8, 0.06);
  fail_unless_equals_int (get_u (M (metrics, 3), "pauses"), 1);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_gap_event_no_duration)
{
  Ctx *c = ctx_new ();
  SpeechParams sp = { gap_bursts, G_N_ELEMENTS (gap_bursts), DB_MINUS_20,
    0.001
  };
  GPtrArray *metrics;
  GstStructure *summary;
  GPtrArray *m;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 72000, 4800, 0, speech_sample, &sp);
  fail_unless (gst_harness_push_event (c->h,
          gst_event_new_gap (1500 * MS, GST_CLOCK_TIME_NONE)));
  /* the open interval is closed */
  m = pop_metrics (c);
  fail_unless_equals_int (m->len, 2);
  assert_timing (M (m, 1), GST_SECOND, 500 * MS);
  g_ptr_array_unref (m);
  push_audio (c, 3 * 48000, 48000, 4800, 3 * GST_SECOND, speech_sample, &sp);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 1);
  assert_timing (M (metrics, 0), 3 * GST_SECOND, GST_SECOND);
  /* nothing measured in the unknown gap, no pause across it */
  assert_time (summary, "duration", 2500 * MS);
  fail_unless_equals_int (get_u (summary, "intervals"), 3);
  fail_unless_equals_int (get_u (summary, "pauses"), 0);
  fail_unless (get_u (summary, "discontinuities") <= 1);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* A GAP-flagged buffer is silence, whatever its bytes. */
GST_START_TEST (test_gap_buffer)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  SineParams loud = { 0.9, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  GstBuffer *buf;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 1);
  push_audio (c, 0, 48000, 4800, 0, sine_sample, &sine);
  buf = make_buffer (&c->info, 48000, 48000, sine_sample, &loud);
  GST_BUFFER_PTS (buf) = GST_SECOND;
  GST_BUFFER_DURATION (buf) = GST_SECOND;
  GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_GAP);
  fail_unless_equals_int (gst_harness_push (c->h, buf), GST_FLOW_OK);
  push_audio (c, 96000, 48000, 4800, 2 * GST_SECOND, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 3);
  assert_timing (M (metrics, 1), GST_SECOND, GST_SECOND);
  assert_near (M (metrics, 1), "rms-dbfs", -120.0, 0.0);
  assert_near (M (metrics, 1), "peak-dbfs", -120.0, 0.0);
  assert_near (M (metrics, 1), "speech-ratio", 0.0, 0.0);
  assert_near (M (metrics, 2), "rms-dbfs", -23.0103, 0.05);
  assert_near (summary, "peak-dbfs", -20.0, 0.05);
  assert_timing (summary, 0, 3 * GST_SECOND);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* 48 kHz stereo S16, then 16 kHz mono F32 on the same timeline. The caps change
 * with continuous timestamps is no discontinuity. */
GST_START_TEST (test_caps_change)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  GPtrArray *m;
  GstAudioInfo info2;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 72000, 4800, 0, sine_sample, &sine);
  gst_audio_info_set_format (&info2, GST_AUDIO_FORMAT_F32LE, 16000, 1, NULL);
  push_caps (c, &info2);
  /* the open interval [1, 1.5) is closed by the caps change */
  m = pop_metrics (c);
  fail_unless_equals_int (m->len, 2);
  assert_timing (M (m, 0), 0, GST_SECOND);
  assert_timing (M (m, 1), GST_SECOND, 500 * MS);
  assert_near (M (m, 1), "rms-dbfs", -23.0103, 0.05);
  g_ptr_array_unref (m);

  c->info = info2;
  push_audio (c, 24000, 24000, 1600, 1500 * MS, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 2);
  assert_timing (M (metrics, 0), 1500 * MS, GST_SECOND);
  assert_timing (M (metrics, 1), 2500 * MS, 500 * MS);
  assert_near (M (metrics, 0), "rms-dbfs", -23.0103, 0.05);
  assert_near (M (metrics, 0), "peak-dbfs", -20.0, 0.05);
  /* a mono 1 kHz sine of -20 dBFS: -23 LUFS */
  assert_near (M (metrics, 0), "loudness-momentary", -23.0, 0.2);
  /* session totals kept */
  assert_timing (summary, 0, 3 * GST_SECOND);
  fail_unless_equals_int (get_u (summary, "intervals"), 4);
  assert_near (summary, "rms-dbfs", -23.0103, 0.05);
  assert_near (summary, "peak-dbfs", -20.0, 0.05);
  /* discontinuities: see test_caps_change_rate */
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* Regression: after a caps change to another rate, the element once converted the
 * frames counted at the old rate with the new one, saw an on-time buffer as a
 * jump, counted a discontinuity and lost the pause that spans the change.
 * Speech 0.3-0.6, 0.7-1.0 at 48 kHz stereo S16; caps change at 1.5 s to 16 kHz
 * mono F32, on time; speech again 2.0-2.3, 2.4-2.7. Expected: no discontinuity,
 * one pause 1.0-2.0. */
static const Burst caps_bursts[] = {
  {0.3, 0.6}, {0.7, 1.0}, {2.0, 2.3}, {2.4, 2.7},
};

GST_START_TEST (test_caps_change_rate)
{
  Ctx *c = ctx_new ();
  /* no noise bed: independent white noise per channel at 48 kHz stereo is 8 dB
   * quieter in the 16 kHz mono speech band than the same noise at 16 kHz mono, a
   * change of room the noise tracker takes its 2 s window to follow */
  SpeechParams sp = { caps_bursts, G_N_ELEMENTS (caps_bursts), DB_MINUS_20,
    0.0
  };
  GPtrArray *metrics;
  GstStructure *summary;
  GstAudioInfo info2;
  guint discont, pauses;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 72000, 4800, 0, speech_sample, &sp);
  gst_audio_info_set_format (&info2, GST_AUDIO_FORMAT_F32LE, 16000, 1, NULL);
  push_caps (c, &info2);
  c->info = info2;
  push_audio (c, 24000, 24000, 1600, 1500 * MS, speech_sample, &sp);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 4);
  assert_timing (summary, 0, 3 * GST_SECOND);
  discont = get_u (summary, "discontinuities");
  pauses = get_u (summary, "pauses");
  fail_unless (discont == 0 && pauses == 1,
      "caps change 48 kHz -> 16 kHz on time: discontinuities = %u "
      "(expected 0), pauses = %u (expected 1, 1.0 .. 2.0 s)", discont, pauses);
  assert_near (summary, "longest-pause", 1.0, 0.06);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* Same rate, other format and channels: the same, without a rate change. */
GST_START_TEST (test_caps_change_same_rate)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  GstAudioInfo info2;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 72000, 4800, 0, sine_sample, &sine);
  gst_audio_info_set_format (&info2, GST_AUDIO_FORMAT_F64LE, 48000, 1, NULL);
  push_caps (c, &info2);
  c->info = info2;
  push_audio (c, 72000, 72000, 4800, 1500 * MS, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 4);
  assert_timing (M (metrics, 1), GST_SECOND, 500 * MS);
  assert_timing (M (metrics, 2), 1500 * MS, GST_SECOND);
  assert_timing (summary, 0, 3 * GST_SECOND);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_eos_before_buffer)
{
  Ctx *c = ctx_new ();
  GPtrArray *metrics;
  GstStructure *summary;
  JsonObject *json;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 0);
  /* no summary, or a valid one (finish_and_collect validated it) */
  if (summary) {
    assert_time (summary, "duration", 0);
    fail_unless_equals_int (get_u (summary, "intervals"), 0);
    fail_unless_equals_int (get_u (summary, "pauses"), 0);
    json = check_summary_json (summary);
    json_object_unref (json);
    gst_structure_free (summary);
  }
  g_ptr_array_unref (metrics);
  ctx_free (c);
}

GST_END_TEST;

GST_START_TEST (test_eos_no_caps)
{
  Ctx *c = ctx_new ();
  GPtrArray *metrics;
  GstStructure *summary;

  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 0);
  fail_unless (summary == NULL);
  drain_bus (c);
  fail_unless_equals_int (c->n_errors, 0);
  g_ptr_array_unref (metrics);
  ctx_free (c);
}

GST_END_TEST;

/* READY and back: a new session. */
GST_START_TEST (test_restart_session)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 96000, 4800, 0, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (get_u (summary, "intervals"), 2);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);

  fail_unless_equals_int (gst_element_set_state (c->h->element,
          GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (gst_element_set_state (c->h->element,
          GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_harness_push_event (c->h,
          gst_event_new_stream_start ("again")));
  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 48000, 4800, 0, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 1);
  fail_unless_equals_int (get_u (summary, "intervals"), 1);
  assert_timing (summary, 0, GST_SECOND);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Buffer sizes, intervals                                                  */

/* One 3.5 s buffer, 500 ms intervals: seven intervals out of one buffer, their
 * events all before EOS. */
GST_START_TEST (test_large_buffer)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  gchar *log;
  guint i;

  g_object_set (c->analyzer, "interval", (guint64) (500 * MS), NULL);
  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, 168000, 168000, 0, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 7);
  for (i = 0; i < 7; i++) {
    assert_timing (M (metrics, i), i * 500 * MS, 500 * MS);
    assert_near (M (metrics, i), "rms-dbfs", -23.0103, 0.05);
  }
  log = ctx_log (c);
  fail_unless_equals_string (log, "BMMMMMMMSE");
  g_free (log);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* 8 kHz in buffers of 7 frames, the shortest interval (10 ms = 80 frames). */
GST_START_TEST (test_tiny_buffers_min_interval)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  guint i;

  g_object_set (c->analyzer, "interval", (guint64) (10 * MS), NULL);
  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 8000, 1);
  push_audio (c, 0, 8000, 7, 0, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 100);
  for (i = 0; i < 100; i++) {
    assert_timing (M (metrics, i), i * 10 * MS, 10 * MS);
    assert_near (M (metrics, i), "rms-dbfs", -23.0103, 0.05);
    assert_near (M (metrics, i), "peak-dbfs", -20.0, 0.01);
  }
  fail_unless_equals_int (get_u (summary, "intervals"), 100);
  assert_timing (summary, 0, GST_SECOND);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* GAP events at the 60 s limit: 60 s is silence (60 intervals); 61 s is not
 * analysed (no interval inside it). */
GST_START_TEST (test_long_gap)
{
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GPtrArray *metrics;
  GstStructure *summary;
  Ctx *c = ctx_new ();
  guint i;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 16000, 1);
  push_audio (c, 0, 16000, 1600, 0, sine_sample, &sine);
  fail_unless (gst_harness_push_event (c->h,
          gst_event_new_gap (GST_SECOND, 60 * GST_SECOND)));
  push_audio (c, 61 * 16000, 16000, 1600, 61 * GST_SECOND, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 62);
  for (i = 0; i < 62; i++)
    assert_timing (M (metrics, i), i * GST_SECOND, GST_SECOND);
  assert_near (M (metrics, 30), "rms-dbfs", -120.0, 0.0);
  assert_near (M (metrics, 61), "rms-dbfs", -23.0103, 0.05);
  assert_timing (summary, 0, 62 * GST_SECOND);
  fail_unless_equals_int (get_u (summary, "discontinuities"), 0);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);

  c = ctx_new ();
  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 16000, 1);
  push_audio (c, 0, 16000, 1600, 0, sine_sample, &sine);
  fail_unless (gst_harness_push_event (c->h,
          gst_event_new_gap (GST_SECOND, 61 * GST_SECOND)));
  push_audio (c, 62 * 16000, 16000, 1600, 62 * GST_SECOND, sine_sample, &sine);
  finish_and_collect (c, &metrics, &summary);
  fail_unless_equals_int (metrics->len, 2);
  assert_timing (M (metrics, 0), 0, GST_SECOND);
  assert_timing (M (metrics, 1), 62 * GST_SECOND, GST_SECOND);
  assert_time (summary, "duration", 2 * GST_SECOND);
  g_ptr_array_unref (metrics);
  gst_structure_free (summary);
  ctx_free (c);
}

GST_END_TEST;

/* A flushing seek after @secs_before of audio (in 100 ms buffers): flush, then
 * a segment at 10 s and 1 s of audio there, EOS. */
static Ctx *
run_flush_seek (gdouble secs_before)
{
  Ctx *c = ctx_new ();
  SineParams sine = { DB_MINUS_20, 1000.0, 0.0 };
  GstSegment seg;

  ctx_set_format (c, GST_AUDIO_FORMAT_S16LE, 48000, 2);
  push_audio (c, 0, secs_before * 48000, 4800, 0, sine_sample, &sine);
  fail_unless (gst_harness_push_event (c->h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (c->h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = seg.time = seg.position = 10 * GST_SECOND;
  fail_unless (gst_harness_push_event (c->h, gst_event_new_segment (&seg)));
  push_audio (c, 480000, 48000, 4800, 10 * GST_SECOND, sine_sample, &sine);
  push_eos (c);
  drain_bus (c);
  g_ptr_array_unref (pull_events (c, NULL));
  return c;
}

/* The flush cuts [1, 1.5): that interval is dropped (no message, no event); the
 * session keeps its audio. */
GST_START_TEST (test_flush_seek)
{
  Ctx *c = run_flush_seek (1.5);
  GstStructure *summary = c->msg_summary;

  fail_unless_equals_int (c->msg_all->len, 2);
  assert_timing (M (c->msg_all, 0), 0, GST_SECOND);
  assert_time (M (c->msg_all, 1), "timestamp", 10 * GST_SECOND);
  assert_time (M (c->msg_all, 1), "duration", GST_SECOND);
  assert_time (M (c->msg_all, 1), "stream-time", 10 * GST_SECOND);
  assert_time (M (c->msg_all, 1), "running-time", 0);
  fail_unless (summary != NULL);
  fail_unless_equals_int (get_u (summary, "intervals"), 2);
  assert_time (summary, "duration", 2500 * MS);
  fail_unless (structures_equal (c->ev_all, c->msg_all),
      "after a flush: %u metrics events, %u metrics messages",
      c->ev_all->len, c->msg_all->len);
  ctx_free (c);
}

GST_END_TEST;

/* Regression: the flush comes right after the buffer that completed [1, 2). Its
 * message was posted, but its queued event was once dropped at FLUSH_STOP. Events
 * already posted are now kept and follow the new segment: messages and events
 * agree ([0,1) [1,2) [10,11)). */
GST_START_TEST (test_flush_after_complete_interval)
{
  Ctx *c = run_flush_seek (2.0);

  fail_unless (c->msg_summary != NULL);
  fail_unless (structures_equal (c->ev_all, c->msg_all),
      "flush after a completed interval: %u metrics events, %u metrics "
      "messages", c->ev_all->len, c->msg_all->len);
  ctx_free (c);
}

GST_END_TEST;

static Suite *
auraanalyzer_suite (void)
{
  Suite *s = suite_create ("auraanalyzer");
  TCase *tc = tcase_create ("general");

  if (!aura_elements_register_static ())
    g_error ("could not register the AURA elements");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_metadata);
  tcase_add_test (tc, test_properties);
  tcase_add_test (tc, test_caps_accepted);
  tcase_add_test (tc, test_caps_refused);
  tcase_add_test (tc, test_passthrough);
  tcase_add_test (tc, test_sine_levels_s16);
  tcase_add_test (tc, test_sine_levels_f32);
  tcase_add_test (tc, test_sine_levels_s32_f64);
  tcase_add_test (tc, test_clipped_square);
  tcase_add_test (tc, test_true_peak_property);
  tcase_add_test (tc, test_interval_500ms);
  tcase_add_test (tc, test_interval_odd);
  tcase_add_test (tc, test_segment_times);
  tcase_add_test (tc, test_silence_nullable);
  tcase_add_test (tc, test_event_order);
  tcase_add_test (tc, test_event_order_serialized);
  tcase_add_test (tc, test_events_through_queue);
  tcase_add_test (tc, test_post_messages_false);
  tcase_add_test (tc, test_interval_change_live);
  tcase_add_test (tc, test_summary_pause);
  tcase_add_test (tc, test_min_pause_property);
  tcase_add_test (tc, test_speech_short_intervals);
  tcase_add_test (tc, test_invalid_f32);
  tcase_add_test (tc, test_invalid_f64);
  tcase_add_test (tc, test_invalid_only);
  tcase_add_test (tc, test_f64_beyond_float_range);
  tcase_add_test (tc, test_zero_length_buffer);
  tcase_add_test (tc, test_no_timestamps);
  tcase_add_test (tc, test_timestamp_jitter);
  tcase_add_test (tc, test_discont_flag);
  tcase_add_test (tc, test_forward_jump);
  tcase_add_test (tc, test_backward_jump);
  tcase_add_test (tc, test_gap_event);
  tcase_add_test (tc, test_gap_event_no_duration);
  tcase_add_test (tc, test_gap_buffer);
  tcase_add_test (tc, test_caps_change);
  tcase_add_test (tc, test_caps_change_rate);
  tcase_add_test (tc, test_caps_change_same_rate);
  tcase_add_test (tc, test_eos_before_buffer);
  tcase_add_test (tc, test_eos_no_caps);
  tcase_add_test (tc, test_restart_session);
  tcase_add_test (tc, test_large_buffer);
  tcase_add_test (tc, test_tiny_buffers_min_interval);
  tcase_add_test (tc, test_long_gap);
  tcase_add_test (tc, test_flush_seek);
  tcase_add_test (tc, test_flush_after_complete_interval);
  return s;
}

GST_CHECK_MAIN (auraanalyzer);
