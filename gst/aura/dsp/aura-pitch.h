/* AURA — pitch (F0) estimation: YIN (de Cheveigné & Kawahara, 2002) on a
 * band-limited (0-1.6 kHz) copy of the 16 kHz analysis signal.
 *
 * Plain C, no GStreamer types. The estimator keeps the last 0.5 s of the signal
 * in rings; the caller pushes samples as they come and asks for an estimate of
 * the window that ends at a given sample, only where there may be voice (so
 * silence costs nothing). The cumulative-mean-normalised difference (CMND) is
 * computed on a 4 kHz lag grid; each of its dips is checked on the 8 kHz grid
 * (a period near a half-integer at 4 kHz hides its dip), and YIN's rule takes the
 * first dip below the absolute threshold; the period is then refined on the 16 kHz
 * signal. An estimate an octave below a recent confident one is moved up when the
 * dip at half its period is nearly as deep (octave-error protection).
 */
#ifndef AURA_PITCH_H
#define AURA_PITCH_H

#include <stddef.h>
#include <stdint.h>

#define AURA_PITCH_RATE 4000    /* internal rate */
#define AURA_PITCH_MIN_HZ 40.0
#define AURA_PITCH_MAX_HZ 800.0

typedef struct AuraPitch AuraPitch;

typedef struct
{
  double f0;                    /* Hz; 0 when unvoiced */
  double periodicity;           /* 1 - CMND at the period: 1 = perfectly periodic */
  double tilt_db;               /* spectral balance of the window: energy over
                                 * the energy of its first difference, dB */
} AuraPitchEstimate;

/* @rate: rate of the pushed signal, a multiple of 2 x AURA_PITCH_RATE (16000);
 * @floor_hz < @ceiling_hz within AURA_PITCH_MIN_HZ..AURA_PITCH_MAX_HZ (a period
 * of at least 5 samples at 4 kHz). NULL if invalid. */
AuraPitch *aura_pitch_new (unsigned rate, double floor_hz, double ceiling_hz);
void aura_pitch_free (AuraPitch * p);
/* Returns 0, or -1 for an invalid range (the old one stays). */
int aura_pitch_set_range (AuraPitch * p, double floor_hz, double ceiling_hz);

/* Appends samples at the pushed rate. */
void aura_pitch_push (AuraPitch * p, const float *x, size_t n);
/* Forgets the signal and the octave history (a discontinuity). */
void aura_pitch_reset (AuraPitch * p);

/* Estimates F0 in the window that ends at pushed sample @end (counted from the
 * creation or the last reset; it must lie within the last 0.25 s pushed).
 * Returns 0 with @out filled, -1 if that window is not available. */
int aura_pitch_estimate (AuraPitch * p, uint64_t end, AuraPitchEstimate * out);

#endif /* AURA_PITCH_H */
