/* AURA — mono mix and rate conversion. See aura-resample.h. */
#include "aura-resample.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* 8th-order Butterworth: 48 dB down an octave above the cutoff, so what folds into
 * the speech band (below 4 kHz) from above 12 kHz is attenuated by more than 50 dB */
#define LOWPASS_STAGES 4
static const double butterworth8_q[LOWPASS_STAGES] = {
  0.50979558, 0.60134489, 0.89997622, 2.56291545
};

/* double precision: at 192 kHz the poles sit close to z = 1 */
typedef struct
{
  double b0, b1, b2, a1, a2;
  double z1, z2;
} Stage;

struct AuraResampler
{
  unsigned in_rate, out_rate, channels;
  int filter;                   /* low-pass before decimation */
  Stage lp[LOWPASS_STAGES];
  uint64_t pos;                 /* next output position from `prev`, in 1/out_rate */
  float prev;
};

/* Butterworth low-pass biquad (RBJ cookbook) with quality @q. */
static void
design_lowpass (Stage * s, double rate, double cutoff, double q)
{
  double w = 2.0 * M_PI * cutoff / rate;
  double alpha = sin (w) / (2.0 * q), cw = cos (w), a0 = 1.0 + alpha;

  s->b0 = (1.0 - cw) / 2.0 / a0;
  s->b1 = (1.0 - cw) / a0;
  s->b2 = s->b0;
  s->a1 = -2.0 * cw / a0;
  s->a2 = (1.0 - alpha) / a0;
  s->z1 = s->z2 = 0.0;
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
  r->filter = in_rate > out_rate;
  if (r->filter) {
    unsigned i;
    for (i = 0; i < LOWPASS_STAGES; i++)
      design_lowpass (&r->lp[i], in_rate, 0.45 * out_rate, butterworth8_q[i]);
  }
  return r;
}

void
aura_resampler_free (AuraResampler * r)
{
  free (r);
}

void
aura_resampler_reset (AuraResampler * r)
{
  unsigned i;

  for (i = 0; i < LOWPASS_STAGES; i++)
    r->lp[i].z1 = r->lp[i].z2 = 0.0;
  r->pos = 0;
  r->prev = 0.0f;
}

size_t
aura_resampler_max_output (const AuraResampler * r, size_t in_frames)
{
  return (size_t) (((uint64_t) in_frames * r->out_rate) / r->in_rate) + 2;
}

static inline double
lowpass (Stage * s, double x)
{
  double y = s->b0 * x + s->z1;
  s->z1 = s->b1 * x - s->a1 * y + s->z2;
  s->z2 = s->b2 * x - s->a2 * y;
  return y;
}

static inline float
mix (const float *frame, unsigned channels)
{
  float sum = 0.0f;
  unsigned c;

  for (c = 0; c < channels; c++)
    sum += frame[c];
  return sum / (float) channels;
}

size_t
aura_resampler_process (AuraResampler * r, const float *interleaved,
    size_t in_frames, float *out)
{
  const uint64_t out_rate = r->out_rate;
  float prev = r->prev;
  uint64_t pos = r->pos;
  size_t i, written = 0;

  /* Sample i of this call sits at position (i + 1) * out_rate from `prev`; every
   * output position between two input samples is interpolated from them. */
  for (i = 0; i < in_frames; i++) {
    double x = mix (interleaved + i * r->channels, r->channels);
    uint64_t here = (uint64_t) (i + 1) * out_rate;

    if (r->filter) {
      x = lowpass (&r->lp[0], x);
      x = lowpass (&r->lp[1], x);
      x = lowpass (&r->lp[2], x);
      x = lowpass (&r->lp[3], x);
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
