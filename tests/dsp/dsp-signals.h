/* AURA tests — synthetic signals with known answers, shared by the DSP tests. */
#ifndef AURA_DSP_SIGNALS_H
#define AURA_DSP_SIGNALS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* A deterministic uniform generator in [-1, 1) (xorshift32), so every run of a test
 * sees the same noise. */
static inline float
test_noise (uint32_t * state)
{
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return (float) ((double) x / 2147483648.0 - 1.0);
}

/* Speech-like voiced sound: a 140 Hz harmonic series (1/k amplitudes, 20 harmonics
 * below 3.5 kHz) whose envelope rises and falls 4 times a second like syllables,
 * normalised to peak amplitude @peak. Writes @n samples at @rate from phase @t0. */
static inline void
test_voiced (float *out, size_t n, double rate, double peak, size_t t0)
{
  size_t i;
  int k;

  for (i = 0; i < n; i++) {
    double t = (double) (t0 + i) / rate, v = 0.0;
    double env = 0.55 - 0.45 * cos (2.0 * M_PI * 4.0 * t);
    for (k = 1; k <= 20 && 140.0 * k < 3500.0; k++)
      v += sin (2.0 * M_PI * 140.0 * k * t) / k;
    out[i] = (float) (peak * env * v / 1.8);
  }
}

#endif /* AURA_DSP_SIGNALS_H */
