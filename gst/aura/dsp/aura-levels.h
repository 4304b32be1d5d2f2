/* AURA — sample levels: conversion of interleaved samples to float with the
 * sample statistics gathered on the way (sum of squares, peak, clipping, invalid).
 *
 * Plain C, no GStreamer types. One pass over the input does the conversion and the
 * statistics, so the element touches each input sample once.
 */
#ifndef AURA_LEVELS_H
#define AURA_LEVELS_H

#include <stddef.h>
#include <stdint.h>

/* A sample at or above this magnitude counts as clipped: the largest positive
 * 16-bit code, so full-scale samples of every format count alike. */
#define AURA_CLIP_LEVEL (32767.0 / 32768.0)

typedef struct
{
  double sum_squares;           /* over valid samples, all channels */
  double peak;                  /* max |x|, linear */
  uint64_t samples;             /* valid samples counted */
  uint64_t clipped;             /* samples with |x| >= AURA_CLIP_LEVEL */
  uint64_t invalid;             /* NaN or Inf samples, replaced by 0 */
} AuraLevels;

void aura_levels_reset (AuraLevels * acc);
/* Adds @from into @into. */
void aura_levels_merge (AuraLevels * into, const AuraLevels * from);

/* A float sample beyond this magnitude (+120 dBFS) is not audio but garbage: it is
 * treated like NaN. (It also keeps every sum of squares finite.) */
#define AURA_MAX_SAMPLE 1e6

/* Each converts @n samples to float in @out (full scale = 1.0) and adds their
 * statistics to @acc. NaN, Inf and samples beyond AURA_MAX_SAMPLE become 0.0 and
 * are counted as invalid. */
void aura_levels_convert_s16 (const int16_t * in, size_t n, float *out,
    AuraLevels * acc);
void aura_levels_convert_s32 (const int32_t * in, size_t n, float *out,
    AuraLevels * acc);
void aura_levels_convert_f32 (const float *in, size_t n, float *out,
    AuraLevels * acc);
void aura_levels_convert_f64 (const double *in, size_t n, float *out,
    AuraLevels * acc);

/* RMS and peak of @acc in dBFS, floored at AURA_LEVELS_FLOOR_DB (digital silence
 * and anything quieter reads as the floor). */
#define AURA_LEVELS_FLOOR_DB (-120.0)
double aura_levels_rms_db (const AuraLevels * acc);
double aura_levels_peak_db (const AuraLevels * acc);
/* Fraction of valid samples that clipped, 0 when there were none. */
double aura_levels_clip_ratio (const AuraLevels * acc);

/* 20 log10 (x) floored at AURA_LEVELS_FLOOR_DB. */
double aura_amplitude_to_db (double x);

#endif /* AURA_LEVELS_H */
