/* AURA — voice activity and pauses. See aura-vad.h. */
#include "aura-vad.h"

#include "aura-biquad.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOP_SECONDS       0.010
#define NOISE_WINDOW_S    2.0   /* minimum tracker span */
#define NEAR_MIN_DB       3.0   /* frames this close to the minimum are noise */
#define NOISE_TAU_S       0.25  /* smoothing of the noise estimate */
#define ON_DB             6.0   /* speech starts this far above the noise */
#define OFF_DB            3.0   /* and continues while this far above it */
#define ABSOLUTE_MIN_DB   (-65.0)       /* quieter frames are never speech */
#define MIN_ISLAND_FRAMES 5     /* 50 ms: a click (active for its length plus
                                 * the 20 ms window) is not speech */
#define RESUME_FRAMES     2     /* inside speech, after a short dip, 20 ms
                                 * above OFF_DB continue it */
#define POWER_EPSILON     1e-12

typedef enum
{
  SEG_SILENCE,                  /* before any speech, or after a long gap */
  SEG_SPEECH,
  SEG_GAP,                      /* inactive frames after speech */
} SegmentState;

struct AuraVad
{
  unsigned rate, hop;
  unsigned min_pause_frames;
  AuraBiquad hp, lp;            /* the speech band */
  double half_prev, half_acc;
  uint64_t samples;             /* processed since the clock was set */
  AuraVadFrameFunc frame_func;
  void *frame_data;
  unsigned half_fill;

  /* minimum tracker: monotonic queue of (frame, dB) over NOISE_WINDOW_S */
  unsigned window;
  double *mq_db;
  uint64_t *mq_frame;
  unsigned mq_head, mq_len;
  double noise_power, alpha;
  int noise_valid, active;

  /* clock */
  double anchor;
  uint64_t frame;               /* frames since the anchor */
  uint64_t tick;                /* frames since creation, for the tracker */

  /* segments */
  SegmentState seg;
  uint64_t run_start, gap_start, seg_start;
  unsigned run_len;
  int gap_long;
  unsigned provisional;         /* gap frames counted as speech this interval */
  uint64_t ses_provisional;     /* the same for the session */

  AuraVadInterval iv;
  double iv_active_power_sum;
  AuraVadSession ses;
  double ses_active_power_sum, ses_noise_power_sum;

  AuraPause *pending;
  size_t n_pending, cap_pending;
};

static double
frame_time (const AuraVad * v, uint64_t frame)
{
  return v->anchor + (double) frame *v->hop / v->rate;
}

AuraVad *
aura_vad_new (unsigned rate, double min_pause)
{
  AuraVad *v;

  if (rate < 8000 || rate > 48000 || !(min_pause > 0.0))
    return NULL;
  v = calloc (1, sizeof (AuraVad));
  if (v == NULL)
    return NULL;
  v->rate = rate;
  v->hop = (unsigned) (rate * HOP_SECONDS + 0.5);
  v->window = (unsigned) (NOISE_WINDOW_S / HOP_SECONDS);
  v->mq_db = calloc (v->window + 1, sizeof (double));
  v->mq_frame = calloc (v->window + 1, sizeof (uint64_t));
  if (v->mq_db == NULL || v->mq_frame == NULL) {
    aura_vad_free (v);
    return NULL;
  }
  v->alpha = 1.0 - exp (-HOP_SECONDS / NOISE_TAU_S);
  aura_biquad_design (&v->hp, rate, 150.0, M_SQRT1_2, 1);
  aura_biquad_design (&v->lp, rate, rate > 8000 ? 4000.0 : 3600.0, M_SQRT1_2,
      0);
  aura_vad_set_min_pause (v, min_pause);
  v->iv.noise_floor_db = -120.0;
  return v;
}

void
aura_vad_free (AuraVad * v)
{
  if (v == NULL)
    return;
  free (v->mq_db);
  free (v->mq_frame);
  free (v->pending);
  free (v);
}

void
aura_vad_set_min_pause (AuraVad * v, double min_pause)
{
  unsigned frames = (unsigned) (min_pause / HOP_SECONDS + 0.5);
  v->min_pause_frames = frames > 0 ? frames : 1;
}

double
aura_vad_time (const AuraVad * v)
{
  return frame_time (v, v->frame);
}

static void
add_pause (AuraVad * v, double start, double end)
{
  double len = end - start;

  if (v->n_pending == v->cap_pending) {
    size_t cap = v->cap_pending ? v->cap_pending * 2 : 16;
    AuraPause *p = realloc (v->pending, cap * sizeof (AuraPause));
    if (p == NULL)
      return;                   /* the counts below still hold it */
    v->pending = p;
    v->cap_pending = cap;
  }
  v->pending[v->n_pending].start = start;
  v->pending[v->n_pending].end = end;
  v->n_pending++;
  v->iv.pauses++;
  v->iv.pause_time += len;
  if (len > v->iv.longest_pause)
    v->iv.longest_pause = len;
  v->ses.pauses++;
  v->ses.pause_time += len;
  if (len > v->ses.longest_pause)
    v->ses.longest_pause = len;
}

/* Closes the open speech segment at @end_frame. */
static void
close_segment (AuraVad * v, uint64_t end_frame)
{
  double end = frame_time (v, end_frame);

  v->ses.speech_time += end - frame_time (v, v->seg_start);
  v->ses.speech_end = end;
  v->seg = SEG_SILENCE;
}

static void
open_segment (AuraVad * v, uint64_t start_frame, unsigned uncounted)
{
  v->seg = SEG_SPEECH;
  v->seg_start = start_frame;
  if (!v->ses.has_speech) {
    v->ses.has_speech = 1;
    v->ses.speech_start = frame_time (v, start_frame);
  }
  /* the island's frames before confirmation were counted as non-speech; those
   * analysed in an earlier interval stay with it */
  v->iv.speech_frames += uncounted < v->iv.frames ? uncounted : v->iv.frames;
  v->ses.speech_frames += uncounted;
}

/* Advances the segment state by one frame whose raw decision is @act. */
static void
segment_step (AuraVad * v, int act)
{
  uint64_t f = v->frame;

  if (act) {
    if (v->run_len == 0)
      v->run_start = f;
    v->run_len++;
  } else {
    v->run_len = 0;
  }

  if (v->seg == SEG_SPEECH) {
    if (act) {
      v->iv.speech_frames++;
      v->ses.speech_frames++;
      return;
    }
    v->seg = SEG_GAP;
    v->gap_start = f;
    v->gap_long = 0;
    v->provisional = 0;
    v->ses_provisional = 0;
  }

  if (v->seg == SEG_GAP) {
    uint64_t silent_end = v->run_len ? v->run_start : f + 1;

    if (!v->gap_long && silent_end - v->gap_start >= v->min_pause_frames) {
      /* a pause or the end of speech: the gap frames counted so far were not speech */
      v->gap_long = 1;
      v->iv.speech_frames -= v->provisional;
      v->ses.speech_frames -= v->ses_provisional;
      v->provisional = 0;
      v->ses_provisional = 0;
      close_segment (v, v->gap_start);
      v->seg = SEG_GAP;         /* still waiting to see whether speech resumes */
    }
    if (v->run_len >= (v->gap_long ? MIN_ISLAND_FRAMES : RESUME_FRAMES)) {
      if (v->gap_long) {
        add_pause (v, frame_time (v, v->gap_start), frame_time (v,
                v->run_start));
        open_segment (v, v->run_start, v->run_len);
      } else {
        /* a short gap inside speech: its frames stay speech */
        v->seg = SEG_SPEECH;
        v->iv.speech_frames++;
        v->ses.speech_frames++;
      }
      return;
    }
    if (!v->gap_long) {
      v->provisional++;
      v->ses_provisional++;
      v->iv.speech_frames++;
      v->ses.speech_frames++;
    }
    return;
  }

  /* SEG_SILENCE */
  if (v->run_len >= MIN_ISLAND_FRAMES)
    open_segment (v, v->run_start, v->run_len);
}

static void
update_noise (AuraVad * v, double power, double db)
{
  uint64_t f = v->tick++;
  double min_db, noise_db;

  /* monotonic queue: the front is the minimum of the last `window` frames */
  while (v->mq_len > 0) {
    unsigned back = (v->mq_head + v->mq_len - 1) % (v->window + 1);
    if (v->mq_db[back] < db)
      break;
    v->mq_len--;
  }
  {
    unsigned slot = (v->mq_head + v->mq_len) % (v->window + 1);
    v->mq_db[slot] = db;
    v->mq_frame[slot] = f;
    v->mq_len++;
  }
  while (v->mq_frame[v->mq_head] + v->window <= f) {
    v->mq_head = (v->mq_head + 1) % (v->window + 1);
    v->mq_len--;
  }
  min_db = v->mq_db[v->mq_head];

  if (!v->noise_valid) {
    v->noise_power = power;
    v->noise_valid = 1;
  } else if (db < min_db + NEAR_MIN_DB) {
    v->noise_power += v->alpha * (power - v->noise_power);
  }
  /* the noise can never sit far above the quietest recent frame */
  noise_db = 10.0 * log10 (v->noise_power + POWER_EPSILON);
  if (noise_db > min_db + NEAR_MIN_DB)
    v->noise_power = pow (10.0, (min_db + NEAR_MIN_DB) / 10.0);
}

/* A gap after speech that is still shorter than min-pause. */
static int
in_short_gap (const AuraVad * v)
{
  return v->seg == SEG_GAP && !v->gap_long;
}

void
aura_vad_set_frame_func (AuraVad * v, AuraVadFrameFunc func, void *user_data)
{
  v->frame_func = func;
  v->frame_data = user_data;
}

static void
emit_frame (AuraVad * v, double power, int act, int silent)
{
  AuraVadFrame fr;

  if (v->frame_func == NULL)
    return;
  fr.time = frame_time (v, v->frame);
  fr.sample_end = v->samples;
  fr.power_db = 10.0 * log10 (power + POWER_EPSILON);
  fr.noise_db = 10.0 * log10 (v->noise_power + POWER_EPSILON);
  fr.active = act;
  fr.speech = v->seg == SEG_SPEECH || in_short_gap (v);
  fr.silent = silent;
  v->frame_func (v->frame_data, &fr);
}

static void
analyse_frame (AuraVad * v, double power)
{
  double db = 10.0 * log10 (power + POWER_EPSILON);
  double noise_db, threshold;
  int act;

  update_noise (v, power, db);
  noise_db = 10.0 * log10 (v->noise_power + POWER_EPSILON);
  /* hysteresis: starting speech takes ON_DB; continuing it, even after a short
   * dip (a stop, the breathy end of a word), takes OFF_DB */
  threshold = noise_db + (v->active || in_short_gap (v) ? OFF_DB : ON_DB);
  act = db > threshold && db > ABSOLUTE_MIN_DB;
  v->active = act;

  v->iv.frames++;
  v->ses.frames++;
  v->ses_noise_power_sum += v->noise_power;
  if (act) {
    v->iv.active_frames++;
    v->iv_active_power_sum += power;
    v->ses.active_frames++;
    v->ses_active_power_sum += power;
  }
  segment_step (v, act);
  emit_frame (v, power, act, 0);
  v->frame++;
}

/* Band-passes @n samples (n <= what is left of the hop) and returns their
 * energy. The filter state lives in locals over the loop, so the compiler keeps
 * it in registers: the loop is bound by the recursion, not by memory. */
static double
band_energy (AuraVad * v, const float *x, size_t n)
{
  const AuraBiquad hp = v->hp, lp = v->lp;
  double h1 = v->hp.z1, h2 = v->hp.z2, l1 = v->lp.z1, l2 = v->lp.z2;
  double acc = 0.0;
  size_t i;

  for (i = 0; i < n; i++) {
    double in = x[i];
    double a = hp.b0 * in + h1, y;
    h1 = hp.b1 * in - hp.a1 * a + h2;
    h2 = hp.b2 * in - hp.a2 * a;
    y = lp.b0 * a + l1;
    l1 = lp.b1 * a - lp.a1 * y + l2;
    l2 = lp.b2 * a - lp.a2 * y;
    acc += y * y;
  }
  v->hp.z1 = h1;
  v->hp.z2 = h2;
  v->lp.z1 = l1;
  v->lp.z2 = l2;
  return acc;
}

void
aura_vad_process (AuraVad * v, const float *x, size_t n)
{
  while (n > 0) {
    size_t take = v->hop - v->half_fill;
    if (take > n)
      take = n;
    v->half_acc += band_energy (v, x, take);
    v->samples += take;
    v->half_fill += (unsigned) take;
    x += take;
    n -= take;
    if (v->half_fill == v->hop) {
      /* 20 ms window: this hop and the previous one */
      analyse_frame (v, (v->half_prev + v->half_acc) / (2.0 * v->hop));
      v->half_prev = v->half_acc;
      v->half_acc = 0.0;
      v->half_fill = 0;
    }
  }
}

void
aura_vad_silence (AuraVad * v, size_t n)
{
  size_t frames = (v->half_fill + n) / v->hop, i;

  v->half_fill = (unsigned) ((v->half_fill + n) % v->hop);
  v->half_prev = v->half_acc = 0.0;
  v->active = 0;
  for (i = 0; i < frames; i++) {
    v->iv.frames++;
    v->ses.frames++;
    v->ses_noise_power_sum += v->noise_power;
    segment_step (v, 0);
    emit_frame (v, 0.0, 0, 1);
    v->frame++;
  }
}

/* Ends the open segment at the current frame, with no pause after it. */
static void
end_segments (AuraVad * v)
{
  if (v->seg == SEG_SPEECH)
    close_segment (v, v->frame);
  else if (v->seg == SEG_GAP && !v->gap_long) {
    v->iv.speech_frames -= v->provisional;
    v->ses.speech_frames -= v->ses_provisional;
    close_segment (v, v->gap_start);
  }
  v->seg = SEG_SILENCE;
  v->provisional = 0;
  v->ses_provisional = 0;
  v->run_len = 0;
}

void
aura_vad_set_time (AuraVad * v, double time)
{
  end_segments (v);
  v->anchor = time;
  v->frame = 0;
  v->samples = 0;
  v->half_prev = v->half_acc = 0.0;
  v->half_fill = 0;
  v->hp.z1 = v->hp.z2 = v->lp.z1 = v->lp.z2 = 0.0;
  v->active = 0;
  /* the noise estimate and its tracker carry over: the room rarely changes with a
   * discontinuity, and the tracker forgets it within NOISE_WINDOW_S if it did */
}

void
aura_vad_finish (AuraVad * v)
{
  end_segments (v);
}

void
aura_vad_take_interval (AuraVad * v, AuraVadInterval * out)
{
  int speaking = v->seg == SEG_SPEECH || (v->seg == SEG_GAP && !v->gap_long);

  *out = v->iv;
  out->speaking = speaking;
  out->active_power = v->iv.active_frames ?
      v->iv_active_power_sum / v->iv.active_frames : 0.0;
  out->noise_floor_db = v->noise_valid ?
      10.0 * log10 (v->noise_power + POWER_EPSILON) : -120.0;
  if (out->noise_floor_db < -120.0)
    out->noise_floor_db = -120.0;
  memset (&v->iv, 0, sizeof (v->iv));
  v->iv_active_power_sum = 0.0;
  v->provisional = 0;           /* already reported as speech */
}

size_t
aura_vad_take_pauses (AuraVad * v, AuraPause * out, size_t max)
{
  size_t n = v->n_pending < max ? v->n_pending : max;

  if (n == 0)
    return 0;
  memcpy (out, v->pending, n * sizeof (AuraPause));
  memmove (v->pending, v->pending + n, (v->n_pending - n) * sizeof (AuraPause));
  v->n_pending -= n;
  return n;
}

void
aura_vad_get_session (const AuraVad * v, AuraVadSession * out)
{
  *out = v->ses;
  out->active_power = v->ses.active_frames ?
      v->ses_active_power_sum / v->ses.active_frames : 0.0;
  out->noise_power = v->ses.frames ?
      v->ses_noise_power_sum / v->ses.frames : 0.0;
  /* a segment still open counts up to now */
  if (v->seg == SEG_SPEECH) {
    out->speech_time += frame_time (v, v->frame) - frame_time (v, v->seg_start);
    out->speech_end = frame_time (v, v->frame);
  } else if (v->seg == SEG_GAP && !v->gap_long) {
    out->speech_time += frame_time (v, v->gap_start) -
        frame_time (v, v->seg_start);
    out->speech_end = frame_time (v, v->gap_start);
  }
}
