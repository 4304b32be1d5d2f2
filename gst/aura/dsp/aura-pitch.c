/* AURA — pitch (F0) estimation with YIN. See aura-pitch.h. */
#include "aura-pitch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RING_SECONDS      0.5
#define YIN_THRESHOLD     0.15  /* CMND of the first acceptable dip */
#define VOICING_THRESHOLD 0.40  /* above this CMND the window is unvoiced */
#define OCTAVE_TOLERANCE  0.10  /* CMND margin to prefer the other octave */
#define OCTAVE_MEMORY     5     /* estimates an octave reference lives */
#define DECIMATOR_TAPS    47    /* 16 -> 4 kHz, pass 1.6 kHz, stop 2.4 kHz */
#define PUSH_CHUNK        1024  /* inputs decimated at a time */

struct AuraPitch
{
  unsigned rate, factor;
  double floor_hz, ceiling_hz;
  unsigned tau_min, tau_max, window;    /* at AURA_PITCH_RATE */
  float taps[DECIMATOR_TAPS];
  /* rings of the input (for the fine search) and of the 4 kHz signal */
  float *in_ring, *dec_ring;
  unsigned in_len, dec_len;     /* ring sizes */
  float *dec_work;              /* DECIMATOR_TAPS - 1 inputs, then a chunk */
  uint64_t pushed;              /* input samples since reset */
  unsigned in_pos, dec_pos;     /* next write positions: pushed % in_len, and
                                 * (pushed / factor) % dec_len */
  unsigned phase;               /* inputs of this chunk before the next output */
  float *diff, *cmnd, *frame, *fine;
  double last_f0;
  unsigned last_age;
};

static void
design_decimator (float *h, unsigned n, double cutoff)
{
  double centre = (n - 1) / 2.0, sum = 0.0;
  unsigned k;

  for (k = 0; k < n; k++) {
    double t = k - centre;
    double sinc = t == 0.0 ? 2.0 * cutoff :
        sin (2.0 * M_PI * cutoff * t) / (M_PI * t);
    /* Blackman window: about 58 dB of stopband */
    double w = 0.42 - 0.5 * cos (2.0 * M_PI * k / (n - 1)) +
        0.08 * cos (4.0 * M_PI * k / (n - 1));
    h[k] = (float) (sinc * w);
    sum += sinc * w;
  }
  for (k = 0; k < n; k++)
    h[k] = (float) (h[k] / sum);
}

AuraPitch *
aura_pitch_new (unsigned rate, double floor_hz, double ceiling_hz)
{
  AuraPitch *p;
  unsigned max_window;

  if (rate == 0 || rate % AURA_PITCH_RATE != 0)
    return NULL;
  p = calloc (1, sizeof (AuraPitch));
  if (p == NULL)
    return NULL;
  p->rate = rate;
  p->factor = rate / AURA_PITCH_RATE;
  p->in_len = (unsigned) (rate * RING_SECONDS);
  p->dec_len = (unsigned) (AURA_PITCH_RATE * RING_SECONDS);
  /* the largest window any valid range needs: 2 periods of the lowest floor */
  max_window = (unsigned) (2.0 * AURA_PITCH_RATE / AURA_PITCH_MIN_HZ) + 2;
  p->in_ring = calloc (p->in_len, sizeof (float));
  p->dec_work = calloc (DECIMATOR_TAPS - 1 + PUSH_CHUNK, sizeof (float));
  p->dec_ring = calloc (p->dec_len, sizeof (float));
  p->diff = calloc (max_window + 8, sizeof (float));
  p->cmnd = calloc (max_window, sizeof (float));
  p->frame = calloc (2 * max_window + 8, sizeof (float));
  p->fine = calloc ((2 * max_window + 4) * p->factor, sizeof (float));
  if (!p->in_ring || !p->dec_ring || !p->dec_work || !p->diff || !p->cmnd
      || !p->frame || !p->fine
      || aura_pitch_set_range (p, floor_hz, ceiling_hz) != 0) {
    aura_pitch_free (p);
    return NULL;
  }
  p->phase = p->factor - 1;
  /* cut-off between the 1.6 kHz passband and the 2.4 kHz stopband edge */
  design_decimator (p->taps, DECIMATOR_TAPS, 2000.0 / rate);
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
  free (p->diff);
  free (p->cmnd);
  free (p->frame);
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
  memset (p->dec_work, 0, (DECIMATOR_TAPS - 1) * sizeof (float));
  p->pushed = 0;
  p->in_pos = p->dec_pos = 0;
  p->phase = p->factor - 1;
  p->last_f0 = 0.0;
  p->last_age = 0;
}

static inline float
in_at (const AuraPitch * p, uint64_t i)
{
  return p->in_ring[i % p->in_len];
}

/* Dot product with four accumulators: independent chains the CPU overlaps. */
static float
dot (const float *h, const float *x, unsigned n)
{
  float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
  unsigned k = 0;

  for (; k + 4 <= n; k += 4) {
    a0 += h[k] * x[k];
    a1 += h[k + 1] * x[k + 1];
    a2 += h[k + 2] * x[k + 2];
    a3 += h[k + 3] * x[k + 3];
  }
  for (; k < n; k++)
    a0 += h[k] * x[k];
  return (a0 + a1) + (a2 + a3);
}

void
aura_pitch_push (AuraPitch * p, const float *x, size_t n)
{
  const unsigned hist = DECIMATOR_TAPS - 1;

  while (n > 0) {
    size_t take = n < PUSH_CHUNK ? n : PUSH_CHUNK, i;
    /* ring positions advance with a compare, not a 64-bit division */
    for (i = 0; i < take; i++) {
      p->in_ring[p->in_pos] = x[i];
      if (++p->in_pos == p->in_len)
        p->in_pos = 0;
      p->dec_work[hist + i] = x[i];
    }
    /* a decimated sample at every factor-th input (the filter is symmetric:
     * dec_work + i holds the taps inputs that end at input i) */
    for (i = p->phase; i < take; i += p->factor) {
      p->dec_ring[p->dec_pos] = dot (p->taps, p->dec_work + i, DECIMATOR_TAPS);
      if (++p->dec_pos == p->dec_len)
        p->dec_pos = 0;
    }
    p->phase = (unsigned) (i - take);
    memmove (p->dec_work, p->dec_work + take, hist * sizeof (float));
    p->pushed += take;
    x += take;
    n -= take;
  }
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

/* The first dip below the threshold (then its local minimum), or the global
 * minimum when none is below. */
static unsigned
pick_period (const AuraPitch * p)
{
  unsigned tau, best = p->tau_min;

  for (tau = p->tau_min; tau < p->tau_max; tau++) {
    if (p->cmnd[tau] < YIN_THRESHOLD) {
      while (tau + 1 < p->tau_max && p->cmnd[tau + 1] < p->cmnd[tau])
        tau++;
      return tau;
    }
  }
  for (tau = p->tau_min; tau < p->tau_max; tau++)
    if (p->cmnd[tau] < p->cmnd[best])
      best = tau;
  return best;
}

/* Local minimum of the CMND within +-1 of @tau, clamped to the range. */
static unsigned
settle (const AuraPitch * p, unsigned tau)
{
  if (tau < p->tau_min + 1)
    tau = p->tau_min + 1;
  if (tau > p->tau_max - 1)
    tau = p->tau_max - 1;
  if (p->cmnd[tau - 1] < p->cmnd[tau])
    tau--;
  else if (p->cmnd[tau + 1] < p->cmnd[tau])
    tau++;
  return tau;
}

/* Octave-error protection: prefer the period an octave away when it agrees with
 * the recent estimate and its CMND is nearly as low. */
static unsigned
protect_octave (const AuraPitch * p, unsigned tau)
{
  double f = (double) AURA_PITCH_RATE / tau, ratio;
  unsigned other;

  if (p->last_f0 <= 0.0 || p->last_age > OCTAVE_MEMORY)
    return tau;
  ratio = f / p->last_f0;
  if (ratio > 1.7 && ratio < 2.3 && 2 * tau < p->tau_max)
    other = settle (p, 2 * tau);
  else if (ratio > 0.43 && ratio < 0.59 && tau / 2 > p->tau_min)
    other = settle (p, tau / 2);
  else
    return tau;
  return p->cmnd[other] < p->cmnd[tau] + OCTAVE_TOLERANCE ? other : tau;
}

/* Refines the period on the full-rate signal: the squared difference around
 * factor * @tau, with the same integration time. */
static double
refine (AuraPitch * p, uint64_t end, double tau)
{
  unsigned f = p->factor, span = p->window * f, j, k;
  int centre = (int) lround (tau * f), lo = centre - (int) f, hi =
      centre + (int) f;
  float d[64];
  uint64_t start;
  unsigned best = 0;

  /* lags lo - 1 .. hi + 1 over span samples: span + hi + 1 of them, all within
   * the ring half that aura_pitch_estimate() guarantees */
  if (lo < 2 || hi - lo + 3 > 64 || (uint64_t) (span + hi + 1) > end
      || span + hi + 1 > p->in_len / 2)
    return tau;
  start = end - span - hi - 1;
  for (j = 0; j < span + (unsigned) hi + 1; j++)
    p->fine[j] = in_at (p, start + j);
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
  unsigned need = p->window + p->tau_max + 1, j, tau;
  uint64_t dec_end = end / p->factor, start;
  double period;

  out->f0 = 0.0;
  out->periodicity = 0.0;
  out->tilt_db = 0.0;
  if (end > p->pushed || dec_end < need + DECIMATOR_TAPS / p->factor
      || p->pushed - end > p->in_len / 2)
    return -1;
  start = dec_end - need;
  for (j = 0; j < need; j++)
    p->frame[j] = p->dec_ring[(start + j) % p->dec_len];
  difference (p);
  out->tilt_db = spectral_balance (p->frame, need);
  tau = protect_octave (p, pick_period (p));
  out->periodicity = 1.0 - p->cmnd[tau];
  if (p->cmnd[tau] > VOICING_THRESHOLD || tau <= p->tau_min - 1
      || tau >= p->tau_max) {
    p->last_age++;
    return 0;
  }
  period = refine (p, end, parabolic_min (p->cmnd, tau));
  out->f0 = AURA_PITCH_RATE / period;
  if (out->f0 < p->floor_hz || out->f0 > p->ceiling_hz) {
    out->f0 = 0.0;
    p->last_age++;
    return 0;
  }
  p->last_f0 = out->f0;
  p->last_age = 0;
  return 0;
}
