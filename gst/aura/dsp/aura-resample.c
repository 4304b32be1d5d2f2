/* AURA — mono mix and rate conversion. See aura-resample.h. */
#include "aura-resample.h"

#include "aura-biquad.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 8th-order Butterworth: 48 dB down an octave above the cutoff, so what folds into
 * the speech band (below 4 kHz) from above 12 kHz is attenuated by more than 50 dB */
#define LOWPASS_STAGES 4
static const double butterworth8_q[LOWPASS_STAGES] = {
  0.50979558, 0.60134489, 0.89997622, 2.56291545
};

/* Integer ratios (32, 48, 96, 192 kHz to 16 kHz) use a linear-phase FIR evaluated
 * only at the output samples: far cheaper than the IIR at the input rate. Its
 * passband reaches PASS_HZ and its stopband starts at STOP_HZ, so nothing folds into
 * 0..PASS_HZ of the output (a frequency f > out/2 folds to out - f >= out - STOP_HZ
 * = 4 kHz). Speech features use 0..4 kHz. */
#define FIR_PASS_HZ 4500.0
#define FIR_STOP_HZ 12000.0
#define FIR_ATTENUATION_DB 60.0
#define FIR_CHUNK 4096

struct AuraResampler
{
  unsigned in_rate, out_rate, channels;
  int filter;                   /* low-pass before decimation */
  unsigned factor;              /* > 0: integer decimation with the FIR */
  unsigned taps;
  float *coeffs;
  float *work;                  /* taps - 1 history samples, then a chunk */
  unsigned skip;                /* input samples before the next output */
  AuraBiquad lp[LOWPASS_STAGES];
  uint64_t pos;                 /* next output position from `prev`, in 1/out_rate */
  float prev;
};

/* Zeroth-order modified Bessel function, for the Kaiser window. */
static double
bessel_i0 (double x)
{
  double sum = 1.0, term = 1.0;
  int k;

  for (k = 1; k < 50; k++) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
  }
  return sum;
}

/* Kaiser-windowed sinc low-pass (Kaiser's design formulas). */
static int
design_fir (AuraResampler * r)
{
  double rate = r->in_rate;
  double width = 2.0 * M_PI * (FIR_STOP_HZ - FIR_PASS_HZ) / rate;
  double beta = 0.1102 * (FIR_ATTENUATION_DB - 8.7);
  double cutoff = (FIR_PASS_HZ + FIR_STOP_HZ) / 2.0 / rate;
  double centre, sum = 0.0;
  unsigned n =
      (unsigned) ceil ((FIR_ATTENUATION_DB - 8.0) / (2.285 * width)) + 1;
  unsigned k;

  n |= 1;                       /* odd: a whole-sample delay */
  r->taps = n;
  r->coeffs = malloc (n * sizeof (float));
  r->work = calloc (n - 1 + FIR_CHUNK, sizeof (float));
  if (r->coeffs == NULL || r->work == NULL)
    return -1;
  centre = (n - 1) / 2.0;
  for (k = 0; k < n; k++) {
    double t = k - centre, ratio = t / centre;
    double sinc = t == 0.0 ? 2.0 * cutoff :
        sin (2.0 * M_PI * cutoff * t) / (M_PI * t);
    double w = bessel_i0 (beta * sqrt (1.0 - ratio * ratio)) / bessel_i0 (beta);
    r->coeffs[k] = (float) (sinc * w);
    sum += sinc * w;
  }
  for (k = 0; k < n; k++)
    r->coeffs[k] = (float) (r->coeffs[k] / sum);        /* unity gain at DC */
  return 0;
}

AuraResampler *
aura_resampler_new (unsigned in_rate, unsigned channels, unsigned out_rate)
{
  AuraResampler *r;

  if (in_rate == 0 || out_rate == 0 || channels == 0)
    return NULL;
  r = calloc (1, sizeof (AuraResampler));
  if (r == NULL)
    return NULL;
  r->in_rate = in_rate;
  r->out_rate = out_rate;
  r->channels = channels;
  if (in_rate > out_rate && in_rate % out_rate == 0) {
    r->factor = in_rate / out_rate;
    if (design_fir (r) != 0) {
      aura_resampler_free (r);
      return NULL;
    }
    return r;
  }
  r->filter = in_rate > out_rate;
  if (r->filter) {
    unsigned i;
    for (i = 0; i < LOWPASS_STAGES; i++)
      aura_biquad_design (&r->lp[i], in_rate, 0.45 * out_rate,
          butterworth8_q[i], 0);
  }
  return r;
}

void
aura_resampler_free (AuraResampler * r)
{
  if (r == NULL)
    return;
  free (r->coeffs);
  free (r->work);
  free (r);
}

void
aura_resampler_reset (AuraResampler * r)
{
  unsigned i;

  for (i = 0; i < LOWPASS_STAGES; i++)
    r->lp[i].z1 = r->lp[i].z2 = 0.0;
  if (r->work)
    memset (r->work, 0, (r->taps - 1) * sizeof (float));
  r->skip = 0;
  r->pos = 0;
  r->prev = 0.0f;
}

size_t
aura_resampler_max_output (const AuraResampler * r, size_t in_frames)
{
  return (size_t) (((uint64_t) in_frames * r->out_rate) / r->in_rate) + 2;
}

static inline float
mix (const float *frame, unsigned channels)
{
  if (channels == 1)
    return frame[0];
  if (channels == 2)
    return 0.5f * (frame[0] + frame[1]);
  float sum = 0.0f;
  unsigned c;

  for (c = 0; c < channels; c++)
    sum += frame[c];
  return sum / (float) channels;
}

/* Dot product with a symmetric filter of odd length: taps k and n - 1 - k are equal,
 * so each multiply serves two samples. */
static float
symmetric_dot (const float *h, const float *x, unsigned n)
{
  float a0 = 0.0f, a1 = 0.0f;
  unsigned k = 0, half = n / 2;

  for (; k + 2 <= half; k += 2) {
    a0 += h[k] * (x[k] + x[n - 1 - k]);
    a1 += h[k + 1] * (x[k + 1] + x[n - 2 - k]);
  }
  for (; k < half; k++)
    a0 += h[k] * (x[k] + x[n - 1 - k]);
  return a0 + a1 + h[half] * x[half];
}

static size_t
decimate (AuraResampler * r, const float *interleaved, size_t in_frames,
    float *out)
{
  const unsigned hist = r->taps - 1;
  size_t written = 0;

  while (in_frames > 0) {
    size_t n = in_frames < FIR_CHUNK ? in_frames : FIR_CHUNK, i;
    for (i = 0; i < n; i++)
      r->work[hist + i] = mix (interleaved + i * r->channels, r->channels);
    /* the output at input sample j uses samples j - taps + 1 .. j, which start at
     * work[j] (the filter is symmetric, so the order of the taps does not matter) */
    for (i = r->skip; i < n; i += r->factor)
      out[written++] = symmetric_dot (r->coeffs, r->work + i, r->taps);
    r->skip = (unsigned) (i - n);
    memmove (r->work, r->work + n, hist * sizeof (float));
    interleaved += n * r->channels;
    in_frames -= n;
  }
  return written;
}

size_t
aura_resampler_process (AuraResampler * r, const float *interleaved,
    size_t in_frames, float *out)
{
  const uint64_t out_rate = r->out_rate;
  float prev = r->prev;
  uint64_t pos = r->pos;
  size_t i, written = 0;

  if (r->factor)
    return decimate (r, interleaved, in_frames, out);
  if (r->in_rate == r->out_rate) {
    /* already at the analysis rate: the mix is all there is to do */
    if (r->channels == 1)
      memcpy (out, interleaved, in_frames * sizeof (float));
    else
      for (i = 0; i < in_frames; i++)
        out[i] = mix (interleaved + i * r->channels, r->channels);
    return in_frames;
  }

  /* Sample i of this call sits at position (i + 1) * out_rate from `prev`; every
   * output position between two input samples is interpolated from them. */
  for (i = 0; i < in_frames; i++) {
    double x = mix (interleaved + i * r->channels, r->channels);
    uint64_t here = (uint64_t) (i + 1) * out_rate;

    if (r->filter) {
      x = aura_biquad_step (&r->lp[0], x);
      x = aura_biquad_step (&r->lp[1], x);
      x = aura_biquad_step (&r->lp[2], x);
      x = aura_biquad_step (&r->lp[3], x);
    }
    while (pos < here) {
      float frac = (float) (pos - (here - out_rate)) / (float) out_rate;
      out[written++] = (float) (prev + frac * (x - prev));
      pos += r->in_rate;
    }
    prev = (float) x;
  }
  r->pos = pos - (uint64_t) in_frames *out_rate;
  r->prev = prev;
  return written;
}
