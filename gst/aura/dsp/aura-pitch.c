/* AURA — pitch (F0) estimation with YIN. See aura-pitch.h. */
#include "aura-pitch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RING_SECONDS      0.5
#define YIN_THRESHOLD     0.15  /* CMND of the first acceptable dip */
#define VOICING_THRESHOLD 0.40  /* above this CMND the window is unvoiced */
#define CANDIDATE_CMND    0.60  /* dips above this at 4 kHz are not candidates */
#define OCTAVE_TOLERANCE  0.05  /* CMND margin to take the octave above */
#define CONFIDENT_CMND    0.20  /* estimates this periodic become references */
#define OCTAVE_MEMORY_S   0.10  /* a reference lives this long (signal time) */
/* Band-limiting in two half-band stages, each using only its non-zero,
 * symmetric taps: 16 -> 8 kHz (stopband from 5.6 kHz, so nothing folds below
 * 2.4 kHz), then a 2 kHz low-pass at 8 kHz (passband 1.6 kHz, stopband 2.4 kHz)
 * whose output is valid at 8 kHz and, every other sample, at 4 kHz. */
#define HB1_TAPS          15
#define HB2_TAPS          31
#define DECIMATOR_TAPS    (HB1_TAPS + 2 * (HB2_TAPS - 1))       /* inputs */

struct AuraPitch
{
  unsigned rate, factor;
  double floor_hz, ceiling_hz;
  unsigned tau_min, tau_max, window;    /* at AURA_PITCH_RATE */
  float hb1[HB1_TAPS / 2 + 1], hb2[HB2_TAPS / 2 + 1];   /* centre, then odd taps */
  float *stage1;                /* 8 kHz samples of the first stage */
  /* rings of the input (for the fine search) and of the band-limited signal at
   * 8 kHz (AURA_PITCH_RATE is its every other sample) */
  float *in_ring, *dec_ring;
  unsigned in_len, dec_len;     /* ring sizes */
  float *dec_work;              /* inputs of the 8 kHz samples being made */
  uint64_t pushed;              /* input samples since reset */
  unsigned in_pos;              /* next write position: pushed % in_len */
  uint64_t dec_done;            /* 8 kHz samples made so far (lazily: only
                                 * where an estimate needs them) */
  unsigned half;                /* input samples per 8 kHz sample: factor / 2 */
  float *diff, *cmnd, *frame, *frame8, *fine;
  double ref_f0;                /* a recent confident estimate, or 0 */
  uint64_t ref_end;             /* where it was made */
};

/* Half-band low-pass (cut-off a quarter of the rate), Hamming-windowed sinc:
 * every even tap but the centre is zero. Keeps the centre in h[0] and the taps at
 * odd distance 2k - 1 from it in h[k]. */
static void
design_half_band (float *h, unsigned n)
{
  int c = (int) n / 2, k;
  double full[64], sum = 0.0;

  for (k = 0; k < (int) n; k++) {
    double t = k - c;
    double sinc = t == 0.0 ? 0.5 : sin (M_PI * t / 2.0) / (M_PI * t);
    double w = 0.54 - 0.46 * cos (2.0 * M_PI * k / (n - 1));
    full[k] = sinc * w;
    sum += full[k];
  }
  h[0] = (float) (full[c] / sum);
  for (k = 1; 2 * k - 1 <= c; k++)
    h[k] = (float) (full[c + 2 * k - 1] / sum);
}

/* One half-band output centred on x[0] (x[-n/2 .. n/2] readable). */
static inline float
half_band (const float *h, unsigned n, const float *x)
{
  float acc = h[0] * x[0];
  unsigned k;

  for (k = 1; 2 * k - 1 <= n / 2; k++)
    acc += h[k] * (x[2 * k - 1] + x[-(int) (2 * k - 1)]);
  return acc;
}

AuraPitch *
aura_pitch_new (unsigned rate, double floor_hz, double ceiling_hz)
{
  AuraPitch *p;
  unsigned max_window;

  if (rate == 0 || rate % (2 * AURA_PITCH_RATE) != 0)
    return NULL;
  p = calloc (1, sizeof (AuraPitch));
  if (p == NULL)
    return NULL;
  p->rate = rate;
  p->factor = rate / AURA_PITCH_RATE;
  p->half = p->factor / 2;
  p->in_len = (unsigned) (rate * RING_SECONDS);
  p->dec_len = (unsigned) (2 * AURA_PITCH_RATE * RING_SECONDS);
  /* the largest window any valid range needs: 2 periods of the lowest floor */
  max_window = (unsigned) (2.0 * AURA_PITCH_RATE / AURA_PITCH_MIN_HZ) + 2;
  p->in_ring = calloc (p->in_len, sizeof (float));
  p->dec_work = calloc ((4 * max_window + 16) * (rate / (2 * AURA_PITCH_RATE))
      + DECIMATOR_TAPS, sizeof (float));
  p->stage1 = calloc (4 * max_window + 16 + HB2_TAPS, sizeof (float));
  p->dec_ring = calloc (p->dec_len, sizeof (float));
  p->diff = calloc (max_window + 8, sizeof (float));
  p->cmnd = calloc (max_window, sizeof (float));
  p->frame = calloc (2 * max_window + 8, sizeof (float));
  p->frame8 = calloc (4 * max_window + 8, sizeof (float));
  p->fine = calloc ((2 * max_window + 4) * p->factor, sizeof (float));
  if (!p->in_ring || !p->dec_ring || !p->dec_work || !p->stage1 || !p->diff
      || !p->cmnd
      || !p->frame || !p->frame8 || !p->fine
      || aura_pitch_set_range (p, floor_hz, ceiling_hz) != 0) {
    aura_pitch_free (p);
    return NULL;
  }
  /* cut-off between the 1.6 kHz passband and the 2.4 kHz stopband edge */
  design_half_band (p->hb1, HB1_TAPS);
  design_half_band (p->hb2, HB2_TAPS);
  return p;
}

void
aura_pitch_free (AuraPitch * p)
{
  if (p == NULL)
    return;
  free (p->in_ring);
  free (p->dec_ring);
  free (p->dec_work);
  free (p->stage1);
  free (p->diff);
  free (p->cmnd);
  free (p->frame);
  free (p->frame8);
  free (p->fine);
  free (p);
}

int
aura_pitch_set_range (AuraPitch * p, double floor_hz, double ceiling_hz)
{
  if (!(floor_hz >= AURA_PITCH_MIN_HZ && ceiling_hz <= AURA_PITCH_MAX_HZ
          && floor_hz < ceiling_hz))
    return -1;
  p->floor_hz = floor_hz;
  p->ceiling_hz = ceiling_hz;
  p->tau_min = (unsigned) floor (AURA_PITCH_RATE / ceiling_hz);
  p->tau_max = (unsigned) ceil (AURA_PITCH_RATE / floor_hz);
  /* integration window: one period of the floor */
  p->window = p->tau_max;
  return 0;
}

void
aura_pitch_reset (AuraPitch * p)
{
  memset (p->in_ring, 0, p->in_len * sizeof (float));
  memset (p->dec_ring, 0, p->dec_len * sizeof (float));
  p->pushed = 0;
  p->in_pos = 0;
  p->dec_done = 0;
  p->ref_f0 = 0.0;
  p->ref_end = 0;
}

/* Copies inputs @first .. @first + @n - 1 from the ring (two copies at most, no
 * division per sample); inputs before the stream read as zeros. */
static void
copy_inputs (const AuraPitch * p, int64_t first, unsigned n, float *dst)
{
  unsigned done = 0, pos, run;

  while (first < 0 && done < n) {
    dst[done++] = 0.0f;
    first++;
  }
  if (done == n)
    return;
  pos = (unsigned) ((uint64_t) first % p->in_len);
  while (done < n) {
    run = p->in_len - pos;
    if (run > n - done)
      run = n - done;
    memcpy (dst + done, p->in_ring + pos, run * sizeof (float));
    done += run;
    pos = 0;
  }
}

void
aura_pitch_push (AuraPitch * p, const float *x, size_t n)
{
  size_t i;

  /* only stored: the band-limited copy is made when an estimate needs it, so
   * silence costs one store per sample */
  for (i = 0; i < n; i++) {
    p->in_ring[p->in_pos] = x[i];
    if (++p->in_pos == p->in_len)
      p->in_pos = 0;
  }
  p->pushed += n;
}

/* Makes the band-limited 8 kHz samples up to (not including) @target, from no
 * earlier than @earliest. 8 kHz sample m is centred on input 2m + 1 - delay,
 * where delay = DECIMATOR_TAPS / 2 makes both stages causal: stage 1 at input
 * 2j + 1, stage 2 over stage-1 samples m - (HB2_TAPS - 1) .. m. */
static void
decimate_until (AuraPitch * p, uint64_t target, uint64_t earliest)
{
  const unsigned h1 = HB1_TAPS / 2, h2 = HB2_TAPS / 2;
  uint64_t first = p->dec_done > earliest ? p->dec_done : earliest, m;
  unsigned n1, j, count;
  int64_t in0;

  if (first >= target)
    return;
  /* stage-1 samples first - 2 h2 .. target - 1; sample j is centred on input
   * 2 j + 1 - h1 and needs inputs 2 j + 1 - 2 h1 .. 2 j + 1 */
  n1 = (unsigned) (target - first) + 2 * h2;
  in0 = (int64_t) (2 * (first - 2 * h2)) + 1 - 2 * h1;
  count = 2 * (n1 - 1) + 2 * h1 + 1;
  copy_inputs (p, in0, count, p->dec_work);
  for (j = 0; j < n1; j++)
    p->stage1[j] = half_band (p->hb1, HB1_TAPS, p->dec_work + 2 * j + h1);
  for (m = first; m < target; m++)
    p->dec_ring[m % p->dec_len] = half_band (p->hb2, HB2_TAPS,
        p->stage1 + (m - first) + h2);
  p->dec_done = target;
}

/* Parabolic interpolation of the minimum around index @i of @y. */
static double
parabolic_min (const float *y, unsigned i)
{
  double a = y[i - 1], b = y[i], c = y[i + 1];
  double den = a - 2.0 * b + c;

  if (den <= 0.0)
    return i;
  return i + 0.5 * (a - c) / den;
}

/* d[tau] = sum over j < window of (x[j] - x[j + tau])^2 for tau in 1..lags
 * (rounded up to a multiple of 8; x must hold window + that many samples). The
 * inner loop runs over the lags with a fixed stride, so it vectorises. */
static void
accumulate_differences (float *restrict d, const float *restrict x,
    unsigned window, unsigned lags)
{
  unsigned tau, j, n = (lags + 8) & ~7u;

  for (tau = 0; tau < n; tau++)
    d[tau] = 0.0f;
  for (j = 0; j < window; j++) {
    const float xj = x[j];
    const float *xt = x + j;
    for (tau = 0; tau < n; tau++) {
      float v = xj - xt[tau];
      d[tau] += v * v;
    }
  }
}

/* YIN's difference d(tau) for tau in 1..tau_max over the frame, and its cumulative
 * mean normalised form. */
static void
difference (AuraPitch * p)
{
  const float *x = p->frame;
  float *d = p->diff;
  unsigned tau;
  double running = 0.0;

  accumulate_differences (d, x, p->window, p->tau_max);
  p->cmnd[0] = 1.0f;
  for (tau = 1; tau <= p->tau_max; tau++) {
    running += d[tau];
    p->cmnd[tau] = running > 0.0 ? (float) (d[tau] * tau / running) : 1.0f;
  }
}

/* CMND of the 8 kHz frame around lag 2 * @tau (4 kHz units): the 4 kHz lag grid
 * can straddle a period near a half-integer so badly that neither neighbour dips
 * (an /a/ at 242 Hz reads 0.16 at both), which would send YIN to twice the
 * period. Returns the lowest of lags 2 tau - 1 .. 2 tau + 1, normalised like the
 * 4 kHz CMND at @tau, and its interpolated lag in 4 kHz units in @lag. */
static float
check_at_8k (AuraPitch * p, unsigned tau, double *lag)
{
  const float *y = p->frame8;
  unsigned span = 2 * p->window, j, k, best = 1;
  double running = 0.0, norm;
  float d[5] = { 0.0f, 0.0f, 0.0f, 0.0f, 0.0f };

  /* lags 2 tau - 2 .. 2 tau + 2: the outer two only bracket the minimum */
  for (j = 0; j < span; j++) {
    const float yj = y[j];
    const float *yt = y + j + 2 * tau - 2;
    for (k = 0; k < 5; k++) {
      float v = yj - yt[k];
      d[k] += v * v;
    }
  }
  for (k = 2; k <= 3; k++)
    if (d[k] < d[best])
      best = k;
  for (j = 1; j <= tau; j++)
    running += p->diff[j];
  /* twice the samples: the 8 kHz differences are about twice the 4 kHz ones */
  norm = running > 0.0 ? 2.0 * running / tau : 1.0;
  *lag = (2 * tau - 2 + parabolic_min (d, best)) / 2.0;
  return (float) (d[best] / norm);
}

/* YIN's choice, made on the 8 kHz check of each 4 kHz dip: the first dip whose
 * CMND is below the threshold, else the lowest. Returns the CMND, the lag (4 kHz
 * units) in @lag, or 1.0 without any candidate. */
static float
pick_period (AuraPitch * p, double *lag)
{
  float best_cmnd = 1.0f;
  unsigned tau;

  *lag = 0.0;
  for (tau = p->tau_min; tau < p->tau_max; tau++) {
    double l;
    float c;
    if (p->cmnd[tau] > CANDIDATE_CMND || p->cmnd[tau] > p->cmnd[tau - 1]
        || p->cmnd[tau] > p->cmnd[tau + 1])
      continue;
    c = check_at_8k (p, tau, &l);
    if (c < YIN_THRESHOLD) {
      *lag = l;
      return c;
    }
    if (c < best_cmnd) {
      best_cmnd = c;
      *lag = l;
    }
  }
  return best_cmnd;
}

/* Octave protection: an estimate an octave below a recent confident one is moved
 * up when the dip at half its period is nearly as deep. Never down: the first-dip
 * rule already prefers the shortest period, and moving down on history alone
 * would lock onto a wrong octave. */
static double
protect_octave (AuraPitch * p, uint64_t end, double lag, float *cmnd)
{
  double f = AURA_PITCH_RATE / lag, ratio, half_lag;
  unsigned tau;
  float c;

  if (p->ref_f0 <= 0.0 || end - p->ref_end > OCTAVE_MEMORY_S * p->rate)
    return lag;
  ratio = f / p->ref_f0;
  tau = (unsigned) lround (lag / 2.0);
  if (ratio < 0.43 || ratio > 0.59 || tau <= p->tau_min || tau >= p->tau_max)
    return lag;
  c = check_at_8k (p, tau, &half_lag);
  if (c < *cmnd + OCTAVE_TOLERANCE) {
    *cmnd = c;
    return half_lag;
  }
  return lag;
}

/* Refines the period on the full-rate signal: the squared difference around
 * factor * @tau, with the same integration time. */
static double
refine (AuraPitch * p, uint64_t end, double tau)
{
  unsigned f = p->factor, span = p->window * f, j, k;
  /* the 8 kHz check placed the period within half an 8 kHz sample: +-2 lags
   * here bracket it */
  int centre = (int) lround (tau * f), lo = centre - (int) (f / 2), hi =
      centre + (int) (f / 2);
  float d[64];
  uint64_t start;
  unsigned best = 0;

  /* lags lo - 1 .. hi + 1 over span samples: span + hi + 1 of them, all within
   * the ring half that aura_pitch_estimate() guarantees */
  if (lo < 2 || hi - lo + 3 > 64 || (uint64_t) (span + hi + 1) > end
      || span + hi + 1 > p->in_len / 2)
    return tau;
  start = end - span - hi - 1;
  copy_inputs (p, (int64_t) start, span + (unsigned) hi + 1, p->fine);
  for (k = 0; k <= (unsigned) (hi - lo + 2); k++)
    d[k] = 0.0f;
  for (j = 0; j < span; j++) {
    const float xj = p->fine[j];
    const float *xt = p->fine + j + lo - 1;
    for (k = 0; k <= (unsigned) (hi - lo + 2); k++) {
      float v = xj - xt[k];
      d[k] += v * v;
    }
  }
  for (k = 1; k <= (unsigned) (hi - lo + 1); k++)
    if (d[k] < d[best] || best == 0)
      best = k;
  if (best == 0 || best >= (unsigned) (hi - lo + 2))
    return tau;
  return (lo - 1 + parabolic_min (d, best)) / f;
}

/* Energy over the energy of the first difference, in dB: high for a spectrum
 * dominated by low frequencies, lower as energy moves up; a cheap stand-in for
 * the spectral envelope when following a held vowel. */
static double
spectral_balance (const float *x, unsigned n)
{
  double e = 0.0, de = 0.0;
  unsigned j;

  for (j = 1; j < n; j++) {
    double dx = x[j] - x[j - 1];
    e += (double) x[j] * x[j];
    de += dx * dx;
  }
  return 10.0 * log10 ((e + 1e-12) / (de + 1e-12));
}

int
aura_pitch_estimate (AuraPitch * p, uint64_t end, AuraPitchEstimate * out)
{
  unsigned need = p->window + p->tau_max + 1, need8 = 2 * need + 2, j;
  uint64_t dec_end = end / p->half, start;
  double lag, period;
  float cmnd;

  out->f0 = 0.0;
  out->periodicity = 0.0;
  out->tilt_db = 0.0;
  if (end > p->pushed || dec_end < need8 + DECIMATOR_TAPS / p->half
      || p->pushed - end > p->in_len / 2)
    return -1;
  /* the 8 kHz frame, and the 4 kHz one as its every other sample */
  start = dec_end - need8;
  decimate_until (p, dec_end, start);
  for (j = 0; j < need8; j++)
    p->frame8[j] = p->dec_ring[(start + j) % p->dec_len];
  for (j = 0; j < need; j++)
    p->frame[j] = p->frame8[2 * j];
  difference (p);
  out->tilt_db = spectral_balance (p->frame, need);
  cmnd = pick_period (p, &lag);
  if (lag > 0.0)
    lag = protect_octave (p, end, lag, &cmnd);
  out->periodicity = 1.0 - cmnd;
  if (cmnd > VOICING_THRESHOLD || lag <= 0.0)
    return 0;
  period = refine (p, end, lag);
  out->f0 = AURA_PITCH_RATE / period;
  if (out->f0 < p->floor_hz || out->f0 > p->ceiling_hz) {
    out->f0 = 0.0;
    return 0;
  }
  if (cmnd < CONFIDENT_CMND) {
    p->ref_f0 = out->f0;
    p->ref_end = end;
  }
  return 0;
}
