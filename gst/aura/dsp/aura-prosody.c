/* AURA — prosody: pitch statistics, pace and filled pauses. See aura-prosody.h. */
#include "aura-prosody.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aura-pitch.h"

#define FRAME_S           0.010 /* VAD frames */
#define PITCH_EVERY       2     /* pitch on every 2nd frame: 20 ms */
#define ST_BIN            0.1   /* histogram bin, semitones */
#define ST_REF_HZ         AURA_PITCH_MIN_HZ
#define ST_BINS           600   /* 60 semitones above 40 Hz: past 1 kHz */
#define MIN_VAR_FRAMES    10    /* voiced frames for a variability */
#define SMOOTH_FRAMES     5     /* intensity smoothing: five 20 ms windows
                                 * 10 ms apart, 60 ms in all */
#define PEAK_DIP_DB       2.0   /* De Jong & Wempe's minimum dip */
#define FILLER_PITCH_ST   1.0   /* max distance from the run's mean pitch */
#define FILLER_TILT_DB    2.0   /* max distance from the run's mean tilt */
#define FILLER_LEVEL_DB   6.0   /* max distance from the run's mean level */
#define MAX_FILLER_S      4.0   /* a held vowel longer than this is singing */

typedef struct
{
  uint32_t count[ST_BINS];
  uint64_t total;
} StHistogram;

/* Per-frame record of the pace window. */
typedef struct
{
  uint8_t speech, syllable, started;
} PaceEntry;

typedef struct
{
  int active;
  double start, last;           /* seconds */
  double sum_st, sum_tilt, sum_db;
  unsigned n;
} FillerRun;

struct AuraProsody
{
  AuraPitch *pitch;
  double window;

  /* pitch */
  double last_f0;               /* latest estimate, held between pitch frames */
  double last_tilt;             /* its spectral balance, dB */
  unsigned frame_count;
  StHistogram iv_hist, ses_hist;
  double iv_min, iv_max;
  double ses_sum, ses_sum2;
  double *var_ring;             /* semitones or NAN, one per pitch frame */
  unsigned var_len, var_pos, var_n;
  double var_sum, var_sum2;

  /* intensity and syllable peaks */
  double pow_ring[SMOOTH_FRAMES];
  int voiced_ring[SMOOTH_FRAMES], active_ring[SMOOTH_FRAMES];
  int speech_ring[SMOOTH_FRAMES];
  unsigned pow_n;
  int seeking_peak;             /* else seeking a valley */
  double extreme;               /* the running max (or min) */
  int extreme_ok;               /* the running max is voiced, active speech */

  /* pace window */
  PaceEntry *pace_ring;
  unsigned pace_len, pace_pos;
  unsigned pace_speech, pace_syllables, pace_started;
  int any_speech;

  /* fillers */
  FillerRun run;
  AuraSpan *fillers;
  size_t n_fillers, cap_fillers;

  AuraProsodyInterval iv;
  AuraProsodySession ses;
};

static double
hz_to_st (double hz)
{
  return 12.0 * log2 (hz / ST_REF_HZ);
}

static double
st_to_hz (double st)
{
  return ST_REF_HZ * pow (2.0, st / 12.0);
}

static void
histogram_add (StHistogram * h, double st)
{
  long bin = (long) (st / ST_BIN);

  if (bin < 0)
    bin = 0;
  if (bin >= ST_BINS)
    bin = ST_BINS - 1;
  h->count[bin]++;
  h->total++;
}

/* F0 (Hz) at rank @q of the histogram's values (nearest rank, bin centre). */
static double
histogram_quantile (const StHistogram * h, double q)
{
  uint64_t target = (uint64_t) floor ((h->total - 1) * q + 0.5), seen = 0;
  unsigned bin;

  for (bin = 0; bin < ST_BINS; bin++) {
    seen += h->count[bin];
    if (seen > target)
      break;
  }
  if (bin >= ST_BINS)
    bin = ST_BINS - 1;
  return st_to_hz ((bin + 0.5) * ST_BIN);
}

double
aura_syllables_per_word (const char *language)
{
  /* average syllables per word of ordinary spoken prose; see docs/metrics.md */
  if (language == NULL)
    return 0.0;
  if (strncmp (language, "en", 2) == 0)
    return 1.45;
  if (strncmp (language, "fr", 2) == 0)
    return 1.50;
  return 0.0;
}

static int
alloc_rings (AuraProsody * p, double window)
{
  unsigned var_len = (unsigned) (window / (FRAME_S * PITCH_EVERY) + 0.5);
  unsigned pace_len = (unsigned) (window / FRAME_S + 0.5);
  double *var_ring = malloc (var_len * sizeof (double));
  PaceEntry *pace_ring = calloc (pace_len, sizeof (PaceEntry));
  unsigned i;

  if (var_ring == NULL || pace_ring == NULL) {
    free (var_ring);
    free (pace_ring);
    return -1;
  }
  for (i = 0; i < var_len; i++)
    var_ring[i] = NAN;
  free (p->var_ring);
  free (p->pace_ring);
  p->var_ring = var_ring;
  p->var_len = var_len;
  p->var_pos = p->var_n = 0;
  p->var_sum = p->var_sum2 = 0.0;
  p->pace_ring = pace_ring;
  p->pace_len = pace_len;
  p->pace_pos = 0;
  p->pace_speech = p->pace_syllables = p->pace_started = 0;
  p->window = window;
  return 0;
}

AuraProsody *
aura_prosody_new (unsigned rate, double pitch_floor, double pitch_ceiling,
    double window)
{
  AuraProsody *p;

  if (!(window >= 2.0 && window <= 60.0))
    return NULL;
  p = calloc (1, sizeof (AuraProsody));
  if (p == NULL)
    return NULL;
  p->pitch = aura_pitch_new (rate, pitch_floor, pitch_ceiling);
  if (p->pitch == NULL || alloc_rings (p, window) != 0) {
    aura_prosody_free (p);
    return NULL;
  }
  p->iv_min = INFINITY;
  p->iv_max = 0.0;
  p->seeking_peak = 1;
  p->extreme = -INFINITY;
  return p;
}

void
aura_prosody_free (AuraProsody * p)
{
  if (p == NULL)
    return;
  aura_pitch_free (p->pitch);
  free (p->var_ring);
  free (p->pace_ring);
  free (p->fillers);
  free (p);
}

int
aura_prosody_set_pitch_range (AuraProsody * p, double floor_hz,
    double ceiling_hz)
{
  return aura_pitch_set_range (p->pitch, floor_hz, ceiling_hz);
}

int
aura_prosody_set_window (AuraProsody * p, double window)
{
  if (!(window >= 2.0 && window <= 60.0))
    return -1;
  if (fabs (window - p->window) < 1e-9)
    return 0;
  return alloc_rings (p, window);
}

void
aura_prosody_push (AuraProsody * p, const float *x, size_t n)
{
  aura_pitch_push (p->pitch, x, n);
}

/* ---- pitch --------------------------------------------------------------- */

static void
variability_push (AuraProsody * p, double st)
{
  double old = p->var_ring[p->var_pos];

  if (!isnan (old)) {
    p->var_sum -= old;
    p->var_sum2 -= old * old;
    p->var_n--;
  }
  p->var_ring[p->var_pos] = st;
  p->var_pos = (p->var_pos + 1) % p->var_len;
  if (!isnan (st)) {
    p->var_sum += st;
    p->var_sum2 += st * st;
    p->var_n++;
  }
}

static double
std_dev (double sum, double sum2, double n)
{
  double var = (sum2 - sum * sum / n) / (n - 1.0);
  return var > 0.0 ? sqrt (var) : 0.0;
}

/* One pitch frame (every 20 ms) of a frame that may be speech. */
static void
pitch_frame (AuraProsody * p, const AuraVadFrame * fr)
{
  AuraPitchEstimate e;

  p->last_f0 = 0.0;
  if (fr->silent || (!fr->active && !fr->speech)) {
    variability_push (p, NAN);
    return;
  }
  /* frames of speech below the threshold count, but are not worth a pitch */
  if (fr->active && aura_pitch_estimate (p->pitch, fr->sample_end, &e) == 0) {
    p->last_f0 = e.f0;
    p->last_tilt = e.tilt_db;
  }
  p->iv.speech_frames++;
  p->ses.speech_frames++;
  if (p->last_f0 > 0.0) {
    double st = hz_to_st (p->last_f0);
    p->iv.voiced_frames++;
    p->ses.voiced_frames++;
    histogram_add (&p->iv_hist, st);
    histogram_add (&p->ses_hist, st);
    p->iv_min = fmin (p->iv_min, p->last_f0);
    p->iv_max = fmax (p->iv_max, p->last_f0);
    p->ses_sum += st;
    p->ses_sum2 += st * st;
    variability_push (p, st);
  } else {
    variability_push (p, NAN);
  }
}

/* ---- fillers ------------------------------------------------------------- */

static void
filler_close (AuraProsody * p)
{
  FillerRun *r = &p->run;
  double len = r->last - r->start;

  if (r->active && len >= AURA_FILLER_MIN_S && len <= MAX_FILLER_S) {
    if (p->n_fillers == p->cap_fillers) {
      size_t cap = p->cap_fillers ? 2 * p->cap_fillers : 8;
      AuraSpan *f = realloc (p->fillers, cap * sizeof (AuraSpan));
      if (f != NULL) {
        p->fillers = f;
        p->cap_fillers = cap;
      }
    }
    if (p->n_fillers < p->cap_fillers) {
      p->fillers[p->n_fillers].start = r->start;
      p->fillers[p->n_fillers].end = r->last;
      p->n_fillers++;
    }
    p->iv.fillers++;
    p->ses.fillers++;
    p->ses.filler_time += len;
  }
  r->active = 0;
}

/* A held vowel: voiced pitch frames whose pitch, spectral balance and level stay
 * near their means (syllables would break the level; words, pitch and spectrum). */
static void
filler_frame (AuraProsody * p, const AuraVadFrame * fr)
{
  FillerRun *r = &p->run;
  double st, end = fr->time + FRAME_S * PITCH_EVERY;

  if (p->last_f0 <= 0.0 || !fr->active) {
    filler_close (p);
    return;
  }
  st = hz_to_st (p->last_f0);
  if (r->active && fabs (st - r->sum_st / r->n) <= FILLER_PITCH_ST
      && fabs (p->last_tilt - r->sum_tilt / r->n) <= FILLER_TILT_DB
      && fabs (fr->power_db - r->sum_db / r->n) <= FILLER_LEVEL_DB) {
    r->sum_st += st;
    r->sum_tilt += p->last_tilt;
    r->sum_db += fr->power_db;
    r->n++;
    r->last = end;
    return;
  }
  filler_close (p);
  r->active = 1;
  r->start = fr->time;
  r->last = end;
  r->sum_st = st;
  r->sum_tilt = p->last_tilt;
  r->sum_db = fr->power_db;
  r->n = 1;
}

/* ---- syllable nuclei and pace --------------------------------------------- */

static void
pace_push (AuraProsody * p, int speech, int syllable)
{
  PaceEntry *e = &p->pace_ring[p->pace_pos];

  p->pace_speech -= e->speech;
  p->pace_syllables -= e->syllable;
  p->pace_started -= e->started;
  p->any_speech |= speech;
  e->speech = (uint8_t) speech;
  e->syllable = (uint8_t) syllable;
  e->started = (uint8_t) p->any_speech;
  p->pace_speech += e->speech;
  p->pace_syllables += e->syllable;
  p->pace_started += e->started;
  p->pace_pos = (p->pace_pos + 1) % p->pace_len;
}

/* Hysteresis peak picking on the smoothed intensity: a peak counts once the
 * intensity fell PEAK_DIP_DB below it, having risen as much from the last
 * valley. Returns 1 when a syllable nucleus is confirmed at this step. */
static int
peak_step (AuraProsody * p, double intensity, int ok)
{
  if (p->seeking_peak) {
    if (intensity > p->extreme) {
      p->extreme = intensity;
      p->extreme_ok = ok;
    } else if (intensity < p->extreme - PEAK_DIP_DB) {
      int found = p->extreme_ok;
      p->seeking_peak = 0;
      p->extreme = intensity;
      return found;
    }
  } else {
    if (intensity < p->extreme) {
      p->extreme = intensity;
    } else if (intensity > p->extreme + PEAK_DIP_DB) {
      p->seeking_peak = 1;
      p->extreme = intensity;
      p->extreme_ok = ok;
    }
  }
  return 0;
}

/* The intensity of the frame SMOOTH_FRAMES / 2 back, centred over 50 ms. */
static void
syllable_frame (AuraProsody * p, const AuraVadFrame * fr)
{
  unsigned slot = p->pow_n % SMOOTH_FRAMES, mid, i;
  double sum = 0.0, intensity;
  int syllable = 0, voiced = 0;

  p->pow_ring[slot] = fr->silent ? 0.0 : pow (10.0, fr->power_db / 10.0);
  p->voiced_ring[slot] = p->last_f0 > 0.0;
  p->active_ring[slot] = fr->active;
  p->speech_ring[slot] = fr->speech;
  p->pow_n++;
  if (p->pow_n < SMOOTH_FRAMES)
    return;
  mid = (p->pow_n - 1 - SMOOTH_FRAMES / 2) % SMOOTH_FRAMES;
  for (i = 0; i < SMOOTH_FRAMES; i++) {
    sum += p->pow_ring[i];
    voiced |= p->voiced_ring[i];
  }
  intensity = 10.0 * log10 (sum / SMOOTH_FRAMES + 1e-12);
  /* voiced anywhere in the smoothing span: a short vowel's pitch window also
   * takes in the consonants around it, so the frame itself may read unvoiced */
  if (peak_step (p, intensity, voiced && p->active_ring[mid]
          && p->speech_ring[mid])) {
    syllable = 1;
    p->iv.syllables++;
    p->ses.syllables++;
  }
  pace_push (p, p->speech_ring[mid], syllable);
}

void
aura_prosody_frame (void *prosody, const AuraVadFrame * fr)
{
  AuraProsody *p = prosody;

  if (p->frame_count++ % PITCH_EVERY == 0) {
    pitch_frame (p, fr);
    filler_frame (p, fr);
  }
  syllable_frame (p, fr);
}

void
aura_prosody_reset (AuraProsody * p)
{
  aura_pitch_reset (p->pitch);
  filler_close (p);
  p->last_f0 = 0.0;
  p->frame_count = 0;
  p->pow_n = 0;
  p->seeking_peak = 1;
  p->extreme = -INFINITY;
}

void
aura_prosody_finish (AuraProsody * p)
{
  filler_close (p);
}

void
aura_prosody_take_interval (AuraProsody * p, AuraProsodyInterval * out)
{
  *out = p->iv;
  out->has_pitch = p->iv_hist.total > 0;
  if (out->has_pitch) {
    out->pitch_median_hz = histogram_quantile (&p->iv_hist, 0.5);
    out->pitch_min_hz = p->iv_min;
    out->pitch_max_hz = p->iv_max;
  }
  out->has_variability = p->var_n >= MIN_VAR_FRAMES;
  if (out->has_variability)
    out->variability_st = std_dev (p->var_sum, p->var_sum2, p->var_n);
  out->has_pace = p->pace_speech > 0;
  if (out->has_pace) {
    out->syllable_rate = p->pace_syllables / (p->pace_speech * FRAME_S);
    out->speech_rate = p->pace_syllables / (p->pace_started * FRAME_S);
  }
  memset (&p->iv, 0, sizeof (p->iv));
  memset (&p->iv_hist, 0, sizeof (p->iv_hist));
  p->iv_min = INFINITY;
  p->iv_max = 0.0;
}

size_t
aura_prosody_take_fillers (AuraProsody * p, AuraSpan * out, size_t max)
{
  size_t n = p->n_fillers < max ? p->n_fillers : max;

  if (n == 0)
    return 0;
  memcpy (out, p->fillers, n * sizeof (AuraSpan));
  memmove (p->fillers, p->fillers + n, (p->n_fillers - n) * sizeof (AuraSpan));
  p->n_fillers -= n;
  return n;
}

void
aura_prosody_get_session (const AuraProsody * p, AuraProsodySession * out)
{
  *out = p->ses;
  out->has_pitch = p->ses_hist.total > 0;
  if (out->has_pitch) {
    out->pitch_median_hz = histogram_quantile (&p->ses_hist, 0.5);
    out->pitch_p10_hz = histogram_quantile (&p->ses_hist, 0.1);
    out->pitch_p90_hz = histogram_quantile (&p->ses_hist, 0.9);
  }
  out->has_variability = p->ses.voiced_frames >= MIN_VAR_FRAMES;
  if (out->has_variability)
    out->variability_st = std_dev (p->ses_sum, p->ses_sum2,
        (double) p->ses.voiced_frames);
}
