/* AURA — ITU-R BS.1770-4 / EBU R128 loudness meter. See aura-loudness.h. */
#include "aura-loudness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Histogram of block energies: 0.02 dB bins from -70 LUFS (the absolute gate) to
 * +30 LUFS; louder blocks (float input above full scale) land in the top bin. */
#define HIST_MIN_LUFS   (-70.0)
#define HIST_MAX_LUFS   (30.0)
#define HIST_BIN_DB     (0.02)
#define HIST_BINS       5000

#define TP_PHASES       4
#define TP_TAPS         12
#define TP_HISTORY      (TP_TAPS - 1)
/* True-peak blocks: the interpolator is only run on a block whose samples (with the
 * filter's history) could reach above the peak found so far. */
#define TP_BLOCK        16

#define MIN_SIZE(a, b) ((a) < (b) ? (a) : (b))

#define SHORT_TERM_BLOCKS 30    /* 3 s of 100 ms blocks */
#define MOMENTARY_BLOCKS  4     /* 400 ms */

typedef struct
{
  double count[HIST_BINS];
  double energy[HIST_BINS];
  double total_count, total_energy;     /* over every bin */
} Histogram;

/* ITU-R BS.1770-4 Annex 2: 48-tap interpolation filter, 4 phases of 12 taps. */
static const float tp_coeffs[TP_PHASES][TP_TAPS] = {
  {
        0.0017089843750f, 0.0109863281250f, -0.0196533203125f,
        0.0332031250000f, -0.0594482421875f, 0.1373291015625f,
        0.9721679687500f, -0.1022949218750f, 0.0476074218750f,
      -0.0266113281250f, 0.0148925781250f, -0.0083007812500f},
  {
        -0.0291748046875f, 0.0292968750000f, -0.0517578125000f,
        0.0891113281250f, -0.1665039062500f, 0.4650878906250f,
        0.7797851562500f, -0.2003173828125f, 0.1015625000000f,
      -0.0582275390625f, 0.0330810546875f, -0.0189208984375f},
  {
        -0.0189208984375f, 0.0330810546875f, -0.0582275390625f,
        0.1015625000000f, -0.2003173828125f, 0.7797851562500f,
        0.4650878906250f, -0.1665039062500f, 0.0891113281250f,
      -0.0517578125000f, 0.0292968750000f, -0.0291748046875f},
  {
        -0.0083007812500f, 0.0148925781250f, -0.0266113281250f,
        0.0476074218750f, -0.1022949218750f, 0.9721679687500f,
        0.1373291015625f, -0.0594482421875f, 0.0332031250000f,
      -0.0196533203125f, 0.0109863281250f, 0.0017089843750f},
};

typedef struct
{
  double b0, b1, b2, a1, a2;
} Biquad;

typedef struct
{
  double s1[2], s2[2];          /* direct form II transposed state per stage */
  float *planar;                /* TP_HISTORY history samples, then the segment */
  double weight;
} Channel;

struct AuraLoudness
{
  unsigned rate, channels;
  int true_peak_enabled;
  unsigned tp_phase_step;       /* 1: 4x, 2: 2x (phase 2 between the samples),
                                 * 4: the samples are the grid */
  float tp_gain_bound;          /* max over phases of sum |h| */
  Biquad shelf, highpass;
  Channel ch[AURA_LOUDNESS_MAX_CHANNELS];
  float *tp_block_max;          /* per TP_BLOCK of a segment */
  size_t block_len, block_fill;
  double block_acc;             /* weighted sum of squares in the current block */
  double ring[SHORT_TERM_BLOCKS];
  unsigned ring_pos;
  unsigned long blocks_seen;    /* complete 100 ms blocks since the last reset */
  double momentary_energy, short_term_energy;
  /* interval and session */
  double interval_tp, session_tp;
  double interval_m_max, interval_s_max;
  Histogram *gating;            /* 400 ms blocks: integrated loudness */
  Histogram *short_term;        /* 3 s values: loudness range */
};

static double
energy_to_lufs (double energy)
{
  if (energy <= 0.0)
    return -INFINITY;
  return -0.691 + 10.0 * log10 (energy);
}

static void
histogram_add (Histogram * h, double energy)
{
  double lufs = energy_to_lufs (energy);
  long bin;

  if (!(lufs >= HIST_MIN_LUFS))
    return;                     /* below the absolute gate */
  bin = (long) ((lufs - HIST_MIN_LUFS) / HIST_BIN_DB);
  if (bin >= HIST_BINS)
    bin = HIST_BINS - 1;
  h->count[bin] += 1.0;
  h->energy[bin] += energy;
  h->total_count += 1.0;
  h->total_energy += energy;
}

static double
histogram_bin_floor (long bin)
{
  return HIST_MIN_LUFS + bin * HIST_BIN_DB;
}

/* First bin kept by the relative gate @gate_lu (negative) below the mean loudness
 * of everything above the absolute gate. Returns -1 if the histogram is empty. */
static long
histogram_relative_gate (const Histogram * h, double gate_lu)
{
  double gate;
  long bin;

  if (h->total_count <= 0.0)
    return -1;
  gate = energy_to_lufs (h->total_energy / h->total_count) + gate_lu;
  if (gate <= HIST_MIN_LUFS)
    return 0;
  /* the bin holding the gate is kept when its centre is at or above the gate */
  bin = (long) floor ((gate - HIST_MIN_LUFS) / HIST_BIN_DB);
  if (histogram_bin_floor (bin) + HIST_BIN_DB / 2 < gate)
    bin++;
  return bin < HIST_BINS ? bin : HIST_BINS - 1;
}

/* K-weighting (BS.1770-4 Annex 1) for any rate, from the analogue prototypes of the
 * 48 kHz coefficients, as libebur128 and ffmpeg derive them. */
static void
design_k_weighting (Biquad * shelf, Biquad * hp, double rate)
{
  double f0 = 1681.974450955533, gain_db = 3.999843853973347;
  double q = 0.7071752369554196;
  double k = tan (M_PI * f0 / rate);
  double vh = pow (10.0, gain_db / 20.0);
  double vb = pow (vh, 0.4996667741545416);
  double a0 = 1.0 + k / q + k * k;

  shelf->b0 = (vh + vb * k / q + k * k) / a0;
  shelf->b1 = 2.0 * (k * k - vh) / a0;
  shelf->b2 = (vh - vb * k / q + k * k) / a0;
  shelf->a1 = 2.0 * (k * k - 1.0) / a0;
  shelf->a2 = (1.0 - k / q + k * k) / a0;

  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = tan (M_PI * f0 / rate);
  a0 = 1.0 + k / q + k * k;
  hp->b0 = 1.0;
  hp->b1 = -2.0;
  hp->b2 = 1.0;
  hp->a1 = 2.0 * (k * k - 1.0) / a0;
  hp->a2 = (1.0 - k / q + k * k) / a0;
}

AuraLoudness *
aura_loudness_new (void)
{
  AuraLoudness *m = calloc (1, sizeof (AuraLoudness));

  if (m == NULL)
    return NULL;
  m->gating = calloc (1, sizeof (Histogram));
  m->short_term = calloc (1, sizeof (Histogram));
  if (m->gating == NULL || m->short_term == NULL) {
    aura_loudness_free (m);
    return NULL;
  }
  m->interval_m_max = m->interval_s_max = -INFINITY;
  return m;
}

void
aura_loudness_free (AuraLoudness * m)
{
  unsigned c;

  if (m == NULL)
    return;
  for (c = 0; c < AURA_LOUDNESS_MAX_CHANNELS; c++)
    free (m->ch[c].planar);
  free (m->tp_block_max);
  free (m->gating);
  free (m->short_term);
  free (m);
}

void
aura_loudness_discont (AuraLoudness * m)
{
  unsigned c;

  for (c = 0; c < m->channels; c++) {
    memset (m->ch[c].s1, 0, sizeof (m->ch[c].s1));
    memset (m->ch[c].s2, 0, sizeof (m->ch[c].s2));
    if (m->ch[c].planar)
      memset (m->ch[c].planar, 0, TP_HISTORY * sizeof (float));
  }
  memset (m->ring, 0, sizeof (m->ring));
  m->ring_pos = 0;
  m->blocks_seen = 0;
  m->block_fill = 0;
  m->block_acc = 0.0;
  m->momentary_energy = m->short_term_energy = 0.0;
}

int
aura_loudness_configure (AuraLoudness * m, unsigned rate, unsigned channels,
    const AuraChannelWeight * weights, int true_peak)
{
  unsigned c, p, k;

  if (m == NULL || rate == 0 || rate > 384000 || channels == 0
      || channels > AURA_LOUDNESS_MAX_CHANNELS)
    return -1;

  m->rate = rate;
  m->channels = channels;
  m->true_peak_enabled = true_peak;
  /* BS.1770-4 asks for 4x oversampling of 48 kHz; at 96 kHz two of the four phases
   * give the same 192 kHz grid, at 192 kHz the samples are the grid. */
  m->tp_phase_step = rate >= 192000 ? 4 : rate >= 96000 ? 2 : 1;
  m->tp_gain_bound = 0.0f;
  for (p = 0; p < TP_PHASES; p++) {
    float sum = 0.0f;
    for (k = 0; k < TP_TAPS; k++)
      sum += fabsf (tp_coeffs[p][k]);
    if (sum > m->tp_gain_bound)
      m->tp_gain_bound = sum;
  }
  design_k_weighting (&m->shelf, &m->highpass, rate);
  /* 100 ms blocks, rounded as libebur128 does for rates not divisible by 10 */
  m->block_len = (rate + 5) / 10;

  for (c = 0; c < AURA_LOUDNESS_MAX_CHANNELS; c++) {
    free (m->ch[c].planar);
    m->ch[c].planar = NULL;
  }
  free (m->tp_block_max);
  m->tp_block_max = malloc ((m->block_len / TP_BLOCK + 1) * sizeof (float));
  if (m->tp_block_max == NULL)
    return -1;
  for (c = 0; c < channels; c++) {
    AuraChannelWeight w = weights ? weights[c] : AURA_CHANNEL_WEIGHT_FRONT;
    m->ch[c].weight = w == AURA_CHANNEL_WEIGHT_SURROUND ? 1.41 :
        w == AURA_CHANNEL_WEIGHT_NONE ? 0.0 : 1.0;
    /* history, a 100 ms block, and slack for the last true-peak block */
    m->ch[c].planar = calloc (TP_HISTORY + m->block_len + TP_BLOCK,
        sizeof (float));
    if (m->ch[c].planar == NULL)
      return -1;
  }
  aura_loudness_discont (m);
  return 0;
}

/* Runs the two K-weighting biquads over @n samples; returns the sum of squares. */
static double
k_filter_sum_squares (const Biquad * sh, const Biquad * hp, double *s1,
    double *s2, const float *x, size_t n)
{
  double a = s1[0], b = s1[1], c = s2[0], d = s2[1];
  double sum = 0.0;
  size_t i;

  for (i = 0; i < n; i++) {
    double in = x[i];
    double y1 = sh->b0 * in + a;
    double y2;

    a = sh->b1 * in - sh->a1 * y1 + b;
    b = sh->b2 * in - sh->a2 * y1;
    y2 = y1 + c;                /* hp->b0 == 1 */
    c = -2.0 * y1 - hp->a1 * y2 + d;
    d = y1 - hp->a2 * y2;
    sum += y2 * y2;
  }
  s1[0] = a;
  s1[1] = b;
  s2[0] = c;
  s2[1] = d;
  return sum;
}

/* The same for two channels at once: two independent recursions in one loop,
 * which the CPU overlaps (one channel's chain alone leaves it waiting). */
static void
k_filter_sum_squares2 (const Biquad * sh, const Biquad * hp, Channel * ca,
    Channel * cb, const float *xa, const float *xb, size_t n, double *sa,
    double *sb)
{
  double a0 = ca->s1[0], a1 = ca->s1[1], a2 = ca->s2[0], a3 = ca->s2[1];
  double b0 = cb->s1[0], b1 = cb->s1[1], b2 = cb->s2[0], b3 = cb->s2[1];
  double suma = 0.0, sumb = 0.0;
  size_t i;

  for (i = 0; i < n; i++) {
    double ia = xa[i], ib = xb[i];
    double ya = sh->b0 * ia + a0, yb = sh->b0 * ib + b0, za, zb;

    a0 = sh->b1 * ia - sh->a1 * ya + a1;
    b0 = sh->b1 * ib - sh->a1 * yb + b1;
    a1 = sh->b2 * ia - sh->a2 * ya;
    b1 = sh->b2 * ib - sh->a2 * yb;
    za = ya + a2;
    zb = yb + b2;
    a2 = -2.0 * ya - hp->a1 * za + a3;
    b2 = -2.0 * yb - hp->a1 * zb + b3;
    a3 = ya - hp->a2 * za;
    b3 = yb - hp->a2 * zb;
    suma += za * za;
    sumb += zb * zb;
  }
  ca->s1[0] = a0;
  ca->s1[1] = a1;
  ca->s2[0] = a2;
  ca->s2[1] = a3;
  cb->s1[0] = b0;
  cb->s1[1] = b1;
  cb->s2[0] = b2;
  cb->s2[1] = b3;
  *sa = suma;
  *sb = sumb;
}

static float
block_abs_max (const float *x, size_t n)
{
  float m = 0.0f;
  size_t i;

  for (i = 0; i < n; i++) {
    float v = fabsf (x[i]);
    m = v > m ? v : m;
  }
  return m;
}

/* Largest |y| of the oversampled signal at the first @len (<= TP_BLOCK) samples
 * from @x; x[-TP_HISTORY..TP_BLOCK) must be readable. The filter loops have a
 * fixed count so the compiler vectorises them; outputs past @len are computed but
 * never counted (they would see samples that are not part of the signal). */
static float
interpolate_block_peak (const float *x, size_t len, unsigned phase_step)
{
  float acc[TP_BLOCK], peak = 0.0f;
  unsigned p, k;
  size_t i;

  /* phase 0 lands on the samples themselves, whose peak is already known */
  for (p = phase_step; p < TP_PHASES; p += phase_step) {
    for (i = 0; i < TP_BLOCK; i++)
      acc[i] = 0.0f;
    for (k = 0; k < TP_TAPS; k++) {
      const float h = tp_coeffs[p][k];
      const float *w = x - k;
      for (i = 0; i < TP_BLOCK; i++)
        acc[i] += h * w[i];
    }
    for (i = 0; i < len; i++) {
      float v = fabsf (acc[i]);
      peak = v > peak ? v : peak;
    }
  }
  return peak;
}

/* Interpolated peak of samples x[0..n), where x[-TP_HISTORY..-1] is valid history
 * and x[n..n+TP_BLOCK) is readable slack. The sample peak comes first; then only
 * blocks that could exceed it are interpolated: |y| <= gain_bound * max|x| over the
 * taps, so skipping the others never changes the result. */
static float
true_peak_scan (AuraLoudness * m, const float *x, size_t n, float peak)
{
  size_t blocks = (n + TP_BLOCK - 1) / TP_BLOCK, b;
  float *block_max = m->tp_block_max;
  float prev_max;

  for (b = 0; b < blocks; b++) {
    size_t len = MIN_SIZE (TP_BLOCK, n - b * TP_BLOCK);
    block_max[b] = block_abs_max (x + b * TP_BLOCK, len);
    peak = block_max[b] > peak ? block_max[b] : peak;
  }
  if (m->tp_phase_step >= TP_PHASES)
    return peak;
  prev_max = block_abs_max (x - TP_HISTORY, TP_HISTORY);
  for (b = 0; b < blocks; b++) {
    float cur = block_max[b];
    float bound = (cur > prev_max ? cur : prev_max) * m->tp_gain_bound;
    prev_max = cur;
    if (bound <= peak)
      continue;
    cur = interpolate_block_peak (x + b * TP_BLOCK,
        MIN_SIZE (TP_BLOCK, n - b * TP_BLOCK), m->tp_phase_step);
    peak = cur > peak ? cur : peak;
  }
  return peak;
}

static void
finish_block (AuraLoudness * m)
{
  double energy = m->block_acc / (double) m->block_len;
  double sum = 0.0;
  unsigned i;

  m->ring[m->ring_pos] = energy;
  m->ring_pos = (m->ring_pos + 1) % SHORT_TERM_BLOCKS;
  m->blocks_seen++;
  m->block_fill = 0;
  m->block_acc = 0.0;

  for (i = 1; i <= MOMENTARY_BLOCKS; i++)
    sum += m->ring[(m->ring_pos + SHORT_TERM_BLOCKS - i) % SHORT_TERM_BLOCKS];
  m->momentary_energy = sum / MOMENTARY_BLOCKS;
  for (sum = 0.0, i = 0; i < SHORT_TERM_BLOCKS; i++)
    sum += m->ring[i];
  m->short_term_energy = sum / SHORT_TERM_BLOCKS;

  /* gating blocks are complete 400 ms windows with 75 % overlap */
  if (m->blocks_seen >= MOMENTARY_BLOCKS) {
    double lufs = energy_to_lufs (m->momentary_energy);
    histogram_add (m->gating, m->momentary_energy);
    if (lufs > m->interval_m_max)
      m->interval_m_max = lufs;
  }
  /* short-term values at 10 Hz feed the loudness range */
  if (m->blocks_seen >= SHORT_TERM_BLOCKS) {
    double lufs = energy_to_lufs (m->short_term_energy);
    histogram_add (m->short_term, m->short_term_energy);
    if (lufs > m->interval_s_max)
      m->interval_s_max = lufs;
  }
}

static void
add_segment (AuraLoudness * m, const float *interleaved, size_t n)
{
  unsigned c;

  for (c = 0; c < m->channels; c++) {
    float *x = m->ch[c].planar + TP_HISTORY;
    const float *src = interleaved + c;
    size_t i;

    for (i = 0; i < n; i++, src += m->channels)
      x[i] = *src;
  }
  /* K-weighting two channels at a time where both are measured */
  for (c = 0; c < m->channels; c++) {
    Channel *ch = &m->ch[c], *next = c + 1 < m->channels ? &m->ch[c + 1] : NULL;
    if (ch->weight > 0.0 && next && next->weight > 0.0) {
      double sa, sb;
      k_filter_sum_squares2 (&m->shelf, &m->highpass, ch, next,
          ch->planar + TP_HISTORY, next->planar + TP_HISTORY, n, &sa, &sb);
      m->block_acc += ch->weight * sa + next->weight * sb;
      c++;
    } else if (ch->weight > 0.0) {
      m->block_acc += ch->weight * k_filter_sum_squares (&m->shelf,
          &m->highpass, ch->s1, ch->s2, ch->planar + TP_HISTORY, n);
    }
  }
  for (c = 0; c < m->channels; c++) {
    Channel *ch = &m->ch[c];
    float *x = ch->planar + TP_HISTORY;

    if (m->true_peak_enabled)
      m->interval_tp = true_peak_scan (m, x, n, (float) m->interval_tp);
    else
      m->interval_tp = fmax (m->interval_tp, block_abs_max (x, n));
    /* keep the last samples as the interpolator's history */
    memmove (ch->planar, ch->planar + n, TP_HISTORY * sizeof (float));
  }
  m->block_fill += n;
  if (m->block_fill == m->block_len)
    finish_block (m);
}

void
aura_loudness_add_frames (AuraLoudness * m, const float *interleaved,
    size_t n_frames)
{
  while (n_frames > 0) {
    size_t take = m->block_len - m->block_fill;
    if (take > n_frames)
      take = n_frames;
    add_segment (m, interleaved, take);
    interleaved += take * m->channels;
    n_frames -= take;
  }
}

double
aura_loudness_momentary (const AuraLoudness * m)
{
  return energy_to_lufs (m->momentary_energy);
}

double
aura_loudness_short_term (const AuraLoudness * m)
{
  return energy_to_lufs (m->short_term_energy);
}

int
aura_loudness_integrated (const AuraLoudness * m, double *lufs)
{
  long first = histogram_relative_gate (m->gating, -10.0), bin;
  double count = 0.0, energy = 0.0;

  if (first < 0)
    return 0;
  for (bin = first; bin < HIST_BINS; bin++) {
    count += m->gating->count[bin];
    energy += m->gating->energy[bin];
  }
  if (count <= 0.0)
    return 0;
  *lufs = energy_to_lufs (energy / count);
  return 1;
}

/* Loudness of the value at rank @q (0..1) among the histogram's values from @first,
 * nearest-rank on the bin centres. */
static double
histogram_percentile (const Histogram * h, long first, double total, double q)
{
  double target = floor ((total - 1.0) * q + 0.5), seen = 0.0;
  long bin;

  for (bin = first; bin < HIST_BINS; bin++) {
    seen += h->count[bin];
    if (seen > target)
      break;
  }
  if (bin >= HIST_BINS)
    bin = HIST_BINS - 1;
  return histogram_bin_floor (bin) + HIST_BIN_DB / 2;
}

int
aura_loudness_range (const AuraLoudness * m, double *lu)
{
  long first = histogram_relative_gate (m->short_term, -20.0), bin;
  double total = 0.0;

  if (first < 0)
    return 0;
  for (bin = first; bin < HIST_BINS; bin++)
    total += m->short_term->count[bin];
  if (total <= 0.0)
    return 0;
  *lu = histogram_percentile (m->short_term, first, total, 0.95)
      - histogram_percentile (m->short_term, first, total, 0.10);
  return 1;
}

double
aura_loudness_true_peak (const AuraLoudness * m)
{
  return fmax (m->session_tp, m->interval_tp);
}

void
aura_loudness_take_interval (AuraLoudness * m, AuraLoudnessInterval * out)
{
  out->true_peak = m->interval_tp;
  out->momentary_max = m->interval_m_max;
  out->short_term_max = m->interval_s_max;
  m->session_tp = fmax (m->session_tp, m->interval_tp);
  m->interval_tp = 0.0;
  m->interval_m_max = m->interval_s_max = -INFINITY;
}
