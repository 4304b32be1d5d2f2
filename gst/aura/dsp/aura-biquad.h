/* AURA — second-order sections shared by the DSP modules: RBJ-cookbook low- and
 * high-pass design and the transposed direct form II step, in double precision
 * (at 192 kHz a low cut-off puts the poles close to z = 1). Plain C, header only. */
#ifndef AURA_BIQUAD_H
#define AURA_BIQUAD_H

#include <math.h>

typedef struct
{
  double b0, b1, b2, a1, a2;
  double z1, z2;
} AuraBiquad;

/* A low-pass (@highpass 0) or high-pass section at @cutoff Hz with quality @q
 * (M_SQRT1_2: Butterworth), state cleared. */
static inline void
aura_biquad_design (AuraBiquad * b, double rate, double cutoff, double q,
    int highpass)
{
  double w = 2.0 * M_PI * cutoff / rate;
  double alpha = sin (w) / (2.0 * q), cw = cos (w), a0 = 1.0 + alpha;

  if (highpass) {
    b->b0 = (1.0 + cw) / 2.0 / a0;
    b->b1 = -(1.0 + cw) / a0;
  } else {
    b->b0 = (1.0 - cw) / 2.0 / a0;
    b->b1 = (1.0 - cw) / a0;
  }
  b->b2 = b->b0;
  b->a1 = -2.0 * cw / a0;
  b->a2 = (1.0 - alpha) / a0;
  b->z1 = b->z2 = 0.0;
}

static inline double
aura_biquad_step (AuraBiquad * b, double x)
{
  double y = b->b0 * x + b->z1;
  b->z1 = b->b1 * x - b->a1 * y + b->z2;
  b->z2 = b->b2 * x - b->a2 * y;
  return y;
}

#endif /* AURA_BIQUAD_H */
